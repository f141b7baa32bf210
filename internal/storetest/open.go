package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Kinds are the SQL databases, in the order tests run them: the one
// without a server first.
var Kinds = []sqlstore.Kind{sqlstore.SQLite, sqlstore.Postgres, sqlstore.MySQL}

// Database is a fresh, empty database on the local service of its kind (a
// SQLite file in a temporary directory), removed when the test ends. When
// the service is down the test is skipped, or fails with CI=true
// (testdb.Unavailable).
type Database struct {
	Kind sqlstore.Kind
	// URL is the database as a DATABASE_URL: postgres://…, mysql://… or
	// sqlite:PATH.
	URL string
	// DSN is what the store packages' Open functions and Better Auth's
	// harness (batest.Config.URL) take: the server URL, or the SQLite
	// file's path.
	DSN string
}

// NewDatabase creates a fresh database of kind.
func NewDatabase(tb testing.TB, kind sqlstore.Kind) Database {
	tb.Helper()
	switch kind {
	case sqlstore.Postgres:
		url := testdb.Postgres(tb)
		return Database{Kind: kind, URL: url, DSN: url}
	case sqlstore.MySQL:
		url := testdb.MySQL(tb)
		return Database{Kind: kind, URL: url, DSN: url}
	case sqlstore.SQLite:
		path := testdb.SQLite(tb)
		return Database{Kind: kind, URL: "sqlite:" + path, DSN: path}
	}
	tb.Fatalf("storetest: unknown database kind %v", kind)
	return Database{}
}

// Open connects to the database as dburl.Open does (a pgx pool, a MySQL
// *sql.DB with the UTC session time zone, a SQLite file) and builds a store
// with opts on it. Every call opens connections of its own, as another
// process would; they are closed when the test ends.
func (d Database) Open(tb testing.TB, opts sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, closeDB, err := dburl.Open(ctx, d.URL, opts)
	if err != nil {
		tb.Fatalf("open the %v test database: %v", d.Kind, err)
	}
	tb.Cleanup(func() { _ = closeDB() })
	return store
}

// Open builds a store with opts on a fresh database of kind.
func Open(tb testing.TB, kind sqlstore.Kind, opts sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	return NewDatabase(tb, kind).Open(tb, opts)
}

// OpenMigrated is Open with Better Auth's tables for opts.Schema created.
func OpenMigrated(tb testing.TB, kind sqlstore.Kind, opts sqlstore.Options) *sqlstore.Store {
	tb.Helper()
	return MustMigrate(tb, FactoryFor(kind), opts)
}

// FactoryFor is the Factory of fresh databases of kind, for Run and the
// other suites.
func FactoryFor(kind sqlstore.Kind) Factory {
	return func(tb testing.TB, opts sqlstore.Options) *sqlstore.Store {
		tb.Helper()
		return Open(tb, kind, opts)
	}
}

// ForEachKind runs fn as one subtest per SQL database, named after its kind
// (sqlite, postgres, mysql).
func ForEachKind(t *testing.T, fn func(t *testing.T, kind sqlstore.Kind)) {
	for _, kind := range Kinds {
		t.Run(kind.String(), func(t *testing.T) { fn(t, kind) })
	}
}
