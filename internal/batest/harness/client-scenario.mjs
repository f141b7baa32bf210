// Drives an auth server with the official Better Auth client
// (createAuthClient from "better-auth/client") through one scenario that
// touches every email-and-password and session route, and prints what it
// saw as one JSON document on stdout. Run against the real Better Auth
// (authserver.mjs) and against the Go server, the two documents must match;
// server/compat_client_test.go compares them.
//
// usage: node client-scenario.mjs <baseURL> [resetTokenSource]
//
// baseURL is the server's origin (http://127.0.0.1:<port>); the client talks
// to <baseURL>/api/auth. resetTokenSource is where password-reset emails
// land: a file of JSON lines {"email","url","token"}, newest last, which
// authserver.mjs's sendResetPassword and the Go test's Mailer append to.
// Without it the reset steps that need the token are left out.
//
// Each client is a browser: a cookie jar (Set-Cookie stored, Cookie sent)
// and Origin: baseURL on every request. For every step the document holds
// the step name, the HTTP status, the shape of the client's data and error
// (keys and JS types, recursively; values dropped except error codes and
// booleans), the error message apart, and for each request the step
// made: method, path, status, content type, the raw body's shape and each
// Set-Cookie's name and attributes (never its value).

import { readFileSync } from "node:fs";
import { format } from "node:util";

const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

const [baseURLArg, resetSource] = process.argv.slice(2);
if (!baseURLArg) {
	process.stderr.write("usage: node client-scenario.mjs <baseURL> [resetTokenSource]\n");
	process.exit(2);
}
const baseURL = baseURLArg.replace(/\/+$/, "");

// The browsers and the step recorder (client-kit.mjs).
const { createKit } = await import("./client-kit.mjs");
const { shape, newClient, step, steps } = createKit(baseURL);

// --- reset emails ------------------------------------------------------------

async function resetEmails() {
	if (!resetSource) return [];
	let text;
	try {
		text = readFileSync(resetSource, "utf8");
	} catch (err) {
		if (err.code === "ENOENT") return [];
		throw err;
	}
	// Only complete lines: the writer may be halfway through the last one.
	const lines = text.split("\n").slice(0, -1);
	return lines.filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

// waitForResetEmail waits until more than `before` emails have arrived (an
// email may be sent in the background after the response) and returns the
// newest, or null after the timeout.
async function waitForResetEmail(before, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = await resetEmails();
		if (list.length > before) return { email: list.at(-1), count: list.length };
		if (Date.now() > deadline) return { email: null, count: list.length };
		await new Promise((r) => setTimeout(r, 25));
	}
}

// resetURLShape replaces the origin and the token of a reset link.
function resetURLShape(url, token) {
	if (typeof url !== "string") return shape(url);
	let s = url;
	if (s.startsWith(baseURL)) s = "<baseURL>" + s.slice(baseURL.length);
	if (token) s = s.split(token).join("<token>");
	return s;
}

// --- the scenario ------------------------------------------------------------

const alice = { email: "alice@example.com", password: "password123", name: "Alice" };
const anon = newClient("anon"); // never signed in: error cases
const A = newClient("A");
const B = newClient("B");
const C = newClient("C");

await step("ok", () => anon.client.$fetch("/ok"));
await step("getSession.anonymous", () => anon.client.getSession());
await step("listSessions.anonymous", () => anon.client.listSessions());
await step("updateUser.anonymous", () => anon.client.updateUser({ name: "Nobody" }));
await step("changePassword.anonymous", () => anon.client.changePassword({ currentPassword: "password123", newPassword: "password456" }));
await step("revokeSession.anonymous", () => anon.client.revokeSession({ token: "no-such-token" }));
await step("revokeSessions.anonymous", () => anon.client.revokeSessions());
await step("revokeOtherSessions.anonymous", () => anon.client.revokeOtherSessions());
await step("signOut.anonymous", () => anon.client.signOut());

await step("signUp.ok", () => A.client.signUp.email({ ...alice }));
await step("signUp.duplicateEmail", () => anon.client.signUp.email({ ...alice }));
await step("signUp.duplicateEmailOtherCase", () => anon.client.signUp.email({ ...alice, email: "ALICE@Example.com" }));
await step("signUp.shortPassword", () => anon.client.signUp.email({ email: "bob@example.com", password: "short", name: "Bob" }));
await step("signUp.longPassword", () => anon.client.signUp.email({ email: "bob@example.com", password: "x".repeat(129), name: "Bob" }));
await step("signUp.badEmail", () => anon.client.signUp.email({ email: "not-an-email", password: "password123", name: "Bob" }));
await step("signUp.missingName", () => anon.client.signUp.email({ email: "bob@example.com", password: "password123" }));
await step("signUp.role", () => anon.client.signUp.email({ email: "bob@example.com", password: "password123", name: "Bob", role: "admin" }));
await step("signUp.nameNotString", () => anon.client.signUp.email({ email: "bob@example.com", password: "password123", name: 42 }));
const carol = newClient("carol");
await step("signUp.rememberMeFalse", () => carol.client.signUp.email({ email: "carol@example.com", password: "password123", name: "Carol", rememberMe: false }));
await step("getSession.carol.rememberMeFalse", () => carol.client.getSession());
await step("getSession.A", () => A.client.getSession());

