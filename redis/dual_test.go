package redis_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// dualFixture is a DualBackend over a fresh SQLite database (with the
// session table: storeSessionInDatabase) and a fresh Redis prefix.
type dualFixture struct {
	dual   *redis.DualBackend
	store  *redis.Store
	client *goredis.Client
	db     *sqlstore.Store
	user   *ba.User
}

func newDual(t *testing.T, preserve bool) *dualFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sq, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{SecondaryStorage: true, StoreSessionInDatabase: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sq.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := &ba.User{Name: "D", Email: "d@example.com"}
	if err := sq.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	rs, c, _ := newStore(t, redis.Options{})
	return &dualFixture{dual: redis.NewDualBackend(rs, sq, redis.DualOptions{PreserveSessionInDatabase: preserve}), store: rs, client: c, db: sq, user: u}
}

func (f *dualFixture) create(t *testing.T) *ba.Session {
	t.Helper()
	s := &ba.Session{}
	if err := f.dual.CreateSession(context.Background(), s, f.user); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDualBackendFallsBackToDatabase(t *testing.T) {
	ctx := context.Background()
	f := newDual(t, false)
	s := f.create(t)
	// Both hold it, with the same id, token and dates.
	rs, _, err := f.store.GetSessionAndUser(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := f.db.GetSessionByToken(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if rs.ID != s.ID || ds.ID != s.ID || !ds.ExpiresAt.Equal(rs.ExpiresAt) || !ds.CreatedAt.Equal(rs.CreatedAt) {
		t.Fatalf("Redis %+v and database %+v differ", rs, ds)
	}
	// A Redis miss reads the database (Better Auth's findSession).
	if err := f.store.DeleteSessionByToken(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	got, user, err := f.dual.GetSessionAndUser(ctx, s.Token)
	if err != nil || got.ID != s.ID || user.ID != f.user.ID {
		t.Fatalf("fallback: %+v %+v %v", got, user, err)
	}
	// A session Redis holds but its marker revokes is no session, without
	// reading the database.
	s2 := f.create(t)
	marker := strconv.FormatInt(s2.CreatedAt.UnixMilli()+1, 10)
	if err := f.client.Set(ctx, f.store.RevokedBeforeKey(f.user.ID), marker, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.dual.GetSessionAndUser(ctx, s2.Token)
	mustErr(t, err, ba.ErrNotFound)
	if _, err := f.db.GetSessionByToken(ctx, s2.Token); err != nil {
		t.Fatalf("the row is there (%v), yet the revoked session must not be read from it", err)
	}
}

func TestDualBackendLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newDual(t, false)
	a, b := f.create(t), f.create(t)
	list, err := f.dual.ListUserSessions(ctx, f.user.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("list (from the database): %+v %v", list, err)
	}
	exp := ba.Truncate(time.Now().Add(48 * time.Hour))
	if err := f.dual.RefreshSession(ctx, a.Token, exp); err != nil {
		t.Fatal(err)
	}
	rs, _, _ := f.store.GetSessionAndUser(ctx, a.Token)
	ds, _ := f.db.GetSessionByToken(ctx, a.Token)
	if !rs.ExpiresAt.Equal(exp) || !ds.ExpiresAt.Equal(exp) {
		t.Fatalf("refresh: Redis %s, database %s, want %s", rs.ExpiresAt, ds.ExpiresAt, exp)
	}
	// Refresh and delete work on a session Redis lost (the row alone).
	if err := f.store.DeleteSessionByToken(ctx, b.Token); err != nil {
		t.Fatal(err)
	}
	if err := f.dual.RefreshSession(ctx, b.Token, exp); err != nil {
		t.Fatal(err)
	}
	if err := f.dual.DeleteSessionByToken(ctx, b.Token); err != nil {
		t.Fatal(err)
	}
	mustErr(t, f.dual.DeleteSessionByToken(ctx, b.Token), ba.ErrNotFound)
	mustErr(t, f.dual.RefreshSession(ctx, b.Token, exp), ba.ErrNotFound)
	if _, err := f.db.GetSessionByToken(ctx, b.Token); err == nil {
		t.Fatal("the row survived DeleteSessionByToken")
	}
	f.create(t)
	n, err := f.dual.RevokeUserSessions(ctx, f.user.ID)
	if err != nil || n != 2 {
		t.Fatalf("revoke = %d %v", n, err)
	}
	if list, _ := f.db.ListUserSessions(ctx, f.user.ID); len(list) != 0 {
		t.Fatalf("rows survived revoke: %+v", list)
	}
	_, _, err = f.dual.GetSessionAndUser(ctx, a.Token)
	mustErr(t, err, ba.ErrNotFound)
}

func TestDualBackendPreserve(t *testing.T) {
	ctx := context.Background()
	f := newDual(t, true)
	s := f.create(t)
	// A Redis miss is no session: the database is not read.
	if err := f.store.DeleteSessionByToken(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.dual.GetSessionAndUser(ctx, s.Token)
	mustErr(t, err, ba.ErrNotFound)

	// Ending a session keeps its row, expired now (Better Auth 1.7.0+).
	s2 := f.create(t)
	before := time.Now().Add(-time.Second)
	if err := f.dual.DeleteSessionByToken(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	row, err := f.db.GetSessionByToken(ctx, s2.Token)
	if err != nil {
		t.Fatalf("the row was deleted: %v", err)
	}
	if row.ExpiresAt.After(time.Now()) || row.ExpiresAt.Before(before) || !row.UpdatedAt.Equal(row.ExpiresAt) {
		t.Fatalf("preserved row: expiresAt %s updatedAt %s, want both now", row.ExpiresAt, row.UpdatedAt)
	}
	// An ended row is not ended again.
	mustErr(t, f.dual.DeleteSessionByToken(ctx, s2.Token), ba.ErrNotFound)

	// Lists come from Redis.
	s3 := f.create(t)
	if err := f.db.DeleteSessionByToken(ctx, s3.Token); err != nil {
		t.Fatal(err)
	}
	list, err := f.dual.ListUserSessions(ctx, f.user.ID)
	if err != nil || len(list) != 1 || list[0].Token != s3.Token {
		t.Fatalf("list (from Redis): %+v %v", list, err)
	}
	s4 := f.create(t)
	if n, err := f.dual.RevokeUserSessions(ctx, f.user.ID); err != nil || n != 2 {
		t.Fatalf("revoke = %d %v", n, err)
	}
	row, err = f.db.GetSessionByToken(ctx, s4.Token)
	if err != nil || row.ExpiresAt.After(time.Now()) {
		t.Fatalf("revoke with preserve: row %+v %v, want kept and expired", row, err)
	}
	if _, _, err := f.dual.GetSessionAndUser(ctx, s4.Token); err == nil {
		t.Fatal("revoked session still found")
	}
}
