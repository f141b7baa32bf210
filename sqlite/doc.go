// Package sqlite stores Better Auth's tables in SQLite through
// modernc.org/sqlite (pure Go, no cgo).
//
// Values are written exactly as Better Auth writes them with better-sqlite3:
// dates as TEXT "YYYY-MM-DDTHH:MM:SS.mmmZ" (Better Auth compares them as
// strings, so the layout matters), booleans as 0/1, JSON as TEXT.
//
//	db, err := sqlite.Open(ctx, "betterauth.db")
//	store, err := sqlite.New(db, sqlite.Options{})
//
// New returns the *sqlstore.Store that every database package builds (Store
// here is an alias of it): its methods and Options are documented in package
// sqlstore, and code that takes a *sqlstore.Store works on every database.
// To open any database from a DATABASE_URL, see package dburl. This package
// is not an ORM and manages no tables of your own: it reads and writes
// Better Auth's.
package sqlite
