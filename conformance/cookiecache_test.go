package conformance

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestCookieCacheAgainstBetterAuth, for each strategy: a session_data
// cookie Better Auth issues is trusted by the Go Verifier without a store
// read (proved by deleting the session row first), a tampered or
// foreign-secret one falls back to the store, and the cache Go writes with
// SetCookieCache is trusted by Better Auth.
func TestCookieCacheAgainstBetterAuth(t *testing.T) {
	for _, strategy := range []ba.CookieCacheStrategy{ba.CacheCompact, ba.CacheJWT, ba.CacheJWE} {
		t.Run(string(strategy), func(t *testing.T) {
			ctx := context.Background()
			db := dialects()["sqlite"](t)
			h := startBA(t, db, []string{"admin"}, func(c *batest.Config) {
				c.CookieCache = &batest.CookieCache{Strategy: string(strategy), MaxAge: 300}
			})
			h.MustCall(t, "migrate", nil, nil)
			store := db.open(t, sqlstore.Options{Schema: goSchema([]string{"admin"}, false)})
			v := verifierFor(t, store, func(c *ba.VerifierConfig) {
				c.CookieCache = ba.CookieCacheConfig{Strategy: strategy, MaxAge: 5 * time.Minute, Schema: store.Schema()}
			})

			up := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": "cc@example.com", "password": "password123", "name": "Cache <&> \u2028"})
			cookies := batest.CookieHeader(up.SetCookie)
			if !strings.Contains(cookies, "better-auth.session_data") {
				t.Fatalf("Better Auth set no session_data: %q", up.SetCookie)
			}
			token := sessionToken(t, up.SetCookie)
			// Remove the row: only the cache can answer now.
			must(t, store.DeleteSessionByToken(ctx, token))
			res, err := v.Verify(ctx, reqWith(cookies, ""))
			if err != nil || res.Credential != ba.CredentialCookieCache || res.User.Name != "Cache <&> \u2028" {
				t.Fatalf("Go does not trust Better Auth's %s cache: %+v %v", strategy, res, err)
			}
			// A cache under another secret is ignored; the store is read and
			// the (deleted) session is not found.
			other := "another-secret-for-the-cache-0123456789"
			foreign := verifierFor(t, store, func(c *ba.VerifierConfig) {
				c.CookieCache = ba.CookieCacheConfig{Strategy: strategy}
				c.Secrets = []ba.Secret{{Value: other}}
			})
			foreignCookie := "better-auth.session_token=" + ba.SignCookieValue(token, other) + "; " + cookies[strings.Index(cookies, "better-auth.session_data"):]
			if _, err := foreign.Verify(ctx, reqWith(foreignCookie, "")); err == nil {
				t.Fatalf("%s cache made under another secret trusted", strategy)
			}
			tampered := strings.Replace(cookies, "session_data=", "session_data=x", 1)
			if _, err := v.Verify(ctx, reqWith(tampered, "")); err == nil {
				t.Fatalf("tampered %s cache trusted", strategy)
			}
			later := verifierFor(t, store, func(c *ba.VerifierConfig) {
				c.CookieCache = ba.CookieCacheConfig{Strategy: strategy}
				c.Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
			})
			if _, err := later.Verify(ctx, reqWith(cookies, "")); err == nil {
				t.Fatalf("expired %s cache trusted", strategy)
			}

			// Go writes the cache for a fresh session; Better Auth trusts it
			// even after the row is gone, and shows the name Go put in it.
			user, err := store.GetUserByEmail(ctx, "cc@example.com")
			must(t, err)
			sess := &ba.Session{UserID: user.ID}
			must(t, store.CreateSession(ctx, sess, nil))
			user.Name = "Written by Go"
			w := httptest.NewRecorder()
			v.SetSessionCookie(w, sess.Token, 0, false, ba.CookieAttributes{})
			must(t, v.SetCookieCache(w, store.Schema(), sess, user, false, ba.CookieAttributes{}))
			goCookies := batest.CookieHeader(w.Header().Values("Set-Cookie"))
			must(t, store.DeleteSessionByToken(ctx, sess.Token))
			got := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": goCookies}, nil)
			if !strings.Contains(got.Text, "Written by Go") {
				t.Fatalf("Better Auth does not trust Go's %s cache: %s", strategy, got.Text)
			}
			// And the attributes are Better Auth's.
			for _, line := range w.Header().Values("Set-Cookie") {
				if strings.HasPrefix(line, "better-auth.session_data") && !strings.HasSuffix(line, "; Max-Age=300; Path=/; HttpOnly; SameSite=Lax") {
					t.Errorf("cache cookie attributes %q", line[strings.Index(line, ";"):])
				}
			}
		})
	}
}