await step("signIn.wrongPassword", () => anon.client.signIn.email({ email: alice.email, password: "wrong-password" }));
await step("signIn.unknownEmail", () => anon.client.signIn.email({ email: "nobody@example.com", password: "password123" }));
await step("signIn.badEmail", () => anon.client.signIn.email({ email: "not-an-email", password: "password123" }));
await step("signIn.passwordNotString", () => anon.client.signIn.email({ email: alice.email, password: 12345678 }));
// Carol's browser still holds dont_remember from her sign-up.
await step("signIn.carol.rememberMeDefault", () => carol.client.signIn.email({ email: "carol@example.com", password: "password123" }));
await step("getSession.carol.afterRememberMeDefault", () => carol.client.getSession());
await step("updateUser.carol.afterRememberMeDefault", () => carol.client.updateUser({ name: "Carol B" }));
const dave = newClient("dave");
await step("signIn.callbackURL", () => dave.client.signIn.email({ email: "carol@example.com", password: "password123", callbackURL: "/dashboard" }));
await step("signIn.B", () => B.client.signIn.email({ email: alice.email, password: alice.password }));
const signInC = await step("signIn.C.rememberMeFalse", () => C.client.signIn.email({ email: "Alice@Example.com", password: alice.password, rememberMe: false }));
const tokenC = signInC.data?.token;
await step("getSession.C.rememberMeFalse", () => C.client.getSession());
await step("updateUser.C.rememberMeFalse", () => C.client.updateUser({ name: "Alice C" }));
await step("listSessions.A.three", () => A.client.listSessions());

await step("updateUser.nameImage", () => A.client.updateUser({ name: "Alice B", image: "https://example.com/alice.png" }));
await step("updateUser.email", () => A.client.updateUser({ email: "alice2@example.com" }));
// With no fields the client sends GET (its method guess for an empty body).
await step("updateUser.emptyClientDefault", () => A.client.updateUser({}));
await step("updateUser.emptyPost", () => A.client.updateUser({}, { method: "POST" }));
await step("updateUser.imageNull", () => A.client.updateUser({ image: null }));
await step("updateUser.role", () => A.client.updateUser({ role: "admin" }));
await step("updateUser.nameNotString", () => A.client.updateUser({ name: 42 }));
await step("getSession.A.afterUpdate", () => A.client.getSession());

await step("revokeSession.ownOther", () => A.client.revokeSession({ token: tokenC ?? "missing-token-from-signIn.C" }));
await step("getSession.C.afterRevokeSession", () => C.client.getSession());
await step("revokeSession.unknownToken", () => A.client.revokeSession({ token: "no-such-token" }));
await step("listSessions.A.two", () => A.client.listSessions());

await step("changePassword.wrongCurrent", () => A.client.changePassword({ currentPassword: "wrong-password", newPassword: "password456" }));
await step("changePassword.tooShort", () => A.client.changePassword({ currentPassword: alice.password, newPassword: "short" }));
await step("changePassword.ok", () => A.client.changePassword({ currentPassword: alice.password, newPassword: "password456", revokeOtherSessions: true }));
await step("getSession.B.afterChangePassword", () => B.client.getSession());
await step("getSession.A.afterChangePassword", () => A.client.getSession());
await step("changePassword.okKeepSessions", () => A.client.changePassword({ currentPassword: "password456", newPassword: "password789" }));
await step("getSession.A.afterChangePasswordKeep", () => A.client.getSession());

// A second browser signs in, then the first revokes every other session.
await step("signIn.B.oldPassword", () => B.client.signIn.email({ email: alice.email, password: alice.password }));
await step("signIn.B.newPassword", () => B.client.signIn.email({ email: alice.email, password: "password789" }));
await step("listSessions.A.afterBSignIn", () => A.client.listSessions());
await step("revokeOtherSessions", () => A.client.revokeOtherSessions());
await step("getSession.B.afterRevokeOthers", () => B.client.getSession());
await step("getSession.A.afterRevokeOthers", () => A.client.getSession());
await step("listSessions.A.one", () => A.client.listSessions());

await step("signIn.B.third", () => B.client.signIn.email({ email: alice.email, password: "password789" }));
await step("revokeSessions", () => A.client.revokeSessions());
await step("getSession.A.afterRevokeSessions", () => A.client.getSession());
await step("getSession.B.afterRevokeSessions", () => B.client.getSession());
await step("signIn.A.again", () => A.client.signIn.email({ email: alice.email, password: "password789" }));

