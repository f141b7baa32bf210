// Drives an auth server that has the admin plugin, user.changeEmail
// (updateEmailWithoutVerification) and user.deleteUser enabled with the
// official Better Auth client and adminClient() (from
// "better-auth/client/plugins") through the admin routes: list, create,
// get, set role, ban and unban, list and revoke sessions, set password,
// update, impersonate and stop, remove; the refusals of a plain user, of
// no session and of bad input; and the core client's changeEmail and
// deleteUser with a password. It prints what it saw as one JSON document
// on stdout (client-kit.mjs records it). Run against the real Better Auth
// and against the Go server, the two documents must match;
// server/compat_admin_client_test.go compares them.
//
// usage: node admin-scenario.mjs <baseURL>
//
// The caller signs up ada@example.com (password1234) and makes her an
// admin in the database before it runs this script. Ids are never
// compared; who a session belongs to is recorded as a step's "facts"
// (an email, impersonatedBy written as the admin's or another's).

import { format } from "node:util";

const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

const [baseURLArg] = process.argv.slice(2);
if (!baseURLArg) {
	process.stderr.write("usage: node admin-scenario.mjs <baseURL>\n");
	process.exit(2);
}
const baseURL = baseURLArg.replace(/\/+$/, "");

const { adminClient } = await import("better-auth/client/plugins");
const { createKit } = await import("./client-kit.mjs");
const { newClient, step, steps } = createKit(baseURL, { plugins: () => [adminClient()] });

const password = "password1234";
const anon = newClient("anon");
const A = newClient("A"); // the admin
const P = newClient("P"); // a plain user
const Q = newClient("Q"); // the user the admin manages, signed in
// probe is a fresh browser for a sign-in check, so that one that succeeds
// leaves anon without a session.
let probes = 0;
const probe = () => newClient(`probe${++probes}`).client;

// sessionFacts records whose session a getSession answer is.
function sessionFacts(facts, adminId) {
	return async (r) => {
		const s = r.data?.session;
		facts.email = r.data?.user?.email ?? null;
		facts.role = r.data?.user?.role ?? null;
		facts.impersonatedBy = s?.impersonatedBy === undefined ? "undefined" : s.impersonatedBy === null ? null : s.impersonatedBy === adminId() ? "<admin>" : "<other>";
		return r;
	};
}
function withFacts(facts) {
	return { fields: { facts } };
}
async function getSessionStep(name, c, adminId) {
	const facts = {};
	const rec = sessionFacts(facts, adminId);
	return step(name, async () => rec(await c.client.getSession()), withFacts(facts));
}

let adminID = null;
await step("signIn.A", async () => {
	const r = await A.client.signIn.email({ email: "ada@example.com", password });
	adminID = r.data?.user?.id ?? null;
	return r;
});
await getSessionStep("getSession.A", A, () => adminID);
await step("signUp.P", () => P.client.signUp.email({ email: "pat@example.com", password, name: "Pat" }));

// Refusals before anything else.
await step("admin.listUsers.anonymous", () => anon.client.admin.listUsers({ query: {} }));
await step("admin.listUsers.plainUser", () => P.client.admin.listUsers({ query: {} }));
await step("admin.createUser.plainUser", () => P.client.admin.createUser({ email: "x@example.com", password, name: "X" }));
await step("admin.setRole.plainUser", () => P.client.admin.setRole({ userId: "nobody", role: "admin" }));

// create, list, get.
let qID = null;
const createFacts = {};
await step(
	"admin.createUser.ok",
	async () => {
		const r = await A.client.admin.createUser({ email: "quinn@example.com", password, name: "Quinn", role: "user" });
		qID = r.data?.user?.id ?? null;
		createFacts.email = r.data?.user?.email ?? null;
		createFacts.role = r.data?.user?.role ?? null;
		return r;
	},
	withFacts(createFacts),
);
await step("admin.createUser.taken", () => A.client.admin.createUser({ email: "quinn@example.com", password, name: "Quinn" }));
await step("admin.createUser.badEmail", () => A.client.admin.createUser({ email: "not-an-email", password, name: "Bad" }));
await step("admin.createUser.missingName", () => A.client.admin.createUser({ email: "noname@example.com", password }));
const listFacts = {};
await step(
	"admin.listUsers.sorted",
	async () => {
		const r = await A.client.admin.listUsers({ query: { sortBy: "email", sortDirection: "asc" } });
		listFacts.emails = (r.data?.users ?? []).map((u) => u.email);
		listFacts.total = r.data?.total ?? null;
		return r;
	},
	withFacts(listFacts),
);
const pageFacts = {};
await step(
	"admin.listUsers.page",
	async () => {
		const r = await A.client.admin.listUsers({ query: { limit: 1, offset: 1, sortBy: "email", sortDirection: "desc" } });
		pageFacts.emails = (r.data?.users ?? []).map((u) => u.email);
		pageFacts.total = r.data?.total ?? null;
		pageFacts.limit = r.data?.limit ?? null;
		pageFacts.offset = r.data?.offset ?? null;
		return r;
	},
	withFacts(pageFacts),
);
const searchFacts = {};
await step(
	"admin.listUsers.search",
	async () => {
		const r = await A.client.admin.listUsers({ query: { searchValue: "qu", searchField: "email", searchOperator: "starts_with" } });
		searchFacts.emails = (r.data?.users ?? []).map((u) => u.email);
		searchFacts.total = r.data?.total ?? null;
		return r;
	},
	withFacts(searchFacts),
);
await step("admin.listUsers.badSort", () => A.client.admin.listUsers({ query: { sortDirection: "sideways" } }));
await step("admin.getUser.ok", () => A.client.admin.getUser({ query: { id: qID ?? "missing" } }));
await step("admin.getUser.unknown", () => A.client.admin.getUser({ query: { id: "no-such-user" } }));

