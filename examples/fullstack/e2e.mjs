// Drives the page in headless Chromium (playwright-core, the system's
// Chromium: nothing is downloaded) through sign-up, sign-in, calls to the Go
// API, a revocation from the Go side and a sign-out from the frontend,
// checking the page after each step and saving a screenshot of it.
//
// usage: node e2e.mjs <appURL> <apiURL> <outDir>
//
// appURL is the Better Auth server that serves the page, apiURL the Go API.
// Screenshots go to <outDir>/NN-step.png. stdout carries one JSON document:
// {ok, error?, email, steps: [{name, ok, ms, screenshot, detail?, error?}],
// apiResponses: [{method, path, status, allowOrigin, allowCredentials,
// vary}], cookies: {...}}. Logs go to stderr.
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_TIMEOUT_MS (the
// whole run, default 120000), E2E_STEP_TIMEOUT_MS (each wait, default 15000).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";

import { chromium } from "playwright-core";

const writeStdout = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"]) {
	console[name] = (...a) => process.stderr.write(format(...a) + "\n");
}

const [appArg, apiArg, outDir] = process.argv.slice(2);
if (!appArg || !apiArg || !outDir) {
	process.stderr.write("usage: node e2e.mjs <appURL> <apiURL> <outDir>\n");
	process.exit(2);
}
const appURL = appArg.replace(/\/+$/, "");
const apiURL = apiArg.replace(/\/+$/, "");
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const totalTimeout = Number(process.env.E2E_TIMEOUT_MS || 120000);
const stepTimeout = Number(process.env.E2E_STEP_TIMEOUT_MS || 15000);
mkdirSync(outDir, { recursive: true });

const result = { ok: false, appURL, apiURL, outDir, email: "", steps: [], apiResponses: [], cookies: {} };
let finished = false;
function finish(code) {
	if (finished) return;
	finished = true;
	writeStdout(JSON.stringify(result) + "\n", () => process.exit(code));
}
setTimeout(() => {
	result.error = `the whole run took longer than ${totalTimeout} ms`;
	finish(1);
}, totalTimeout).unref();

