package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// sessionRow is the stored session of token, nil once it is deleted
// (expired rows included).
func (p *sharedPair) sessionRow(t *testing.T, token string) *ba.Session {
	t.Helper()
	sess, _, err := p.st.GetSessionAndUser(context.Background(), token)
	if errors.Is(err, ba.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func hasSetCookie(a liveAnswer, name string) bool {
	for _, c := range a.cookies {
		if n, v, _ := strings.Cut(c, "="); n == name && !strings.HasPrefix(v, ";") {
			return true
		}
	}
	return false
}

// TestGetSessionDeferRefreshLive: session.deferSessionRefresh and the
// cookie cache on both servers, one shared database. GET get-session
// writes nothing and says needsRefresh; POST refreshes and cleans up;
// disableRefresh (any non-empty value, as z.coerce.boolean reads it) and
// disableCookieCache change the answer as in Better Auth. Each request
// goes to each server for a session the other one created.
func TestGetSessionDeferRefreshLive(t *testing.T) {
	for _, kind := range []sqlstore.Kind{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(kind.String(), func(t *testing.T) {
			p := newSharedPair(t, kind, sharedPairOptions{
				session: map[string]any{"deferSessionRefresh": true, "cookieCache": map[string]any{"enabled": true, "maxAge": 300}},
				config: func(c *server.Config) {
					c.DeferSessionRefresh = true
					c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact, MaxAge: 5 * time.Minute}
				},
			})
			var runs [2]map[string]liveAnswer
			for i, base := range p.sideURLs {
				other := p.sideURLs[1-i]
				got := map[string]liveAnswer{}
				runs[i] = got
				tag := strings.ReplaceAll(strings.ToLower(p.label(base)), " ", "")
				step := func(name, method, path, cookie string) liveAnswer {
					t.Helper()
					a := p.do(t, base, method, path, cookie, nil)
					a.body, a.exact = strings.ReplaceAll(a.body, tag, "<tag>"), strings.ReplaceAll(a.exact, tag, "<tag>")
					if strings.Contains(name, "cached") {
						// A session from the cookie cache: Better Auth
						// answers the cached JSON's key order, Go its
						// schema's; the values must agree.
						a.exact = a.body
					}
					got[name] = a
					return a
				}

				expectLive(t, "anonymous GET", step("anonymous GET", "GET", "/api/auth/get-session", ""), 200, "null")
				expectLive(t, "anonymous POST", step("anonymous POST", "POST", "/api/auth/get-session", ""), 200, "null")

				// The sign-up's cookies carry the other server's cookie cache.
				cookie, user := p.signUp(t, other, "defer-"+tag+"@example.com")
				a := step("cached", "GET", "/api/auth/get-session", cookie)
				if a.status != 200 || strings.Contains(a.body, "needsRefresh") || !strings.Contains(a.body, `"defer-<tag>@example.com"`) {
					t.Errorf("%s cached: %d %s", p.label(base), a.status, a.body)
				}
				a = step("disableCookieCache", "GET", "/api/auth/get-session?disableCookieCache=true", cookie)
				if !strings.Contains(a.exact, `"needsRefresh":false}`) {
					t.Errorf("%s disableCookieCache: %s", p.label(base), a.exact)
				}
				// Revoked behind the cache's back: the cache still answers,
				// disableCookieCache does not.
				sessions, err := p.st.ListUserSessions(context.Background(), user.ID)
				if err != nil || len(sessions) != 1 {
					t.Fatalf("sessions: %v %v", sessions, err)
				}
				if err := p.st.DeleteSessionByToken(context.Background(), sessions[0].Token); err != nil {
					t.Fatal(err)
				}
				if a := step("revoked, cached", "GET", "/api/auth/get-session", cookie); !strings.Contains(a.body, `"defer-<tag>@example.com"`) {
					t.Errorf("%s revoked, cached: %s", p.label(base), a.body)
				}
				expectLive(t, "revoked, disableCookieCache", step("revoked, disableCookieCache", "GET", "/api/auth/get-session?disableCookieCache=1", cookie), 200, "null")

				// Two days old: past updateAge, so it needs a refresh.
				old, sess := p.sessionCookie(t, user, 48*time.Hour)
				a = step("needs refresh", "GET", "/api/auth/get-session", old)
				if !strings.Contains(a.exact, `"needsRefresh":true}`) || hasSetCookie(a, "better-auth.session_token") {
					t.Errorf("%s GET needs refresh: %s %v", p.label(base), a.exact, a.cookies)
				}
				for _, q := range []string{"true", "false", "0"} {
					a = step("disableRefresh="+q, "GET", "/api/auth/get-session?disableRefresh="+q, old)
					if strings.Contains(a.body, "needsRefresh") || !strings.Contains(a.body, `"defer-<tag>@example.com"`) {
						t.Errorf("%s disableRefresh=%s: %s", p.label(base), q, a.body)
					}
				}
				step("disableRefresh empty", "GET", "/api/auth/get-session?disableRefresh=", old)
				if row := p.sessionRow(t, sess.Token); row == nil || !row.ExpiresAt.Equal(sess.ExpiresAt) {
					t.Errorf("%s: a GET changed the session: %+v", p.label(base), row)
				}
				expectLive(t, "POST disableRefresh", step("POST disableRefresh", "POST", "/api/auth/get-session?disableRefresh=true", old), 200, got["disableRefresh=true"].body)
				a = step("POST refresh", "POST", "/api/auth/get-session", old)
				if a.status != 200 || strings.Contains(a.body, "needsRefresh") || !hasSetCookie(a, "better-auth.session_token") {
					t.Errorf("%s POST refresh: %d %s %v", p.label(base), a.status, a.body, a.cookies)
				}
				if row := p.sessionRow(t, sess.Token); row == nil || time.Until(row.ExpiresAt) < 7*24*time.Hour-time.Minute {
					t.Errorf("%s: POST did not refresh the session: %+v", p.label(base), row)
				}

				// Expired a day ago: GET leaves the row, POST deletes it.
				expired := ba.NewSession(ba.SessionCreate{UserID: user.ID, ExpiresIn: 7 * 24 * time.Hour}, time.Now().Add(-8*24*time.Hour))
				if err := p.st.CreateSession(context.Background(), expired, user); err != nil {
					t.Fatal(err)
				}
				expiredCookie := "better-auth.session_token=" + ba.SignCookieValue(expired.Token, compatSecret)
				a = step("expired GET", "GET", "/api/auth/get-session", expiredCookie)
				expectLive(t, "expired GET", a, 200, "null")
				if p.sessionRow(t, expired.Token) == nil {
					t.Errorf("%s: GET deleted the expired session", p.label(base))
				}
				expectLive(t, "expired POST", step("expired POST", "POST", "/api/auth/get-session", expiredCookie), 200, "null")
				if p.sessionRow(t, expired.Token) != nil {
					t.Errorf("%s: POST left the expired session", p.label(base))
				}
			}
			compareRuns(t, runs)
		})
	}
}

// TestGetSessionQueryFlagsLive: without deferSessionRefresh, GET refreshes
// unless disableRefresh has any non-empty value, and deletes an expired
// session it finds; POST answers 405.
func TestGetSessionQueryFlagsLive(t *testing.T) {
	p := newSharedPair(t, sqlstore.SQLite, sharedPairOptions{})
	var runs [2]map[string]liveAnswer
	for i, base := range p.sideURLs {
		other := p.sideURLs[1-i]
		got := map[string]liveAnswer{}
		runs[i] = got
		tag := strings.ReplaceAll(strings.ToLower(p.label(base)), " ", "")
		step := func(name, method, path, cookie string) liveAnswer {
			t.Helper()
			a := p.do(t, base, method, path, cookie, nil)
			a.body, a.exact = strings.ReplaceAll(a.body, tag, "<tag>"), strings.ReplaceAll(a.exact, tag, "<tag>")
			got[name] = a
			return a
		}
		_, user := p.signUp(t, other, "flags-"+tag+"@example.com")
		old, sess := p.sessionCookie(t, user, 48*time.Hour)
		step("POST", "POST", "/api/auth/get-session", old)
		for _, q := range []string{"false", "0", "true"} {
			step("disableRefresh="+q, "GET", "/api/auth/get-session?disableRefresh="+q, old)
		}
		if row := p.sessionRow(t, sess.Token); row == nil || !row.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Errorf("%s: disableRefresh did not keep the session as it was: %+v", p.label(base), row)
		}
		a := step("refresh", "GET", "/api/auth/get-session?disableRefresh=", old)
		if !hasSetCookie(a, "better-auth.session_token") {
			t.Errorf("%s: no refreshed cookie: %v", p.label(base), a.cookies)
		}
		if row := p.sessionRow(t, sess.Token); row == nil || time.Until(row.ExpiresAt) < 7*24*time.Hour-time.Minute {
			t.Errorf("%s: GET did not refresh: %+v", p.label(base), row)
		}
		expired := ba.NewSession(ba.SessionCreate{UserID: user.ID, ExpiresIn: 7 * 24 * time.Hour}, time.Now().Add(-8*24*time.Hour))
		if err := p.st.CreateSession(context.Background(), expired, user); err != nil {
			t.Fatal(err)
		}
		a = step("expired", "GET", "/api/auth/get-session", "better-auth.session_token="+ba.SignCookieValue(expired.Token, compatSecret))
		expectLive(t, "expired", a, 200, "null")
		if a.expired != sessionCookiesExpired {
			t.Errorf("%s expired: cookies expired %q", p.label(base), a.expired)
		}
		if p.sessionRow(t, expired.Token) != nil {
			t.Errorf("%s: GET left the expired session", p.label(base))
		}
	}
	compareRuns(t, runs)
}

