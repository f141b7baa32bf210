package mysql_test

import (
	"context"
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func newStore(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	return openStore(t, testdb.MySQL(t), opts)
}

// openStore opens a store on an existing database.
func openStore(t testing.TB, url string, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	db, err := mysql.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := mysql.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkSessionLookup(b *testing.B) { storetest.BenchmarkSessionLookup(b, newStore) }
func TestListUsers(t *testing.T)          { storetest.RunListUsers(t, newStore) }

func TestVerificationStore(t *testing.T) {
	storetest.RunVerificationStore(t, storetest.SQLVerifications(func(tb testing.TB) storetest.Factory {
		url := testdb.MySQL(tb)
		return func(tb testing.TB, opts sqlstore.Options) *sqlstore.Store { return openStore(tb, url, opts) }
	}))
}
