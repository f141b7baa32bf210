// Command betterauth manages the database of a Better Auth 1.7 app from the
// shell: it creates Better Auth's tables, checks an existing database, and
// hashes passwords the way Better Auth does. It works on a database shared
// with a running Better Auth (TypeScript) app.
//
// Usage:
//
//	betterauth migrate [--database-url URL] [--plugins LIST] [--dry-run]
//	betterauth doctor [--database-url URL] [--plugins LIST]
//	betterauth hash-password < password.txt
//	betterauth config export [--dir DIR] [--auth PATH] [--out FILE]
//	betterauth generate --config FILE [--package NAME] [--out FILE]
//	betterauth help [command]
//
// The database comes from DATABASE_URL, or --database-url which overrides it:
//
//	postgres://USER:PASSWORD@HOST:5432/DATABASE   (or postgresql://)
//	mysql://USER:PASSWORD@HOST:3306/DATABASE      (MySQL or MariaDB)
//	sqlite:PATH or file:PATH                      (a SQLite file; sqlite:///ABS/PATH for an absolute path)
//
// --plugins lists the Better Auth plugins whose tables the database has:
// admin, organization, jwt, username, twoFactor, apiKey (bearer is accepted
// and has none). Give the same list as the plugins in your Better Auth
// config — or, better, give the config itself: `betterauth config export`,
// run in the app's directory, writes what the app's own Better Auth
// resolves (tables, renames, additional fields, plugins, cookies, sessions)
// to betterauth.config.json, and --config FILE (or BETTER_AUTH_CONFIG) on
// serve, doctor, migrate, user, session and generate reads it. Flags given
// beside it override it.
//
// generate writes typed Go for the app's additional fields from the config.
//
// migrate creates the missing tables, columns and indexes with the SQL Better
// Auth's own migrator runs, printing each statement, then "applied N
// statements" — or "schema is up to date". It never alters or drops, so it is
// safe to run on every deploy. --dry-run prints the statements (one per line;
// other lines are SQL comments) and changes nothing, not even creating a
// SQLite file.
//
// doctor is read-only. It prints one line per finding ("problem: …" or
// "warning: …"), then "detected plugins: …", then a verdict line, and
// suggests the next step (usually `betterauth migrate`). Columns nobody
// declared (the app's additional fields) are findings that give the
// declaration to add.
//
// Without --plugins, doctor, serve and user create use the plugins whose
// tables or columns the database carries. serve refuses to start when a
// --plugins list leaves out twoFactor or admin where the database has them
// (it would sign in two-factor users with a password alone, or banned
// users), and serve and user create refuse a NOT NULL column without a
// default that nobody declared (Better Auth fills it from the app's
// config; they cannot).
//
// hash-password reads a password from stdin, strips one trailing newline and
// prints the hash to store in account.password.
//
// Exit status: 0 success; 1 doctor found problems, or a migration was refused
// or failed; 2 usage, configuration or connection error (including a
// DATABASE_URL that is not set or malformed, and an unreachable database).
// Error messages never contain the database password.
//
// The smallest use:
//
//	export DATABASE_URL=postgres://app:secret@localhost:5432/app
//	betterauth migrate --plugins admin,organization
//	betterauth doctor --plugins admin,organization
package main
