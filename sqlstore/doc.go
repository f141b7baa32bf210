// Package sqlstore is the store for Better Auth's SQL tables: one type,
// *Store, with the same methods on PostgreSQL, MySQL/MariaDB and SQLite.
// It builds every statement once from a resolved Better Auth schema,
// encodes values the way Better Auth encodes them for each database, and
// maps driver errors to betterauth's sentinel errors (ErrNotFound,
// ErrDuplicate, ErrInvalid, ErrUnavailable), so callers never see a driver
// error.
//
// It is not a driver and not an ORM: a Store is made by the database
// packages (postgres.New, mysql.New, sqlite.New, or dburl.Open from a
// DATABASE_URL), and it reads and writes only Better Auth's tables. Code
// that takes a *Store works on every database:
//
//	func currentUser(ctx context.Context, store *sqlstore.Store, token string) (*betterauth.User, error) {
//		_, user, err := store.GetSessionAndUser(ctx, token)
//		return user, err
//	}
//
// A Store implements betterauth.SessionBackend (sessions in the SQL session
// table) and betterauth.SessionStore (what a Verifier reads).
//
// DB, Rows, Driver, Kind, Std and PoolStats are the interface between a
// Store and a database package; an application does not need them.
package sqlstore
