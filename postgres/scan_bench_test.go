package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// The store's scan targets answer pgx's own scanner interfaces (text,
// boolean, timestamptz) as well as database/sql's Scanner. These pin what
// the pgx path reads for the values database/sql's path handled specially:
// NULL in nullable columns, NULL where the model has no pointer, and
// PostgreSQL's infinite timestamps.
func TestScanEdgeValues(t *testing.T) {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st, err := postgres.New(pool, postgres.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := &ba.User{Name: "N", Email: "n@example.com"}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	s := &ba.Session{UserID: u.ID}
	if err := st.CreateSession(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("NullsInNullableColumns", func(t *testing.T) {
		exec(`UPDATE "session" SET "ipAddress" = NULL, "userAgent" = NULL WHERE token = $1`, s.Token)
		exec(`UPDATE "user" SET image = NULL, banned = NULL, "banExpires" = NULL, role = NULL WHERE id = $1`, u.ID)
		sess, user, err := st.GetSessionAndUser(ctx, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		if sess.IPAddress != nil || sess.UserAgent != nil || user.Image != nil || user.Banned != nil || user.BanExpires != nil || user.Role != nil {
			t.Fatalf("NULL read as a value: %+v %+v", sess, user)
		}
	})
	t.Run("ValuesInNullableColumns", func(t *testing.T) {
		exec(`UPDATE "user" SET banned = true, "banExpires" = '2030-01-02T03:04:05.678Z' WHERE id = $1`, u.ID)
		_, user, err := st.GetSessionAndUser(ctx, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2030, 1, 2, 3, 4, 5, 678e6, time.UTC)
		if user.Banned == nil || !*user.Banned || user.BanExpires == nil || !user.BanExpires.Equal(want) || user.BanExpires.Location() != time.UTC {
			t.Fatalf("banned %v, banExpires %v", user.Banned, user.BanExpires)
		}
		if user.CreatedAt.Location() != time.UTC {
			t.Fatalf("createdAt not in UTC: %v", user.CreatedAt)
		}
	})
	t.Run("ErrInfiniteDate", func(t *testing.T) {
		exec(`UPDATE "session" SET "expiresAt" = 'infinity' WHERE token = $1`, s.Token)
		if _, _, err := st.GetSessionAndUser(ctx, s.Token); err == nil || errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("an infinite expiresAt was read: %v", err)
		}
	})
}

// BenchmarkSessionLookupOneConn is the lookup over a pool of
// one connection, so that the statement is prepared once and every
// iteration is one round trip: its allocations are the scan path's.
func BenchmarkSessionLookupOneConn(b *testing.B) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(testdb.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	st, err := postgres.New(pool, sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	u := &ba.User{Name: "Bench", Email: "bench@example.com"}
	if err := st.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	s := &ba.Session{UserID: u.ID}
	if err := st.CreateSession(ctx, s, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := st.GetSessionAndUser(ctx, s.Token); err != nil {
			b.Fatal(err)
		}
	}
}
