package apikey_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/apikey"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const liveSecret = "apikey-live-test-secret-0123456789abcdef-0123456789"

// live is the real Better Auth 1.7.25 with @better-auth/api-key on a fresh
// database, a signed-up user, and Go's store on the same database.
type live struct {
	h      *batest.Harness
	store  *sqlstore.Store
	keys   *sqlstore.APIKeyStore
	sqlDB  *sql.DB // SQLite only, for raw reads
	cookie string
	userID string
}

func startLive(t *testing.T, kind sqlstore.Kind) *live {
	t.Helper()
	ctx := context.Background()
	opts := sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAPIKey}}}
	l := &live{}
	db := storetest.NewDatabase(t, kind)
	l.store = db.Open(t, opts)
	if kind == sqlstore.SQLite {
		raw, err := sqlite.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		l.sqlDB = raw
	}
	l.h = batest.Start(t, batest.Config{
		Dialect: kind.String(), URL: db.DSN, Secret: liveSecret, Plugins: []string{"apiKey"},
		Extra: map[string]any{"pluginOptions": map[string]any{"apiKey": map[string]any{
			// The plugin's verify route is server-only (404 over HTTP);
			// with sessions for API keys, any request carrying x-api-key
			// runs the same validateApiKey, so GET /get-session verifies.
			"enableSessionForAPIKeys": true,
			"enableMetadata":          true,
		}}},
	})
	l.h.MustCall(t, "migrate", nil, nil)
	keys, err := l.store.APIKeys()
	if err != nil {
		t.Fatal(err)
	}
	l.keys = keys
	r := l.h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{
		"email": "keys@example.com", "password": "correct-horse-battery", "name": "Key Öwner",
	})
	var body struct{ User struct{ ID string } }
	if r.Status != 200 || r.Decode(&body) != nil {
		t.Fatalf("sign-up: %d %s", r.Status, r.Text)
	}
	l.cookie, l.userID = batest.CookieHeader(r.SetCookie), body.User.ID
	return l
}

// create makes a key through POST /api/auth/api-key/create and returns the
// plaintext key and the id.
func (l *live) create(t *testing.T, body map[string]any) (key, id string) {
	t.Helper()
	r := l.h.Request(t, "POST", "/api/auth/api-key/create", map[string]string{"cookie": l.cookie}, body)
	var out struct{ Key, ID string }
	if r.Status != 200 || r.Decode(&out) != nil || out.Key == "" {
		t.Fatalf("create %v: %d %s", body, r.Status, r.Text)
	}
	return out.Key, out.ID
}

// setServerOnly writes fields the HTTP routes refuse to set
// (SERVER_ONLY_PROPERTY: remaining, refill, rate limit, permissions) with
// Better Auth's own adapter.
func (l *live) setServerOnly(t *testing.T, id string, fields map[string]any) {
	t.Helper()
	l.h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{
		"model": "apikey", "where": []map[string]any{{"field": "id", "value": id}}, "update": fields,
	}}, nil)
}

// get is GET /api/auth/api-key/get?id=…: the row without key, metadata
// and permissions parsed. nil when Better Auth answers 404.
func (l *live) get(t *testing.T, id string) map[string]any {
	t.Helper()
	r := l.h.Request(t, "GET", "/api/auth/api-key/get?id="+url.QueryEscape(id), map[string]string{"cookie": l.cookie}, nil)
	if r.Status == 404 {
		return nil
	}
	var m map[string]any
	if r.Status != 200 || r.Decode(&m) != nil {
		t.Fatalf("get %s: %d %s", id, r.Status, r.Text)
	}
	return m
}

// baVerify verifies a key through Better Auth (the session hook of the
// apiKey plugin on GET /get-session): status and body.
func (l *live) baVerify(t *testing.T, key string) (int, map[string]any) {
	t.Helper()
	r := l.h.Request(t, "GET", "/api/auth/get-session", map[string]string{"x-api-key": key}, nil)
	var m map[string]any
	if err := r.Decode(&m); err != nil {
		t.Fatalf("get-session: %d %s", r.Status, r.Text)
	}
	return r.Status, m
}

// goAnswer is what apikey.Middleware + Require answer for a key.
func goAnswer(t *testing.T, v *apikey.Verifier, key string) (int, map[string]any) {
	t.Helper()
	h := apikey.Middleware(v)(apikey.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"user": map[string]any{"id": apikey.User(r.Context()).ID}})
	})))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("x-api-key", key)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("Go answer %d %s", w.Code, w.Body)
	}
	return w.Code, m
}

