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

// Open connects to the database u names, checks the connection, and builds
// a store for schema on it. A SQLite file that does not exist is created.
// The returned function closes the connection. Errors name the host and
// database (or file) but never the password.
func Open(ctx context.Context, u URL, schema ba.Schema) (*sqlstore.Store, func(), error) {
	return OpenWith(ctx, u, sqlstore.Options{Schema: schema})
}

// OpenWith is Open with all of the store's options.
func OpenWith(ctx context.Context, u URL, opts sqlstore.Options) (*sqlstore.Store, func(), error) {
	switch u.Driver {
	case Postgres:
		pool, err := postgres.Open(ctx, u.DSN)
		if err != nil {
			return nil, nil, u.scrub(err)
		}
		store, err := postgres.New(pool, opts)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return store, pool.Close, nil
	case MySQL:
		db, err := mysql.Open(ctx, u.DSN)
		if err != nil {
			return nil, nil, u.scrub(err)
		}
		store, err := mysql.New(db, opts)
		if err != nil {
			_ = db.Close()
			return nil, nil, err
		}
		return store, func() { _ = db.Close() }, nil
	case SQLite:
		db, err := sqlite.Open(ctx, u.DSN)
		if err != nil {
			return nil, nil, err
		}
		store, err := sqlite.New(db, opts)
		if err != nil {
			_ = db.Close()
			return nil, nil, err
		}
		return store, func() { _ = db.Close() }, nil
	}
	return nil, nil, fmt.Errorf("%w: unknown database driver %q", ba.ErrInvalid, u.Driver)
}

// Missing reports whether u names a SQLite file that does not exist yet
// (Open would create it). Server databases are never missing here: a
// database that does not exist on its server is a connection error.
func (u URL) Missing() bool {
	if u.Driver != SQLite {
		return false
	}
	_, err := os.Stat(u.DSN)
	return errors.Is(err, os.ErrNotExist)
}

// OpenReadOnly is Open for commands that only read (doctor, migrate
// --dry-run): it changes nothing on disk. A SQLite file is opened read-only
// (mode=ro), not through sqlite.Open, which switches the file to WAL
// journaling; a SQLite file that does not exist is not created, and an empty
// in-memory database stands in for it, so the store sees no tables.
// PostgreSQL and MySQL are opened as by Open: what stays read-only there is
// what the caller runs.
func OpenReadOnly(ctx context.Context, u URL, schema ba.Schema) (*sqlstore.Store, func(), error) {
	if u.Driver != SQLite {
		return Open(ctx, u, schema)
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
	store, err := sqlite.New(db, sqlstore.Options{Schema: schema})
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return store, func() { _ = db.Close() }, nil
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