// Password reset.
const beforeReset = (await resetEmails()).length;
await step("requestPasswordReset.unknownEmail", () => anon.client.requestPasswordReset({ email: "nobody@example.com", redirectTo: "/reset" }));
const afterUnknown = (await resetEmails()).length;
await step("requestPasswordReset.badEmail", () => anon.client.requestPasswordReset({ email: "not-an-email", redirectTo: "/reset" }));
await step("requestPasswordReset.untrustedRedirect", () => anon.client.requestPasswordReset({ email: alice.email, redirectTo: "https://evil.example/reset" }));
const afterUntrusted = (await resetEmails()).length;
let resetToken = null;
let resetInfo = null;
const noRedirect = { fields: { resetEmail: "no reset source" } };
await step(
	"requestPasswordReset.noRedirect",
	async () => {
		const r = await anon.client.requestPasswordReset({ email: "carol@example.com" });
		if (resetSource) {
			const { email } = await waitForResetEmail(afterUntrusted);
			noRedirect.fields.resetEmail = email ? { url: resetURLShape(email.url, email.token) } : "none";
		}
		return r;
	},
	noRedirect,
);
const afterNoRedirect = (await resetEmails()).length;
await step("requestPasswordReset.knownEmail", async () => {
	const r = await anon.client.requestPasswordReset({ email: alice.email, redirectTo: "/reset" });
	if (resetSource) {
		const { email, count } = await waitForResetEmail(afterNoRedirect);
		resetToken = email?.token ?? null;
		resetInfo = {
			emailsForUnknownAddress: afterUnknown - beforeReset,
			emailsForUntrustedRedirect: afterUntrusted - afterUnknown,
			emailsForKnownAddress: count - afterNoRedirect,
			to: email ? (email.email === alice.email ? "alice" : "other") : "none",
			url: email ? resetURLShape(email.url, email.token) : "none",
			tokenShape: typeof email?.token === "string" ? `string(${email.token.length})` : shape(email?.token),
		};
	}
	return r;
});
steps.at(-1).resetEmail = resetInfo ?? "no reset source";

if (resetToken) {
	await step("resetPasswordLink.valid", () => anon.client.$fetch(`/reset-password/${resetToken}`, { query: { callbackURL: "/reset" } }), { token: resetToken });
	await step("resetPasswordLink.badToken", () => anon.client.$fetch("/reset-password/bad-token", { query: { callbackURL: "/reset" } }));
	await step("resetPasswordLink.noCallback", () => anon.client.$fetch(`/reset-password/${resetToken}`), { token: resetToken });
	await step("resetPasswordLink.untrustedCallback", () => anon.client.$fetch(`/reset-password/${resetToken}`, { query: { callbackURL: "https://evil.example/reset" } }), { token: resetToken });
}
await step("resetPassword.badToken", () => anon.client.resetPassword({ newPassword: "password000", token: "bad-token" }));
await step("resetPassword.badTokenShortPassword", () => anon.client.resetPassword({ newPassword: "short", token: "bad-token" }));
await step("resetPassword.missingToken", () => anon.client.resetPassword({ newPassword: "password000" }));
if (resetToken) {
	await step("resetPassword.shortPassword", () => anon.client.resetPassword({ newPassword: "short", token: resetToken }));
	await step("resetPassword.ok", () => anon.client.resetPassword({ newPassword: "password000", token: resetToken }));
	await step("resetPassword.reusedToken", () => anon.client.resetPassword({ newPassword: "password111", token: resetToken }));
	await step("getSession.A.afterReset", () => A.client.getSession());
	await step("signIn.B.beforeResetPassword", () => B.client.signIn.email({ email: alice.email, password: "password789" }));
	await step("signIn.B.afterResetPassword", () => B.client.signIn.email({ email: alice.email, password: "password000" }));
}

// A browser without "remember me" changes the password and revokes the
// other sessions: the new session must stay a browser-session cookie.
const erin = newClient("erin");
await step("signIn.erin.rememberMeFalse", () => erin.client.signIn.email({ email: "carol@example.com", password: "password123", rememberMe: false }));
await step("changePassword.rememberMeFalse.revokeOthers", () =>
	erin.client.changePassword({ currentPassword: "password123", newPassword: "password456", revokeOtherSessions: true }),
);
await step("getSession.erin.afterChangePassword", () => erin.client.getSession());
await step("getSession.dave.afterErinChangePassword", () => dave.client.getSession());

await step("signOut", () => A.client.signOut());
await step("getSession.A.afterSignOut", () => A.client.getSession());
await step("listSessions.A.afterSignOut", () => A.client.listSessions());
await step("signOut.again", () => A.client.signOut());

writeStdout(
	JSON.stringify(
		{
			clients: Object.fromEntries([anon, A, B, C, carol, dave, erin].map((c) => [c.label, c.jar.names()])),
			steps,
		},
		null,
		1,
	) + "\n",
	// Exit only once the document is flushed: stdout is a pipe, written
	// asynchronously, and fetch's keep-alive sockets would hold the process.
	() => process.exit(0),
);
