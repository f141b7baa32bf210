// Package dburl turns a DATABASE_URL into a store: it recognises the URL
// forms the betterauth command accepts, explains a malformed one without ever
// repeating its password, and connects through the postgres, mysql or sqlite
// store package.
//
// Accepted forms:
//
//	postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=disable   (also postgresql://)
//	mysql://USER:PASSWORD@HOST:3306/DATABASE                      (MySQL or MariaDB)
//	sqlite:PATH   file:PATH                                       (a SQLite file)
//
// For SQLite, PATH is a file path, relative to the working directory unless
// it starts with "/": sqlite:auth.db, sqlite:./data/auth.db,
// sqlite:/var/lib/app/auth.db. The URL form with an empty host,
// sqlite:///var/lib/app/auth.db (as in file:///… URLs, RFC 8089), names the
// absolute path /var/lib/app/auth.db. Any other sqlite://… form is refused,
// because tools disagree on what it means (golang-migrate reads
// sqlite://dir/auth.db as the relative dir/auth.db, SQLAlchemy reads
// sqlite:///auth.db as the relative auth.db). Percent-escapes in PATH are
// decoded; query parameters are refused.
//
// It is not a general URL library: it knows only what the stores' Open
// functions need.
//
//	u, err := dburl.Parse(os.Getenv("DATABASE_URL"))
//	store, closeStore, err := dburl.Open(ctx, u, betterauth.Schema{})
//	defer closeStore()
package dburl
