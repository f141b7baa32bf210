// Drives an auth server that has the username and twoFactor plugins with
// the official Better Auth client and its plugin clients (usernameClient,
// twoFactorClient from "better-auth/client/plugins") through username
// sign-up and sign-in, and two-factor enable, sign-in challenge, TOTP,
// backup codes, attempt limits, trust device and disable, and prints what
// it saw as one JSON document on stdout, as client-scenario.mjs does
// (client-kit.mjs records it). Run against the real Better Auth
// (authserver.mjs with AUTHSERVER_PLUGINS=admin,twoFactor,username) and
// against the Go server, the two documents must match;
// server/compat_plugins_test.go compares them.
//
// usage: node plugin-scenario.mjs <baseURL>
//
// TOTP codes are computed here from the totpURI's secret (RFC 6238: SHA-1,
// 6 digits, 30 s). Values a shape would hide but that must match are
// recorded as a step's "facts" (twoFactorMethods, how many backup codes,
// the totpURI's form).

import { createHmac } from "node:crypto";
import { format } from "node:util";

const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

const [baseURLArg] = process.argv.slice(2);
if (!baseURLArg) {
	process.stderr.write("usage: node plugin-scenario.mjs <baseURL>\n");
	process.exit(2);
}
const baseURL = baseURLArg.replace(/\/+$/, "");

const { twoFactorClient, usernameClient } = await import("better-auth/client/plugins");
const { createKit } = await import("./client-kit.mjs");
const redirects = []; // twoFactorMethods seen by onTwoFactorRedirect
const { newClient, step, steps } = createKit(baseURL, {
	plugins: () => [usernameClient(), twoFactorClient({ onTwoFactorRedirect: ({ twoFactorMethods }) => redirects.push(twoFactorMethods) })],
});

// --- TOTP --------------------------------------------------------------------

