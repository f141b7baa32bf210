package server_test

import (
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// TestConfigFromApp: the settings an app's config gives the server — its
// cookie prefix, password lengths, sign-up switch — are the ones it
// follows.
func TestConfigFromApp(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.Cookies = ba.CookieConfig{Prefix: "myapp"}
		c.MinPasswordLength, c.MaxPasswordLength = 10, 20
	})
	c := e.client()
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "a@example.com", "password": "123456789", "name": "A"}), 400, "PASSWORD_TOO_SHORT")
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "a@example.com", "password": strings.Repeat("x", 21), "name": "A"}), 400, "PASSWORD_TOO_LONG")
	r := c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "a@example.com", "password": "1234567890", "name": "A"})
	expect(t, r, 200, "")
	if set := strings.Join(r.header.Values("Set-Cookie"), "\n"); !strings.Contains(set, "myapp.session_token=") {
		t.Errorf("cookies %s", set)
	}
	expect(t, c.do("GET", "/api/me", nil), 200, "")

	off := newEnv(t, func(c *server.Config) { c.DisableSignUp = true })
	expect(t, off.client().do("POST", "/api/auth/sign-up/email", map[string]any{"email": "b@example.com", "password": "1234567890", "name": "B"}), 400, "EMAIL_PASSWORD_SIGN_UP_DISABLED")

	if _, err := server.New(server.Config{Store: e.store, Secrets: []ba.Secret{{Value: secret}}, MinPasswordLength: 30, MaxPasswordLength: 20}); err == nil {
		t.Error("a minimum above the maximum accepted")
	}
}
