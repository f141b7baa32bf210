// A real Better Auth HTTP server, for tests that drive it over the network
// with the official client (see client-scenario.mjs and the Go test
// server/compat_client_test.go).
//
// usage: node authserver.mjs <sqlite-file> [reset-file]
//
// The secret is BETTER_AUTH_SECRET (a fixed test secret when unset), or
// BETTER_AUTH_SECRETS (versioned, read by Better Auth itself). Better
// Auth runs on node:http at 127.0.0.1 on a free port, with baseURL and the
// only trusted origin http://127.0.0.1:<port>, email and password sign-in,
// rate limits off, and the admin and twoFactor plugins. Its migrations run
// before it listens.
//
// AUTHSERVER_PLUGINS, when set, replaces the plugin list: comma-separated
// names among admin, twoFactor, username and genericOAuth, in that order of
// installation as given. AUTHSERVER_PLUGIN_OPTIONS is a JSON object of each plugin's
// options by name ({"username":{"minUsernameLength":5}}).
// AUTHSERVER_ADDITIONAL_FIELDS is a JSON object given as
// user.additionalFields ({"plan":{"type":"string","required":true,
// "defaultValue":"free"}}); the migrations create its columns.
// AUTHSERVER_ACCOUNT is a JSON object given as the account option
// ({"encryptOAuthTokens":true}).
//
// AUTHSERVER_USER is a JSON object merged into the user option
// ({"deleteUser":{"enabled":true}}); deleteUser.sendDeleteAccountVerification
// true becomes a function that appends {"kind":"delete-account-verification",
// "email","url","token"} to reset-file (or stderr). AUTHSERVER_SESSION is a
// JSON object given as the session option ({"deferSessionRefresh":true}).
//
// The database argument may also be a postgres:// or mysql:// URL (a pg or
// mysql2 pool; MySQL in UTC) instead of a SQLite file.
//
// AUTHSERVER_EMAIL_VERIFICATION, when set, is a JSON object given as
// emailVerification ({"sendOnSignUp":true,"expiresIn":600}) with a
// sendVerificationEmail that appends {"kind":"email-verification","email",
// "url","token"} to reset-file (or stderr).
//
// AUTHSERVER_RATE_LIMIT, when set, is a JSON object given as rateLimit
// ({"enabled":true}); rate limits are off otherwise. AUTHSERVER_ADVANCED is
// a JSON object given as advanced ({"cookiePrefix":"myapp",
// "useSecureCookies":true}). AUTHSERVER_REDIS, a JSON object
// {"redisURL","keyPrefix"}, gives Better Auth @better-auth/redis-storage's
// redisStorage over ioredis as secondaryStorage (sessions and verification
// values then live only in Redis).
//
// When AUTHSERVER_PLUGIN_OPTIONS has twoFactor.otpOptions, its sendOTP is
// added: each code becomes {"kind":"two-factor-otp","email","otp"}
// appended to reset-file (or stderr).
//
// Every password-reset email becomes one JSON line {"email","url","token"}
// appended to reset-file, or written to stderr when no file is given.
//
// stdout carries exactly one line, "LISTENING http://127.0.0.1:<port>",
// once the server accepts requests; everything else goes to stderr. The
// process exits on SIGTERM/SIGINT or when stdin closes, so it never
// outlives the test that started it.

import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { format } from "node:util";

const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

const [dbPath, resetFile] = process.argv.slice(2);
if (!dbPath) {
	process.stderr.write("usage: node authserver.mjs <sqlite-file> [reset-file]\n");
	process.exit(2);
}
// With BETTER_AUTH_SECRETS Better Auth reads the versioned secrets itself and
// BETTER_AUTH_SECRET, when set, is only its legacy secret: no fixed secret
// is put in its place then.
const secret = process.env.BETTER_AUTH_SECRETS
	? process.env.BETTER_AUTH_SECRET || undefined
	: process.env.BETTER_AUTH_SECRET || "authserver-test-secret-0123456789abcdef";

const { betterAuth } = await import("better-auth");
const { getMigrations } = await import("better-auth/db/migration");
const { toNodeHandler } = await import("better-auth/node");
const { admin, twoFactor, username, genericOAuth } = await import("better-auth/plugins");
const Database = (await import("better-sqlite3")).default;

// Listen first: baseURL must name the port, and Better Auth is built with it.
let handler = (_req, res) => {
	res.writeHead(503, { "content-type": "application/json" });
	res.end('{"message":"starting"}');
};
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve, reject) => {
	server.once("error", reject);
	server.listen(0, "127.0.0.1", resolve);
});
const baseURL = `http://127.0.0.1:${server.address().port}`;

const pluginFactories = { admin, twoFactor, username, genericOAuth };
const pluginOptions = JSON.parse(process.env.AUTHSERVER_PLUGIN_OPTIONS || "{}") ?? {};
const pluginNames = (process.env.AUTHSERVER_PLUGINS ?? "admin,twoFactor")
	.split(",")
	.map((n) => n.trim())
	.filter(Boolean);
