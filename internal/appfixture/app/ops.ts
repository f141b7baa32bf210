// Test operations on the fixture app, run by the Go tests as
// `node --import tsx ops.ts <op> [json]`: Better Auth itself migrates the
// database of DATABASE_URL and writes users, so the Go side can be checked
// against what Better Auth created. The result is the last stdout line,
// after "ops-result ".
import { getMigrations } from "better-auth/db/migration";
import { auth } from "@/lib/auth";
import { pool } from "@/lib/db";

const [op, arg] = process.argv.slice(2);
const input = arg ? JSON.parse(arg) : {};

async function run(): Promise<unknown> {
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
    default:
      throw new Error(`unknown op ${op}`);
  }
}

run().then(
  async (result) => {
    await pool.end();
    process.stdout.write(`ops-result ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`ops error: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
