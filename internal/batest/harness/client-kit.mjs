// The recording machinery of the client scenarios (client-scenario.mjs,
// plugin-scenario.mjs): browsers built on the official Better Auth client
// (createAuthClient from "better-auth/client", with any client plugins),
// each with a cookie jar and Origin: baseURL on every request, and step(),
// which runs one client call and records what it saw: the HTTP status,
// the shape of the client's data and error (keys and JS types,
// recursively; values dropped except error codes and booleans), the error
// message apart, and for each request the step made: method, path,
// status, content type, the raw body's shape and each Set-Cookie's name
// and attributes (never its value).
//
// createKit(baseURL, {plugins}) returns {shape, newClient, step, steps};
// plugins, when given, is a function returning the client plugins of each
// new client (a fresh list per client).

import { createAuthClient } from "better-auth/client";

export function createKit(baseURL, { plugins } = {}) {
	const authPath = "/api/auth";

	// --- shapes ------------------------------------------------------------------

	const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

	// shape replaces values by their JS type, recursively. Kept as values:
	// booleans (deterministic in this scenario) and "code" strings (error
	// codes), written "=CODE". In a raw body (raw=true) strings are told apart
	// further: a Date.toISOString() string is "string:iso-ms" (what the client
	// revives into a Date) and "" is "string:empty".
	function shape(v, key, raw) {
		if (v === null) return "null";
		if (v === undefined) return "undefined";
		if (v instanceof Date) return isNaN(v.getTime()) ? "Date(invalid)" : "Date";
		if (Array.isArray(v)) return v.map((x) => shape(x, "", raw));
		switch (typeof v) {
			case "boolean":
				return v;
			case "number":
				return "number";
			case "string":
				if (key === "code") return `=${v}`;
				if (raw && ISO_MS.test(v)) return "string:iso-ms";
				if (raw && v === "") return "string:empty";
				return "string";
			case "object": {
				const out = {};
				for (const [k, x] of Object.entries(v)) out[k] = shape(x, k, raw);
				return out;
			}
			default:
				return typeof v;
		}
	}

	// errorShape is the client's error object: the server's JSON error body
	// plus status and statusText added by better-fetch.
	function errorShape(err) {
		if (err === null || err === undefined) return shape(err);
		const out = shape(err, "", false);
		if (typeof err.status === "number") out.status = err.status;
		return out;
	}

	// --- cookies -----------------------------------------------------------------

	function parseSetCookie(line) {
		const [pair, ...attrs] = line.split(";");
		const eq = pair.indexOf("=");
		const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
		const value = eq < 0 ? "" : pair.slice(eq + 1).trim();
		const c = { name, value, attrs: {} };
		for (const a of attrs) {
			const i = a.indexOf("=");
			const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
			const v = i < 0 ? true : a.slice(i + 1).trim();
			if (k) c.attrs[k] = v;
		}
		return c;
	}

	// maxAgeBucket keeps Max-Age exact to the minute (7 days stays 604800, a
	// deletion stays 0), so a second of clock drift between Set-Cookie and the
	// session row does not count as a difference.
	function maxAgeBucket(v) {
		if (v === undefined) return "absent";
		const n = Number(v);
		if (!Number.isFinite(n)) return `invalid(${v})`;
		if (n <= 0) return String(n === 0 ? 0 : "negative");
		return String(Math.round(n / 60) * 60);
	}

	function describeCookie(line) {
		const c = parseSetCookie(line);
		const a = c.attrs;
		let expires = "absent";
		if (a.expires !== undefined) {
			const t = Date.parse(a.expires);
			expires = isNaN(t) ? "invalid" : t <= Date.now() ? "past" : "future";
		}
		return {
			name: c.name,
			value: c.value === "" ? "empty" : "set",
			maxAge: maxAgeBucket(a["max-age"]),
			expires,
			path: a.path === undefined ? "absent" : String(a.path),
			domain: a.domain === undefined ? "absent" : "present",
			httpOnly: a.httponly === true,
			secure: a.secure === true,
			sameSite: a.samesite === undefined ? "absent" : String(a.samesite).toLowerCase(),
			partitioned: a.partitioned === true,
		};
	}

	class Jar {
		constructor() {
			this.cookies = new Map();
		}
		store(lines) {
			for (const line of lines) {
				const c = parseSetCookie(line);
				const maxAge = c.attrs["max-age"];
				const expires = c.attrs.expires ? Date.parse(c.attrs.expires) : NaN;
				const gone = c.value === "" || (maxAge !== undefined && Number(maxAge) <= 0) || (maxAge === undefined && !isNaN(expires) && expires <= Date.now());
				if (gone) this.cookies.delete(c.name);
				else this.cookies.set(c.name, c.value);
			}
		}
		header() {
			return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
		}
		names() {
			return [...this.cookies.keys()].sort();
		}
	}

	// --- clients -----------------------------------------------------------------

	let requests = []; // requests of the current step

	function pathOf(url) {
		const u = new URL(url);
		return u.pathname.startsWith(authPath) ? u.pathname.slice(authPath.length) : u.pathname;
	}

	// locationShape is a redirect's Location as sent (relative or absolute),
	// with the server's origin written <baseURL>, the token <token> and the
	// query parameters sorted.
	function locationShape(loc, token) {
		if (loc === null) return "absent";
		const u = new URL(loc, baseURL);
		const prefix = /^[a-z][a-z0-9+.-]*:/i.test(loc) ? (u.origin === baseURL ? "<baseURL>" : u.origin) : "";
		const q = [...u.searchParams].map(([k, v]) => `${k}=${token && v === token ? "<token>" : v}`).sort();
		return `${prefix}${u.pathname}${q.length ? "?" + q.join("&") : ""}`;
	}

	function newClient(label) {
		const jar = new Jar();
		const jarFetch = async (input, init = {}) => {
			const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
			const headers = new Headers(init.headers ?? {});
			headers.set("origin", baseURL);
			const cookie = jar.header();
			if (cookie) headers.set("cookie", cookie);
			else headers.delete("cookie");
			const res = await fetch(url, {
				method: init.method,
				headers,
				body: init.body,
				signal: init.signal,
				redirect: "manual",
			});
			const setCookies = res.headers.getSetCookie();
			jar.store(setCookies);
			const text = await res.clone().text();
			let body;
			if (text === "") body = "empty";
			else {
				try {
					body = shape(JSON.parse(text), "", true);
				} catch {
					body = "not-json";
				}
			}
			const ct = res.headers.get("content-type");
			requests.push({
				client: label,
				method: (init.method ?? "GET").toUpperCase(),
				path: pathOf(url),
				status: res.status,
				contentType: ct === null ? "absent" : ct.split(";")[0].trim().toLowerCase(),
				location: res.headers.get("location"),
				body,
				setCookies: setCookies.map(describeCookie),
			});
			return res;
		};
		const client = createAuthClient({
			baseURL,
			...(plugins ? { plugins: plugins() } : {}),
			fetchOptions: { customFetchImpl: jarFetch },
		});
		return { label, jar, client };
	}

	// --- steps -------------------------------------------------------------------

	const steps = [];

	// step runs fn (which makes requests through one or more clients and
	// returns the client's {data, error}) and records it. extra adds fields.
	async function step(name, fn, extra) {
		requests = [];
		let result;
		let thrown = null;
		try {
			result = await fn();
		} catch (err) {
			thrown = String(err?.stack ?? err);
		}
		// Let the client's setTimeout-driven session signals run now, so their
		// requests (if any) are not counted in the next step.
		await new Promise((r) => setTimeout(r, 20));
		const reqs = requests;
		requests = [];
		const last = reqs.at(-1);
		const rec = {
			step: name,
			status: last ? last.status : null,
			data: result && "data" in result ? shape(result.data, "", false) : "no-result",
			error: result && "error" in result ? errorShape(result.error) : "no-result",
			// Messages are free text, kept apart from the shape so that a
			// reworded message is reported without counting as a shape change.
			errorMessage: typeof result?.error?.message === "string" ? result.error.message : null,
			requests: reqs.map(({ location, ...r }) => {
				if (extra?.token) r.path = r.path.split(extra.token).join("<token>");
				return location === null ? r : { ...r, location: locationShape(location, extra?.token) };
			}),
		};
		if (thrown) rec.thrown = thrown;
		if (extra?.fields) Object.assign(rec, extra.fields);
		steps.push(rec);
		return result ?? { data: null, error: null };
	}

	return { shape, newClient, step, steps };
}
