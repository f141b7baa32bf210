package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// openStdDB opens a *sql.DB on pgx's database/sql driver on a fresh
// database, as gorm, bun, ent and sqlx do.
func openStdDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func newStdStore(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	s, err := postgres.NewFromDB(openStdDB(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStoreOnDatabaseSQL runs the whole store suite on a *sql.DB of pgx's
// stdlib driver: the same behaviour, errors and transactions as on a pool.
func TestStoreOnDatabaseSQL(t *testing.T) { storetest.Run(t, newStdStore) }

func TestListUsersOnDatabaseSQL(t *testing.T) { storetest.RunListUsers(t, newStdStore) }

// TestNewFromDBOnTxAndConn builds stores on a *sql.Tx and a *sql.Conn:
// everything done through the Tx store is part of that transaction, and
// WithTx on the Conn store rolls back.
func TestNewFromDBOnTxAndConn(t *testing.T) {
	ctx := context.Background()
	db := openStdDB(t)
	base, err := postgres.NewFromDB(db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := base.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("Tx", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := postgres.NewFromDB(tx, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		u := &ba.User{Name: "Tx", Email: "tx@example.com"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetUser(ctx, u.ID); err != nil {
			t.Fatalf("user not visible inside its transaction: %v", err)
		}
		if err := s.CreateUser(ctx, &ba.User{Name: "Dup", Email: "tx@example.com"}); !errors.Is(err, ba.ErrDuplicate) {
			t.Fatalf("duplicate email in a transaction: %v, want ErrDuplicate", err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if _, err := base.GetUser(ctx, u.ID); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("rolled-back user visible: %v", err)
		}
		if _, err := s.GetUser(ctx, u.ID); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatalf("store on a finished transaction: %v, want ErrUnavailable", err)
		}
	})

	t.Run("Conn", func(t *testing.T) {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		s, err := postgres.NewFromDB(conn, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s.PoolStats(); ok {
			t.Error("PoolStats on a single connection")
		}
		u := &ba.User{Name: "Conn", Email: "conn@example.com"}
		errBoom := errors.New("boom")
		err = s.WithTx(ctx, func(tx *sqlstore.Store) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			return errBoom
		})
		if err == nil {
			t.Fatal("WithTx swallowed the function's error")
		}
		if _, err := s.GetUser(ctx, u.ID); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("rolled-back user visible: %v", err)
		}
	})
}

// TestNewFromDBFromPool is the pgx pool behind a *sql.DB
// (stdlib.OpenDBFromPool), as bun's pgdriver alternative and ent's docs
// show it.
func TestNewFromDBFromPool(t *testing.T) {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { db.Close() })
	s, err := postgres.NewFromDB(db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := &ba.User{Name: "Pool", Email: "pool@example.com"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	sess := &ba.Session{UserID: u.ID}
	if err := s.CreateSession(ctx, sess, nil); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.GetSessionAndUser(ctx, sess.Token); err != nil || got.ID != u.ID {
		t.Fatalf("lookup: %v", err)
	}
}

// TestNewFromDBUnreachable: a *sql.DB whose server is gone gives
// ErrUnavailable with a message that names no driver detail or password,
// as on a pool.
func TestNewFromDBUnreachable(t *testing.T) {
	const password = "hunter2secret"
	db, err := sql.Open("pgx", "postgres://app:"+password+"@127.0.0.1:1/app?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := postgres.NewFromDB(db, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GetUser(context.Background(), "x")
	if !errors.Is(err, ba.ErrUnavailable) {
		t.Fatalf("GetUser on an unreachable server: %v, want ErrUnavailable", err)
	}
	if msg := err.Error(); msg != "betterauth: get user: database unreachable" {
		t.Errorf("error %q, want the operation and \"database unreachable\" only", msg)
	}
}
