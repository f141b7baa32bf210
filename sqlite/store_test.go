package sqlite_test

import (
	"context"
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// newStore builds a store on a fresh database.
var newStore = storetest.FactoryFor(sqlstore.SQLite)

func TestStore(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkSessionLookup(b *testing.B) { storetest.BenchmarkSessionLookup(b, newStore) }
func TestListUsers(t *testing.T)          { storetest.RunListUsers(t, newStore) }

// TestSessionBackend checks the store as a betterauth.SessionBackend.
func TestSessionBackend(t *testing.T) {
	storetest.RunSessionBackend(t, storetest.SQLBackend(sqlstore.SQLite))
}

// TestTracer checks what the store reports to Options.Tracer.
func TestTracer(t *testing.T) { storetest.RunTracer(t, newStore, "sqlite") }
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