// set role, ban, sessions.
await step("admin.setRole.ok", () => A.client.admin.setRole({ userId: qID ?? "missing", role: "admin" }));
await step("admin.setRole.back", () => A.client.admin.setRole({ userId: qID ?? "missing", role: "user" }));
await step("admin.setRole.missingUserId", () => A.client.admin.setRole({ role: "user" }));
await step("signIn.Q", () => Q.client.signIn.email({ email: "quinn@example.com", password }));
await step("admin.listUserSessions.one", () => A.client.admin.listUserSessions({ userId: qID ?? "missing" }));
await step("admin.banUser.ok", () => A.client.admin.banUser({ userId: qID ?? "missing", banReason: "spam", banExpiresIn: 3600 }));
await step("admin.banUser.self", () => A.client.admin.banUser({ userId: adminID ?? "missing" }));
await step("getSession.Q.banned", () => Q.client.getSession());
await step("signIn.Q.banned", () => probe().signIn.email({ email: "quinn@example.com", password }));
await step("admin.listUserSessions.afterBan", () => A.client.admin.listUserSessions({ userId: qID ?? "missing" }));
await step("admin.unbanUser.ok", () => A.client.admin.unbanUser({ userId: qID ?? "missing" }));
await step("signIn.Q.again", () => Q.client.signIn.email({ email: "quinn@example.com", password }));
await step("admin.revokeUserSessions.ok", () => A.client.admin.revokeUserSessions({ userId: qID ?? "missing" }));
await step("getSession.Q.revoked", () => Q.client.getSession());

// password, update.
await step("admin.setUserPassword.ok", () => A.client.admin.setUserPassword({ userId: qID ?? "missing", newPassword: "new-password-5678" }));
await step("admin.setUserPassword.tooShort", () => A.client.admin.setUserPassword({ userId: qID ?? "missing", newPassword: "short" }));
await step("signIn.Q.oldPassword", () => probe().signIn.email({ email: "quinn@example.com", password }));
await step("signIn.Q.newPassword", () => Q.client.signIn.email({ email: "quinn@example.com", password: "new-password-5678" }));
const updFacts = {};
await step(
	"admin.updateUser.ok",
	async () => {
		const r = await A.client.admin.updateUser({ userId: qID ?? "missing", data: { name: "Quinn Q" } });
		updFacts.name = r.data?.name ?? null;
		return r;
	},
	withFacts(updFacts),
);
await step("admin.updateUser.empty", () => A.client.admin.updateUser({ userId: qID ?? "missing", data: {} }));

// impersonation.
await step("admin.impersonateUser.ok", () => A.client.admin.impersonateUser({ userId: qID ?? "missing" }));
await getSessionStep("getSession.A.impersonating", A, () => adminID);
await step("admin.listUsers.whileImpersonating", () => A.client.admin.listUsers({ query: {} }));
await step("admin.stopImpersonating.ok", () => A.client.admin.stopImpersonating());
await getSessionStep("getSession.A.afterStop", A, () => adminID);
await step("admin.stopImpersonating.notImpersonating", () => A.client.admin.stopImpersonating());
await step("admin.impersonateUser.unknown", () => A.client.admin.impersonateUser({ userId: "no-such-user" }));

// remove.
await step("admin.removeUser.self", () => A.client.admin.removeUser({ userId: adminID ?? "missing" }));
await step("admin.removeUser.ok", () => A.client.admin.removeUser({ userId: qID ?? "missing" }));
await step("admin.removeUser.again", () => A.client.admin.removeUser({ userId: qID ?? "missing" }));
await step("getSession.Q.removed", () => Q.client.getSession());

// core client: changeEmail, deleteUser.
await step("changeEmail.anonymous", () => anon.client.changeEmail({ newEmail: "pat2@example.com" }));
await step("changeEmail.badEmail", () => P.client.changeEmail({ newEmail: "not-an-email" }));
await step("changeEmail.same", () => P.client.changeEmail({ newEmail: "pat@example.com" }));
await step("changeEmail.ok", () => P.client.changeEmail({ newEmail: "pat2@example.com" }));
await getSessionStep("getSession.P.changed", P, () => adminID);
await step("signIn.P.newEmail", () => probe().signIn.email({ email: "pat2@example.com", password }));
await step("deleteUser.anonymous", () => anon.client.deleteUser({ password }));
await step("deleteUser.wrongPassword", () => P.client.deleteUser({ password: "wrong-password" }));
await step("deleteUser.ok", () => P.client.deleteUser({ password }));
await step("getSession.P.deleted", () => P.client.getSession());
await step("signIn.P.deleted", () => probe().signIn.email({ email: "pat2@example.com", password }));

writeStdout(
	JSON.stringify(
		{
			clients: Object.fromEntries([anon, A, P, Q].map((c) => [c.label, c.jar.names()])),
			steps,
		},
		null,
		1,
	) + "\n",
	() => process.exit(0),
);
