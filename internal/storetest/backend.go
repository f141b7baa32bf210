package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/sessioncache"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Backend is a betterauth.SessionBackend under test and what the suite
// needs beside it.
type Backend struct {
	ba.SessionBackend
	// SaveUser writes a new or changed user where the backend reads users
	// from: the SQL user table. Nil for Redis, which keeps users only
	// inside session entries (CreateSession and UserChanged carry them).
	SaveUser func(ctx context.Context, u *ba.User) error
}

// NewBackend builds a fresh, empty backend whose clock is now.
type NewBackend func(t *testing.T, now func() time.Time) Backend

// SQLBackend is the NewBackend of a migrated store on a fresh database of
// kind.
func SQLBackend(kind sqlstore.Kind) NewBackend {
	return func(t *testing.T, now func() time.Time) Backend {
		s := OpenMigrated(t, kind, sqlstore.Options{Now: now})
		return Backend{SessionBackend: s, SaveUser: SQLSaveUser(s)}
	}
}

// SQLSaveUser is Backend.SaveUser for a SQL store: CreateUser for a user it
// does not have, otherwise an update of the name and email.
func SQLSaveUser(s *sqlstore.Store) func(context.Context, *ba.User) error {
	return func(ctx context.Context, u *ba.User) error {
		_, err := s.GetUser(ctx, u.ID)
		if errors.Is(err, ba.ErrNotFound) {
			return s.CreateUser(ctx, u)
		}
		if err != nil {
			return err
		}
		_, err = s.UpdateUser(ctx, u.ID, ba.UserUpdate{Name: &u.Name, Email: &u.Email})
		return err
	}
}

