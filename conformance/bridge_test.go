package conformance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func verifierFor(t *testing.T, store *sqlstore.Store, mod func(*ba.VerifierConfig)) *ba.Verifier {
	t.Helper()
	cfg := ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: store, BaseURL: "http://localhost:3000"}
	if mod != nil {
		mod(&cfg)
	}
	v, err := ba.NewVerifier(cfg)
	must(t, err)
	return v
}

func reqWith(cookie, authz string) *http.Request {
	r := httptest.NewRequest("GET", "/api/me", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	return r
}

// TestBridgeAgainstBetterAuth: sessions Better Auth issues (cookie and
// bearer) verify in Go; what Better Auth revokes, bans or signs out, Go
// refuses; the cookie Go issues, Better Auth accepts, with the same
// attributes Better Auth sets.
func TestBridgeAgainstBetterAuth(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		ctx := context.Background()
		db := newDB(t)
		h := startBA(t, db, []string{"admin", "bearer"}, nil)
		h.MustCall(t, "migrate", nil, nil)
		store := db.open(t, sqlstore.Options{Schema: goSchema([]string{"admin"}, false)})
		v := verifierFor(t, store, func(c *ba.VerifierConfig) { c.Bearer.Enabled = true })

		up := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": "b@example.com", "password": "password123", "name": "B"})
		if up.Status != 200 {
			t.Fatalf("sign-up %d %s", up.Status, up.Text)
		}
		var cookieLine string
		for _, l := range up.SetCookie {
			if strings.HasPrefix(l, "better-auth.session_token=") {
				cookieLine = l
			}
		}
		cookie := strings.SplitN(cookieLine, ";", 2)[0]
		res, err := v.Verify(ctx, reqWith(cookie, ""))
		if err != nil {
			t.Fatalf("Go refuses Better Auth's cookie: %v", err)
		}
		if res.User.Email != "b@example.com" {
			t.Fatalf("user %+v", res.User)
		}

		// Bearer: the set-auth-token header the bearer plugin sends.
		authToken := up.Headers["set-auth-token"]
		if authToken == "" {
			t.Fatalf("no set-auth-token header: %v", up.Headers)
		}
		if res, err := v.Verify(ctx, reqWith("", "Bearer "+authToken)); err != nil || res.Credential != ba.CredentialBearer {
			t.Fatalf("Go refuses Better Auth's bearer token: %v", err)
		}
		// Better Auth accepts a raw token by default; Go does not unless told.
		if _, err := v.Verify(ctx, reqWith("", "Bearer "+res.Token)); !errors.Is(err, ba.ErrInvalidSignature) {
			t.Fatalf("raw bearer accepted without AllowUnsigned: %v", err)
		}
		raw := verifierFor(t, store, func(c *ba.VerifierConfig) { c.Bearer = ba.BearerConfig{Enabled: true, AllowUnsigned: true} })
		if _, err := raw.Verify(ctx, reqWith("", "Bearer "+res.Token)); err != nil {
			t.Fatalf("raw bearer with AllowUnsigned: %v", err)
		}
		if r := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"authorization": "Bearer " + res.Token}, nil); string(r.Body) == "null" {
			t.Fatalf("Better Auth's bearer plugin refused a raw token (REFERENCE fact 10 changed?)")
		}

		// Go issues a cookie: Better Auth accepts it, and the attributes are
		// byte-identical to Better Auth's own.
		sess := &ba.Session{UserID: res.User.ID}
		must(t, store.CreateSession(ctx, sess, nil))
		w := httptest.NewRecorder()
		v.SetSessionCookie(w, sess.Token, 0, false, ba.CookieAttributes{})
		goLine := w.Header().Get("Set-Cookie")
		if attrs(goLine) != attrs(cookieLine) {
			t.Errorf("cookie attributes differ:\n Go %q\n BA %q", attrs(goLine), attrs(cookieLine))
		}
		gs := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": strings.SplitN(goLine, ";", 2)[0]}, nil)
		if string(gs.Body) == "null" || !strings.Contains(gs.Text, sess.ID) {
			t.Fatalf("Better Auth refuses Go's cookie: %s", gs.Text)
		}

		// Ban through Better Auth's adapter: Go refuses; Better Auth's own
		// session lookup does not check bans (REFERENCE fact 10).
		h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{
			"model": "user", "where": []any{map[string]any{"field": "id", "value": res.User.ID}},
			"update": map[string]any{"banned": true},
		}}, nil)
		if _, err := v.Verify(ctx, reqWith(cookie, "")); !errors.Is(err, ba.ErrUserBanned) {
			t.Fatalf("banned user: %v", err)
		}
		h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{
			"model": "user", "where": []any{map[string]any{"field": "id", "value": res.User.ID}},
			"update": map[string]any{"banned": false},
		}}, nil)

		// Sign out in Better Auth: Go refuses that cookie at once.
		out := h.Request(t, "POST", "/api/auth/sign-out", map[string]string{"cookie": cookie}, map[string]any{})
		if out.Status != 200 {
			t.Fatalf("sign-out %d %s", out.Status, out.Text)
		}
		if _, err := v.Verify(ctx, reqWith(cookie, "")); !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatalf("signed-out session: %v", err)
		}
	})
}

// attrs returns the attributes of a Set-Cookie line (everything after the
// value).
func attrs(line string) string {
	parts := strings.SplitN(line, ";", 2)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// TestSecretRotationAgainstBetterAuth: with BETTER_AUTH_SECRETS-style
// rotation, Better Auth signs cookies with the current secret only; Go
// configured the same way accepts them, and a Go verifier that only knows
// the old secret refuses them.
func TestSecretRotationAgainstBetterAuth(t *testing.T) {
	db := dialects()["sqlite"](t)
	const newSecret, oldSecret = "rotation-new-secret-0123456789abcdef", "rotation-old-secret-0123456789abcdef"
	h := batest.Start(t, batest.Config{Dialect: db.dialect, URL: db.url, Secret: oldSecret, Extra: map[string]any{
		"options": map[string]any{"secrets": []map[string]any{{"version": 2, "value": newSecret}, {"version": 1, "value": oldSecret}}},
	}})
	h.MustCall(t, "migrate", nil, nil)
	store := db.open(t, sqlstore.Options{})
	up := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": "r@example.com", "password": "password123", "name": "R"})
	cookie := ""
	for _, c := range up.Cookies() {
		if c.Name == "better-auth.session_token" {
			cookie = c.Name + "=" + c.Value
		}
	}
	rotated, err := ba.ParseSecrets("2:" + newSecret + ",1:" + oldSecret)
	must(t, err)
	v := verifierFor(t, store, func(c *ba.VerifierConfig) { c.Secrets = rotated })
	if _, err := v.Verify(context.Background(), reqWith(cookie, "")); err != nil {
		t.Fatalf("rotated secrets: %v", err)
	}
	old := verifierFor(t, store, func(c *ba.VerifierConfig) { c.Secrets = []ba.Secret{{Value: oldSecret}} })
	if _, err := old.Verify(context.Background(), reqWith(cookie, "")); !errors.Is(err, ba.ErrInvalidSignature) {
		t.Fatalf("old secret accepted a current-secret cookie: %v", err)
	}
}
