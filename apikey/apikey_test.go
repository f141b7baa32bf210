package apikey_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/apikey"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// The SQL stores are what Config wants.
var _ apikey.UsageStore = (*sqlstore.APIKeyStore)(nil)
var _ apikey.UserLookup = (*sqlstore.Store)(nil)

// clock is a settable Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: ba.Truncate(time.Now())} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a fresh SQLite database with the apiKey tables and one user.
type env struct {
	db    *sql.DB
	store *sqlite.Store
	keys  *sqlstore.APIKeyStore
	user  *ba.User
	clock *clock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAPIKey}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := s.APIKeys()
	if err != nil {
		t.Fatal(err)
	}
	u := &ba.User{Name: "Key Owner", Email: "owner@example.com"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, store: s, keys: keys, user: u, clock: newClock()}
}

// newKey makes a key the way the plugin's default generator does: prefix
// plus 64 letters.
func newKey(prefix string) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return prefix + string(b)
}

// add stores a key row with Better Auth's create defaults (rate limit 10
// per 24 h) changed by edit, and returns the plaintext key.
func (e *env) add(t testing.TB, edit func(*ba.APIKey)) (string, *ba.APIKey) {
	t.Helper()
	key := newKey("ba_")
	prefix, start, meta := "ba_", key[:6], "null"
	k := &ba.APIKey{
		ReferenceID: e.user.ID, Key: apikey.Hash(key), Prefix: &prefix, Start: &start, Metadata: &meta,
		RateLimitTimeWindow: i64(86400000), RateLimitMax: i64(10), CreatedAt: e.clock.Now(),
	}
	if edit != nil {
		edit(k)
	}
	if err := e.keys.CreateAPIKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	return key, k
}

func (e *env) verifier(t testing.TB, edit func(*apikey.Config)) *apikey.Verifier {
	t.Helper()
	cfg := apikey.Config{Keys: e.keys, Users: e.store, Now: e.clock.Now}
	if edit != nil {
		edit(&cfg)
	}
	v, err := apikey.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *env) row(t *testing.T, id string) *ba.APIKey {
	t.Helper()
	k, err := e.keys.GetAPIKey(context.Background(), id)
	if err != nil {
		t.Fatalf("row %s: %v", id, err)
	}
	return k
}

func i64(n int64) *int64 { return &n }

func ptr[T any](v T) *T { return &v }

func TestHash(t *testing.T) {
	// Computed with Node: base64url(sha256("ba_test")) without padding,
	// Better Auth's defaultKeyHasher.
	if got := apikey.Hash("ba_test"); got != "HmZzQSISGgH-9uCYYAez0_ur_b0G6xlSZDTWzhQJ6Xk" {
		t.Fatalf("Hash = %s", got)
	}
}

