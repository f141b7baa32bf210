package betterauth_test

import (
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// A cookie name outside RFC 6265's token set can never arrive in a Cookie
// header that net/http or Better Auth (cookieNameRegex) reads, so a
// Verifier configured with one would find no session ever: it is refused.
func TestNewVerifierRefusesMalformedCookieNames(t *testing.T) {
	f := newFixture(t, ba.Schema{})
	bad := []string{"my app", "a;b", "a=b", "a,b", "tab\there", "nul\x00", "del\x7f", "é", `quote"`, "slash/", "colon:", "brace{"}
	for _, name := range bad {
		for field, cookies := range map[string]ba.CookieConfig{
			"Cookies.Prefix":           {Prefix: name},
			"Cookies.SessionTokenName": {SessionTokenName: name},
			"Cookies.SessionDataName":  {SessionDataName: name},
		} {
			t.Run("Err"+strings.TrimPrefix(field, "Cookies."), func(t *testing.T) {
				_, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: f.store, BaseURL: "https://app.example.com", Cookies: cookies})
				if err == nil {
					t.Fatalf("%s %q accepted", field, name)
				}
				if !strings.Contains(err.Error(), field) || !strings.Contains(err.Error(), "not a valid cookie name") {
					t.Fatalf("%s %q: error %q does not name the field and the rule", field, name, err)
				}
			})
		}
	}
	t.Run("OKTokens", func(t *testing.T) {
		for _, name := range []string{"myapp", "my-app_1.x", "!#$%&'*+-.^_`|~"} {
			v := f.verifier(t, func(c *ba.VerifierConfig) {
				c.Cookies = ba.CookieConfig{Prefix: name, SessionTokenName: name + ".tok", SessionDataName: name + ".data"}
			})
			if v.SessionCookieName() != name+".tok" {
				t.Fatalf("name %q", v.SessionCookieName())
			}
		}
	})
}
