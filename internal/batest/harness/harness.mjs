// Conformance harness: runs the real better-auth (version pinned in
// package.json) against PostgreSQL, MySQL/MariaDB or SQLite and is driven by
// the Go package internal/batest over a JSON-lines protocol.
//
// stdin:  one request per line   {"id":N,"op":"...","args":{...}}
// stdout: one response per line  {"id":N,"ok":true,"result":...}
//                             or {"id":N,"ok":false,"error":"message"}
//
// Requests are handled strictly one after another, in the order received.
// stdout carries nothing but protocol lines: every console method and Better
// Auth's logger write to stderr. A bad request never crashes the process; it
// is answered with ok:false. The process exits on the "close" op or when
// stdin reaches EOF.
//
// See ../doc.go for the list of ops and their argument/result shapes.

import { createInterface } from "node:readline";
import { format } from "node:util";

// --- keep stdout clean -------------------------------------------------------
// Grab the real stdout writer first, then route every console method to
// stderr so that no library can corrupt the protocol stream.
const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}
process.on("unhandledRejection", (err) => {
	process.stderr.write(`[harness] unhandled rejection: ${err?.stack ?? err}\n`);
});
process.on("uncaughtException", (err) => {
	process.stderr.write(`[harness] uncaught exception: ${err?.stack ?? err}\n`);
});

const { betterAuth } = await import("better-auth");
const { getMigrations } = await import("better-auth/db/migration");
const { hashPassword, verifyPassword, symmetricEncrypt, symmetricDecrypt } = await import("better-auth/crypto");

// symmetricKey turns {secret} or {secrets: [{version, value}], legacySecret?}
// into the key better-auth/crypto's symmetricEncrypt/Decrypt take.
function symmetricKey(a) {
	if (typeof a.secret === "string") return a.secret;
	return {
		keys: new Map(a.secrets.map((s) => [s.version, s.value])),
		currentVersion: a.secrets[0].version,
		legacySecret: a.legacySecret || undefined,
	};
}
const plugins = await import("better-auth/plugins");
const { createAccessControl, role: acRole } = await import("better-auth/plugins/access");
const { serializeSignedCookie } = await import("better-call");
const { apiKey } = await import("@better-auth/api-key");

// --- state -------------------------------------------------------------------
let auth = null; // the betterAuth instance
let closeDB = async () => {}; // closes the current pool / database handle
let closeRedis = async () => {}; // closes the secondary-storage Redis client
let secret = null;
let baseURL = "http://localhost:3000";
// Captured out-of-band messages (emails, OTPs), newest last, by kind.
const captured = { resetPassword: [], verificationEmail: [], twoFactorOTP: [], changeEmailConfirmation: [] };
// Secondary-storage calls, oldest first, when init's secondaryStorage.log is
// true (read and cleared by the storageLog op).
let storageLog = [];

// --- helpers -----------------------------------------------------------------
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// revive turns every string shaped exactly like Date.prototype.toISOString()
// output (anywhere inside v) into a Date.
function revive(v) {
	if (typeof v === "string") return ISO_DATE.test(v) ? new Date(v) : v;
	if (Array.isArray(v)) return v.map(revive);
	if (v !== null && typeof v === "object") {
		const out = {};
		for (const [k, x] of Object.entries(v)) out[k] = revive(x);
		return out;
	}
	return v;
}

