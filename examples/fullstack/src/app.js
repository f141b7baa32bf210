// The page's script, bundled with better-auth/client by authserver.mjs.
// Signing up, in and out goes to Better Auth on this origin; the Go API on
// another origin is called with credentials so that the browser sends
// Better Auth's session cookie along.

import { createAuthClient } from "better-auth/client";

// Replaced at bundle time with the Go API's origin (API_URL).
const apiURL = __API_URL__;

const authClient = createAuthClient({ baseURL: window.location.origin });

const $ = (selector) => document.querySelector(selector);

function log(line) {
	const el = $("#log");
	el.textContent = `${new Date().toISOString().slice(11, 19)} ${line}\n` + el.textContent;
}

// callAPI calls the Go API. credentials: "include" sends the cookies of the
// API's host (localhost here, or the parent domain with
// crossSubDomainCookies) on this cross-origin request; the Go server's CORS
// echoes this page's origin with Access-Control-Allow-Credentials.
async function callAPI(method, path) {
	try {
		const res = await fetch(apiURL + path, { method, credentials: "include" });
		const text = await res.text();
		let body = null;
		try {
			body = text ? JSON.parse(text) : null;
		} catch {
			body = text;
		}
		log(`Go ${method} ${path} → ${res.status}`);
		return { status: res.status, body };
	} catch (err) {
		// A CORS refusal or an unreachable server: fetch rejects.
		log(`Go ${method} ${path} → ${err}`);
		return { status: "error", body: String(err) };
	}
}

function showStatus(session) {
	const el = $("#status");
	if (session?.user) {
		el.dataset.state = "signed-in";
		el.dataset.email = session.user.email;
		el.textContent = `Signed in as ${session.user.email}`;
	} else {
		el.dataset.state = "signed-out";
		delete el.dataset.email;
		el.textContent = "Signed out";
	}
}

function showResult(label, { status, body }) {
	const el = $("#me");
	el.dataset.status = String(status);
	if (status === 200 && body?.email) el.dataset.email = body.email;
	else delete el.dataset.email;
	const detail = status === 200 && body?.email ? `${body.name} <${body.email}>` : body?.code || body?.message || (body == null ? "" : JSON.stringify(body));
	el.textContent = `${label} → ${status}${detail ? " " + detail : ""}`;
}

function showSessions({ status, body }) {
	const list = $("#sessions");
	list.replaceChildren();
	list.dataset.status = String(status);
	if (status !== 200 || !Array.isArray(body)) return;
	for (const s of body) {
		const li = document.createElement("li");
		li.dataset.sessionId = s.id;
		li.dataset.current = String(s.current);
		const text = document.createElement("span");
		text.textContent = `${s.id.slice(0, 10)}…  created ${s.createdAt.slice(11, 19)}${s.current ? "  (this browser's current session)" : ""}`;
		const revoke = document.createElement("button");
		revoke.type = "button";
		revoke.className = "revoke";
		revoke.textContent = "Revoke (Go API)";
		revoke.addEventListener("click", () => run(() => revokeSession(s.id)));
		li.append(text, revoke);
		list.append(li);
	}
}

async function refreshSession() {
	const { data, error } = await authClient.getSession();
	if (error) log(`getSession → ${error.status} ${error.message ?? ""}`);
	else log(`getSession → ${data ? "session" : "null"}`);
	showStatus(data);
	return data;
}

function credentials() {
	return { name: $("#name").value, email: $("#email").value, password: $("#password").value };
}

async function signUp() {
	const { error } = await authClient.signUp.email(credentials());
	if (error) log(`sign-up → ${error.status} ${error.code ?? error.message}`);
	await refreshSession();
}

async function signIn() {
	const { email, password } = credentials();
	const { error } = await authClient.signIn.email({ email, password });
	if (error) log(`sign-in → ${error.status} ${error.code ?? error.message}`);
	await refreshSession();
}

async function signOut() {
	const { error } = await authClient.signOut();
	if (error) log(`sign-out → ${error.status} ${error.message}`);
	await refreshSession();
}

async function callMe() {
	showResult("GET /api/me", await callAPI("GET", "/api/me"));
}

async function listSessions() {
	showSessions(await callAPI("GET", "/api/me/sessions"));
}

// revokeSession deletes a session through the Go API, then asks Better Auth
// whether this browser is still signed in.
async function revokeSession(id) {
	const res = await callAPI("DELETE", `/api/me/sessions/${encodeURIComponent(id)}`);
	showResult(`DELETE /api/me/sessions/${id.slice(0, 10)}…`, res);
	const session = await refreshSession();
	if (session) await listSessions();
	else showSessions({ status: "signed-out", body: null });
}

// run serialises actions and counts finished ones in <body data-done>, so
// that a test can wait for the action it started to finish.
let queue = Promise.resolve();
function run(action) {
	queue = queue
		.then(action)
		.catch((err) => log(`error: ${err}`))
		.finally(() => {
			document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
		});
	return queue;
}

// Enter in a field signs in.
$("#credentials").addEventListener("submit", (event) => {
	event.preventDefault();
	run(signIn);
});
$("#app-origin").textContent = window.location.origin;
$("#api-origin").textContent = apiURL;
for (const [id, action] of [
	["#sign-up", signUp],
	["#sign-in", signIn],
	["#sign-out", signOut],
	["#get-session", refreshSession],
	["#call-me", callMe],
	["#call-sessions", listSessions],
]) {
	$(id).addEventListener("click", () => run(action));
}
run(refreshSession);
