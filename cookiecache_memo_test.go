package betterauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// cacheRequest returns a request carrying sess's signed session_token and
// the session_data cache v issues for sess and user.
func cacheRequest(t *testing.T, v *ba.Verifier, schema *ba.ResolvedSchema, token string, sess *ba.Session, user *ba.User) *http.Request {
	t.Helper()
	w := httptest.NewRecorder()
	if err := v.SetCookieCache(w, schema, sess, user, false, ba.CookieAttributes{}); err != nil {
		t.Fatal(err)
	}
	cookies := []string{"better-auth.session_token=" + ba.SignCookieValue(token, testSecret)}
	for _, c := range w.Result().Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	r := httptest.NewRequest("GET", "/api/me", nil)
	r.Header.Set("Cookie", strings.Join(cookies, "; "))
	return r
}

// The memo (on by default) must not change what any request sees: for
// every strategy, with the memo on and off, a result is the caller's own,
// a cache is trusted only with its own session token and only until its
// signed expiry, and a banned user is refused on every request.
func TestCookieCacheMemoChangesNothing(t *testing.T) {
	for _, strategy := range []ba.CookieCacheStrategy{ba.CacheCompact, ba.CacheJWT, ba.CacheJWE} {
		for _, memo := range []int{0, -1} {
			t.Run(string(strategy)+map[int]string{0: "/memo", -1: "/no-memo"}[memo], func(t *testing.T) {
				now := benchNow
				sess, user := benchSession()
				user.Fields = ba.Fields{"plan": "pro"}
				other, _ := benchSession()
				other.Token = "Zr5qW8eT1yU4iO7pA0sD3fG6hJ9kL2xC"
				schema := mustResolve(t, ba.Schema{Tables: map[string]ba.TableConfig{
					ba.ModelUser: {AdditionalFields: []ba.Field{{Name: "plan", Type: ba.TypeString}}}}})
				v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}},
					Sessions: memoryStore{other, user}, Now: func() time.Time { return now }, BaseURL: "http://localhost:3000",
					CookieCache: ba.CookieCacheConfig{Strategy: strategy, MaxAge: time.Minute, Memo: memo, Schema: schema}})
				if err != nil {
					t.Fatal(err)
				}
				r := cacheRequest(t, v, schema, sess.Token, sess, user)
				ctx := context.Background()
				for i := range 3 {
					res, err := v.Verify(ctx, r)
					if err != nil || res.Credential != ba.CredentialCookieCache {
						t.Fatalf("request %d: %v, %v", i, res, err)
					}
					if res.User.Name != "Ada Lovelace" || res.User.Fields["plan"] != "pro" || res.Session.Token != sess.Token {
						t.Fatalf("request %d saw %+v / %+v", i, res.User, res.Session)
					}
					// What a caller does with its result is its own business.
					res.User.Name, res.User.Fields["plan"], res.Session.UserID = "changed", "free", "changed"
				}

				// The same cache beside another session's signed token: not
				// trusted (the store answers for that token instead).
				stolen := r.Clone(ctx)
				stolen.Header.Set("Cookie", strings.Replace(r.Header.Get("Cookie"),
					ba.SignCookieValue(sess.Token, testSecret), ba.SignCookieValue(other.Token, testSecret), 1))
				if res, err := v.Verify(ctx, stolen); err != nil || res.Credential != ba.CredentialCookie || res.Session.Token != other.Token {
					t.Fatalf("cache with another token: %+v, %v", res, err)
				}

				// Past the cache's signed expiry (MaxAge), it is not trusted:
				// the store has no session for this token.
				now = now.Add(time.Minute + time.Second)
				if res, err := v.Verify(ctx, r); err == nil {
					t.Fatalf("expired cache trusted: %+v", res)
				}
			})
		}
	}
}

func mustResolve(t *testing.T, s ba.Schema) *ba.ResolvedSchema {
	t.Helper()
	r, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
