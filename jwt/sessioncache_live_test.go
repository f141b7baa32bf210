package jwt_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// sessionCacheOptions start Better Auth with the jwt plugin's
// sessionCookieCache: the session_data cookie is a JWS under the jwks key.
func sessionCacheLive(t *testing.T, kind sqlstore.Kind) *liveBA {
	t.Helper()
	return startLiveWith(t, liveOptions{kind: kind, jwt: map[string]any{"sessionCookieCache": true},
		cookieCache: &batest.CookieCache{Strategy: "jwt", MaxAge: 300}})
}

// sessionData returns the session_data cookie of a Set-Cookie list.
func sessionData(t *testing.T, setCookie []string) string {
	t.Helper()
	for _, line := range setCookie {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == "better-auth.session_data" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session_data cookie in %d Set-Cookie lines", len(setCookie))
	return ""
}

// requestWith is a request carrying the session_token and session_data
// cookies.
func requestWith(cookie string) *http.Request {
	r, _ := http.NewRequest("GET", "http://localhost:3000/api/me", nil)
	r.Header.Set("Cookie", cookie)
	return r
}

// replaceData swaps the session_data value in a Cookie header.
func replaceData(cookie, old, repl string) string { return strings.Replace(cookie, old, repl, 1) }

// TestLiveSessionCookieCache: Better Auth 1.7.25 with jwt({
// sessionCookieCache: true }) and cookieCache.strategy "jwt" signs the
// session_data cookie with its jwks key (EdDSA, typ
// better-auth.session-cache+jwt). Go's session Verifier, given a
// jwt.Verifier as CookieCacheConfig.JWTKeys and no session store at all,
// trusts that cookie: the only database read is the jwks table, once, by
// the key cache (none at all with /jwks over HTTP). A tampered, expired,
// foreign-key, unknown-kid or access-token cookie is refused with its
// verdict. On each of the three databases.
func TestLiveSessionCookieCache(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		ctx := context.Background()
		l := sessionCacheLive(t, kind)
		signUp := l.h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{
			"email": "jwt.user@example.com", "password": "correct-horse-battery",
		})
		if signUp.Status != 200 {
			t.Fatalf("sign-in: %d %s", signUp.Status, signUp.Text)
		}
		cookie := batest.CookieHeader(signUp.SetCookie)
		data := sessionData(t, signUp.SetCookie)
		h, _, _ := splitToken(t, data)
		var hdr map[string]any
		if err := json.Unmarshal(h, &hdr); err != nil {
			t.Fatal(err)
		}
		if hdr["typ"] != jwt.SessionCacheType || hdr["alg"] != "EdDSA" || hdr["kid"] == nil {
			t.Fatalf("Better Auth's cache header %s", h)
		}
		c := claimsOf(t, data)
		if c["aud"] != jwt.SessionCacheAudience || c["iss"] != "http://localhost:3000" {
			t.Fatalf("Better Auth's cache claims iss %v aud %v", c["iss"], c["aud"])
		}

		// Better Auth's own get-session answers from the cache: what Go
		// must answer.
		gs := l.h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookie}, nil)
		var want struct {
			Session struct{ ID, Token, UserID string } `json:"session"`
			User    struct{ ID, Email, Name string }   `json:"user"`
		}
		if gs.Status != 200 || gs.Decode(&want) != nil || want.Session.ID == "" {
			t.Fatalf("Better Auth get-session: %d %s", gs.Status, gs.Text)
		}

		tr := &storetest.Tracer{}
		store := l.db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}, Tracer: tr})
		storeKeys, err := jwt.NewStoreJWKS(store, jwt.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		remote, err := jwt.NewRemoteJWKS(l.jwks.URL+"/api/auth/jwks", jwt.RemoteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for name, keys := range map[string]jwt.KeySource{"store": storeKeys, "remote": remote} {
			t.Run(name, func(t *testing.T) {
				tr.Take(t)
				jv := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000"})
				// No Sessions: a cookie the cache does not vouch for
				// cannot be looked up anywhere.
				v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000",
					CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWT, JWTKeys: jv, Memo: -1}})
				if err != nil {
					t.Fatal(err)
				}
				for i := range 3 {
					res, err := v.Verify(ctx, requestWith(cookie))
					if err != nil {
						t.Fatalf("Verify %d: %v", i, err)
					}
					if res.Credential != ba.CredentialCookieCache || res.Session.ID != want.Session.ID || res.Session.Token != want.Session.Token ||
						res.User.ID != want.User.ID || res.User.Email != want.User.Email || res.User.Name != want.User.Name {
						t.Fatalf("Verify %d: %+v %+v, want Better Auth's %+v", i, res.Session, res.User, want)
					}
				}
				ops := storetest.Operations(tr.Take(t))
				wantOps := 0
				if name == "store" {
					wantOps = 1 // the key cache's one read of the jwks table
				}
				if len(ops) != wantOps {
					t.Fatalf("database operations for 3 verifications: %q, want %d", ops, wantOps)
				}

				claims, err := jv.VerifySessionCache(ctx, data)
				if err != nil {
					t.Fatal(err)
				}
				var got struct {
					Sid, Sub string
					Session  struct{ Token string }
				}
				if json.Unmarshal(claims, &got) != nil || got.Sid != want.Session.Token || got.Sub != want.User.ID || got.Session.Token != want.Session.Token {
					t.Fatalf("claims %s", claims)
				}

				refused := func(t *testing.T, value string, verdict error) {
					t.Helper()
					if _, err := jv.VerifySessionCache(ctx, value); !errors.Is(err, verdict) || !errors.Is(err, jwt.ErrTokenInvalid) {
						t.Errorf("VerifySessionCache: %v, want %v", err, verdict)
					}
					if res, err := v.Verify(ctx, requestWith(replaceData(cookie, data, value))); err == nil {
						t.Errorf("session Verifier trusted it: %+v", res.Session)
					}
				}
				kid, _ := hdr["kid"].(string)
				t.Run("ErrTampered", func(t *testing.T) {
					parts := strings.Split(data, ".")
					var m map[string]any
					_ = json.Unmarshal(mustB64(t, parts[1]), &m)
					m["user"].(map[string]any)["email"] = "someone.else@example.com"
					p, _ := json.Marshal(m)
					refused(t, parts[0]+"."+b64.EncodeToString(p)+"."+parts[2], jwt.ErrBadSignature)
				})
				t.Run("ErrForeignKey", func(t *testing.T) {
					// Same kid, another private key.
					k := newTestKey(t, "EdDSA", kid)
					refused(t, k.sign(t, c, map[string]any{"typ": jwt.SessionCacheType}), jwt.ErrBadSignature)
				})
				t.Run("ErrUnknownKid", func(t *testing.T) {
					k := newTestKey(t, "EdDSA", "no-such-kid")
					refused(t, k.sign(t, c, map[string]any{"typ": jwt.SessionCacheType}), jwt.ErrUnknownKey)
				})
				t.Run("ErrAccessToken", func(t *testing.T) {
					// /token's JWT is signed by the same key but is not a
					// cookie cache.
					refused(t, l.token(t, map[string]string{"cookie": cookie}), jwt.ErrTokenMalformed)
				})
				t.Run("ErrExpired", func(t *testing.T) {
					exp := time.Unix(int64(c["exp"].(float64)), 0)
					late := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000", Now: func() time.Time { return exp.Add(16 * time.Second) }})
					if _, err := late.VerifySessionCache(ctx, data); !errors.Is(err, jwt.ErrTokenExpired) {
						t.Errorf("16 s past exp: %v, want ErrTokenExpired", err)
					}
					// Better Auth's 15 s tolerance.
					early := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000", Now: func() time.Time { return exp.Add(14 * time.Second) }})
					if _, err := early.VerifySessionCache(ctx, data); err != nil {
						t.Errorf("14 s past exp: %v", err)
					}
					lv, _ := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000",
						CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWT, JWTKeys: early}, Now: func() time.Time { return exp.Add(14 * time.Second) }})
					if res, err := lv.Verify(ctx, requestWith(cookie)); err == nil {
						// get-session drops a cache whose exp has passed
						// even within jose's tolerance.
						t.Errorf("session Verifier trusted an expired cache: %+v", res.Session)
					}
				})
				t.Run("ErrWrongIssuer", func(t *testing.T) {
					other := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3001"})
					if _, err := other.VerifySessionCache(ctx, data); !errors.Is(err, jwt.ErrWrongIssuer) {
						t.Errorf("another base URL: %v, want ErrWrongIssuer", err)
					}
				})
				t.Run("ErrNotAccessToken", func(t *testing.T) {
					// The access-token Verify refuses the cache.
					if _, err := jv.Verify(ctx, data); !errors.Is(err, jwt.ErrTokenMalformed) {
						t.Errorf("Verify(cookie cache): %v, want ErrTokenMalformed", err)
					}
				})
			})
		}
	})
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := b64.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLiveSessionCookieCacheFromGo: a session_data cache Go writes with
// CookieCacheConfig.JWTSigner (a jwt.Signer over the same jwks table) is
// one Better Auth 1.7.25 trusts: its get-session answers from the cache
// (a name only the cache holds), and refuses a tampered one (answering
// from the database and expiring the cookie). Go's claims have exactly
// Better Auth's names and header. On each of the three databases.
func TestLiveSessionCookieCacheFromGo(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		ctx := context.Background()
		l := sessionCacheLive(t, kind)
		baData := sessionData(t, l.h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{
			"email": "jwt.user@example.com", "password": "correct-horse-battery",
		}).SetCookie)
		store := l.store(t)
		keys, _ := jwt.NewStoreJWKS(store, jwt.StoreOptions{})
		jv := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000"})
		signer := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000"})
		v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000", Sessions: store,
			CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWT, JWTKeys: jv, JWTSigner: signer}})
		if err != nil {
			t.Fatal(err)
		}
		// l.cookie is the sign-up's: its session_token names a session in
		// the database.
		res, err := v.Verify(ctx, requestWith(l.cookie))
		if err != nil {
			t.Fatal(err)
		}
		user := res.User.Clone()
		user.Name = "Only In Go's Cache"
		rec := httptest.NewRecorder()
		if err := v.SetCookieCache(rec, store.Schema(), res.Session, user, false, ba.CookieAttributes{}); err != nil {
			t.Fatal(err)
		}
		goData := sessionData(t, rec.Result().Header.Values("Set-Cookie"))
		gh, _, _ := splitToken(t, goData)
		bh, _, _ := splitToken(t, baData)
		sameJSON(t, "Go's header vs Better Auth's", gh, bh)
		names := func(m map[string]any) []string {
			var out []string
			for k := range m {
				out = append(out, k)
			}
			slices.Sort(out)
			return out
		}
		gc, bc := claimsOf(t, goData), claimsOf(t, baData)
		if g, w := names(gc), names(bc); !slices.Equal(g, w) {
			t.Errorf("claims %q, Better Auth's %q", g, w)
		}
		if gc["exp"].(float64)-gc["iat"].(float64) != 300 || gc["iss"] != bc["iss"] || gc["aud"] != bc["aud"] {
			t.Errorf("Go's claims iat %v exp %v iss %v aud %v; Better Auth's iss %v aud %v", gc["iat"], gc["exp"], gc["iss"], gc["aud"], bc["iss"], bc["aud"])
		}

		cookie := func(data string) string {
			return replaceData(l.cookie, sessionData(t, l.signUpSetCookie), data)
		}
		gs := l.h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookie(goData)}, nil)
		var body struct {
			User struct{ Name string } `json:"user"`
		}
		if gs.Status != 200 || gs.Decode(&body) != nil || body.User.Name != user.Name {
			t.Fatalf("Better Auth's get-session with Go's cache: %d %s, want the name %q from the cache", gs.Status, gs.Text, user.Name)
		}
		if back, err := v.Verify(ctx, requestWith(cookie(goData))); err != nil || back.Credential != ba.CredentialCookieCache || back.User.Name != user.Name {
			t.Fatalf("Go reading its own cache: %+v %v", back, err)
		}

		parts := strings.Split(goData, ".")
		tampered := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
		gs = l.h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookie(tampered)}, nil)
		if gs.Status != 200 || gs.Decode(&body) != nil || body.User.Name != res.User.Name {
			t.Fatalf("Better Auth's get-session with a tampered cache: %d %s, want the database's name %q", gs.Status, gs.Text, res.User.Name)
		}
		expired := false
		for _, line := range gs.SetCookie {
			if c, err := http.ParseSetCookie(line); err == nil && c.Name == "better-auth.session_data" && c.MaxAge < 0 {
				expired = true
			}
		}
		if !expired {
			t.Errorf("Better Auth did not expire the tampered cache: %q", gs.SetCookie)
		}
	})
}