func TestNew(t *testing.T) {
	e := newEnv(t)
	for name, cfg := range map[string]apikey.Config{
		"NoKeys":             {Users: e.store},
		"NoUsers":            {Keys: e.keys},
		"BadReferences":      {Keys: e.keys, Users: e.store, References: "team"},
		"CountUsageReadOnly": {Keys: lookupOnly{e.keys}, Users: e.store, CountUsage: true},
		"EmptyHeader":        {Keys: e.keys, Users: e.store, Headers: []string{""}},
	} {
		if _, err := apikey.New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
	if _, err := apikey.New(apikey.Config{Keys: e.keys, References: apikey.ReferencesOrganization}); err != nil {
		t.Errorf("organization keys need no Users: %v", err)
	}
}

// lookupOnly hides the usage methods of a store.
type lookupOnly struct{ apikey.Store }

func TestVerify(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	v := e.verifier(t, nil)
	good, goodRow := e.add(t, nil)
	disabled, _ := e.add(t, func(k *ba.APIKey) { k.Enabled = ptr(false) })
	expiring, _ := e.add(t, func(k *ba.APIKey) { k.ExpiresAt = ptr(e.clock.Now().Add(time.Hour)) })
	usedUp, _ := e.add(t, func(k *ba.APIKey) { k.Remaining = i64(0) })
	waitingRefill, _ := e.add(t, func(k *ba.APIKey) {
		k.Remaining, k.RefillAmount, k.RefillInterval = i64(0), i64(5), i64(2*3600000)
	})
	orphan, _ := e.add(t, func(k *ba.APIKey) { k.ReferenceID = "no-such-user" })
	limited, _ := e.add(t, func(k *ba.APIKey) {
		k.RequestCount, k.RateLimitMax, k.LastRequest = i64(10), i64(10), ptr(e.clock.Now().Add(-time.Minute))
	})

	t.Run("OK", func(t *testing.T) {
		res, err := v.VerifyKey(ctx, good)
		if err != nil {
			t.Fatal(err)
		}
		if res.User == nil || res.User.ID != e.user.ID || res.Key.ID != goodRow.ID || res.OrganizationID != "" {
			t.Fatalf("result %+v", res)
		}
		// Read-only: nothing was written.
		if r := e.row(t, goodRow.ID); *r.RequestCount != 0 || r.LastRequest != nil || !r.UpdatedAt.Equal(goodRow.UpdatedAt) {
			t.Fatalf("read-only verification wrote %+v", r)
		}
	})
	t.Run("OKUntilExpiry", func(t *testing.T) {
		if _, err := v.VerifyKey(ctx, expiring); err != nil {
			t.Fatal(err)
		}
	})
	e.clock.Add(time.Hour + time.Millisecond)
	defer e.clock.Add(-(time.Hour + time.Millisecond))

	cases := []struct {
		name string
		key  string
		want error
	}{
		{"ErrNoKey", "", apikey.ErrNoKey},
		{"ErrKeyTooShort", "ba_short", apikey.ErrKeyTooShort},
		{"ErrInvalidKey", newKey("ba_"), apikey.ErrInvalidKey},
		{"ErrInvalidKeyOtherPrefix", "sk_" + good[3:], apikey.ErrInvalidKey},
		{"ErrInvalidKeyCase", strings.ToUpper(good[:10]) + good[10:], apikey.ErrInvalidKey},
		{"ErrKeyDisabled", disabled, apikey.ErrKeyDisabled},
		{"ErrKeyExpired", expiring, apikey.ErrKeyExpired},
		{"ErrUsageExceeded", usedUp, apikey.ErrUsageExceeded},
		{"ErrUsageExceededBeforeRefill", waitingRefill, apikey.ErrUsageExceeded},
		{"ErrInvalidReference", orphan, apikey.ErrInvalidReference},
		{"ErrRateLimited", limited, apikey.ErrRateLimited},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.VerifyKey(ctx, c.key)
			if !errors.Is(err, c.want) || res != nil {
				t.Fatalf("got %v, %v; want %v", res, err, c.want)
			}
		})
	}
	t.Run("RetryAfter", func(t *testing.T) {
		_, err := v.VerifyKey(ctx, limited)
		var rl *apikey.RateLimitError
		// lastRequest was set 1 min before the start, and the clock has
		// moved 1 h 1 ms: 1 h 1 min 1 ms of the 24 h window are gone.
		if !errors.As(err, &rl) || rl.RetryAfter != 24*time.Hour-time.Hour-time.Minute-time.Millisecond {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ReadOnlyKeepsRows", func(t *testing.T) {
		// The plugin deletes expired and used-up keys when it refuses
		// them; a read-only verifier does not.
		for _, key := range []string{expiring, usedUp} {
			if _, err := e.keys.GetAPIKeyByHash(ctx, apikey.Hash(key)); err != nil {
				t.Fatalf("row gone: %v", err)
			}
		}
	})
	t.Run("OKRefillDue", func(t *testing.T) {
		e.clock.Add(time.Hour)
		defer e.clock.Add(-time.Hour)
		if _, err := v.VerifyKey(ctx, waitingRefill); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKRateLimitOff", func(t *testing.T) {
		v := e.verifier(t, func(c *apikey.Config) { c.DisableRateLimit = true })
		if _, err := v.VerifyKey(ctx, limited); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVerifyRequest(t *testing.T) {
	e := newEnv(t)
	key, _ := e.add(t, nil)
	v := e.verifier(t, func(c *apikey.Config) { c.Headers = []string{"x-api-key", "authorization-key"} })
	for name, h := range map[string]http.Header{
		"First":  {"X-Api-Key": {key}},
		"Second": {"X-Api-Key": {""}, "Authorization-Key": {" " + key + " "}},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header = h
			if _, err := v.Verify(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		})
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header["X-Api-Key"] = []string{key, key} // Fetch joins them: "k, k"
	if _, err := v.Verify(context.Background(), r); !errors.Is(err, apikey.ErrInvalidKey) {
		t.Fatalf("repeated header: %v", err)
	}
}

func TestOptions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	t.Run("DisableKeyHashing", func(t *testing.T) {
		plain := newKey("pk_")
		e.add(t, func(k *ba.APIKey) { k.Key = plain })
		if _, err := e.verifier(t, nil).VerifyKey(ctx, plain); !errors.Is(err, apikey.ErrInvalidKey) {
			t.Fatalf("hashed lookup of a plaintext row: %v", err)
		}
		if _, err := e.verifier(t, func(c *apikey.Config) { c.DisableKeyHashing = true }).VerifyKey(ctx, plain); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ConfigID", func(t *testing.T) {
		def, _ := e.add(t, nil)
		legacy, _ := e.add(t, nil)
		if _, err := e.db.ExecContext(ctx, `UPDATE apikey SET "configId" = '' WHERE "key" = ?`, apikey.Hash(legacy)); err != nil {
			t.Fatal(err)
		}
		public, _ := e.add(t, func(k *ba.APIKey) { k.ConfigID = "public" })
		anyConfig := e.verifier(t, nil)
		onlyDefault := e.verifier(t, func(c *apikey.Config) { c.ConfigID = "default" })
		onlyPublic := e.verifier(t, func(c *apikey.Config) { c.ConfigID = "public" })
		for _, c := range []struct {
			v    *apikey.Verifier
			key  string
			want error
		}{
			{anyConfig, def, nil}, {anyConfig, public, nil}, {anyConfig, legacy, nil},
			{onlyDefault, def, nil}, {onlyDefault, legacy, nil}, {onlyDefault, public, apikey.ErrInvalidKey},
			{onlyPublic, public, nil}, {onlyPublic, def, apikey.ErrInvalidKey},
		} {
			if _, err := c.v.VerifyKey(ctx, c.key); !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
				t.Errorf("key %s…: %v, want %v", c.key[:8], err, c.want)
			}
		}
	})
	t.Run("Organization", func(t *testing.T) {
		key, _ := e.add(t, func(k *ba.APIKey) { k.ReferenceID = "org_1" })
		res, err := e.verifier(t, func(c *apikey.Config) { c.References = apikey.ReferencesOrganization }).VerifyKey(ctx, key)
		if err != nil || res.User != nil || res.OrganizationID != "org_1" {
			t.Fatalf("%+v %v", res, err)
		}
	})
	t.Run("MinKeyLength", func(t *testing.T) {
		short := "s_" + newKey("")[:20]
		e.add(t, func(k *ba.APIKey) { k.Key = apikey.Hash(short) })
		if _, err := e.verifier(t, nil).VerifyKey(ctx, short); !errors.Is(err, apikey.ErrKeyTooShort) {
			t.Fatalf("default: %v", err)
		}
		if _, err := e.verifier(t, func(c *apikey.Config) { c.MinKeyLength = -1 }).VerifyKey(ctx, short); err != nil {
			t.Fatalf("check off: %v", err)
		}
	})
}

func TestCountUsage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	v := e.verifier(t, func(c *apikey.Config) { c.CountUsage = true })

	t.Run("Remaining", func(t *testing.T) {
		key, k := e.add(t, func(k *ba.APIKey) { k.Remaining = i64(2) })
		for i := range 2 {
			e.clock.Add(time.Millisecond)
			res, err := v.VerifyKey(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if *res.Key.Remaining != int64(1-i) || *res.Key.RequestCount != int64(i+1) ||
				!res.Key.LastRequest.Equal(e.clock.Now()) || !res.Key.UpdatedAt.Equal(e.clock.Now()) {
				t.Fatalf("after use %d: %+v", i+1, res.Key)
			}
		}
		// remaining 0 without refill: refused and deleted, as Better Auth does.
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrUsageExceeded) {
			t.Fatalf("third use: %v", err)
		}
		if _, err := e.keys.GetAPIKey(ctx, k.ID); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("used-up key kept: %v", err)
		}
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrInvalidKey) {
			t.Fatalf("after deletion: %v", err)
		}
	})
	t.Run("Refill", func(t *testing.T) {
		key, k := e.add(t, func(k *ba.APIKey) {
			k.Remaining, k.RefillAmount, k.RefillInterval = i64(1), i64(3), i64(3600000)
		})
		if _, err := v.VerifyKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrUsageExceeded) {
			t.Fatalf("before refill: %v", err)
		}
		if _, err := e.keys.GetAPIKey(ctx, k.ID); err != nil {
			t.Fatalf("a key with refill is kept: %v", err)
		}
		// Exactly refillInterval after createdAt is not yet "more than".
		e.clock.Add(time.Hour)
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrUsageExceeded) {
			t.Fatalf("at the interval: %v", err)
		}
		e.clock.Add(time.Millisecond)
		res, err := v.VerifyKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if *res.Key.Remaining != 2 || !res.Key.LastRefillAt.Equal(e.clock.Now()) {
			t.Fatalf("refilled row %+v", res.Key)
		}
		// The next refill counts from lastRefillAt.
		e.clock.Add(30 * time.Minute)
		if res, err = v.VerifyKey(ctx, key); err != nil || *res.Key.Remaining != 1 {
			t.Fatalf("%+v %v", res, err)
		}
	})
	t.Run("RateLimit", func(t *testing.T) {
		key, _ := e.add(t, func(k *ba.APIKey) { k.RateLimitMax, k.RateLimitTimeWindow, k.Remaining = i64(2), i64(1000), i64(10) })
		for range 2 {
			if _, err := v.VerifyKey(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Add(400 * time.Millisecond)
		_, err := v.VerifyKey(ctx, key)
		var rl *apikey.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != 600*time.Millisecond {
			t.Fatalf("third request: %v", err)
		}
		row, _ := e.keys.GetAPIKeyByHash(ctx, apikey.Hash(key))
		// The quota is consumed before the rate limit refuses, as in
		// Better Auth; the refused request leaves lastRequest alone.
		if *row.Remaining != 7 || *row.RequestCount != 2 {
			t.Fatalf("row after a refused request: remaining %d requestCount %d", *row.Remaining, *row.RequestCount)
		}
		// The window runs from lastRequest: 1000 ms later it is exactly
		// the window, still closed; one ms more opens a new one.
		e.clock.Add(600 * time.Millisecond)
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrRateLimited) {
			t.Fatalf("at the window's end: %v", err)
		}
		e.clock.Add(time.Millisecond)
		res, err := v.VerifyKey(ctx, key)
		if err != nil || *res.Key.RequestCount != 1 {
			t.Fatalf("new window: %+v %v", res, err)
		}
	})
	t.Run("RateLimitOff", func(t *testing.T) {
		key, _ := e.add(t, func(k *ba.APIKey) { k.RateLimitEnabled = ptr(false) })
		res, err := v.VerifyKey(ctx, key)
		if err != nil || *res.Key.RequestCount != 0 || !res.Key.LastRequest.Equal(e.clock.Now()) {
			t.Fatalf("%+v %v", res, err)
		}
		key, _ = e.add(t, func(k *ba.APIKey) { k.RateLimitMax = nil })
		res, err = v.VerifyKey(ctx, key)
		if err != nil || *res.Key.RequestCount != 0 || res.Key.LastRequest != nil {
			t.Fatalf("no max: %+v %v", res, err)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		key, k := e.add(t, func(k *ba.APIKey) { k.ExpiresAt = ptr(e.clock.Now().Add(time.Minute)) })
		e.clock.Add(time.Minute + time.Millisecond)
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrKeyExpired) {
			t.Fatal(err)
		}
		if _, err := e.keys.GetAPIKey(ctx, k.ID); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("expired key kept: %v", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		// A refill amount keeps the used-up key from being deleted (which
		// would make late requests fail with ErrInvalidKey, in Better Auth
		// too); the interval keeps the refill from being due.
		key, k := e.add(t, func(k *ba.APIKey) {
			k.Remaining, k.RateLimitMax, k.RefillAmount, k.RefillInterval = i64(12), i64(1000), i64(5), i64(86400000)
		})
		var ok, exceeded atomic.Int64
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := v.VerifyKey(ctx, key)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, apikey.ErrUsageExceeded):
					exceeded.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 12 || exceeded.Load() != 8 {
			t.Fatalf("20 concurrent uses of 12: %d ok, %d refused", ok.Load(), exceeded.Load())
		}
		if r := e.row(t, k.ID); *r.Remaining != 0 || *r.RequestCount != 12 {
			t.Fatalf("row: remaining %d requestCount %d", *r.Remaining, *r.RequestCount)
		}
	})
}

