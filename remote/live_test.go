package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/remote"
	"github.com/betterauth-go/betterauth/sqlite"
)

const liveSecret = "remote-live-secret-0123456789abcdefghij"

// TestLive runs remote mode against the real Better Auth 1.7.25 HTTP server
// (internal/batest/harness/authserver.mjs on a fresh SQLite file).
func TestLive(t *testing.T) {
	if testing.Short() {
		t.Skip("live Better Auth test")
	}
	dbPath := testdb.SQLite(t)
	baseURL := batest.StartAuthServer(t, batest.AuthServerConfig{DB: dbPath, Secret: liveSecret})
	ctx := context.Background()

	// Count what reaches Better Auth.
	var requests atomic.Int64
	client := &http.Client{
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			requests.Add(1)
			return http.DefaultTransport.RoundTrip(r)
		}),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	clk := newClock()
	secrets := []ba.Secret{{Value: liveSecret}}
	src, err := remote.New(remote.Config{BaseURL: baseURL, Secrets: secrets, HTTPClient: client, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	v, err := ba.NewVerifier(ba.VerifierConfig{
		Sessions: src, Secrets: secrets, BaseURL: baseURL, Bearer: ba.BearerConfig{Enabled: true}, Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantLive := func(t *testing.T, n int64) {
		t.Helper()
		if got := requests.Load(); got != n {
			t.Fatalf("%d requests to Better Auth, want %d", got, n)
		}
	}

	// Sign up through Better Auth, as a browser would.
	var signUp struct {
		Token string  `json:"token"`
		User  ba.User `json:"user"`
	}
	cookie := postAuth(t, baseURL, "/api/auth/sign-up/email", "", map[string]any{
		"name": "Remote Ada", "email": "remote.ada@example.com", "password": "correct horse battery",
	}, &signUp)
	if !strings.HasPrefix(cookie, "better-auth.session_token=") || signUp.Token == "" {
		t.Fatalf("sign-up: cookie %q token %q", cookie, signUp.Token)
	}
	withCookie := func(c string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api/thing", nil)
		r.Header.Set("Cookie", c)
		return r
	}

	t.Run("OK", func(t *testing.T) {
		res, err := v.Verify(ctx, withCookie(cookie))
		if err != nil {
			t.Fatal(err)
		}
		if res.Token != signUp.Token || res.Session.Token != signUp.Token || res.User.ID != signUp.User.ID || res.User.Email != "remote.ada@example.com" {
			t.Fatalf("got session %+v user %+v", res.Session, res.User)
		}
		wantLive(t, 1)
		assertStatus(t, v, withCookie(cookie), http.StatusOK)
		wantLive(t, 1) // cached
	})
	t.Run("SameAsDatabaseMode", func(t *testing.T) {
		// What get-session says equals what the SQLite store reads from
		// Better Auth's own rows.
		db, err := sqlite.OpenReadOnly(ctx, dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		st, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}})
		if err != nil {
			t.Fatal(err)
		}
		dbSess, dbUser, err := st.GetSessionAndUser(ctx, signUp.Token)
		if err != nil {
			t.Fatal(err)
		}
		remoteSess, remoteUser, err := src.GetSessionAndUser(ctx, signUp.Token)
		if err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]any{{dbSess, remoteSess}, {dbUser, remoteUser}} {
			a, _ := json.Marshal(pair[0])
			b, _ := json.Marshal(pair[1])
			if !bytes.Equal(a, b) {
				t.Errorf("database mode %s\nremote mode   %s", a, b)
			}
		}
	})
	t.Run("Bearer", func(t *testing.T) {
		value, _ := ba.DecodeURIComponent(strings.TrimPrefix(cookie, "better-auth.session_token="))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+value)
		if res, err := v.Verify(ctx, r); err != nil || res.User.ID != signUp.User.ID {
			t.Fatalf("%v %+v", err, res)
		}
		wantLive(t, 1)
	})
	t.Run("ForgedWithoutRequest", func(t *testing.T) {
		value := strings.TrimPrefix(cookie, "better-auth.session_token=")
		tampered := []byte(value)
		tampered[len(signUp.Token)+3] ^= 1 // inside the signature
		for _, c := range []string{
			"better-auth.session_token=" + string(tampered),
			"better-auth.session_token=" + ba.SignCookieValue(signUp.Token, "not-the-secret-0123456789abcdefghijk"),
			"better-auth.session_token=" + ba.SignCookieValue("madeUpTokenAAAAAAAAAAAAAAAAAAAAA", "not-the-secret-0123456789abcdefghijk"),
			"better-auth.session_token=" + signUp.Token,
		} {
			if _, err := v.Verify(ctx, withCookie(c)); !errors.Is(err, ba.ErrInvalidSignature) {
				t.Fatalf("%s: err %v", c, err)
			}
			assertStatus(t, v, withCookie(c), http.StatusUnauthorized)
		}
		wantLive(t, 1)
	})
	t.Run("UnknownToken", func(t *testing.T) {
		// Well signed but no such session: Better Auth answers 200 null.
		c := "better-auth.session_token=" + ba.SignCookieValue("noSuchSessionAAAAAAAAAAAAAAAAAAA", liveSecret)
		if _, err := v.Verify(ctx, withCookie(c)); !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatalf("err %v", err)
		}
		wantLive(t, 2)
	})
	t.Run("SignOut", func(t *testing.T) {
		postAuth(t, baseURL, "/api/auth/sign-out", cookie, map[string]any{}, nil)
		before := requests.Load()
		// Within PositiveTTL the Go side still accepts: the revocation delay.
		if _, err := v.Verify(ctx, withCookie(cookie)); err != nil {
			t.Fatal(err)
		}
		wantLive(t, before)
		clk.Advance(remote.DefaultPositiveTTL)
		if _, err := v.Verify(ctx, withCookie(cookie)); !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatalf("after PositiveTTL: err %v", err)
		}
		wantLive(t, before+1)
		assertStatus(t, v, withCookie(cookie), http.StatusUnauthorized)
		wantLive(t, before+1) // negative cache
		clk.Advance(remote.DefaultNegativeTTL)
		if _, err := v.Verify(ctx, withCookie(cookie)); !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatalf("after NegativeTTL: err %v", err)
		}
		wantLive(t, before+2)
	})
	t.Run("SignOutWithInvalidate", func(t *testing.T) {
		cookie := postAuth(t, baseURL, "/api/auth/sign-in/email", "", map[string]any{
			"email": "remote.ada@example.com", "password": "correct horse battery",
		}, nil)
		res, err := v.Verify(ctx, withCookie(cookie))
		if err != nil {
			t.Fatal(err)
		}
		postAuth(t, baseURL, "/api/auth/sign-out", cookie, map[string]any{}, nil)
		src.Invalidate(res.Token) // this service signed the user out
		if _, err := v.Verify(ctx, withCookie(cookie)); !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatalf("err %v", err)
		}
	})
}

