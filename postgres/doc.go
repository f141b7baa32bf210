// Package postgres stores Better Auth's tables in PostgreSQL through pgx v5.
//
// A Store works with a *pgxpool.Pool, a *pgx.Conn or a pgx.Tx (anything with
// pgx's Exec/Query/QueryRow; New), or with a *sql.DB, *sql.Conn or *sql.Tx
// on pgx's database/sql driver, github.com/jackc/pgx/v5/stdlib, the handle
// gorm, bun, ent and sqlx give you (NewFromDB). It reads and writes rows
// exactly as Better Auth's Kysely adapter does (timestamptz, native
// booleans, jsonb), and has the same API as the mysql and sqlite stores.
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	store, err := postgres.New(pool, postgres.Options{})
//	sess, user, err := store.GetSessionAndUser(ctx, token)
//
// New returns the *sqlstore.Store that every database package builds (Store
// here is an alias of it): its methods and Options are documented in package
// sqlstore, and code that takes a *sqlstore.Store works on every database.
// To open any database from a DATABASE_URL, see package dburl. This package
// is not an ORM and manages no tables of your own: it reads and writes
// Better Auth's.
package postgres