// The launch flags a sandboxed, offline machine needs: without the
// background-networking ones Chromium keeps dialling Google's hosts.
// Playwright gives every launch a new, empty profile directory.
const browser = await chromium.launch({
	executablePath,
	headless: true,
	timeout: stepTimeout * 2,
	args: [
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
	],
});
const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(stepTimeout);
page.on("console", (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`));
page.on("pageerror", (err) => process.stderr.write(`[page exception] ${err}\n`));
// Every Go API response the page's script reads, with its CORS headers.
page.on("response", async (res) => {
	if (!res.url().startsWith(apiURL + "/")) return;
	const h = await res.allHeaders();
	result.apiResponses.push({
		method: res.request().method(),
		path: new URL(res.url()).pathname,
		status: res.status(),
		allowOrigin: h["access-control-allow-origin"] ?? null,
		allowCredentials: h["access-control-allow-credentials"] ?? null,
		vary: h["vary"] ?? null,
	});
});

function check(cond, message) {
	if (!cond) throw new Error(message);
}

// act clicks and waits until the page has finished the action the click
// started (app.js counts finished actions in <body data-done>).
async function act(locator) {
	const before = Number((await page.getAttribute("body", "data-done")) || 0);
	await (typeof locator === "string" ? page.locator(locator) : locator).click();
	await page.waitForFunction((n) => Number(document.body.dataset.done || 0) > n, before, { timeout: stepTimeout });
}

async function attr(selector, name) {
	return page.getAttribute(selector, name);
}

async function expectStatus(state, email) {
	const got = await attr("#status", "data-state");
	check(got === state, `#status: want ${state}, got ${got} (${await page.textContent("#status")})`);
	if (email) {
		const e = await attr("#status", "data-email");
		check(e === email, `#status: want ${email}, got ${e}`);
	}
}

async function expectResult(status, email) {
	const got = await attr("#me", "data-status");
	check(got === String(status), `#me: want ${status}, got ${got} (${await page.textContent("#me")})`);
	if (email) {
		const e = await attr("#me", "data-email");
		check(e === email, `#me: want ${email}, got ${e}`);
	}
}

async function sessionRows() {
	return page.$$eval("#sessions li", (lis) => lis.map((li) => ({ id: li.dataset.sessionId, current: li.dataset.current === "true" })));
}

// sessionCookie is what the browser would send to the Go API: the cookies
// it holds for the API's URL, without their values.
async function sessionCookie() {
	const c = (await context.cookies(apiURL)).find((c) => c.name.endsWith("better-auth.session_token"));
	return c ? { name: c.name, domain: c.domain, path: c.path, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite } : null;
}

let n = 0;
async function step(name, fn) {
	const start = Date.now();
	const file = `${String(++n).padStart(2, "0")}-${name}.png`;
	const entry = { name, ok: false, ms: 0, screenshot: join(outDir, file) };
	result.steps.push(entry);
	try {
		entry.detail = await fn();
		entry.ok = true;
	} catch (err) {
		entry.error = String(err?.stack || err);
		throw err;
	} finally {
		entry.ms = Date.now() - start;
		await page.screenshot({ path: entry.screenshot, fullPage: true, timeout: stepTimeout }).catch((err) => {
			entry.screenshot = "";
			process.stderr.write(`screenshot ${file}: ${err}\n`);
		});
	}
}

const email = `e2e-${Date.now().toString(36)}@example.com`;
result.email = email;

try {
	await step("signed-out", async () => {
		const before = Date.now();
		await page.goto(appURL + "/", { waitUntil: "load" });
		await page.waitForFunction(() => Number(document.body.dataset.done || 0) >= 1);
		await expectStatus("signed-out");
		await act("#call-me");
		await expectResult(401);
		return { loadMs: Date.now() - before };
	});

	await step("signed-up", async () => {
		await page.fill("#name", "Ada Lovelace");
		await page.fill("#email", email);
		await page.fill("#password", "correct horse battery staple");
		await act("#sign-up");
		await expectStatus("signed-in", email);
		const cookie = await sessionCookie();
		check(cookie, "after sign-up the browser holds no Better Auth session cookie for the Go API's URL");
		result.cookies.afterSignUp = cookie;
		return { cookie };
	});

	await step("go-me", async () => {
		await act("#call-me");
		await expectResult(200, email);
	});

	await step("signed-in-again", async () => {
		await act("#sign-in");
		await expectStatus("signed-in", email);
	});

	await step("go-sessions", async () => {
		await act("#call-sessions");
		const rows = await sessionRows();
		check(rows.length === 2, `want 2 sessions (sign-up, sign-in), got ${JSON.stringify(rows)}`);
		check(rows.filter((r) => r.current).length === 1, `want exactly one current session, got ${JSON.stringify(rows)}`);
		return { sessions: rows.length };
	});

	await step("go-revoked-other", async () => {
		await act(page.locator('#sessions li[data-current="false"] button.revoke'));
		await expectResult(204);
		await expectStatus("signed-in", email);
		const rows = await sessionRows();
		check(rows.length === 1 && rows[0].current, `want only the current session left, got ${JSON.stringify(rows)}`);
	});

	await step("go-revoked-current", async () => {
		await act(page.locator('#sessions li[data-current="true"] button.revoke'));
		await expectResult(204);
		// The page asked Better Auth (authClient.getSession) after the Go API
		// deleted the session: the frontend is signed out.
		await expectStatus("signed-out");
		const rows = await sessionRows();
		check(rows.length === 0, `want no sessions listed, got ${JSON.stringify(rows)}`);
		result.cookies.afterRevoke = await sessionCookie();
	});

	await step("signed-in", async () => {
		await act("#sign-in");
		await expectStatus("signed-in", email);
		await act("#call-me");
		await expectResult(200, email);
	});

	await step("signed-out-frontend", async () => {
		await act("#sign-out");
		await expectStatus("signed-out");
		result.cookies.afterSignOut = await sessionCookie();
	});

	await step("go-me-401", async () => {
		await act("#call-me");
		await expectResult(401);
		const text = await page.textContent("#me");
		check(text.includes("UNAUTHORIZED"), `#me: want the Go API's UNAUTHORIZED code, got ${text}`);
	});

	result.ok = true;
} catch (err) {
	result.error = String(err?.message || err);
}
await browser.close().catch(() => {});
finish(result.ok ? 0 : 1);
