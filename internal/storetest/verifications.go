package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// VerificationStore is what server.VerificationStore asks of a store: the
// SQL stores, the Redis store and redis.DualVerifications implement it.
type VerificationStore interface {
	CreateVerification(ctx context.Context, v *ba.Verification) error
	GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error)
	ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error)
	DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error)
}

// VerificationFactory returns, for one fresh backend (a database, a Redis
// key prefix), a constructor of stores over it with the given clock and
// verification.storeIdentifier: two stores from one factory see each
// other's values.
type VerificationFactory func(tb testing.TB) func(now func() time.Time, ids ba.IdentifierStorage) VerificationStore

// RunVerificationStore checks the verification semantics every backend
// shares, as Better Auth's internal adapter has them: newest value wins,
// consume is once only (also under concurrency) and refuses an expired
// value while deleting it, and hashed identifiers are stored hashed while
// plain values written earlier stay readable and consumable.
func RunVerificationStore(t *testing.T, f VerificationFactory) {
	ctx := context.Background()
	hashed := ba.IdentifierStorage{Default: ba.IdentifierHashed}

	t.Run("CreateGetConsume", func(t *testing.T) {
		clock := NewClock()
		s := f(t)(clock.Now, ba.IdentifierStorage{})
		v := &ba.Verification{Identifier: "reset-password:tok1", Value: "user-1", ExpiresAt: clock.Now().Add(time.Hour)}
		if err := s.CreateVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
		if v.Identifier != "reset-password:tok1" || !v.CreatedAt.Equal(ba.Truncate(clock.Now())) || !v.UpdatedAt.Equal(v.CreatedAt) {
			t.Fatalf("created %+v", v)
		}
		got, err := s.GetVerificationByIdentifier(ctx, "reset-password:tok1")
		if err != nil || got.Value != "user-1" || got.Identifier != v.Identifier || !got.ExpiresAt.Equal(v.ExpiresAt) || !got.CreatedAt.Equal(v.CreatedAt) {
			t.Fatalf("get: %+v %v", got, err)
		}
		clock.Advance(time.Second)
		newer := &ba.Verification{Identifier: "reset-password:tok1", Value: "user-2", ExpiresAt: clock.Now().Add(time.Hour)}
		if err := s.CreateVerification(ctx, newer); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetVerificationByIdentifier(ctx, "reset-password:tok1"); err != nil || got.Value != "user-2" {
			t.Fatalf("newest: %+v %v", got, err)
		}
		c, err := s.ConsumeVerification(ctx, "reset-password:tok1")
		if err != nil || c.Value != "user-2" {
			t.Fatalf("consume: %+v %v", c, err)
		}
		mustNotFound(t, "second consume", s.ConsumeVerification, "reset-password:tok1")
		mustNotFound(t, "get after consume", s.GetVerificationByIdentifier, "reset-password:tok1")
		mustNotFound(t, "unknown", s.ConsumeVerification, "reset-password:nope")
	})

	t.Run("ExpiredConsumedAndRefused", func(t *testing.T) {
		clock := NewClock()
		s := f(t)(clock.Now, ba.IdentifierStorage{})
		v := &ba.Verification{Identifier: "reset-password:old", Value: "u", ExpiresAt: clock.Now().Add(time.Hour)}
		if err := s.CreateVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Hour)
		got, err := s.GetVerificationByIdentifier(ctx, "reset-password:old")
		if err == nil && !got.IsExpired(clock.Now()) {
			t.Fatalf("get of an expired value: %+v", got)
		}
		mustNotFound(t, "consume expired", s.ConsumeVerification, "reset-password:old")
		mustNotFound(t, "get after consuming an expired value", s.GetVerificationByIdentifier, "reset-password:old")
	})

	t.Run("Delete", func(t *testing.T) {
		clock := NewClock()
		s := f(t)(clock.Now, ba.IdentifierStorage{})
		if err := s.CreateVerification(ctx, &ba.Verification{Identifier: "delete-account-x", Value: "u", ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteVerificationsByIdentifier(ctx, "delete-account-x"); err != nil || n != 1 {
			t.Fatalf("delete = %d %v", n, err)
		}
		if n, err := s.DeleteVerificationsByIdentifier(ctx, "delete-account-x"); err != nil || n != 0 {
			t.Fatalf("second delete = %d %v", n, err)
		}
		mustNotFound(t, "get after delete", s.GetVerificationByIdentifier, "delete-account-x")
	})

	t.Run("ConcurrentConsumeOnce", func(t *testing.T) {
		clock := NewClock()
		newStore := f(t)
		a, b := newStore(clock.Now, ba.IdentifierStorage{}), newStore(clock.Now, ba.IdentifierStorage{})
		if err := a.CreateVerification(ctx, &ba.Verification{Identifier: "reset-password:race", Value: "u", ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		var wins, refusals atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := a
				if i%2 == 1 {
					s = b // another server on the same backend
				}
				_, err := s.ConsumeVerification(ctx, "reset-password:race")
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, ba.ErrNotFound):
					refusals.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 || refusals.Load() != 7 {
			t.Fatalf("one token consumed by %d of 8 concurrent requests (%d refused)", wins.Load(), refusals.Load())
		}
	})

	t.Run("HashedIdentifier", func(t *testing.T) {
		clock := NewClock()
		newStore := f(t)
		plain, h := newStore(clock.Now, ba.IdentifierStorage{}), newStore(clock.Now, hashed)
		v := &ba.Verification{Identifier: "reset-password:secret", Value: "u1", ExpiresAt: clock.Now().Add(time.Hour)}
		if err := h.CreateVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
		if want := ba.HashIdentifier("reset-password:secret"); v.Identifier != want {
			t.Fatalf("stored identifier %q, want %q", v.Identifier, want)
		}
		// Stored hashed: a plain reader does not find it under the token,
		// only under the hash.
		mustNotFound(t, "plain lookup of a hashed value", plain.GetVerificationByIdentifier, "reset-password:secret")
		if got, err := plain.GetVerificationByIdentifier(ctx, v.Identifier); err != nil || got.Value != "u1" {
			t.Fatalf("lookup by the hash: %+v %v", got, err)
		}
		if got, err := h.GetVerificationByIdentifier(ctx, "reset-password:secret"); err != nil || got.Value != "u1" {
			t.Fatalf("hashed lookup: %+v %v", got, err)
		}
		// A value written plain before hashing was turned on still works.
		if err := plain.CreateVerification(ctx, &ba.Verification{Identifier: "reset-password:legacy", Value: "u2", ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if got, err := h.GetVerificationByIdentifier(ctx, "reset-password:legacy"); err != nil || got.Value != "u2" {
			t.Fatalf("hashed store reading a plain value: %+v %v", got, err)
		}
		if got, err := h.ConsumeVerification(ctx, "reset-password:legacy"); err != nil || got.Value != "u2" {
			t.Fatalf("hashed store consuming a plain value: %+v %v", got, err)
		}
		mustNotFound(t, "plain value after consume", plain.GetVerificationByIdentifier, "reset-password:legacy")
		if got, err := h.ConsumeVerification(ctx, "reset-password:secret"); err != nil || got.Value != "u1" {
			t.Fatalf("consume hashed: %+v %v", got, err)
		}
		mustNotFound(t, "hashed value after consume", plain.GetVerificationByIdentifier, v.Identifier)

		// Overrides: first matching prefix wins.
		o := newStore(clock.Now, ba.IdentifierStorage{Default: ba.IdentifierHashed, Overrides: []ba.IdentifierOverride{{Prefix: "reset-password:", Mode: ba.IdentifierPlain}}})
		r := &ba.Verification{Identifier: "reset-password:p", Value: "u", ExpiresAt: clock.Now().Add(time.Hour)}
		other := &ba.Verification{Identifier: "delete-account-p", Value: "u", ExpiresAt: clock.Now().Add(time.Hour)}
		if err := o.CreateVerification(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := o.CreateVerification(ctx, other); err != nil {
			t.Fatal(err)
		}
		if r.Identifier != "reset-password:p" || other.Identifier != ba.HashIdentifier("delete-account-p") {
			t.Fatalf("overrides stored %q and %q", r.Identifier, other.Identifier)
		}
	})
}

func mustNotFound(t *testing.T, what string, f func(context.Context, string) (*ba.Verification, error), identifier string) {
	t.Helper()
	if v, err := f(context.Background(), identifier); !errors.Is(err, ba.ErrNotFound) {
		t.Fatalf("%s: got %+v, %v; want ErrNotFound", what, v, err)
	}
}

// SQLVerifications turns a SQL store opener into a VerificationFactory:
// fresh returns, for one new database, a Factory whose every call opens that
// same database; the first store migrates it.
func SQLVerifications(fresh func(tb testing.TB) Factory) VerificationFactory {
	return func(tb testing.TB) func(now func() time.Time, ids ba.IdentifierStorage) VerificationStore {
		open := fresh(tb)
		migrated := false
		return func(now func() time.Time, ids ba.IdentifierStorage) VerificationStore {
			opts := sqlstore.Options{Now: now, StoreIdentifier: ids}
			if !migrated {
				migrated = true
				return MustMigrate(tb, open, opts)
			}
			return open(tb, opts)
		}
	}
}
