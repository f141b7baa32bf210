package sqlite_test

import (
	"context"
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func newStore(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	return openStore(t, testdb.SQLite(t), opts)
}

// openStore opens a store on an existing database.
func openStore(t testing.TB, url string, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := sqlite.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkSessionLookup(b *testing.B) { storetest.BenchmarkSessionLookup(b, newStore) }
func TestListUsers(t *testing.T)          { storetest.RunListUsers(t, newStore) }

func TestVerificationStore(t *testing.T) {
	// One database handle for every store: two handles on one SQLite file
	// refuse each other's concurrent write transactions (SQLITE_BUSY), a
	// limit of SQLite, not of the stores.
	storetest.RunVerificationStore(t, storetest.SQLVerifications(func(tb testing.TB) storetest.Factory {
		db, err := sqlite.Open(context.Background(), testdb.SQLite(tb))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return func(tb testing.TB, opts sqlstore.Options) *sqlstore.Store {
			s, err := sqlite.New(db, opts)
			if err != nil {
				tb.Fatal(err)
			}
			return s
		}
	}))
}
