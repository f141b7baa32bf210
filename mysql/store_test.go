package mysql_test

import (
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// newStore builds a store on a fresh database.
var newStore = storetest.FactoryFor(sqlstore.MySQL)

func TestStore(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkSessionLookup(b *testing.B) { storetest.BenchmarkSessionLookup(b, newStore) }
func TestListUsers(t *testing.T)          { storetest.RunListUsers(t, newStore) }

// TestSessionBackend checks the store as a betterauth.SessionBackend.
func TestSessionBackend(t *testing.T) {
	storetest.RunSessionBackend(t, storetest.SQLBackend(sqlstore.MySQL))
}

// TestTracer checks what the store reports to Options.Tracer.
func TestTracer(t *testing.T) { storetest.RunTracer(t, newStore, "mysql") }
func TestVerificationStore(t *testing.T) {
	storetest.RunVerificationStore(t, storetest.SQLVerifications(func(tb testing.TB) storetest.Factory {
		db := storetest.NewDatabase(tb, sqlstore.MySQL)
		return db.Open
	}))
}