// failing is a store whose database is down.
type failing struct{}

func (failing) GetAPIKeyByHash(context.Context, string) (*ba.APIKey, error) {
	return nil, ba.ErrUnavailable
}

func TestHTTP(t *testing.T) {
	e := newEnv(t)
	v := e.verifier(t, nil)
	good, _ := e.add(t, nil)
	disabled, _ := e.add(t, func(k *ba.APIKey) { k.Enabled = ptr(false) })
	limited, _ := e.add(t, func(k *ba.APIKey) {
		k.RequestCount, k.LastRequest = i64(10), ptr(e.clock.Now().Add(-1500*time.Millisecond))
	})
	usedUp, _ := e.add(t, func(k *ba.APIKey) { k.Remaining = i64(0) })
	me := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(apikey.User(r.Context()).ID + " " + apikey.Key(r.Context()).ID))
	})
	h := apikey.Middleware(v)(apikey.Require(me))
	down, err := apikey.New(apikey.Config{Keys: failing{}, Users: e.store})
	if err != nil {
		t.Fatal(err)
	}
	downHandler := apikey.Middleware(down)(apikey.Require(me))
	cases := []struct {
		name    string
		handler http.Handler
		key     string
		status  int
		body    string
	}{
		{"OK", h, good, 200, ""},
		{"ErrNoKey", h, "", 401, `{"message":"Unauthorized","code":"UNAUTHORIZED"}`},
		{"ErrInvalidKey", h, newKey("ba_"), 401, `{"message":"Invalid API key.","code":"INVALID_API_KEY"}`},
		{"ErrKeyTooShort", h, "short", 403, `{"message":"Invalid API key.","code":"INVALID_API_KEY"}`},
		{"ErrKeyDisabled", h, disabled, 401, `{"message":"API Key is disabled","code":"KEY_DISABLED"}`},
		{"ErrUsageExceeded", h, usedUp, 429, `{"message":"API Key has reached its usage limit","code":"USAGE_EXCEEDED"}`},
		{"ErrRateLimited", h, limited, 429, `{"message":"Rate limit exceeded.","code":"RATE_LIMITED","details":{"tryAgainIn":86398500}}`},
		{"ErrUnavailable", downHandler, good, 503, ""},
		{"NoMiddleware", apikey.Require(me), good, 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if c.key != "" {
				r.Header.Set("X-Api-Key", c.key)
			}
			w := httptest.NewRecorder()
			c.handler.ServeHTTP(w, r)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			if c.body != "" && strings.TrimSpace(w.Body.String()) != c.body {
				t.Fatalf("body %s, want %s", w.Body, c.body)
			}
			if c.status != 200 && !json.Valid(w.Body.Bytes()) {
				t.Fatalf("body is not JSON: %s", w.Body)
			}
			switch c.status {
			case 200:
				if !strings.HasPrefix(w.Body.String(), e.user.ID+" ") {
					t.Fatalf("body %s", w.Body)
				}
			case 429:
				if c.name == "ErrRateLimited" && w.Header().Get("Retry-After") != "86399" {
					t.Fatalf("Retry-After %q", w.Header().Get("Retry-After"))
				}
			case 503:
				if w.Header().Get("Retry-After") == "" {
					t.Fatal("503 without Retry-After")
				}
			}
			if c.name != "NoMiddleware" && w.Header().Get("Vary") != "X-Api-Key" {
				t.Fatalf("Vary %q", w.Header().Get("Vary"))
			}
		})
	}
	t.Run("MiddlewareNeverRejects", func(t *testing.T) {
		var got error
		apikey.Middleware(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, got = apikey.FromContext(r.Context())
		})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		if !errors.Is(got, apikey.ErrNoKey) {
			t.Fatalf("context error %v", got)
		}
	})
}

func BenchmarkVerifyKey(b *testing.B) {
	e := newEnv(b)
	key, _ := e.add(b, nil)
	v := e.verifier(b, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.VerifyKey(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}