// RedisBackend is the NewBackend of a redis.Store on the local Redis under
// a key prefix of its own, deleted when the test ends.
func RedisBackend() NewBackend {
	return func(t *testing.T, now func() time.Time) Backend {
		prefix := testdb.RedisKeyPrefix(t, "storetest")
		c := goredis.NewClient(&goredis.Options{Addr: testdb.RedisAddr(t)})
		t.Cleanup(func() { _ = c.Close() })
		rs, err := redis.New(c, redis.Options{KeyPrefix: prefix, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return Backend{SessionBackend: rs}
	}
}

// Cached is newBackend behind sessioncache.WrapBackend (its default TTL on
// the same clock).
func Cached(newBackend NewBackend) NewBackend {
	return func(t *testing.T, now func() time.Time) Backend {
		b := newBackend(t, now)
		cached, err := sessioncache.WrapBackend(b.SessionBackend, sessioncache.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		b.SessionBackend = cached
		return b
	}
}

// RunSessionBackend checks the semantics betterauth.SessionBackend
// documents, on a fresh backend per subtest. Each reads a session before
// changing it, so that a cache in front of the backend is checked to
// forget what the change made stale.
func RunSessionBackend(t *testing.T, newBackend NewBackend) {
	ctx := context.Background()
	// setup returns a fresh backend on a clock of its own, and a function
	// that makes a user the backend knows.
	setup := func(t *testing.T) (Backend, *Clock, func(name string) *ba.User) {
		clock := NewClock()
		b := newBackend(t, clock.Now)
		n := 0
		newUser := func(name string) *ba.User {
			t.Helper()
			n++
			u := ba.NewUser(ba.UserCreate{Name: name, Email: fmt.Sprintf("%s%d@example.com", strings.ToLower(strings.ReplaceAll(name, " ", "")), n)}, clock.Now())
			if b.SaveUser != nil {
				if err := b.SaveUser(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			return u
		}
		return b, clock, newUser
	}
	newSession := func(t *testing.T, b Backend, clock *Clock, u *ba.User, expiresIn time.Duration) *ba.Session {
		t.Helper()
		s := ba.NewSession(ba.SessionCreate{UserID: u.ID, IPAddress: "203.0.113.9", UserAgent: "storetest/1", ExpiresIn: expiresIn}, clock.Now())
		if err := b.CreateSession(ctx, s, u); err != nil {
			t.Fatalf("create session: %v", err)
		}
		return s
	}
	mustGet := func(t *testing.T, b Backend, token string) (*ba.Session, *ba.User) {
		t.Helper()
		s, u, err := b.GetSessionAndUser(ctx, token)
		if err != nil {
			t.Fatalf("get session and user: %v", err)
		}
		if s == nil || u == nil {
			t.Fatalf("get session and user: nil session %v or user %v without an error", s, u)
		}
		return s, u
	}
	mustBeGone := func(t *testing.T, b Backend, token, after string) {
		t.Helper()
		if s, _, err := b.GetSessionAndUser(ctx, token); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("get session and user after %s: %v, %v; want ErrNotFound", after, s, err)
		}
	}
	tokens := func(list []ba.Session) []string {
		out := []string{}
		for _, s := range list {
			out = append(out, s.Token)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(ts ...string) []string {
		out := append([]string{}, ts...)
		slices.Sort(out)
		return out
	}
	mustList := func(t *testing.T, b Backend, userID string, want ...string) {
		t.Helper()
		list, err := b.ListUserSessions(ctx, userID)
		if err != nil {
			t.Fatalf("list user sessions: %v", err)
		}
		if list == nil {
			t.Fatal("list user sessions: nil, want a slice (empty when there are none)")
		}
		if got := tokens(list); !slices.Equal(got, sorted(want...)) {
			t.Fatalf("list user sessions: tokens %v, want %v", got, sorted(want...))
		}
		for _, s := range list {
			if s.UserID != userID {
				t.Fatalf("list user sessions of %s: session of %s", userID, s.UserID)
			}
		}
	}

	t.Run("CreateAndGet", func(t *testing.T) {
		b, clock, newUser := setup(t)
		u := newUser("Ada")
		s := newSession(t, b, clock, u, time.Hour)
		got, gotUser := mustGet(t, b, s.Token)
		if got.ID != s.ID || got.Token != s.Token || got.UserID != u.ID || !got.ExpiresAt.Equal(s.ExpiresAt) || !got.CreatedAt.Equal(s.CreatedAt) {
			t.Fatalf("session read back %+v, want %+v", got, s)
		}
		if got.IPAddress == nil || *got.IPAddress != "203.0.113.9" || got.UserAgent == nil || *got.UserAgent != "storetest/1" {
			t.Fatalf("session read back with ipAddress %v, userAgent %v", got.IPAddress, got.UserAgent)
		}
		if gotUser.ID != u.ID || gotUser.Email != u.Email || gotUser.Name != u.Name {
			t.Fatalf("user read back %+v, want %+v", gotUser, u)
		}
		if got.IsExpired(clock.Now()) {
			t.Fatal("a session expiring in an hour is expired")
		}
		mustBeGone(t, b, "no-such-token-0123456789abcdefgh", "nothing")
		if err := b.CreateSession(ctx, &ba.Session{Token: s.Token, UserID: u.ID}, u); !errors.Is(err, ba.ErrDuplicate) {
			t.Fatalf("second session with the same token: %v, want ErrDuplicate", err)
		}
		// Expired or not, the backend does not decide: an expired session
		// comes back expired, or not at all where the store lets it expire
		// by itself (Redis TTLs), never as live.
		clock.Advance(2 * time.Hour)
		got, _, err := b.GetSessionAndUser(ctx, s.Token)
		switch {
		case errors.Is(err, ba.ErrNotFound):
		case err != nil:
			t.Fatalf("get an expired session: %v", err)
		case !got.IsExpired(clock.Now()):
			t.Fatalf("expired session read back as live: expiresAt %v, now %v", got.ExpiresAt, clock.Now())
		}
	})

	t.Run("ListUserSessionsUnexpiredOnly", func(t *testing.T) {
		b, clock, newUser := setup(t)
		u, other, none := newUser("Lee"), newUser("Max"), newUser("Nia")
		short := newSession(t, b, clock, u, time.Hour)
		long := newSession(t, b, clock, u, 3*time.Hour)
		middle := newSession(t, b, clock, u, 2*time.Hour)
		theirs := newSession(t, b, clock, other, 3*time.Hour)
		mustList(t, b, u.ID, short.Token, long.Token, middle.Token)
		mustList(t, b, none.ID)
		mustList(t, b, "no-such-user")
		clock.Advance(90 * time.Minute)
		mustList(t, b, u.ID, long.Token, middle.Token)
		mustList(t, b, other.ID, theirs.Token)
		clock.Advance(2 * time.Hour)
		mustList(t, b, u.ID)
	})

	t.Run("DeleteSessionByToken", func(t *testing.T) {
		b, clock, newUser := setup(t)
		u := newUser("Deb")
		s, kept := newSession(t, b, clock, u, time.Hour), newSession(t, b, clock, u, time.Hour)
		mustGet(t, b, s.Token)
		if err := b.DeleteSessionByToken(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		mustBeGone(t, b, s.Token, "DeleteSessionByToken")
		mustGet(t, b, kept.Token)
		mustList(t, b, u.ID, kept.Token)
		if err := b.DeleteSessionByToken(ctx, s.Token); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("second delete: %v, want ErrNotFound", err)
		}
		if err := b.DeleteSessionByToken(ctx, "no-such-token-0123456789abcdefgh"); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("delete an unknown token: %v, want ErrNotFound", err)
		}
	})

	t.Run("RevokeUserSessions", func(t *testing.T) {
		b, clock, newUser := setup(t)
		u, other := newUser("Rev"), newUser("Kit")
		var mine []*ba.Session
		for range 3 {
			s := newSession(t, b, clock, u, time.Hour)
			mustGet(t, b, s.Token)
			mine = append(mine, s)
		}
		theirs := newSession(t, b, clock, other, time.Hour)
		mustGet(t, b, theirs.Token)
		n, err := b.RevokeUserSessions(ctx, u.ID)
		if err != nil || n != 3 {
			t.Fatalf("revoke user sessions = %d, %v; want 3", n, err)
		}
		for _, s := range mine {
			mustBeGone(t, b, s.Token, "RevokeUserSessions")
		}
		mustList(t, b, u.ID)
		mustGet(t, b, theirs.Token)
		mustList(t, b, other.ID, theirs.Token)
		if n, err := b.RevokeUserSessions(ctx, u.ID); err != nil || n != 0 {
			t.Fatalf("second revoke = %d, %v; want 0", n, err)
		}
		// Sessions created after a revocation live.
		clock.Advance(time.Second)
		after := newSession(t, b, clock, u, time.Hour)
		mustGet(t, b, after.Token)
		mustList(t, b, u.ID, after.Token)
	})

	t.Run("RefreshSession", func(t *testing.T) {
		b, clock, newUser := setup(t)
		u := newUser("Ray")
		s := newSession(t, b, clock, u, time.Hour)
		mustGet(t, b, s.Token)
		clock.Advance(30 * time.Minute)
		newExpiry := clock.Now().Add(2 * time.Hour)
		if err := b.RefreshSession(ctx, s.Token, newExpiry); err != nil {
			t.Fatal(err)
		}
		got, _ := mustGet(t, b, s.Token)
		if !got.ExpiresAt.Equal(ba.Truncate(newExpiry)) {
			t.Fatalf("expiresAt after refresh %v, want %v", got.ExpiresAt, ba.Truncate(newExpiry))
		}
		if !got.UpdatedAt.Equal(ba.Truncate(clock.Now())) {
			t.Fatalf("updatedAt after refresh %v, want now %v", got.UpdatedAt, ba.Truncate(clock.Now()))
		}
		// Past its first expiry, the session lives on.
		clock.Advance(time.Hour)
		if got, _ := mustGet(t, b, s.Token); got.IsExpired(clock.Now()) {
			t.Fatal("refreshed session expired at its old expiresAt")
		}
		mustList(t, b, u.ID, s.Token)
		if err := b.RefreshSession(ctx, "no-such-token-0123456789abcdefgh", clock.Now().Add(time.Hour)); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("refresh an unknown token: %v, want ErrNotFound", err)
		}
	})

	t.Run("UserChanged", func(t *testing.T) {
		b, clock, newUser := setup(t)
		u := newUser("Old Name")
		s1, s2 := newSession(t, b, clock, u, time.Hour), newSession(t, b, clock, u, 2*time.Hour)
		for _, s := range []*ba.Session{s1, s2} {
			if _, gotUser := mustGet(t, b, s.Token); gotUser.Name != "Old Name" {
				t.Fatalf("user name %q before the change", gotUser.Name)
			}
		}
		clock.Advance(time.Minute)
		changed := u.Clone()
		changed.Name = "New Name"
		changed.UpdatedAt = ba.Truncate(clock.Now())
		if b.SaveUser != nil {
			if err := b.SaveUser(ctx, changed); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.UserChanged(ctx, changed); err != nil {
			t.Fatalf("user changed: %v", err)
		}
		for _, s := range []*ba.Session{s1, s2} {
			got, gotUser := mustGet(t, b, s.Token)
			if gotUser.Name != "New Name" || gotUser.ID != u.ID {
				t.Fatalf("user after UserChanged: %q (%s), want New Name", gotUser.Name, gotUser.ID)
			}
			if got.Token != s.Token || !got.ExpiresAt.Equal(s.ExpiresAt) {
				t.Fatalf("session changed with its user: %+v", got)
			}
		}
		if err := b.UserChanged(ctx, newUser("Lonely")); err != nil {
			t.Fatalf("user changed, for a user without sessions: %v", err)
		}
		// No user is a caller's mistake, answered (Redis: ErrInvalid; SQL:
		// nothing to do), never a panic.
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("UserChanged(nil) panicked: %v", p)
				}
			}()
			_ = b.UserChanged(ctx, nil)
		}()
	})
}
