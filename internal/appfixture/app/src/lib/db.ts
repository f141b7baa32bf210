// The app's database, chosen by DATABASE_URL's form:
//
//	postgres://… (or postgresql://…)  a pg.Pool
//	mysql://user:pass@host:port/db     a mysql2/promise pool
//	sqlite:/path/to/file.db            a better-sqlite3 Database on that file
//
// (the forms `betterauth` itself accepts). pg and mysql2 pools connect on
// first use, so importing this module (as `betterauth config export` does)
// needs no database; better-sqlite3 opens its file at once, so the default
// without DATABASE_URL is a Postgres pool.
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";

const url = process.env.DATABASE_URL || "postgres://app:app-password@127.0.0.1:5432/app";

function open() {
  if (url.startsWith("sqlite:")) {
    const db = new Database(url.slice("sqlite:".length));
    return { database: db, close: async () => void db.close() };
  }
  if (url.startsWith("mysql://")) {
    const u = new URL(url);
    const p = mysql.createPool({
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database: decodeURIComponent(u.pathname.replace(/^\//, "")),
      timezone: "Z",
    });
    return { database: p, close: () => p.end() };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const p = new pg.Pool({ connectionString: url });
    return { database: p, close: () => p.end() };
  }
  throw new Error("DATABASE_URL: want postgres://, mysql:// or sqlite:/path");
}

const opened = open();

// pool is what auth.ts gives Better Auth as its database.
export const pool = opened.database;

// closeDatabase ends the pool (or closes the file).
export const closeDatabase = opened.close;