// outcome reduces an answer to "ok" or its error code.
func outcome(status int, body map[string]any) string {
	if status == 200 {
		return "ok"
	}
	code, _ := body["code"].(string)
	return fmt.Sprintf("%d %s", status, code)
}

func goOutcome(res *apikey.Result, err error) string {
	if err == nil {
		return "ok"
	}
	status, body := apikey.Status(err)
	return fmt.Sprintf("%d %s", status, body.Code)
}

// view is the Go row as Better Auth's get route shows it: no key, dates as
// toISOString, metadata and permissions parsed.
func view(t *testing.T, k *ba.APIKey) map[string]any {
	t.Helper()
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "key")
	for name, d := range map[string]*time.Time{
		"createdAt": &k.CreatedAt, "updatedAt": &k.UpdatedAt, "expiresAt": k.ExpiresAt,
		"lastRequest": k.LastRequest, "lastRefillAt": k.LastRefillAt,
	} {
		if d != nil {
			m[name] = ba.FormatTime(*d)
		}
	}
	for name, text := range map[string]*string{"metadata": k.Metadata, "permissions": k.Permissions} {
		m[name] = nil
		if text != nil {
			var v any
			if err := json.Unmarshal([]byte(*text), &v); err != nil {
				t.Fatalf("%s is not JSON: %q", name, *text)
			}
			m[name] = v
		}
	}
	return m
}

func sameRow(t *testing.T, what string, goRow *ba.APIKey, fromBA map[string]any) {
	t.Helper()
	got := view(t, goRow)
	if !reflect.DeepEqual(got, fromBA) {
		var diff []string
		for k := range union(got, fromBA) {
			if !reflect.DeepEqual(got[k], fromBA[k]) {
				diff = append(diff, fmt.Sprintf("%s: Go %#v, Better Auth %#v", k, got[k], fromBA[k]))
			}
		}
		sort.Strings(diff)
		t.Errorf("%s differs:\n  %s", what, strings.Join(diff, "\n  "))
	}
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// usage is the part of two rows that must match when the same requests
// went to Go and to Better Auth: the counters exactly, the dates by
// whether they are set.
func usage(m map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"remaining", "requestCount", "refillAmount", "refillInterval", "rateLimitMax", "rateLimitTimeWindow", "rateLimitEnabled", "enabled"} {
		out[k] = m[k]
	}
	for _, k := range []string{"lastRequest", "lastRefillAt", "expiresAt"} {
		out[k+" set"] = m[k] != nil
	}
	out["updated"] = m["updatedAt"] != m["createdAt"]
	return out
}

func TestLiveBetterAuth(t *testing.T) {
	storetest.ForEachKind(t, testLive)
}

