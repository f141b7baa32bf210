// Reads a JSON array of cases on stdin, each {options, env}, and prints one
// JSON line per case: the cookie names, base URL and trusted origins that
// betterAuth({...options}) resolves with env as its environment (every
// variable named in env set, or unset when its value is ""), or the error
// it refuses to start with. Better Auth reads NODE_ENV once, when it is
// loaded: it comes from this process's environment and must not be in
// env. Used by conformance's TestCookieNamesAndBaseURLMatchBetterAuth.

import { readFileSync } from "node:fs";

const { betterAuth } = await import("better-auth");
const cases = JSON.parse(readFileSync(0, "utf8"));
for (const { options = {}, env = {} } of cases) {
	for (const [name, value] of Object.entries(env)) {
		if (value === "") delete process.env[name];
		else process.env[name] = value;
	}
	let out;
	try {
		const auth = betterAuth({ secret: "cookienames-secret-0123456789abcdefghij", logger: { disabled: true }, ...options });
		const ctx = await auth.$context;
		out = {
			sessionToken: ctx.authCookies.sessionToken.name,
			sessionData: ctx.authCookies.sessionData.name,
			baseURL: ctx.baseURL,
			trustedOrigins: ctx.trustedOrigins,
		};
	} catch (e) {
		out = { error: String(e?.message ?? e) };
	}
	process.stdout.write(JSON.stringify(out) + "\n");
}