// TestLiveRateLimit checks the rate limit remote mode runs into, against
// the real Better Auth with rateLimit enabled (its production default):
// get-session shares one bucket of 100 requests per 10 s among all callers
// Better Auth cannot tell apart by IP, answers 429 with X-Retry-After, and
// a Source backs off. The Better Auth instance is the batest harness,
// reached over HTTP through a small bridge.
func TestLiveRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("live Better Auth test")
	}
	h := batest.Start(t, batest.Config{
		Dialect: "sqlite", URL: testdb.SQLite(t), Secret: liveSecret,
		Extra: map[string]any{"rateLimit": true},
	})
	h.MustCall(t, "migrate", nil, nil)
	signUp := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{
		"name": "Limited", "email": "limited@example.com", "password": "correct horse battery",
	})
	if signUp.Status != http.StatusOK {
		t.Fatalf("sign-up: %d %s", signUp.Status, signUp.Text)
	}
	cookie := batest.CookieHeader(signUp.SetCookie)
	var token struct {
		Token string `json:"token"`
	}
	if err := signUp.Decode(&token); err != nil {
		t.Fatal(err)
	}

	var bridged atomic.Int64
	bridge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bridged.Add(1)
		headers := map[string]string{}
		for _, name := range []string{"Cookie", "X-Forwarded-For", "Accept"} {
			if v := r.Header.Get(name); v != "" {
				headers[strings.ToLower(name)] = v
			}
		}
		var resp batest.Response
		if err := h.Call("request", map[string]any{"method": r.Method, "path": r.URL.RequestURI(), "headers": headers}, &resp); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for name, v := range resp.Headers {
			if name != "content-length" {
				w.Header().Set(name, v)
			}
		}
		w.WriteHeader(resp.Status)
		_, _ = io.WriteString(w, resp.Text)
	}))
	t.Cleanup(bridge.Close)

	clk := newClock()
	secrets := []ba.Secret{{Value: liveSecret}}
	src, err := remote.New(remote.Config{BaseURL: bridge.URL, Secrets: secrets, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	v, err := ba.NewVerifier(ba.VerifierConfig{Sessions: src, Secrets: secrets, BaseURL: bridge.URL, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	req := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", cookie)
		return r
	}
	if _, err := v.Verify(context.Background(), req()); err != nil {
		t.Fatal(err)
	}

	// Spend the rest of the get-session bucket from "other clients".
	allowed, retryAfter := 1, ""
	for i := 0; i < 200 && retryAfter == ""; i++ {
		r := h.Request(t, "GET", "/api/auth/get-session?disableCookieCache=true&disableRefresh=true", map[string]string{"cookie": cookie}, nil)
		switch r.Status {
		case http.StatusOK:
			allowed++
		case http.StatusTooManyRequests:
			retryAfter = r.Headers["x-retry-after"]
		default:
			t.Fatalf("get-session: %d %s", r.Status, r.Text)
		}
	}
	secs, err := strconv.Atoi(retryAfter)
	if allowed != 100 || err != nil || secs < 1 || secs > 10 {
		t.Fatalf("allowed %d get-session requests, then X-Retry-After %q; want 100 and 1..10", allowed, retryAfter)
	}

	// The Source's next lookup gets 429 and backs off.
	src.Invalidate(token.Token)
	before := bridged.Load()
	_, err = v.Verify(context.Background(), req())
	if !errors.Is(err, ba.ErrUnavailable) || !errors.Is(err, remote.ErrRateLimited) {
		t.Fatalf("err %v, want ErrUnavailable and ErrRateLimited", err)
	}
	assertStatus(t, v, req(), http.StatusServiceUnavailable)
	if n := bridged.Load() - before; n != 1 {
		t.Fatalf("%d requests while backing off, want 1", n)
	}
	clk.Advance(time.Duration(secs) * time.Second)
	_, _ = v.Verify(context.Background(), req())
	if n := bridged.Load() - before; n != 2 {
		t.Fatalf("after X-Retry-After: %d requests, want 2", n)
	}

	// The bucket is keyed by client IP (from X-Forwarded-For only): a
	// Source that names itself there has its own.
	own, err := remote.New(remote.Config{BaseURL: bridge.URL, Secrets: secrets, Header: http.Header{"X-Forwarded-For": {"10.20.30.40"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := own.GetSessionAndUser(context.Background(), token.Token); err != nil {
		t.Fatalf("own bucket: %v", err)
	}
}

// postAuth POSTs JSON to Better Auth as a browser on its origin would, and
// returns the session_token cookie it set ("name=value") or "".
func postAuth(t *testing.T, baseURL, path, cookie string, body any, out any) string {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, baseURL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", baseURL)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s %s", path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("POST %s: %v: %s", path, err, data)
		}
	}
	for _, c := range resp.Cookies() {
		if c.Name == remote.DefaultCookieName && c.Value != "" {
			return c.Name + "=" + c.Value
		}
	}
	return ""
}
