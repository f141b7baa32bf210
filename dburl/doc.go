// Package dburl turns a DATABASE_URL into a store in one call: it
// recognises the URL forms Better Auth apps and the betterauth command use,
// explains a malformed one without ever repeating its password, and
// connects through the postgres, mysql or sqlite store package.
//
//	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer closeDB()
//
// Parse gives the URL without connecting (its kind, the DSN for the store
// package, a redacted form for logs); URL.Open and URL.OpenReadOnly connect
// a parsed URL.
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
// functions need. To tune the connection pool, or to use a handle you
// already have (gorm, bun, ent and sqlx give you a *sql.DB), build the store
// with postgres.New, postgres.NewFromDB, mysql.New or sqlite.New instead.
package dburl
