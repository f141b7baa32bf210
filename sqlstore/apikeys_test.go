package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

var apiKeySchema = ba.Schema{Plugins: []ba.Plugin{ba.PluginAPIKey}}

// apiKeyStores runs fn on a fresh, migrated database of each kind.
func apiKeyStores(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		fn(t, storetest.OpenMigrated(t, kind, sqlstore.Options{Schema: apiKeySchema}))
	})
}

func i64(n int64) *int64 { return &n }

func TestAPIKeysWithoutPlugin(t *testing.T) {
	s := storetest.Open(t, sqlstore.SQLite, sqlstore.Options{})
	if _, err := s.APIKeys(); !errors.Is(err, ba.ErrInvalid) {
		t.Fatalf("APIKeys without the plugin: %v, want ErrInvalid", err)
	}
}

func TestAPIKeyStore(t *testing.T) {
	apiKeyStores(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		keys, err := s.APIKeys()
		if err != nil {
			t.Fatal(err)
		}
		u := &ba.User{Name: "Key Owner", Email: "owner@example.com"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		created := ba.Truncate(time.Now().Add(-time.Hour))
		name, prefix, meta := "ci", "ba_", "null"
		k := &ba.APIKey{
			Name: &name, Prefix: &prefix, ReferenceID: u.ID, Key: "hash-1",
			Remaining: i64(3), RateLimitTimeWindow: i64(60000), RateLimitMax: i64(2),
			RefillInterval: i64(1000), RefillAmount: i64(5),
			CreatedAt: created, Metadata: &meta,
		}
		if err := keys.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		other := &ba.APIKey{ReferenceID: u.ID, Key: "hash-2", CreatedAt: created.Add(time.Second)}
		if err := keys.CreateAPIKey(ctx, other); err != nil {
			t.Fatal(err)
		}

		t.Run("Get", func(t *testing.T) {
			got, err := keys.GetAPIKeyByHash(ctx, "hash-1")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != k.ID || got.ConfigID != "default" || *got.Name != "ci" || *got.Enabled != true || *got.RequestCount != 0 ||
				*got.Remaining != 3 || got.LastRequest != nil || !got.CreatedAt.Equal(created) || *got.Metadata != "null" {
				t.Fatalf("got %+v", got)
			}
			if _, err := keys.GetAPIKeyByHash(ctx, "nope"); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("unknown hash: %v", err)
			}
			list, err := keys.ListAPIKeys(ctx, u.ID)
			if err != nil || len(list) != 2 || list[0].ID != k.ID || list[1].ID != other.ID {
				t.Fatalf("list: %v %+v", err, list)
			}
		})

		now := ba.Truncate(time.Now())
		t.Run("Decrement", func(t *testing.T) {
			for want := int64(2); want >= 0; want-- {
				got, err := keys.DecrementAPIKeyRemaining(ctx, k.ID)
				if err != nil || *got.Remaining != want {
					t.Fatalf("decrement to %d: %v %+v", want, err, got)
				}
			}
			if _, err := keys.DecrementAPIKeyRemaining(ctx, k.ID); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("decrement at 0: %v, want ErrNotFound", err)
			}
		})
		t.Run("Refill", func(t *testing.T) {
			got, err := keys.RefillAPIKey(ctx, k.ID, nil, 4, now)
			if err != nil || *got.Remaining != 4 || !got.LastRefillAt.Equal(now) {
				t.Fatalf("refill: %v %+v", err, got)
			}
			// The compare-and-swap fails for whoever read the old value.
			if _, err := keys.RefillAPIKey(ctx, k.ID, nil, 4, now); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("second refill from NULL: %v", err)
			}
			later := now.Add(2 * time.Second)
			if _, err := keys.RefillAPIKey(ctx, k.ID, &later, 4, later); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("refill with a wrong lastRefillAt: %v", err)
			}
			got, err = keys.RefillAPIKey(ctx, k.ID, &now, 9, later)
			if err != nil || *got.Remaining != 9 || !got.LastRefillAt.Equal(later) {
				t.Fatalf("refill from a date: %v %+v", err, got)
			}
		})
		t.Run("RateLimit", func(t *testing.T) {
			got, err := keys.StartAPIKeyRateLimitWindow(ctx, k.ID, nil, now)
			if err != nil || *got.RequestCount != 1 || !got.LastRequest.Equal(now) {
				t.Fatalf("start: %v %+v", err, got)
			}
			if _, err := keys.StartAPIKeyRateLimitWindow(ctx, k.ID, nil, now); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("start twice: %v", err)
			}
			windowStart := now.Add(-time.Minute)
			next := now.Add(time.Millisecond)
			got, err = keys.IncrementAPIKeyRequestCount(ctx, k.ID, windowStart, 2, next)
			if err != nil || *got.RequestCount != 2 || !got.LastRequest.Equal(next) {
				t.Fatalf("increment: %v %+v", err, got)
			}
			if _, err := keys.IncrementAPIKeyRequestCount(ctx, k.ID, windowStart, 2, next); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("increment at max: %v", err)
			}
			// The window is over only when lastRequest <= windowStart.
			if _, err := keys.StartAPIKeyRateLimitWindow(ctx, k.ID, &windowStart, next); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("restart of an open window: %v", err)
			}
			after := next.Add(2 * time.Minute)
			closed := after.Add(-time.Minute)
			got, err = keys.StartAPIKeyRateLimitWindow(ctx, k.ID, &closed, after)
			if err != nil || *got.RequestCount != 1 || !got.LastRequest.Equal(after) {
				t.Fatalf("restart: %v %+v", err, got)
			}
			got, err = keys.SetAPIKeyLastRequest(ctx, k.ID, after)
			if err != nil || !got.LastRequest.Equal(after) {
				t.Fatalf("set last request (same value): %v %+v", err, got)
			}
			got, err = keys.TouchAPIKey(ctx, k.ID, after)
			if err != nil || !got.UpdatedAt.Equal(after) {
				t.Fatalf("touch: %v %+v", err, got)
			}
			if _, err := keys.TouchAPIKey(ctx, "missing", after); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("touch missing: %v", err)
			}
		})
		t.Run("ConcurrentDecrement", func(t *testing.T) {
			c := &ba.APIKey{ReferenceID: u.ID, Key: "hash-3", Remaining: i64(10)}
			if err := keys.CreateAPIKey(ctx, c); err != nil {
				t.Fatal(err)
			}
			var ok, refused atomic.Int64
			var wg sync.WaitGroup
			for range 25 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := keys.DecrementAPIKeyRemaining(ctx, c.ID)
					switch {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, ba.ErrNotFound):
						refused.Add(1)
					default:
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			got, err := keys.GetAPIKey(ctx, c.ID)
			if err != nil || ok.Load() != 10 || refused.Load() != 15 || *got.Remaining != 0 {
				t.Fatalf("25 concurrent decrements of 10: ok %d refused %d, remaining %v (%v)", ok.Load(), refused.Load(), got, err)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			if err := keys.DeleteAPIKey(ctx, other.ID); err != nil {
				t.Fatal(err)
			}
			if err := keys.DeleteAPIKey(ctx, other.ID); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("delete twice: %v", err)
			}
		})
	})
}
