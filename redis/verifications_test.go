package redis_test

import (
	"context"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/redis"
)

// The same verification semantics as the SQL stores (internal/storetest).
func TestVerificationStore(t *testing.T) {
	storetest.RunVerificationStore(t, func(tb testing.TB) func(now func() time.Time, ids ba.IdentifierStorage) storetest.VerificationStore {
		c, _ := mustClient(tb)
		prefix := uniquePrefix(tb, c)
		return func(now func() time.Time, ids ba.IdentifierStorage) storetest.VerificationStore {
			return mustNew(tb, c, redis.Options{KeyPrefix: prefix, Now: now, StoreIdentifier: ids})
		}
	})
}

// TestVerificationLayout: the key, bytes and TTL of a reset-password value
// are Better Auth's (the live test compares them with the real one).
func TestVerificationLayout(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC)
	s, c, prefix := newStore(t, redis.Options{Now: func() time.Time { return now }})
	v := &ba.Verification{ID: "ignored", Identifier: "reset-password:abcdefghijklmnopqrstuvwx", Value: "user-1", ExpiresAt: now.Add(time.Hour)}
	if err := s.CreateVerification(ctx, v); err != nil {
		t.Fatal(err)
	}
	if v.ID != "" {
		t.Fatalf("the id was kept (%q): Better Auth's value has none", v.ID)
	}
	key := prefix + "verification:reset-password:abcdefghijklmnopqrstuvwx"
	if got := s.VerificationKey("reset-password:abcdefghijklmnopqrstuvwx"); got != key {
		t.Fatalf("VerificationKey = %q", got)
	}
	value, ttl := rawGet(t, c, key)
	mustEqual(t, "value", value, `{"createdAt":"2026-12-01T10:00:00.123Z","updatedAt":"2026-12-01T10:00:00.123Z","value":"user-1","identifier":"reset-password:abcdefghijklmnopqrstuvwx","expiresAt":"2026-12-01T11:00:00.123Z"}`)
	if ttl <= 3599*time.Second || ttl > 3600*time.Second {
		t.Fatalf("TTL %s, want 3600 s", ttl)
	}

	// A value that would live less than a second is not stored.
	short := &ba.Verification{Identifier: "x", Value: "u", ExpiresAt: now.Add(999 * time.Millisecond)}
	mustErr(t, s.CreateVerification(ctx, short), ba.ErrInvalid)
	mustNotExist(t, c, prefix+"verification:x")

	// Hashed: the key holds the hash, never the token.
	h := mustNew(t, c, redis.Options{KeyPrefix: prefix, Now: func() time.Time { return now }, StoreIdentifier: ba.IdentifierStorage{Default: ba.IdentifierHashed}})
	hv := &ba.Verification{Identifier: "reset-password:tok", Value: "user-2", ExpiresAt: now.Add(time.Hour)}
	if err := h.CreateVerification(ctx, hv); err != nil {
		t.Fatal(err)
	}
	hashedKey := prefix + "verification:" + ba.HashIdentifier("reset-password:tok")
	if h.VerificationKey("reset-password:tok") != hashedKey {
		t.Fatalf("hashed key %q", h.VerificationKey("reset-password:tok"))
	}
	value, _ = rawGet(t, c, hashedKey)
	mustEqual(t, "hashed value", value, `{"createdAt":"2026-12-01T10:00:00.123Z","updatedAt":"2026-12-01T10:00:00.123Z","value":"user-2","identifier":"`+ba.HashIdentifier("reset-password:tok")+`","expiresAt":"2026-12-01T11:00:00.123Z"}`)
}

// TestVerificationMalformed: a damaged value is an error, not "none", and
// consuming it deletes it.
func TestVerificationMalformed(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{})
	for _, bad := range []string{`not json`, `{"identifier":"i","value":"v"}`, `{"identifier":"i","value":"v","expiresAt":"yesterday"}`, `{"identifier":1,"value":"v","expiresAt":"2026-12-01T11:00:00.000Z"}`} {
		if err := c.Set(ctx, prefix+"verification:bad", bad, time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		_, err := s.GetVerificationByIdentifier(ctx, "bad")
		mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)
		mustErr(t, err, ba.ErrUnavailable)
		_, err = s.ConsumeVerification(ctx, "bad")
		mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)
		mustNotExist(t, c, prefix+"verification:bad")
	}
}
