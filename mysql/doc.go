// Package mysql stores Better Auth's tables in MySQL or MariaDB through
// go-sql-driver/mysql.
//
// Values are written as Better Auth's Kysely adapter writes them on MySQL:
// timestamp(3) in UTC, booleans as 1/0. The connection's time_zone must be
// UTC ('+00:00'), as Better Auth's must be: Open sets it; with your own
// *sql.DB add time_zone=%27%2B00%3A00%27 to the DSN.
//
// MySQL ignores inline REFERENCES … ON DELETE CASCADE (MariaDB honours
// them), so DeleteUser removes sessions and accounts explicitly, as Better
// Auth does.
//
//	db, err := mysql.Open(ctx, "mysql://user:pass@127.0.0.1:3306/app")
//	store, err := mysql.New(db, mysql.Options{})
//
// New returns the *sqlstore.Store that every database package builds (Store
// here is an alias of it): its methods and Options are documented in package
// sqlstore, and code that takes a *sqlstore.Store works on every database.
// To open any database from a DATABASE_URL, see package dburl. This package
// is not an ORM and manages no tables of your own: it reads and writes
// Better Auth's.
package mysql
