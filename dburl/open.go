package dburl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Open parses rawURL (see Parse) and connects to it (see URL.Open): the
// one call a program that reads DATABASE_URL needs.
//
//	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer closeDB()
//
// Errors never contain the password: a malformed URL gives Parse's error
// (matching betterauth.ErrInvalid), a database that cannot be reached one
// matching betterauth.ErrUnavailable that names the host and database.
func Open(ctx context.Context, rawURL string, opts sqlstore.Options) (store *sqlstore.Store, closeDB func() error, err error) {
	u, err := Parse(rawURL)
	if err != nil {
		return nil, nil, err
	}
	return u.Open(ctx, opts)
}

// Open connects to the database u names, checks the connection with a
// ping, and builds a store with opts on it: a PostgreSQL pool
// (postgres.Open), a MySQL *sql.DB (mysql.Open) or a SQLite file
// (sqlite.Open; a file that does not exist is created, and its journal mode
// is left as it is). closeDB closes the connections; call it once the store
// is no longer used. Errors name the host and database (or file) but never
// the password.
func (u URL) Open(ctx context.Context, opts sqlstore.Options) (store *sqlstore.Store, closeDB func() error, err error) {
	switch u.Kind {
	case sqlstore.Postgres:
		pool, err := postgres.Open(ctx, u.DSN)
		if err != nil {
			return nil, nil, u.scrub(err)
		}
		store, err := postgres.New(pool, opts)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return store, func() error { pool.Close(); return nil }, nil
	case sqlstore.MySQL:
		db, err := mysql.Open(ctx, u.DSN)
		if err != nil {
			return nil, nil, u.scrub(err)
		}
		return onSQLDB(db, opts, mysql.New)
	case sqlstore.SQLite:
		db, err := sqlite.Open(ctx, u.DSN)
		if err != nil {
			return nil, nil, err
		}
		return onSQLDB(db, opts, sqlite.New)
	}
	return nil, nil, fmt.Errorf("%w: unknown database kind %v", ba.ErrInvalid, u.Kind)
}

// onSQLDB builds a store on db, closing db when that fails.
func onSQLDB(db *sql.DB, opts sqlstore.Options, newStore func(sqlstore.StdDBTX, sqlstore.Options) (*sqlstore.Store, error)) (*sqlstore.Store, func() error, error) {
	store, err := newStore(db, opts)
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return store, db.Close, nil
}

// Missing reports whether u names a SQLite file that does not exist yet
// (Open would create it). Server databases are never missing here: a
// database that does not exist on its server is a connection error.
func (u URL) Missing() bool {
	if u.Kind != sqlstore.SQLite {
		return false
	}
	_, err := os.Stat(u.DSN)
	return errors.Is(err, os.ErrNotExist)
}

// OpenReadOnly is Open for programs that only read (`betterauth doctor`,
// `migrate --dry-run`): it changes nothing on disk. A SQLite file is opened
// read-only (mode=ro), and its journal mode is never touched; a SQLite file
// that does not exist is not created, and an empty in-memory database
// stands in for it, so the store sees no tables. PostgreSQL and MySQL are
// opened as by Open: what stays read-only there is what the caller runs.
func (u URL) OpenReadOnly(ctx context.Context, opts sqlstore.Options) (store *sqlstore.Store, closeDB func() error, err error) {
	if u.Kind != sqlstore.SQLite {
		return u.Open(ctx, opts)
	}
	// The sqlite store package registers the "sqlite" driver
	// (modernc.org/sqlite).
	dsn := ":memory:"
	if !u.Missing() {
		q := url.Values{}
		q.Add("mode", "ro")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "busy_timeout(5000)")
		dsn = "file:" + (&url.URL{Path: u.DSN}).EscapedPath() + "?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open SQLite database %s: %w", u.DSN, err)
	}
	// One connection: each connection to :memory: is a database of its own.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("open SQLite database %s read-only: %w", u.DSN, err)
	}
	return onSQLDB(db, opts, sqlite.New)
}

// scrub removes the URL's passwords from an error message. The store
// packages already leave them out; this keeps that true whatever a driver
// puts in its messages later. errors.Is still sees the original error.
func (u URL) scrub(err error) error {
	msg := err.Error()
	clean := msg
	for _, secret := range u.secrets() {
		// A one- or two-character password would match all over the
		// message; the store packages' messages carry no URL text besides
		// host, port and database name, so such a password cannot be there
		// unless it is also one of those.
		if len(secret) >= 3 {
			clean = strings.ReplaceAll(clean, secret, "***")
		}
	}
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
