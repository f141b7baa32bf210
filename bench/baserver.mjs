// Better Auth 1.7.25 over HTTP on PostgreSQL, for bench/run.sh.
//
// usage: node bench/baserver.mjs
//
// Environment:
//   DATABASE_URL        postgres://… (required)
//   BETTER_AUTH_SECRET  the secret (required; the Go server gets the same)
//   PORT                port on 127.0.0.1 (default 0: a free one)
//   COOKIE_CACHE        compact|jwt|jwe: Better Auth's session.cookieCache
//                       (default off, so get-session reads the database)
//
// It uses the conformance harness's pinned packages
// (internal/batest/harness/node_modules: better-auth 1.7.25, pg), so the
// benchmark runs exactly the Better Auth the conformance tests check
// against. Better Auth's own migrations run before it listens (core schema,
// no plugins: what `betterauth serve` uses by default). Email and password
// sign-in on, rate limits off, telemetry off, logs at "error".
//
// stdout carries exactly one line, "LISTENING http://127.0.0.1:<port>",
// once requests are accepted. The process exits on SIGTERM/SIGINT or when
// stdin closes, so it never outlives the script that started it.

import { createRequire } from "node:module";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";

const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

const harness = join(dirname(fileURLToPath(import.meta.url)), "..", "internal", "batest", "harness");
const require = createRequire(join(harness, "package.json"));
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);

const url = process.env.DATABASE_URL;
const secret = process.env.BETTER_AUTH_SECRET;
if (!url || !secret) {
	process.stderr.write("baserver: DATABASE_URL and BETTER_AUTH_SECRET are required\n");
	process.exit(2);
}

const { betterAuth } = await load("better-auth");
const { getMigrations } = await load("better-auth/db/migration");
const { toNodeHandler } = await load("better-auth/node");
const pg = (await load("pg")).default;

let handler = (_req, res) => {
	res.writeHead(503, { "content-type": "application/json" });
	res.end('{"message":"starting"}');
};
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve, reject) => {
	server.once("error", reject);
	server.listen(Number(process.env.PORT || 0), "127.0.0.1", resolve);
});
const baseURL = `http://127.0.0.1:${server.address().port}`;

// pg's default pool size (10), as a Better Auth app gets it.
const pool = new pg.Pool({ connectionString: url });
const cache = process.env.COOKIE_CACHE;
const auth = betterAuth({
	database: pool,
	secret,
	baseURL,
	trustedOrigins: [baseURL],
	telemetry: { enabled: false },
	logger: { level: "error" },
	rateLimit: { enabled: false },
	emailAndPassword: { enabled: true },
	session: cache ? { cookieCache: { enabled: true, strategy: cache, maxAge: 300 } } : undefined,
});
await (await getMigrations(auth.options)).runMigrations();
handler = toNodeHandler(auth);

writeStdout(`LISTENING ${baseURL}\n`);

function shutdown() {
	server.close();
	server.closeAllConnections?.();
	pool.end().finally(() => process.exit(0));
	setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
