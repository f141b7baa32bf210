package postgres_test

import (
	"context"
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func newStore(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	pool, err := postgres.Open(context.Background(), testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s, err := postgres.New(pool, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkSessionLookup(b *testing.B) { storetest.BenchmarkSessionLookup(b, newStore) }
func TestListUsers(t *testing.T)          { storetest.RunListUsers(t, newStore) }

// TestTracer checks what the store reports to Options.Tracer.
func TestTracer(t *testing.T) { storetest.RunTracer(t, newStore, "postgresql") }