const plugins = pluginNames.map((name) => {
	const factory = pluginFactories[name];
	if (!factory) {
		process.stderr.write(`authserver.mjs: unknown plugin ${JSON.stringify(name)} in AUTHSERVER_PLUGINS\n`);
		process.exit(2);
	}
	let opts = pluginOptions[name];
	if (name === "twoFactor" && opts?.otpOptions) {
		opts = {
			...opts,
			otpOptions: {
				...opts.otpOptions,
				sendOTP: async ({ user, otp }) => {
					mailLine(JSON.stringify({ kind: "two-factor-otp", email: user.email, otp }) + "\n");
				},
			},
		};
	}
	return factory(opts);
});

const additionalFields = JSON.parse(process.env.AUTHSERVER_ADDITIONAL_FIELDS || "null");
const accountOptions = JSON.parse(process.env.AUTHSERVER_ACCOUNT || "null");

const emailVerification = JSON.parse(process.env.AUTHSERVER_EMAIL_VERIFICATION || "null");
const mailLine = (line) => {
	if (resetFile) appendFileSync(resetFile, line);
	else process.stderr.write(line);
};
const rateLimit = JSON.parse(process.env.AUTHSERVER_RATE_LIMIT || "null") ?? { enabled: false };
const advanced = JSON.parse(process.env.AUTHSERVER_ADVANCED || "null");
const redisConfig = JSON.parse(process.env.AUTHSERVER_REDIS || "null");
let secondaryStorage = null;
let redisClient = null;
if (redisConfig) {
	const { Redis } = await import("ioredis");
	const { redisStorage } = await import("@better-auth/redis-storage");
	redisClient = new Redis(redisConfig.redisURL, { maxRetriesPerRequest: 1 });
	redisClient.on("error", (err) => process.stderr.write(`authserver.mjs: redis: ${err?.message ?? err}\n`));
	await redisClient.ping();
	secondaryStorage = redisStorage(typeof redisConfig.keyPrefix === "string" ? { client: redisClient, keyPrefix: redisConfig.keyPrefix } : { client: redisClient });
}

const userOptions = JSON.parse(process.env.AUTHSERVER_USER || "null");
if (userOptions?.deleteUser?.sendDeleteAccountVerification === true) {
	userOptions.deleteUser.sendDeleteAccountVerification = async ({ user, url, token }) => {
		mailLine(JSON.stringify({ kind: "delete-account-verification", email: user.email, url, token }) + "\n");
	};
}
const sessionOptions = JSON.parse(process.env.AUTHSERVER_SESSION || "null");

let db;
if (/^postgres(ql)?:\/\//.test(dbPath)) {
	const pg = (await import("pg")).default;
	db = new pg.Pool({ connectionString: dbPath });
} else if (dbPath.startsWith("mysql://")) {
	const mysql = (await import("mysql2/promise")).default;
	db = mysql.createPool({ uri: dbPath, timezone: "Z" });
} else {
	db = new Database(dbPath);
}
const auth = betterAuth({
	database: db,
	secret,
	baseURL,
	trustedOrigins: [baseURL],
	telemetry: { enabled: false },
	logger: {
		level: "warn",
		log: (level, message, ...rest) => {
			process.stderr.write(`[better-auth ${level}] ${message}${rest.length ? " " + format(...rest) : ""}\n`);
		},
	},
	rateLimit,
	...(advanced ? { advanced } : {}),
	...(secondaryStorage ? { secondaryStorage } : {}),
	emailAndPassword: {
		enabled: true,
		sendResetPassword: async ({ user, url, token }) => {
			const line = JSON.stringify({ email: user.email, url, token }) + "\n";
			if (resetFile) appendFileSync(resetFile, line);
			else process.stderr.write(line);
		},
	},
	plugins,
	...(emailVerification
		? {
				emailVerification: {
					...emailVerification,
					sendVerificationEmail: async ({ user, url, token }) => {
						mailLine(JSON.stringify({ kind: "email-verification", email: user.email, url, token }) + "\n");
					},
				},
			}
		: {}),
	...(additionalFields || userOptions ? { user: { ...(userOptions || {}), ...(additionalFields ? { additionalFields } : {}) } } : {}),
	...(sessionOptions ? { session: sessionOptions } : {}),
	...(accountOptions ? { account: accountOptions } : {}),
});
const migrations = await getMigrations(auth.options);
await migrations.runMigrations();
handler = toNodeHandler(auth);

writeStdout(`LISTENING ${baseURL}\n`);

function shutdown() {
	server.close();
	server.closeAllConnections?.();
	try {
		if (typeof db.end === "function") db.end();
		else db.close();
	} catch {}
	redisClient?.disconnect();
	process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