// TestGetSessionDisableSessionRefreshLive: with session.disableSessionRefresh
// neither server extends a session past its updateAge on get-session (no
// new session cookie, the row unchanged), and with deferSessionRefresh the
// GET says needsRefresh:false.
func TestGetSessionDisableSessionRefreshLive(t *testing.T) {
	for _, deferred := range []bool{false, true} {
		t.Run(map[bool]string{false: "Immediate", true: "Deferred"}[deferred], func(t *testing.T) {
			p := newSharedPair(t, sqlstore.SQLite, sharedPairOptions{
				session: map[string]any{"disableSessionRefresh": true, "deferSessionRefresh": deferred},
				config: func(c *server.Config) {
					c.DisableSessionRefresh = true
					c.DeferSessionRefresh = deferred
				},
			})
			var runs [2]map[string]liveAnswer
			for i, base := range p.sideURLs {
				got := map[string]liveAnswer{}
				runs[i] = got
				tag := strings.ReplaceAll(strings.ToLower(p.label(base)), " ", "")
				_, user := p.signUp(t, p.sideURLs[1-i], "norefresh-"+tag+"@example.com")
				old, sess := p.sessionCookie(t, user, 48*time.Hour)
				for _, method := range []string{"GET", "POST"} {
					if method == "POST" && !deferred {
						continue
					}
					a := p.do(t, base, method, "/api/auth/get-session", old, nil)
					a.body, a.exact = strings.ReplaceAll(a.body, tag, "<tag>"), strings.ReplaceAll(a.exact, tag, "<tag>")
					got[method] = a
					if a.status != 200 || hasSetCookie(a, "better-auth.session_token") || !strings.Contains(a.body, `"norefresh-<tag>@example.com"`) {
						t.Errorf("%s %s: %d %s %v", p.label(base), method, a.status, a.body, a.cookies)
					}
					if deferred && method == "GET" && !strings.Contains(a.exact, `"needsRefresh":false}`) {
						t.Errorf("%s deferred GET: %s", p.label(base), a.exact)
					}
				}
				if row := p.sessionRow(t, sess.Token); row == nil || !row.ExpiresAt.Equal(sess.ExpiresAt) {
					t.Errorf("%s: the session was extended: %+v", p.label(base), row)
				}
			}
			compareRuns(t, runs)
		})
	}
}
