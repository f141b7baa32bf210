// Test operations on the fixture app, run by the Go tests as
// `node --import tsx ops.ts <op> [json]`: Better Auth itself migrates the
// database of DATABASE_URL and writes users, so the Go side can be checked
// against what Better Auth created. The result is the last stdout line,
// after "ops-result ".
//
// Ops: migrate, compileMigrations, signUp {body}, getSession {cookie},
// request {method, path, body?, jar?} (through auth.handler, as a browser
// at the app's base URL: Origin set, the named cookie jar sent and
// updated), enableTwoFactor {jar, password} (TOTP enabled and verified
// with a code from the secret, as the user's authenticator app would),
// resetToken {email} (the last token sendResetPassword wrote to
// FIXTURE_RESET_FILE), and batch [{op, arg}, …], which runs ops in one
// process with shared jars and answers their results in order.
import { readFileSync } from "node:fs";
import { getMigrations } from "better-auth/db/migration";
import { base32 } from "@better-auth/utils/base32";
import { createOTP } from "@better-auth/utils/otp";
import { auth } from "@/lib/auth";
import { closeDatabase } from "@/lib/db";

const [op, arg] = process.argv.slice(2);
const input = arg ? JSON.parse(arg) : {};
const baseURL = process.env.BETTER_AUTH_URL ?? "http://localhost:3000";

// jars: cookie name → value, per jar name.
const jars = new Map<string, Map<string, string>>();

function jarHeader(name?: string): string {
  if (!name) return "";
  return [...(jars.get(name) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
}

function updateJar(name: string | undefined, setCookie: string[]) {
  if (!name) return;
  const jar = jars.get(name) ?? new Map<string, string>();
  jars.set(name, jar);
  for (const line of setCookie) {
    const [pair, ...attrs] = line.split(";");
    const i = pair.indexOf("=");
    const k = pair.slice(0, i).trim();
    const v = pair.slice(i + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (v === "" || expired) jar.delete(k);
    else jar.set(k, v);
  }
}

async function request(a: { method?: string; path: string; body?: unknown; jar?: string }) {
  const headers = new Headers({ origin: baseURL });
  const cookie = jarHeader(a.jar);
  if (cookie) headers.set("cookie", cookie);
  let body: string | undefined;
  if (a.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(a.body);
  }
  const res = await auth.handler(new Request(baseURL + a.path, { method: a.method ?? (body ? "POST" : "GET"), headers, body }));
  const setCookie = res.headers.getSetCookie();
  updateJar(a.jar, setCookie);
  return { status: res.status, text: await res.text(), setCookie, cookie: jarHeader(a.jar) };
}

async function one(op: string, input: any): Promise<unknown> {
  switch (op) {
    case "migrate": {
      const m = await getMigrations(auth.options);
      const sql = await m.compileMigrations();
      await m.runMigrations();
      return { sql };
    }
    case "compileMigrations": {
      const m = await getMigrations(auth.options);
      return { sql: await m.compileMigrations() };
    }
    case "signUp": {
      const res = await auth.api.signUpEmail({ body: input, asResponse: true });
      return { status: res.status, body: await res.json(), setCookie: res.headers.getSetCookie() };
    }
    case "getSession": {
      const res = await auth.api.getSession({ headers: new Headers({ cookie: input.cookie }), asResponse: true });
      return { status: res.status, text: await res.text() };
    }
    case "request":
      return request(input);
    case "enableTwoFactor": {
      const enable = await request({ path: "/api/auth/two-factor/enable", body: { password: input.password }, jar: input.jar });
      if (enable.status !== 200) return { enable };
      const uri = new URL(JSON.parse(enable.text).totpURI);
      const secret = new TextDecoder().decode(base32.decode(uri.searchParams.get("secret")!));
      const code = await createOTP(secret).totp();
      const verify = await request({ path: "/api/auth/two-factor/verify-totp", body: { code }, jar: input.jar });
      return { enableStatus: enable.status, verifyStatus: verify.status, verifyText: verify.text, cookie: verify.cookie };
    }
    case "resetToken": {
      const file = process.env.FIXTURE_RESET_FILE;
      if (!file) throw new Error("resetToken needs FIXTURE_RESET_FILE");
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
      const last = lines.filter((l) => l.email === input.email).pop();
      return { token: last?.token ?? "" };
    }
    case "batch": {
      const out: unknown[] = [];
      for (const step of input as { op: string; arg?: unknown }[]) out.push(await one(step.op, step.arg ?? {}));
      return out;
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

one(op, input).then(
  async (result) => {
    await closeDatabase();
    process.stdout.write(`ops-result ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`ops error: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
