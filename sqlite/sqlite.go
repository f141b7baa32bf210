package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	gosqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// DBTX is a *sql.DB, *sql.Conn or *sql.Tx.
type DBTX = sqlstore.StdDBTX

// Options configure a Store (see sqlstore.Options for each field and its
// default).
type Options = sqlstore.Options

// Store reads and writes Better Auth's tables. It is sqlstore.Store, the
// same type for PostgreSQL, MySQL and SQLite, so code that takes a
// *sqlstore.Store works on every database; its methods are documented there.
type Store = sqlstore.Store

// New builds a Store on db; all SQL is built here, once, from the schema.
func New(db DBTX, opts Options) (*Store, error) {
	return sqlstore.NewStd(db, sqlstore.SQLite, classify, opts)
}

// Open opens (creating if needed) the SQLite file at path with foreign keys
// on and a 5 s busy timeout, so that a Node process running Better Auth can
// use the same file at the same time. The file's journal mode is left as
// it is; WAL (see OpenWAL) lets readers and a writer overlap.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	return open(ctx, path, "", immediateTx)
}

// immediateTx makes transactions begin with BEGIN IMMEDIATE. A deferred
// transaction that reads and then writes (consuming a verification token,
// a compare-and-set) cannot upgrade while another connection holds the
// write lock, and SQLite answers SQLITE_BUSY at once instead of waiting
// out busy_timeout; taking the write lock at BEGIN makes the second
// writer wait its turn. (Found as a 1-in-4 failure of
// TestVerificationStore/ConcurrentConsumeOnce: "database is locked".)
const immediateTx = "_txlock=immediate"

// OpenWAL is Open that also switches the file to WAL journaling — a
// persistent change to the file, which suits a database this program owns
// (the embedded default of `betterauth serve`).
func OpenWAL(ctx context.Context, path string) (*sql.DB, error) {
	return open(ctx, path, "journal_mode(WAL)", immediateTx)
}

// OpenReadOnly opens an existing SQLite file without the right to change
// it (for `betterauth doctor`).
func OpenReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	return open(ctx, path, "query_only(1)", "mode=ro")
}

func open(ctx context.Context, path string, pragma string, params ...string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("invalid SQLite path: empty")
	}
	if strings.ContainsRune(path, 0) {
		return nil, errors.New("invalid SQLite path: contains a NUL byte")
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	if pragma != "" {
		q.Add("_pragma", pragma)
	}
	for _, p := range params {
		k, v, _ := strings.Cut(p, "=")
		q.Add(k, v)
	}
	// Clean collapses a leading "//", which SQLite would read as a URI
	// authority.
	dsn := "file:" + (&url.URL{Path: filepath.Clean(path)}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, sqlstore.Unavailable("open SQLite database "+path, sanitize(err))
	}
	return db, nil
}

func sanitize(err error) string {
	var e *gosqlite.Error
	if errors.As(err, &e) {
		return gosqlite.ErrorCodeString[e.Code()]
	}
	return err.Error()
}

func classify(err error) (error, string) {
	var e *gosqlite.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return ba.ErrDuplicate, "duplicate value violates a unique constraint"
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return ba.ErrInvalid, "missing value for a required column"
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return ba.ErrInvalid, "referenced row does not exist"
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return ba.ErrUnavailable, "database is locked"
		case sqlite3.SQLITE_MISMATCH:
			// A value of the wrong type where SQLite insists on one, such
			// as a LIMIT or OFFSET past int64 (bound as a REAL): the
			// input's fault, as with PostgreSQL's data exceptions.
			return ba.ErrInvalid, "invalid value (datatype mismatch)"
		}
		msg := e.Error()
		if strings.Contains(msg, "no such table") || strings.Contains(msg, "no such column") || strings.Contains(msg, "has no column") {
			return ba.ErrUnavailable, "schema mismatch — run `betterauth migrate` or check DATABASE_URL"
		}
		return ba.ErrUnavailable, "sqlite error: " + gosqlite.ErrorCodeString[e.Code()]
	}
	return ba.ErrUnavailable, "database error"
}