function base32Decode(s) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	let bits = 0;
	let value = 0;
	const out = [];
	for (const ch of s.replace(/=+$/, "").toUpperCase()) {
		const i = alphabet.indexOf(ch);
		if (i < 0) throw new Error(`not base32: ${ch}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function totp(uri, offset = 0) {
	const secret = new URL(uri).searchParams.get("secret");
	const counter = Math.floor(Date.now() / 1000 / 30) + offset;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const h = createHmac("sha1", base32Decode(secret)).update(msg).digest();
	const o = h[h.length - 1] & 15;
	const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
	return String(n % 1e6).padStart(6, "0");
}

function wrongCode(uri) {
	const right = new Set([-1, 0, 1].map((o) => totp(uri, o)));
	return ["000000", "111111", "222222", "333333"].find((c) => !right.has(c));
}

// uriForm is a totpURI with the secret and the email written <secret> and
// <email>, the rest as sent.
function uriForm(uri, email) {
	if (typeof uri !== "string") return String(uri);
	const secret = new URL(uri).searchParams.get("secret");
	return uri.split(secret).join("<secret>").split(encodeURIComponent(email)).join("<email>");
}

// withFacts runs fn and adds facts(result) to the step's record.
function withFacts(facts) {
	return { fields: { facts } };
}

// --- username ----------------------------------------------------------------

const password = "password1234";
const anon = newClient("anon");
const U = newClient("U");
const V = newClient("V");

await step("signUp.username.ok", () => U.client.signUp.email({ email: "uma@example.com", password, name: "Uma", username: "Uma_One", displayUsername: "Uma One" }));
await step("signUp.username.taken", () => anon.client.signUp.email({ email: "uma2@example.com", password, name: "Uma", username: "uma_one" }));
await step("signUp.username.tooShort", () => anon.client.signUp.email({ email: "ab@example.com", password, name: "Ab", username: "ab" }));
await step("signUp.username.tooLong", () => anon.client.signUp.email({ email: "long@example.com", password, name: "Long", username: "x".repeat(31) }));
await step("signUp.username.invalid", () => anon.client.signUp.email({ email: "bad@example.com", password, name: "Bad", username: "bad name!" }));
await step("signUp.username.noDisplay", () => V.client.signUp.email({ email: "vic@example.com", password, name: "Vic", username: "vic_two" }));
await step("getSession.V.noDisplay", () => V.client.getSession());
for (const [name, username] of [
	["taken", "UMA_ONE"],
	["free", "free_name"],
	["invalid", "bad name!"],
	["tooShort", "ab"],
]) {
	await step(`isUsernameAvailable.${name}`, () => anon.client.isUsernameAvailable({ username }));
}
const W = newClient("W");
await step("signIn.username.ok", () => W.client.signIn.username({ username: "UMA_ONE", password }));
await step("getSession.W", () => W.client.getSession());
await step("signIn.username.wrongPassword", () => anon.client.signIn.username({ username: "uma_one", password: "wrong-password" }));
await step("signIn.username.unknown", () => anon.client.signIn.username({ username: "nobody_here", password }));
await step("signIn.username.invalid", () => anon.client.signIn.username({ username: "bad name!", password }));
await step("updateUser.username.ok", () => U.client.updateUser({ username: "Uma_New" }));
await step("updateUser.username.taken", () => U.client.updateUser({ username: "VIC_TWO" }));
await step("updateUser.username.tooShort", () => U.client.updateUser({ username: "ab" }));
await step("getSession.U.afterUpdate", () => U.client.getSession());

// --- two-factor --------------------------------------------------------------

const tina = { email: "tina@example.com", password, name: "Tina" };
const T = newClient("T");
await step("signUp.T", () => T.client.signUp.email({ ...tina }));
await step("twoFactor.enable.anonymous", () => anon.client.twoFactor.enable({ password }));
await step("twoFactor.enable.wrongPassword", () => T.client.twoFactor.enable({ password: "wrong-password" }));
let enabled = null;
const enableFacts = {};
await step(
	"twoFactor.enable.ok",
	async () => {
		const r = await T.client.twoFactor.enable({ password });
		enabled = r.data;
		enableFacts.backupCodes = r.data?.backupCodes?.length ?? null;
		enableFacts.backupCodeForm = (r.data?.backupCodes ?? []).map((c) => c.replace(/[A-Za-z0-9]/g, "x")).join(",");
		enableFacts.totpURI = uriForm(r.data?.totpURI, tina.email);
		return r;
	},
	withFacts(enableFacts),
);
const uri = enabled?.totpURI;
const backupCodes = enabled?.backupCodes ?? [];
await step("getSession.T.enabledNotVerified", () => T.client.getSession());
const uriFacts = {};
await step(
	"twoFactor.getTotpUri.ok",
	async () => {
		const r = await T.client.twoFactor.getTotpUri({ password });
		uriFacts.sameURI = r.data?.totpURI === uri;
		return r;
	},
	withFacts(uriFacts),
);
await step("twoFactor.getTotpUri.wrongPassword", () => T.client.twoFactor.getTotpUri({ password: "wrong-password" }));
if (uri) {
	await step("twoFactor.verifyTotp.wrong", () => T.client.twoFactor.verifyTotp({ code: wrongCode(uri) }));
	await step("twoFactor.verifyTotp.ok", () => T.client.twoFactor.verifyTotp({ code: totp(uri) }));
}
await step("getSession.T.enabled", () => T.client.getSession());
await step("signOut.T", () => T.client.signOut());

const challengeFacts = {};
await step(
	"signIn.T.challenge",
	async () => {
		redirects.length = 0;
		const r = await T.client.signIn.email({ email: tina.email, password });
		challengeFacts.twoFactorMethods = r.data?.twoFactorMethods ?? null;
		challengeFacts.onTwoFactorRedirect = redirects.slice();
		return r;
	},
	withFacts(challengeFacts),
);
await step("getSession.T.duringChallenge", () => T.client.getSession());
await step("twoFactor.verifyTotp.challenge.badBody", () => T.client.twoFactor.verifyTotp({ code: 123456 }));
if (uri) {
	await step("twoFactor.verifyTotp.challenge.wrong", () => T.client.twoFactor.verifyTotp({ code: wrongCode(uri) }));
	await step("twoFactor.verifyTotp.challenge.trustDevice", () => T.client.twoFactor.verifyTotp({ code: totp(uri), trustDevice: true }));
}
await step("getSession.T.afterChallenge", () => T.client.getSession());
await step("signOut.T.again", () => T.client.signOut());
await step("signIn.T.trustedDevice", () => T.client.signIn.email({ email: tina.email, password }));
await step("getSession.T.trustedDevice", () => T.client.getSession());

// Backup codes, from another browser (not trusted).
const T2 = newClient("T2");
await step("signIn.T2.challenge", () => T2.client.signIn.email({ email: tina.email, password }));
await step("twoFactor.verifyBackupCode.wrong", () => T2.client.twoFactor.verifyBackupCode({ code: "nope-nope" }));
await step("twoFactor.verifyBackupCode.ok", () => T2.client.twoFactor.verifyBackupCode({ code: backupCodes[0] ?? "missing" }));
await step("getSession.T2.afterBackupCode", () => T2.client.getSession());
const T3 = newClient("T3");
await step("signIn.T3.challenge", () => T3.client.signIn.email({ email: tina.email, password }));
await step("twoFactor.verifyBackupCode.spent", () => T3.client.twoFactor.verifyBackupCode({ code: backupCodes[0] ?? "missing" }));
let fresh = [];
const regenFacts = {};
await step(
	"twoFactor.generateBackupCodes.ok",
	async () => {
		const r = await T2.client.twoFactor.generateBackupCodes({ password });
		fresh = r.data?.backupCodes ?? [];
		regenFacts.backupCodes = fresh.length;
		regenFacts.overlapsOld = fresh.some((c) => backupCodes.includes(c));
		return r;
	},
	withFacts(regenFacts),
);
await step("twoFactor.generateBackupCodes.wrongPassword", () => T2.client.twoFactor.generateBackupCodes({ password: "wrong-password" }));
await step("twoFactor.verifyBackupCode.replaced", () => T3.client.twoFactor.verifyBackupCode({ code: backupCodes[1] ?? "missing" }));
await step("twoFactor.verifyBackupCode.fresh", () => T3.client.twoFactor.verifyBackupCode({ code: fresh[0] ?? "missing" }));
await step("getSession.T3.afterFreshCode", () => T3.client.getSession());

// Attempt limits, for a user of its own: five wrong codes, then the
// challenge is spent even for a right one.
const walt = { email: "walt@example.com", password, name: "Walt" };
const X = newClient("X");
await step("signUp.X", () => X.client.signUp.email({ ...walt }));
const xe = await step("twoFactor.enable.X", () => X.client.twoFactor.enable({ password }));
const xuri = xe.data?.totpURI;
if (xuri) await step("twoFactor.verifyTotp.X", () => X.client.twoFactor.verifyTotp({ code: totp(xuri) }));
const Y = newClient("Y");
await step("signIn.Y.challenge", () => Y.client.signIn.email({ email: walt.email, password }));
if (xuri) {
	for (let i = 1; i <= 5; i++) await step(`twoFactor.verifyTotp.Y.wrong${i}`, () => Y.client.twoFactor.verifyTotp({ code: wrongCode(xuri) }));
	await step("twoFactor.verifyTotp.Y.afterLimit", () => Y.client.twoFactor.verifyTotp({ code: totp(xuri) }));
}
await step("getSession.Y.afterLimit", () => Y.client.getSession());

// Disable.
await step("twoFactor.disable.wrongPassword", () => T2.client.twoFactor.disable({ password: "wrong-password" }));
await step("twoFactor.disable.ok", () => T2.client.twoFactor.disable({ password }));
await step("getSession.T2.afterDisable", () => T2.client.getSession());
const T4 = newClient("T4");
await step("signIn.T4.afterDisable", () => T4.client.signIn.email({ email: tina.email, password }));

writeStdout(
	JSON.stringify(
		{
			clients: Object.fromEntries([anon, U, V, W, T, T2, T3, X, Y, T4].map((c) => [c.label, c.jar.names()])),
			steps,
		},
		null,
		1,
	) + "\n",
	() => process.exit(0),
);