function isPlainObject(v) {
	return v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

// deepMerge merges plain objects from src into dst (src wins); arrays and
// everything else are replaced.
function deepMerge(dst, src) {
	if (!isPlainObject(src)) return dst;
	for (const [k, v] of Object.entries(src)) {
		if (isPlainObject(v) && isPlainObject(dst[k])) dst[k] = deepMerge({ ...dst[k] }, v);
		else dst[k] = v;
	}
	return dst;
}

function requireAuth() {
	if (!auth) throw new Error("not initialised: send init first");
	return auth;
}

// JSON replacer: Dates already serialise via toJSON; make BigInt safe.
function replacer(_k, v) {
	return typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
}

// --- database ----------------------------------------------------------------
async function openDatabase(dialect, url) {
	switch (dialect) {
		case "postgres": {
			const pg = (await import("pg")).default;
			const pool = new pg.Pool({ connectionString: url, max: 5 });
			return { database: pool, close: () => pool.end() };
		}
		case "mysql": {
			// Accepts mysql://user[:pass]@host[:port]/db (what testdb.MySQL returns).
			const mysql = (await import("mysql2/promise")).default;
			const u = new URL(url);
			if (u.protocol !== "mysql:") throw new Error(`mysql url must start with mysql://, got ${url}`);
			const pool = mysql.createPool({
				host: u.hostname,
				port: u.port ? Number(u.port) : 3306,
				user: decodeURIComponent(u.username),
				password: u.password ? decodeURIComponent(u.password) : undefined,
				database: decodeURIComponent(u.pathname.replace(/^\//, "")),
				timezone: "Z",
				connectionLimit: 5,
			});
			return { database: pool, close: () => pool.end() };
		}
		case "sqlite": {
			const Database = (await import("better-sqlite3")).default;
			const db = new Database(url);
			return { database: db, close: async () => db.close() };
		}
		default:
			throw new Error(`unknown dialect ${JSON.stringify(dialect)} (want postgres, mysql or sqlite)`);
	}
}

// --- secondary storage -------------------------------------------------------
// openSecondaryStorage builds @better-auth/redis-storage's redisStorage over an
// ioredis client. keyPrefix is passed only when it is a string, so that
// omitting it keeps the package's own default ("better-auth:"). With log,
// every call is recorded in storageLog before it runs.
async function openSecondaryStorage(cfg) {
	if (typeof cfg?.redisURL !== "string" || cfg.redisURL === "") throw new Error("init: secondaryStorage.redisURL is required");
	const { Redis } = await import("ioredis");
	const { redisStorage } = await import("@better-auth/redis-storage");
	const client = new Redis(cfg.redisURL, { lazyConnect: true, maxRetriesPerRequest: 1 });
	// Surface a wrong URL or a stopped server now, not on the first request.
	client.on("error", (err) => process.stderr.write(`[harness] redis: ${err?.message ?? err}\n`));
	try {
		await client.connect();
		await client.ping();
	} catch (err) {
		client.disconnect();
		throw new Error(`init: secondaryStorage: cannot reach Redis at ${cfg.redisURL}: ${err?.message ?? err}`);
	}
	const storage = redisStorage(typeof cfg.keyPrefix === "string" ? { client, keyPrefix: cfg.keyPrefix } : { client });
	const close = async () => {
		await client.quit().catch(() => client.disconnect());
	};
	if (!cfg.log) return { storage, close };
	const logged = { ...storage };
	for (const op of ["get", "set", "delete", "getAndDelete", "increment"]) {
		logged[op] = async (...args) => {
			const entry = { op, key: args[0] };
			if (op === "set") {
				entry.value = args[1];
				entry.ttl = args[2] ?? null;
			} else if (op === "increment") entry.ttl = args[1] ?? null;
			storageLog.push(entry);
			return storage[op](...args);
		};
	}
	return { storage: logged, close };
}

// --- plugins -----------------------------------------------------------------
function buildPlugins(names, pluginOptions, capture) {
	const out = [];
	for (const name of names ?? []) {
		const opts = { ...(pluginOptions?.[name] ?? {}) };
		// JSON cannot carry role objects: rolesStatements {name: statements}
		// and acStatements become createAccessControl(acStatements) roles.
		if (opts.rolesStatements || opts.acStatements) {
			const ac = createAccessControl(opts.acStatements ?? {});
			if (opts.acStatements) opts.ac = ac;
			if (opts.rolesStatements) {
				opts.roles = Object.fromEntries(
					Object.entries(opts.rolesStatements).map(([n, st]) => [n, ac.newRole(st)]),
				);
			}
			delete opts.rolesStatements;
			delete opts.acStatements;
		}
		switch (name) {
			case "admin":
				out.push(plugins.admin(opts));
				break;
			case "organization":
				out.push(plugins.organization(opts));
				break;
			case "jwt":
				out.push(plugins.jwt(opts));
				break;
			case "username":
				out.push(plugins.username(opts));
				break;
			case "bearer":
				out.push(plugins.bearer(opts));
				break;
			case "twoFactor":
				// otpOptions.sendOTP is only installed when asked for (capture
				// includes "twoFactorOTP"): its presence changes Better Auth's
				// behaviour (twoFactorMethods gains "otp").
				if (capture.includes("twoFactorOTP")) {
					opts.otpOptions = {
						...(opts.otpOptions ?? {}),
						sendOTP: async ({ user, otp }) => {
							captured.twoFactorOTP.push({ user, otp });
						},
					};
				}
				out.push(plugins.twoFactor(opts));
				break;
			case "apiKey":
				// @better-auth/api-key (a separate package since 1.5). Its
				// options may be one configuration or an array of them, so
				// they are passed as given rather than copied.
				out.push(apiKey(pluginOptions?.apiKey));
				break;
			default:
				throw new Error(`unknown plugin ${JSON.stringify(name)}`);
		}
	}
	return out;
}

// --- ops ---------------------------------------------------------------------
const ops = {
	// role(statements).authorize(request, connector) from
	// better-auth/plugins/access; an exception is returned as {thrown}.
	async authorize(a) {
		try {
			return acRole(a.statements).authorize(a.request, a.connector);
		} catch (e) {
			return { thrown: String(e?.message ?? e) };
		}
	},
	async init(a) {
		if (auth) {
			// Re-initialisation: drop the previous instance, its pool and its
			// Redis client.
			await closeDB().catch(() => {});
			await closeRedis().catch(() => {});
			closeDB = closeRedis = async () => {};
			auth = null;
		}
		if (typeof a.secret !== "string" || a.secret === "") throw new Error("init: secret is required");
		secret = a.secret;
		baseURL = a.baseURL || "http://localhost:3000";
		for (const k of Object.keys(captured)) captured[k] = [];
		storageLog = [];
		const capture = a.capture ?? [];
		for (const k of capture) {
			if (!Object.hasOwn(captured, k)) throw new Error(`init: unknown capture kind ${JSON.stringify(k)}`);
		}
		const { database, close } = await openDatabase(a.dialect, a.url);
		closeDB = close;
		let secondaryStorage;
		if (a.secondaryStorage) {
			let opened;
			try {
				opened = await openSecondaryStorage(a.secondaryStorage);
			} catch (err) {
				await closeDB().catch(() => {});
				closeDB = async () => {};
				throw err;
			}
			secondaryStorage = opened.storage;
			closeRedis = opened.close;
		}

		const options = {
			database,
			secret: a.secret,
			baseURL,
			trustedOrigins: a.trustedOrigins ?? [baseURL],
			telemetry: { enabled: false },
			logger: {
				level: a.logLevel ?? "warn",
				log: (level, message, ...rest) => {
					process.stderr.write(`[better-auth ${level}] ${message}${rest.length ? " " + format(...rest) : ""}\n`);
				},
			},
			rateLimit: { enabled: a.rateLimit === true },
			emailAndPassword: {
				...(a.emailAndPassword ?? {}),
				enabled: true,
				sendResetPassword: async ({ user, url, token }) => {
					captured.resetPassword.push({ user, url, token });
				},
			},
			emailVerification: { ...(a.emailVerification ?? {}) },
			advanced: { ...(a.advanced ?? {}), database: { ...(a.advanced?.database ?? {}) } },
			plugins: buildPlugins(a.plugins, a.pluginOptions, capture),
		};
		if (secondaryStorage) options.secondaryStorage = secondaryStorage;
		if (a.additionalFields) options.user = { additionalFields: a.additionalFields };
		const session = { ...(a.session ?? {}) };
		if (a.cookieCache) session.cookieCache = { enabled: true, ...a.cookieCache };
		if (Object.keys(session).length) options.session = session;
		// Escape hatch: arbitrary JSON-expressible options, deep-merged last.
		if (a.options) deepMerge(options, a.options);

		// Like otpOptions.sendOTP, a sendVerificationEmail callback changes
		// behaviour (e.g. /send-verification-email fails without one), so it is
		// installed only when capture includes "verificationEmail".
		if (capture.includes("verificationEmail")) {
			options.emailVerification.sendVerificationEmail = async ({ user, url, token }) => {
				captured.verificationEmail.push({ user, url, token });
			};
		}

		// user.changeEmail.sendChangeEmailConfirmation, likewise only when
		// asked for: with it, a verified user's change-email mails the
		// current address first.
		if (capture.includes("changeEmailConfirmation")) {
			options.user = options.user ?? {};
			options.user.changeEmail = {
				enabled: true,
				...(options.user.changeEmail ?? {}),
				sendChangeEmailConfirmation: async ({ user, newEmail, url, token }) => {
					captured.changeEmailConfirmation.push({ user, newEmail, url, token });
				},
			};
		}

		auth = betterAuth(options);
		await auth.$context; // surface configuration errors now
		return { baseURL };
	},

	async compileMigrations(a) {
		const m = await getMigrations(requireAuth().options, { throwOnUnsafe: a?.throwOnUnsafe ?? true });
		return { sql: await m.compileMigrations() };
	},

	async migrate(a) {
		const m = await getMigrations(requireAuth().options, { throwOnUnsafe: a?.throwOnUnsafe ?? true });
		const sql = await m.compileMigrations();
		await m.runMigrations();
		return { sql };
	},

	async request(a) {
		const au = requireAuth();
		const headers = new Headers();
		for (const [k, v] of Object.entries(a.headers ?? {})) headers.set(k, String(v));
		if (!headers.has("origin")) headers.set("origin", baseURL);
		const method = (a.method || "GET").toUpperCase();
		let body;
		if (typeof a.rawBody === "string") {
			body = a.rawBody;
		} else if (a.body !== undefined && a.body !== null) {
			body = JSON.stringify(a.body);
			if (!headers.has("content-type")) headers.set("content-type", "application/json");
		}
		const req = new Request(new URL(a.path, baseURL).toString(), { method, headers, body, redirect: "manual" });
		const res = await au.handler(req);
		const outHeaders = {};
		res.headers.forEach((value, name) => {
			if (name !== "set-cookie") outHeaders[name] = value;
		});
		const text = await res.text();
		let parsed = null;
		if (text !== "") {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = null;
			}
		}
		return { status: res.status, headers: outHeaders, setCookie: res.headers.getSetCookie(), body: parsed, text };
	},

	// Calls a server-side endpoint, auth.api[method]({ body, headers }),
	// e.g. the jwt plugin's serverOnly verifyJWT and signJWT.
	async api(a) {
		const fn = requireAuth().api[a.method];
		if (typeof fn !== "function") throw new Error(`auth.api has no method ${JSON.stringify(a.method)}`);
		const headers = new Headers();
		for (const [k, v] of Object.entries(a.headers ?? {})) headers.set(k, String(v));
		return (await fn({ body: a.body, headers })) ?? null;
	},

	async hashPassword(a) {
		return { hash: await hashPassword(a.password) };
	},

	async symmetricEncrypt(a) {
		return { data: await symmetricEncrypt({ key: symmetricKey(a), data: a.data }) };
	},

	async symmetricDecrypt(a) {
		return { data: await symmetricDecrypt({ key: symmetricKey(a), data: a.data }) };
	},

	async verifyPassword(a) {
		return { ok: await verifyPassword({ hash: a.hash, password: a.password }) };
	},

	async internal(a) {
		const ctx = await requireAuth().$context;
		const fn = ctx.internalAdapter[a.method];
		if (typeof fn !== "function") throw new Error(`internalAdapter has no method ${JSON.stringify(a.method)}`);
		return (await fn.apply(ctx.internalAdapter, revive(a.args ?? []))) ?? null;
	},

	async adapter(a) {
		const ctx = await requireAuth().$context;
		const fn = ctx.adapter[a.method];
		if (typeof fn !== "function") throw new Error(`adapter has no method ${JSON.stringify(a.method)}`);
		return (await fn.call(ctx.adapter, revive(a.args ?? {}))) ?? null;
	},

	// Calls a server-side endpoint, auth.api[method]({ body }): the way to
	// reach server-only routes (e.g. the api-key plugin's verifyApiKey).
	async api(a) {
		const fn = requireAuth().api[a.method];
		if (typeof fn !== "function") throw new Error(`auth.api has no method ${JSON.stringify(a.method)}`);
		return (await fn({ body: revive(a.body ?? {}) })) ?? null;
	},

	// Signs a cookie value with better-call's own serializeSignedCookie (the
	// function Better Auth's ctx.setSignedCookie uses), which produces
	// encodeURIComponent(value + "." + base64(HMAC-SHA256(secret, value))),
	// then strips the "name=" prefix it adds.
	async signCookie(a) {
		const s = a.secret ?? secret;
		if (!s) throw new Error("signCookie: no secret (send init first or pass args.secret)");
		const serialized = await serializeSignedCookie("x", String(a.value), s, {});
		return { cookie: serialized.slice("x=".length) };
	},

	async lastResetEmail() {
		return captured.resetPassword.at(-1) ?? null;
	},

	async lastCaptured(a) {
		const list = captured[a.kind];
		if (!list) throw new Error(`unknown capture kind ${JSON.stringify(a.kind)} (want ${Object.keys(captured).join(", ")})`);
		return list.at(-1) ?? null;
	},

	async storageLog(a) {
		const out = storageLog;
		if (a?.clear !== false) storageLog = [];
		return out;
	},

	async close() {
		await closeDB().catch((err) => process.stderr.write(`[harness] close: ${err?.stack || err}\n`));
		await closeRedis().catch((err) => process.stderr.write(`[harness] close redis: ${err?.stack || err}\n`));
		closeDB = closeRedis = async () => {};
		auth = null;
		return null;
	},
};

// --- main loop ---------------------------------------------------------------
function send(msg) {
	let line;
	try {
		line = JSON.stringify(msg, replacer);
	} catch (err) {
		line = JSON.stringify({ id: msg.id, ok: false, error: `cannot encode result: ${err?.message ?? err}` });
	}
	writeStdout(line + "\n");
}

async function handle(line) {
	let req;
	try {
		req = JSON.parse(line);
	} catch (err) {
		send({ id: null, ok: false, error: `bad request line: ${err.message}` });
		return;
	}
	const id = req?.id ?? null;
	const op = ops[req?.op];
	if (!Object.hasOwn(ops, req?.op ?? "") || typeof op !== "function") {
		send({ id, ok: false, error: `unknown op ${JSON.stringify(req?.op)}` });
		return;
	}
	try {
		const result = await op(req.args ?? {});
		send({ id, ok: true, result: result === undefined ? null : result });
	} catch (err) {
		process.stderr.write(`[harness] op ${req.op} failed: ${err?.stack || err}\n`);
		let message = err?.message || String(err);
		if (err?.body?.message && err.body.message !== message) message += ` (${err.body.message})`;
		send({ id, ok: false, error: message });
	}
	if (req.op === "close") {
		process.stdout.write("", () => process.exit(0));
	}
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();
rl.on("line", (line) => {
	if (line.trim() === "") return;
	queue = queue.then(() => handle(line));
});
rl.on("close", () => {
	queue.then(() => ops.close()).finally(() => process.exit(0));
});
