package server_test

import (
	"context"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// change-email reads the session past the cookie cache, as Better Auth's
// sensitiveSessionMiddleware does: a revoked session whose session_data
// cookie still verifies is refused.
func TestChangeEmailSessionPastCookieCache(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact}
		c.EmailVerification = server.EmailVerificationConfig{Enabled: true}
		c.ChangeEmail = server.ChangeEmailConfig{Enabled: true}
	})
	c := e.client()
	out := c.signUp("cache@example.com", "password12345")
	userID := out["user"].(map[string]any)["id"].(string)
	if _, err := e.store.RevokeUserSessions(context.Background(), userID); err != nil {
		t.Fatal(err)
	}
	// The cookie cache still answers get-session ...
	if r := c.do("GET", "/api/auth/get-session", nil); r.status != 200 || string(r.body) == "null" {
		t.Fatalf("get-session from the cookie cache: %d %s", r.status, r.body)
	}
	// ... but not change-email.
	expect(t, c.do("POST", "/api/auth/change-email", map[string]any{"newEmail": "new@example.com"}), 401, "UNAUTHORIZED")
	e.mailer.mu.Lock()
	n := e.mailer.n
	e.mailer.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d emails sent", n)
	}
}
