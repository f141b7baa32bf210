package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// With the cookie cache and account.storeAccountCookie, writing
// session_data carries the request's account_data along, as Better Auth's
// setCookieCache does: set again for the session's own user, expired when
// it belongs to someone else (serve always has an account table, so the
// cookie is bound to the session's user).
func TestCookieCacheCarriesAccountCookie(t *testing.T) {
	db := openSQLite(t)
	e := newEnvOn(t, db.store, func(c *server.Config) {
		c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact, MaxAge: 5 * time.Minute}
		c.OAuthTokens = &server.OAuthTokensConfig{StoreAccountCookie: true}
	})
	ctx := context.Background()
	mkUser := func(email string) (*ba.User, *ba.Session) {
		u := ba.NewUser(ba.UserCreate{Name: "U", Email: email}, time.Now())
		if err := db.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		// Two days old: past updateAge, so get-session refreshes it and
		// writes the session cookies, session_data among them.
		s := ba.NewSession(ba.SessionCreate{UserID: u.ID, ExpiresIn: 7 * 24 * time.Hour}, time.Now().Add(-48*time.Hour))
		if err := db.store.CreateSession(ctx, s, u); err != nil {
			t.Fatal(err)
		}
		return u, s
	}
	alice, aliceSession := mkUser("alice@example.com")
	bob, _ := mkUser("bob@example.com")
	accountCookie := func(u *ba.User) string {
		tok := "provider-access"
		v, err := ba.EncodeAccountCookie(&ba.Account{ID: "acc-" + u.ID, UserID: u.ID, ProviderID: "fake", AccountID: "1", AccessToken: &tok,
			CreatedAt: time.Now(), UpdatedAt: time.Now()}, secret, time.Now(), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return "better-auth.account_data=" + v
	}
	session := "better-auth.session_token=" + ba.SignCookieValue(aliceSession.Token, secret)
	hc := &http.Client{Timeout: time.Minute}
	setCookies := func(cookie string) []string {
		t.Helper()
		o := send(hc, "GET", e.srv.URL+"/api/auth/get-session", "", http.Header{"Cookie": {cookie}})
		if o.status != 200 || !strings.Contains(string(o.body), alice.Email) {
			t.Fatalf("get-session: %d %s", o.status, o.body)
		}
		return o.header.Values("Set-Cookie")
	}
	find := func(lines []string, name string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, name+"=") {
				return l
			}
		}
		return ""
	}

	lines := setCookies(session + "; " + accountCookie(alice))
	if find(lines, "better-auth.session_data") == "" {
		t.Fatalf("no session_data written: %q", lines)
	}
	own := find(lines, "better-auth.account_data")
	if own == "" || strings.HasPrefix(own, "better-auth.account_data=;") || !strings.Contains(own, "Max-Age=300") {
		t.Fatalf("the user's own account_data was not set again: %q", lines)
	}
	value, _, _ := strings.Cut(strings.TrimPrefix(own, "better-auth.account_data="), ";")
	if a, err := ba.DecodeAccountCookie(value, []ba.Secret{{Value: secret}}, time.Now()); err != nil || a.UserID != alice.ID || a.AccessToken == nil || *a.AccessToken != "provider-access" {
		t.Fatalf("the rewritten account_data: %+v %v", a, err)
	}

	if err := db.store.RefreshSession(ctx, aliceSession.Token, time.Now().Add(-48*time.Hour).Add(7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	lines = setCookies(session + "; " + accountCookie(bob))
	if other := find(lines, "better-auth.account_data"); !strings.HasPrefix(other, "better-auth.account_data=;") || !strings.Contains(other, "Max-Age=0") {
		t.Fatalf("another user's account_data was not expired: %q", lines)
	}

	// Without an account_data cookie nothing is added.
	if err := db.store.RefreshSession(ctx, aliceSession.Token, time.Now().Add(-2*24*time.Hour).Add(7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if lines := setCookies(session); find(lines, "better-auth.account_data") != "" {
		t.Fatalf("account_data written without one in the request: %q", lines)
	}
}