func testLive(t *testing.T, kind sqlstore.Kind) {
	ctx := context.Background()
	l := startLive(t, kind)
	readOnly, err := apikey.New(apikey.Config{Keys: l.keys, Users: l.store})
	if err != nil {
		t.Fatal(err)
	}
	counting, err := apikey.New(apikey.Config{Keys: l.keys, Users: l.store, CountUsage: true})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("RowsAndOwner", func(t *testing.T) {
		prefixed, prefixedID := l.create(t, map[string]any{"name": "ci", "prefix": "ba_", "expiresIn": 2 * 86400})
		plain, plainID := l.create(t, map[string]any{"name": "plain"})
		withMeta, withMetaID := l.create(t, map[string]any{"name": "meta", "prefix": "sk-live_", "metadata": map[string]any{"team": "core", "n": 1}})
		l.setServerOnly(t, plainID, map[string]any{
			"remaining": 5, "refillAmount": 3, "refillInterval": 86400000, "rateLimitMax": 7, "rateLimitTimeWindow": 1000,
			"permissions": `{"files":["read","write"]}`,
		})
		if !strings.HasPrefix(prefixed, "ba_") || len(plain) != 64 || !strings.HasPrefix(withMeta, "sk-live_") {
			t.Fatalf("keys %q %q %q", prefixed, plain, withMeta)
		}
		for _, c := range []struct{ key, id string }{{prefixed, prefixedID}, {plain, plainID}, {withMeta, withMetaID}} {
			res, err := readOnly.VerifyKey(ctx, c.key)
			if err != nil {
				t.Fatalf("Go refuses Better Auth's key %s: %v", c.id, err)
			}
			if res.User == nil || res.User.ID != l.userID || res.User.Name != "Key Öwner" || res.Key.ID != c.id {
				t.Fatalf("owner: %+v", res)
			}
			if res.Key.Key != apikey.Hash(c.key) {
				t.Fatalf("stored hash %s, Go's hash %s", res.Key.Key, apikey.Hash(c.key))
			}
			sameRow(t, "key "+c.id, res.Key, l.get(t, c.id))
		}
	})

	t.Run("Refused", func(t *testing.T) {
		key, id := l.create(t, map[string]any{"name": "refused", "prefix": "ba_", "expiresIn": 86400})
		disabledKey, disabledID := l.create(t, map[string]any{"name": "disabled"})
		usedUpKey, usedUpID := l.create(t, map[string]any{"name": "used"})
		expiredKey, expiredID := l.create(t, map[string]any{"name": "expired"})
		limitedKey, limitedID := l.create(t, map[string]any{"name": "limited"})
		orphanKey, orphanID := l.create(t, map[string]any{"name": "orphan"})
		if r := l.h.Request(t, "POST", "/api/auth/api-key/update", map[string]string{"cookie": l.cookie},
			map[string]any{"keyId": disabledID, "enabled": false}); r.Status != 200 {
			t.Fatalf("disable: %d %s", r.Status, r.Text)
		}
		l.setServerOnly(t, usedUpID, map[string]any{"remaining": 0})
		l.setServerOnly(t, limitedID, map[string]any{"requestCount": 10, "lastRequest": ba.FormatTime(time.Now().Add(-time.Second))})
		l.setServerOnly(t, orphanID, map[string]any{"referenceId": "no-such-user"})
		// Last, so that no create/get/update of Better Auth (each of which
		// sweeps expired keys) runs before it is verified.
		l.setServerOnly(t, expiredID, map[string]any{"expiresAt": ba.FormatTime(time.Now().Add(-time.Minute))})

		cases := []struct {
			name, key string
			want      error
		}{
			{"ErrInvalidKey", newKey("ba_"), apikey.ErrInvalidKey},
			{"ErrInvalidKeyOtherPrefix", "sk_" + key[3:], apikey.ErrInvalidKey},
			{"ErrKeyTooShort", key[:40], apikey.ErrKeyTooShort},
			{"ErrKeyDisabled", disabledKey, apikey.ErrKeyDisabled},
			{"ErrRateLimited", limitedKey, apikey.ErrRateLimited},
			{"ErrInvalidReference", orphanKey, apikey.ErrInvalidReference},
			// Better Auth deletes the last two rows when it refuses them.
			{"ErrKeyExpired", expiredKey, apikey.ErrKeyExpired},
			{"ErrUsageExceeded", usedUpKey, apikey.ErrUsageExceeded},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if _, err := readOnly.VerifyKey(ctx, c.key); !errors.Is(err, c.want) {
					t.Fatalf("Go: %v, want %v", err, c.want)
				}
				goStatus, goBody := goAnswer(t, readOnly, c.key)
				baStatus, baBody := l.baVerify(t, c.key)
				if c.name == "ErrRateLimited" {
					// tryAgainIn depends on the instant each side looked.
					g := goBody["details"].(map[string]any)["tryAgainIn"].(float64)
					b := baBody["details"].(map[string]any)["tryAgainIn"].(float64)
					if g-b > 5000 || b-g > 5000 || b < 86390000 {
						t.Errorf("tryAgainIn: Go %v, Better Auth %v", g, b)
					}
					goBody["details"], baBody["details"] = nil, nil
				}
				if goStatus != baStatus || !reflect.DeepEqual(goBody, baBody) {
					t.Errorf("Go answers %d %v, Better Auth %d %v", goStatus, goBody, baStatus, baBody)
				}
			})
		}
		if l.get(t, expiredID) != nil || l.get(t, usedUpID) != nil {
			t.Error("Better Auth kept an expired or used-up key it refused")
		}
		t.Run("ErrKeyExpiredLater", func(t *testing.T) {
			later, err := apikey.New(apikey.Config{Keys: l.keys, Users: l.store, Now: func() time.Time { return time.Now().Add(25 * time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := later.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrKeyExpired) {
				t.Fatalf("tomorrow: %v", err)
			}
			if _, err := readOnly.VerifyKey(ctx, key); err != nil {
				t.Fatalf("today: %v", err)
			}
			if l.get(t, id) == nil {
				t.Fatal("a read-only verifier deleted the key")
			}
		})
	})

	// Each scenario runs the same requests against two keys with the same
	// settings, one through Go (CountUsage) and one through Better Auth,
	// and compares every answer and the rows.
	twin := func(t *testing.T, fields map[string]any) (goKey, goID, baKey, baID string) {
		t.Helper()
		goKey, goID = l.create(t, map[string]any{"name": "go"})
		baKey, baID = l.create(t, map[string]any{"name": "ba"})
		l.setServerOnly(t, goID, fields)
		l.setServerOnly(t, baID, fields)
		return
	}
	step := func(t *testing.T, i int, goKey, baKey string, want string) {
		t.Helper()
		g := goOutcome(counting.VerifyKey(ctx, goKey))
		b := outcome(l.baVerify(t, baKey))
		if g != b || g != want {
			t.Fatalf("request %d: Go %s, Better Auth %s, want %s", i, g, b, want)
		}
	}
	compare := func(t *testing.T, goID, baID string) map[string]any {
		t.Helper()
		g, b := l.get(t, goID), l.get(t, baID)
		if g == nil || b == nil {
			t.Fatalf("rows: Go %v, Better Auth %v", g, b)
		}
		if !reflect.DeepEqual(usage(g), usage(b)) {
			t.Fatalf("rows differ:\n Go          %v\n Better Auth %v", usage(g), usage(b))
		}
		return g
	}

	t.Run("CountUsageQuotaAndRateLimit", func(t *testing.T) {
		goKey, goID, baKey, baID := twin(t, map[string]any{"remaining": 6, "rateLimitMax": 4, "rateLimitTimeWindow": 60000})
		want := []string{"ok", "ok", "ok", "ok", "429 RATE_LIMITED", "429 RATE_LIMITED"}
		for i, w := range want {
			step(t, i+1, goKey, baKey, w)
		}
		row := compare(t, goID, baID)
		// Refused requests still consumed the quota, in both.
		if row["remaining"] != 0.0 || row["requestCount"] != 4.0 {
			t.Fatalf("row %v", row)
		}
		// remaining 0 without refill: refused and deleted by both.
		step(t, 7, goKey, baKey, "429 USAGE_EXCEEDED")
		if l.get(t, goID) != nil || l.get(t, baID) != nil {
			t.Fatal("a used-up key survived")
		}
		step(t, 8, goKey, baKey, "401 INVALID_API_KEY")
	})

	t.Run("CountUsageRefill", func(t *testing.T) {
		const interval = 3000
		goKey, goID, baKey, baID := twin(t, map[string]any{"remaining": 1, "refillAmount": 2, "refillInterval": interval})
		created := time.Now()
		step(t, 1, goKey, baKey, "ok")
		step(t, 2, goKey, baKey, "429 USAGE_EXCEEDED")
		if time.Since(created) > interval*time.Millisecond {
			t.Skip("too slow to observe the refill interval")
		}
		compare(t, goID, baID) // kept: a refill is configured
		time.Sleep(time.Until(created.Add(interval*time.Millisecond + 200*time.Millisecond)))
		step(t, 3, goKey, baKey, "ok")
		row := compare(t, goID, baID)
		if row["remaining"] != 1.0 || row["lastRefillAt"] == nil {
			t.Fatalf("after the refill: %v", row)
		}
		step(t, 4, goKey, baKey, "ok")
		step(t, 5, goKey, baKey, "429 USAGE_EXCEEDED")
		compare(t, goID, baID)
	})

	t.Run("CountUsageFakeClock", func(t *testing.T) {
		key, id := l.create(t, map[string]any{"name": "clock"})
		l.setServerOnly(t, id, map[string]any{"remaining": 1, "refillAmount": 5, "refillInterval": 3600000, "rateLimitMax": 2, "rateLimitTimeWindow": 600000})
		offset := time.Duration(0)
		v, err := apikey.New(apikey.Config{Keys: l.keys, Users: l.store, CountUsage: true, Now: func() time.Time { return time.Now().Add(offset) }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.VerifyKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrUsageExceeded) {
			t.Fatalf("before the refill: %v", err)
		}
		offset = time.Hour + time.Second
		res, err := v.VerifyKey(ctx, key)
		if err != nil {
			t.Fatalf("after refillInterval: %v", err)
		}
		// The refill counts as the use; the last request was an hour ago,
		// past the 10 min window, so a new window starts.
		if *res.Key.Remaining != 4 || *res.Key.RequestCount != 1 {
			t.Fatalf("refilled row: remaining %d requestCount %d", *res.Key.Remaining, *res.Key.RequestCount)
		}
		if _, err := v.VerifyKey(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := v.VerifyKey(ctx, key); !errors.Is(err, apikey.ErrRateLimited) {
			t.Fatalf("third in the window: %v", err)
		}
		offset += 10*time.Minute + time.Millisecond
		if res, err = v.VerifyKey(ctx, key); err != nil || *res.Key.RequestCount != 1 || *res.Key.Remaining != 1 {
			t.Fatalf("new window: %+v %v", res, err)
		}
		// Better Auth reads back exactly what Go wrote.
		sameRow(t, "row written by Go", res.Key, l.get(t, id))
	})

	t.Run("ConcurrentWithBetterAuth", func(t *testing.T) {
		// One quota, spent at once by Go goroutines and Better Auth: the
		// guards on both sides hand out exactly `remaining` uses. A refill
		// amount (never due) keeps the used-up key from being deleted.
		key, id := l.create(t, map[string]any{"name": "shared-quota"})
		l.setServerOnly(t, id, map[string]any{"remaining": 15, "refillAmount": 1, "refillInterval": 86400000, "rateLimitEnabled": false})
		var goOK, baOK, refused atomic.Int64
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 2 {
					_, err := counting.VerifyKey(ctx, key)
					switch {
					case err == nil:
						goOK.Add(1)
					case errors.Is(err, apikey.ErrUsageExceeded):
						refused.Add(1)
					default:
						t.Errorf("Go: %v", err)
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				var r batest.Response
				err := l.h.Call("request", map[string]any{"method": "GET", "path": "/api/auth/get-session", "headers": map[string]string{"x-api-key": key}}, &r)
				switch {
				case err != nil:
					t.Errorf("Better Auth: %v", err)
				case r.Status == 200:
					baOK.Add(1)
				case r.Status == 429 && strings.Contains(r.Text, "USAGE_EXCEEDED"):
					refused.Add(1)
				default:
					t.Errorf("Better Auth: %d %s", r.Status, r.Text)
				}
			}
		}()
		wg.Wait()
		row := l.get(t, id)
		if goOK.Load()+baOK.Load() != 15 || refused.Load() != 15 || row["remaining"] != 0.0 {
			t.Fatalf("30 uses of 15: Go %d, Better Auth %d, refused %d; remaining %v", goOK.Load(), baOK.Load(), refused.Load(), row["remaining"])
		}
		t.Logf("Go %d, Better Auth %d", goOK.Load(), baOK.Load())
	})

	t.Run("BetterAuthAcceptsAfterGo", func(t *testing.T) {
		key, id := l.create(t, map[string]any{"name": "shared", "prefix": "ba_"})
		l.setServerOnly(t, id, map[string]any{"remaining": 10})
		var res *apikey.Result
		for range 3 {
			if res, err = counting.VerifyKey(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		sameRow(t, "row after Go", res.Key, l.get(t, id))
		if l.sqlDB != nil {
			var typ, text string
			// `|| ''` hides the column's declared type "date", from which
			// the driver would parse the text into a time.Time.
			if err := l.sqlDB.QueryRow(`SELECT typeof("lastRequest"), "lastRequest" || '' FROM apikey WHERE id = ?`, id).Scan(&typ, &text); err != nil {
				t.Fatal(err)
			}
			if typ != "text" || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(text) {
				t.Fatalf("lastRequest stored as %s %q, not toISOString text", typ, text)
			}
		}
		status, body := l.baVerify(t, key)
		if status != 200 || body["user"].(map[string]any)["id"] != l.userID {
			t.Fatalf("Better Auth after Go: %d %v", status, body)
		}
		after := l.get(t, id)
		if after["remaining"] != 6.0 || after["requestCount"] != 4.0 {
			t.Fatalf("Better Auth counted on from Go's row? %v", after)
		}
		if _, err := readOnly.VerifyKey(ctx, key); err != nil {
			t.Fatalf("Go after Better Auth: %v", err)
		}
	})
}
