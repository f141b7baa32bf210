// The app's database pool. pg.Pool connects on first use, so importing
// this module (as `betterauth config export` does) needs no database.
import pg from "pg";

export const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? "postgres://app:app-password@127.0.0.1:5432/app",
});
