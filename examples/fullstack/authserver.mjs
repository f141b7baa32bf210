// The frontend's origin: the real Better Auth 1.7.25 on PostgreSQL, serving
// its /api/auth routes and the page (index.html + the better-auth/client
// bundle) on one origin. The Go API (betterauth serve) runs on another port
// or host and reads the same database with the same secret.
//
// usage: node authserver.mjs          migrate, then serve
//        node authserver.mjs migrate  migrate and exit
//
// Environment:
//   DATABASE_URL        PostgreSQL, shared with the Go API (required)
//   BETTER_AUTH_SECRET  shared with the Go API (required)
//   BETTER_AUTH_URL     this server's public origin [http://localhost:$PORT]
//   PORT                listen port on HOST [3000]
//   HOST                listen address [127.0.0.1]
//   LISTEN_FD           serve on this inherited listening socket instead of
//                       HOST:PORT (the Go test passes one, so no port race)
//   API_URL             the Go API's origin the page calls [http://localhost:8080]
//   COOKIE_DOMAIN       turn on Better Auth's crossSubDomainCookies for this
//                       parent domain (e.g. example.com when the page is on
//                       app.example.com and the Go API on api.example.com)
//
// stdout carries one line, "LISTENING <BETTER_AUTH_URL>", once requests are
// served; logs go to stderr. The process exits on SIGTERM/SIGINT, and with
// EXIT_WITH_STDIN=1 also when stdin closes (so it never outlives a test).

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";

import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import * as esbuild from "esbuild";
import pg from "pg";

const here = dirname(fileURLToPath(import.meta.url));
const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

function required(name) {
	const v = process.env[name];
	if (!v) {
		process.stderr.write(`authserver: ${name} is required (see the top of authserver.mjs)\n`);
		process.exit(2);
	}
	return v;
}

const databaseURL = required("DATABASE_URL");
const secret = required("BETTER_AUTH_SECRET");
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "127.0.0.1";
const baseURL = (process.env.BETTER_AUTH_URL || `http://localhost:${port}`).replace(/\/+$/, "");
const apiURL = (process.env.API_URL || "http://localhost:8080").replace(/\/+$/, "");
const cookieDomain = process.env.COOKIE_DOMAIN || "";

const pool = new pg.Pool({ connectionString: databaseURL, max: 5 });
const auth = betterAuth({
	database: pool,
	secret,
	baseURL,
	// The page is served from baseURL itself; list other frontends here.
	trustedOrigins: [baseURL],
	emailAndPassword: { enabled: true },
	telemetry: { enabled: false },
	logger: {
		level: "warn",
		log: (level, message, ...rest) => {
			process.stderr.write(`[better-auth ${level}] ${message}${rest.length ? " " + format(...rest) : ""}\n`);
		},
	},
	// Cookies belong to a host, not a port: on localhost the Go API on
	// another port receives them as they are. Across subdomains
	// (app.example.com → api.example.com) they must be set on the parent
	// domain, which is what crossSubDomainCookies does.
	advanced: cookieDomain ? { crossSubDomainCookies: { enabled: true, domain: cookieDomain } } : {},
});

// Better Auth owns the schema; the Go API only checks it at start.
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
if (process.argv[2] === "migrate") {
	await pool.end();
	process.stderr.write("authserver: migrated\n");
	process.exit(0);
}

// The page's script: better-auth/client bundled for the browser, with the
// Go API's origin compiled in.
const bundle = await esbuild.build({
	entryPoints: [join(here, "src", "app.js")],
	bundle: true,
	format: "esm",
	platform: "browser",
	target: "es2020",
	write: false,
	logLevel: "silent",
	define: { __API_URL__: JSON.stringify(apiURL) },
});
const appJS = bundle.outputFiles[0].contents;
const indexHTML = readFileSync(join(here, "src", "index.html"));

const authHandler = toNodeHandler(auth);
const server = createServer((req, res) => {
	const path = new URL(req.url, baseURL).pathname;
	if (path.startsWith("/api/auth/")) return authHandler(req, res);
	if (req.method !== "GET" && req.method !== "HEAD") {
		res.writeHead(405, { allow: "GET, HEAD" }).end();
		return;
	}
	const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
	if (path === "/" || path === "/index.html") {
		res.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" }).end(indexHTML);
	} else if (path === "/app.js") {
		res.writeHead(200, { ...headers, "content-type": "text/javascript; charset=utf-8" }).end(appJS);
	} else {
		res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
	}
});
await new Promise((resolve, reject) => {
	server.once("error", reject);
	if (process.env.LISTEN_FD) server.listen({ fd: Number(process.env.LISTEN_FD) }, resolve);
	else server.listen(port, host, resolve);
});
writeStdout(`LISTENING ${baseURL}\n`);
process.stderr.write(`authserver: page and /api/auth on ${baseURL}, Go API at ${apiURL}\n`);

function shutdown() {
	server.close();
	server.closeAllConnections?.();
	pool.end().finally(() => process.exit(0));
	setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
if (process.env.EXIT_WITH_STDIN === "1") {
	process.stdin.on("end", shutdown);
	process.stdin.resume();
}
