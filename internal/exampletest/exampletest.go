// Package exampletest is the test every example service in examples/ runs
// (net/http, chi, gin, echo, fiber): the same requests and the same
// expected answers, so that only the framework wiring differs between them.
package exampletest

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlite"
)

// StartFunc serves an example's real handler, built on verifier and the
// store's schema with these trusted origins, on a loopback port and returns
// its base URL.
type StartFunc func(t *testing.T, verifier *betterauth.Verifier, schema *betterauth.ResolvedSchema, trustedOrigins []string) string

// Run checks an example service: a signed session cookie gets the user from
// GET /api/me; no, forged or unknown cookies get Better Auth's 401; a
// cookie-carrying write from a foreign origin gets 403 INVALID_ORIGIN; a
// session store that cannot answer gets 503 with Retry-After.
func Run(t *testing.T, start StartFunc) {
	t.Run("Me", func(t *testing.T) { testMe(t, start) })
	t.Run("StoreDown", func(t *testing.T) { testStoreDown(t, start) })
}

const (
	secret        = "example-secret-0123456789abcdefghijklmnopqrstuvwxyz"
	trustedOrigin = "http://app.example.test"
	cookieName    = "better-auth.session_token"
)

// fixture is the service on a fresh SQLite database holding one user with
// one session.
type fixture struct {
	baseURL string
	db      *sql.DB
	user    *betterauth.User
	token   string
	// userJSON is the user as Better Auth serialises it for the schema:
	// what GET /api/me must answer, byte for byte.
	userJSON string
}

func newFixture(t *testing.T, startServer StartFunc) fixture {
	t.Helper()
	t.Setenv("BETTER_AUTH_SECRETS", "")
	t.Setenv("BETTER_AUTH_SECRET", secret)
	t.Setenv("BETTER_AUTH_URL", trustedOrigin)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := sqlite.New(db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	user := &betterauth.User{Name: "Ada", Email: "ada@example.com"}
	if err := store.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	session := &betterauth.Session{UserID: user.ID}
	if err := store.CreateSession(ctx, session, nil); err != nil {
		t.Fatal(err)
	}
	verifier, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := store.GetUser(ctx, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{baseURL: startServer(t, verifier, store.Schema(), []string{trustedOrigin}), db: db, user: user, token: session.Token, userJSON: string(store.Schema().UserJSON(stored))}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f fixture) do(t *testing.T, method, origin, cookie string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.baseURL+"/api/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookieName+"="+cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

// wantError checks a Better Auth error answer: status, JSON content type and
// the exact {"message","code"} body.
func wantError(t *testing.T, got response, status int, message, code string) {
	t.Helper()
	if got.status != status {
		t.Fatalf("status %d, want %d (body %s)", got.status, status, got.body)
	}
	if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatalf("body %q: %v", got.body, err)
	}
	if len(body) != 2 || body["message"] != message || body["code"] != code {
		t.Errorf("body %s, want {\"message\":%q,\"code\":%q}", got.body, message, code)
	}
}

func testMe(t *testing.T, startServer StartFunc) {
	f := newFixture(t, startServer)
	signed := betterauth.SignCookieValue(f.token, secret)
	forged := betterauth.SignCookieValue(f.token, "not-the-secret-0123456789abcdefghijklmnop")
	unknown := betterauth.SignCookieValue("no-such-session-token", secret)

	t.Run("OK", func(t *testing.T) {
		got := f.do(t, http.MethodGet, "", signed)
		if got.status != http.StatusOK {
			t.Fatalf("status %d, want 200 (body %s)", got.status, got.body)
		}
		var user struct{ ID, Email string }
		if err := json.Unmarshal([]byte(got.body), &user); err != nil {
			t.Fatalf("body %q: %v", got.body, err)
		}
		if user.Email != "ada@example.com" || user.ID != f.user.ID {
			t.Errorf("user %+v, want %s ada@example.com", user, f.user.ID)
		}
		if got.body != f.userJSON {
			t.Errorf("body %s, want Better Auth's bytes %s", got.body, f.userJSON)
		}
		if vary := got.header.Values("Vary"); !containsFold(vary, "Cookie") {
			t.Errorf("Vary %q, want Cookie", vary)
		}
	})
	for _, tc := range []struct {
		name, method, origin, cookie string
		status                       int
		message, code                string
	}{
		{"ErrNoSession", http.MethodGet, "", "", http.StatusUnauthorized, "Unauthorized", "UNAUTHORIZED"},
		{"ErrInvalidSignature", http.MethodGet, "", forged, http.StatusUnauthorized, "Unauthorized", "UNAUTHORIZED"},
		{"ErrSessionNotFound", http.MethodGet, "", unknown, http.StatusUnauthorized, "Unauthorized", "UNAUTHORIZED"},
		{"ErrInvalidOrigin", http.MethodPost, "https://evil.example", signed, http.StatusForbidden, "Invalid origin", "INVALID_ORIGIN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, f.do(t, tc.method, tc.origin, tc.cookie), tc.status, tc.message, tc.code)
		})
	}
	// The same write from the trusted origin gets past CheckOrigin (and then
	// finds no POST route).
	t.Run("TrustedOrigin", func(t *testing.T) {
		if got := f.do(t, http.MethodPost, trustedOrigin, signed); got.status == http.StatusForbidden {
			t.Fatalf("status 403 from the trusted origin (body %s)", got.body)
		}
	})
}

// A store that cannot answer gets 503, never a 401 that would sign the
// user out.
func testStoreDown(t *testing.T, startServer StartFunc) {
	f := newFixture(t, startServer)
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	got := f.do(t, http.MethodGet, "", betterauth.SignCookieValue(f.token, secret))
	wantError(t, got, http.StatusServiceUnavailable, "Service unavailable, try again", "SERVICE_UNAVAILABLE")
	if got.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

func containsFold(list []string, want string) bool {
	for _, v := range list {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), want) {
				return true
			}
		}
	}
	return false
}
