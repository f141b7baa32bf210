package betterauth_test

import (
	"context"
	"errors"
	"net/http/httptest"
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

// twoSessions is the fixture's session (the victim's) plus an attacker's
// own, valid session, whose cookie the attacker plants under the other
// name.
func twoSessions(t *testing.T) (*fixture, *ba.Session) {
	t.Helper()
	f := newFixture(t, ba.Schema{})
	ctx := context.Background()
	evil := &ba.User{Name: "Mallory", Email: "mallory@example.com"}
	if err := f.store.CreateUser(ctx, evil); err != nil {
		t.Fatal(err)
	}
	s := &ba.Session{UserID: evil.ID}
	if err := f.store.CreateSession(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	return f, s
}

// Better Auth reads one session cookie name, chosen once
// (createCookieGetter in cookies/index.mjs): advanced.useSecureCookies,
// else the base URL's scheme, else NODE_ENV=production. So does the
// Verifier; a cookie under the other name is not its session's.
func TestOneSessionCookieName(t *testing.T) {
	f, evil := twoSessions(t)
	ctx := context.Background()
	victim := ba.SignCookieValue(f.sess.Token, testSecret)
	planted := ba.SignCookieValue(evil.Token, testSecret)
	yes, no := true, false
	for _, tc := range []struct {
		name     string
		nodeEnv  string
		baseURL  string
		secure   *bool
		wantName string
	}{
		{"ZeroConfig", "", "", nil, "better-auth.session_token"},
		{"ZeroConfigDevelopment", "development", "", nil, "better-auth.session_token"},
		{"ZeroConfigProduction", "production", "", nil, "__Secure-better-auth.session_token"},
		{"HTTPBaseURLInProduction", "production", "http://localhost:3000", nil, "better-auth.session_token"},
		{"HTTPSBaseURL", "", "https://app.example.com", nil, "__Secure-better-auth.session_token"},
		{"SecureOverBaseURL", "", "http://localhost:3000", &yes, "__Secure-better-auth.session_token"},
		{"NotSecureInProduction", "production", "https://app.example.com", &no, "better-auth.session_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearBaseURLEnv(t)
			t.Setenv("NODE_ENV", tc.nodeEnv)
			v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: f.store, Now: f.clock.Now,
				BaseURL: tc.baseURL, Cookies: ba.CookieConfig{Secure: tc.secure}})
			if err != nil {
				t.Fatal(err)
			}
			if v.SessionCookieName() != tc.wantName || v.Secure() != strings.HasPrefix(tc.wantName, "__Secure-") {
				t.Fatalf("name %q secure %v, want %q", v.SessionCookieName(), v.Secure(), tc.wantName)
			}
			other := "__Secure-" + tc.wantName
			if strings.HasPrefix(tc.wantName, "__Secure-") {
				other = strings.TrimPrefix(tc.wantName, "__Secure-")
			}
			// The planted cookie comes first, under either name order.
			for _, header := range []string{other + "=" + planted + "; " + tc.wantName + "=" + victim, tc.wantName + "=" + victim + "; " + other + "=" + planted} {
				res, err := v.Verify(ctx, request(header, ""))
				if err != nil || res.Session.ID != f.sess.ID {
					t.Fatalf("%s: got %+v, %v; want the victim's session", header, res, err)
				}
			}
			if res, err := v.Verify(ctx, request(other+"="+planted, "")); !errors.Is(err, ba.ErrNoSession) {
				t.Fatalf("only the other name: got %+v, %v; want ErrNoSession", res, err)
			}
		})
	}
}

// The session_data cookie (and its chunks) is read under the one name
// too: a cache under the other name is not consulted, the store is.
func TestOneSessionDataCookieName(t *testing.T) {
	clearBaseURLEnv(t)
	f := newFixture(t, ba.Schema{})
	ctx := context.Background()
	yes := true
	cache := ba.CookieCacheConfig{Strategy: ba.CacheCompact}
	writer := f.verifier(t, func(c *ba.VerifierConfig) { c.Cookies.Secure = &yes; c.CookieCache = cache })
	w := httptest.NewRecorder()
	if err := writer.SetCookieCache(w, f.store.Schema(), f.sess, f.user, false, ba.CookieAttributes{}); err != nil {
		t.Fatal(err)
	}
	var data []string
	for _, c := range w.Result().Cookies() {
		if !strings.HasPrefix(c.Name, "__Secure-better-auth.session_data") {
			t.Fatalf("cache cookie %s", c.Name)
		}
		data = append(data, c.Name+"="+c.Value)
	}
	token := "better-auth.session_token=" + ba.SignCookieValue(f.sess.Token, testSecret)
	header := token + "; " + strings.Join(data, "; ")
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: f.store, Now: f.clock.Now, CookieCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Verify(ctx, request(header, ""))
	if err != nil || res.Credential != ba.CredentialCookie {
		t.Fatalf("got %+v, %v; want the store's session (credential %q)", res, err, ba.CredentialCookie)
	}
	// Under its own name the same cache is trusted.
	res, err = writer.Verify(ctx, request("__Secure-"+token+"; "+strings.Join(data, "; "), ""))
	if err != nil || res.Credential != ba.CredentialCookieCache {
		t.Fatalf("own name: got %+v, %v", res, err)
	}
}

// AcceptBothSecureAndPlain reads the other name as well, for a migration:
// the name Better Auth would choose first, then the other.
func TestAcceptBothSecureAndPlain(t *testing.T) {
	f, evil := twoSessions(t)
	ctx := context.Background()
	victim := ba.SignCookieValue(f.sess.Token, testSecret)
	planted := ba.SignCookieValue(evil.Token, testSecret)
	for _, tc := range []struct{ name, baseURL, first, second string }{
		{"HTTP", "http://localhost:3000", "better-auth.session_token", "__Secure-better-auth.session_token"},
		{"HTTPS", "https://app.example.com", "__Secure-better-auth.session_token", "better-auth.session_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearBaseURLEnv(t)
			v := f.verifier(t, func(c *ba.VerifierConfig) { c.BaseURL = tc.baseURL; c.Cookies.AcceptBothSecureAndPlain = true })
			if v.SessionCookieName() != tc.first {
				t.Fatalf("writes %q, want %q", v.SessionCookieName(), tc.first)
			}
			res, err := v.Verify(ctx, request(tc.second+"="+planted+"; "+tc.first+"="+victim, ""))
			if err != nil || res.Session.ID != f.sess.ID {
				t.Fatalf("both: got %+v, %v; want the first name's session", res, err)
			}
			res, err = v.Verify(ctx, request(tc.second+"="+victim, ""))
			if err != nil || res.Session.ID != f.sess.ID {
				t.Fatalf("second name alone: got %+v, %v", res, err)
			}
		})
	}
}
