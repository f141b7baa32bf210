package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// FuzzRouteBodies sends arbitrary bodies, content types and query strings
// to every route that reads input, signed in as an admin with a fresh
// session each time (so that every route is reached past its session
// check). No input may cause a 5xx: a panic would surface as the
// recoverer's 500.
//
//	go test -run X -fuzz FuzzRouteBodies ./server
func FuzzRouteBodies(f *testing.F) {
	// PostgreSQL rather than SQLite: the SQLite engine is Go code, and its
	// coverage instrumentation slows fuzzing to a few executions a second.
	db := openPostgres(f, nil)
	ctx := context.Background()
	// The OAuth token routes refresh at a provider that refuses every
	// refresh.
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, `{"error":"invalid_grant"}`, 400) }))
	f.Cleanup(idp.Close)
	s, err := server.New(server.Config{Store: db.store, Secrets: []ba.Secret{{Value: secret}}, Bearer: true,
		CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheCompact}, Mailer: &captureMailer{},
		BaseURL: "http://fuzz.test", Log: discardLogger(), EmailVerification: server.EmailVerificationConfig{Enabled: true, AutoSignInAfterVerification: true},
		OAuthTokens: &server.OAuthTokensConfig{StoreAccountCookie: true, Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", idp.URL, "client", "shh")}},
		ChangeEmail: server.ChangeEmailConfig{Enabled: true, SendConfirmation: true, UpdateWithoutVerification: true},
		// delete-user mails rather than deleting the admin every fuzz
		// input signs in as; POST get-session is served.
		DeleteUser: server.DeleteUserConfig{Enabled: true, SendVerification: true}, DeferSessionRefresh: true})
	if err != nil {
		f.Fatal(err)
	}
	admin := ba.NewUser(ba.UserCreate{Name: "Admin", Email: "admin@example.com"}, time.Now())
	role := "admin"
	admin.Role = &role
	if err := db.store.CreateUser(ctx, admin); err != nil {
		f.Fatal(err)
	}
	target := ba.NewUser(ba.UserCreate{Name: "Target", Email: "target@example.com"}, time.Now())
	if err := db.store.CreateUser(ctx, target); err != nil {
		f.Fatal(err)
	}
	// An OAuth account of the admin whose access token has expired.
	expired := time.Now().Add(-time.Hour)
	oauthAccount, err := ba.NewAccount(ba.AccountCreate{UserID: admin.ID, ProviderID: "fake", AccountID: "fake-1",
		AccessToken: ptr("access"), RefreshToken: ptr("refresh"), AccessTokenExpiresAt: &expired}, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	if err := db.store.CreateAccount(ctx, oauthAccount); err != nil {
		f.Fatal(err)
	}
	var routes [][2]string
	for _, p := range s.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		routes = append(routes, [2]string{method, strings.ReplaceAll(strings.ReplaceAll(path, "{id}", target.ID), "{token}", "tok")})
	}
	for i := range routes {
		for _, body := range []string{"{}", `{"email":"a@b.co","password":"password-123","name":"N"}`, `{"name":"x","image":null,"bio":"b","username":"u"}`,
			`{"token":"t","newPassword":"password-123","currentPassword":"password-123"}`, `{"banReason":"r","banExpiresIn":60,"role":"r"}`,
			`{"username":"Admin_1","password":"password-123","rememberMe":false,"callbackURL":"/x"}`, `{"username":""}`, `{"newEmail":"New.Address@example.com","callbackURL":"/x"}`, `{"newEmail":"TARGET@example.com"}`,
			`{"newEmail":"admin@example.com"}`, `{"newEmail":"not-an-email","callbackURL":["/x"]}`, "[", "\x00",
			`{"accountId":"` + oauthAccount.ID + `"}`, `{"useAccountCookie":true,"userId":"u"}`, `{"accountId":"x","providerId":"fake","1":0,"__proto__":1}`} {
			f.Add(uint8(i), []byte(body), "application/json", "")
		}
		f.Add(uint8(i), []byte(`{"callbackURL":"//evil.example","redirectTo":"javascript:x"}`), "text/plain", "?callbackURL=%zz&limit=-1")
		f.Add(uint8(i), []byte(`{"email":"admin@example.com","callbackURL":"/done"}`), "application/json", "?token=eyJhbGciOiJIUzI1NiJ9.e30.x&callbackURL=%2Fdone")
		f.Add(uint8(i), []byte(`{"email":["a@b.co"],"callbackURL":7}`), "application/json", "?token=a&token=b&callbackURL=/a&callbackURL=/b")
		f.Add(uint8(i), []byte(`{"password":"password-123","token":"0123456789abcdefghijklmnopqrstuv","callbackURL":"/bye"}`), "application/json", "?token=t&callbackURL=%2Fbye&disableCookieCache=true&disableRefresh=1")
		f.Add(uint8(i), []byte(`{"password":12,"token":null,"callbackURL":[]}`), "application/json", "?disableRefresh=&disableRefresh=false")
		// The admin plugin's user routes.
		for _, body := range []string{`{"userId":"` + target.ID + `","data":{"name":"x","role":["admin","user"],"banned":true,"banExpires":"2030-01-01T00:00:00.000Z","email":"A@b.co","bio":5}}`,
			`{"userId":"` + target.ID + `","newPassword":"password-123","role":["user"],"banReason":"r","banExpiresIn":1e308}`, `{"userId":[1,null,{}],"data":{"id":1,"password":"p"}}`,
			`{"email":"n@b.co","name":"N","password":"password-123","role":["user"],"data":{"banned":true,"role":5,"emailVerified":"yes"}}`} {
			f.Add(uint8(i), []byte(body), "application/json", "")
		}
		f.Add(uint8(i), []byte(`{}`), "application/json", "?id="+target.ID+"&searchValue=%25&filterField=banned&filterValue=true&filterValue=x&filterOperator=in&limit=0x10&offset=-1&sortBy=email&sortDirection=desc")
	}
	for i := range routes { // the admin session routes' bodies (admin_sessions.go)
		for _, body := range []string{`{"userId":"` + target.ID + `"}`, `{"userId":"` + admin.ID + `"}`, `{"userId":[1,{"a":null},[2]]}`, `{"userId":1e400}`, `{"userId":-0}`, `{"sessionToken":"tok"}`, `{"sessionToken":null}`} {
			f.Add(uint8(i), []byte(body), "application/json", "")
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, contentType, query string) {
		r := routes[int(route)%len(routes)]
		sess := ba.NewSession(ba.SessionCreate{UserID: admin.ID}, time.Now())
		if err := db.store.CreateSession(ctx, sess, nil); err != nil {
			t.Fatal(err)
		}
		target := r[1]
		if query != "" {
			if u, err := url.Parse(target + query); err == nil {
				target = u.RequestURI()
			}
		}
		req, err := http.NewRequest(r[0], "http://fuzz.test"+target, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", "http://fuzz.test")
		req.Header.Set("Cookie", "better-auth.session_token="+url.QueryEscape(ba.Sign(sess.Token, secret)))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q (%s): %d %s", r[0], target, body, contentType, rec.Code, rec.Body.String())
		}
	})
}

// FuzzTwoFactorBodies is FuzzRouteBodies for the two-factor plugin's
// routes, each request made by a user with two-factor on (a TOTP row and
// backup codes) with both a session and a fresh sign-in challenge (the
// two_factor cookie and its rows), or with the challenge alone, so that
// both of verifyTwoFactor's paths are reached. No input may cause a 5xx.
//
//	go test -run X -fuzz FuzzTwoFactorBodies ./server
func FuzzTwoFactorBodies(f *testing.F) {
	st := storetest.OpenMigrated(f, sqlstore.Postgres, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}})
	ctx := context.Background()
	s, err := server.New(server.Config{Store: st, Secrets: []ba.Secret{{Value: secret}}, BaseURL: "http://fuzz.test", Log: discardLogger(),
		TwoFactor: &server.TwoFactorConfig{OTP: true}})
	if err != nil {
		f.Fatal(err)
	}
	// The user enables two-factor through the routes themselves.
	c := &fuzzClient{t: f, s: s}
	c.post("/api/auth/sign-up/email", `{"email":"tf@example.com","password":"password-123","name":"T"}`)
	enabled := c.post("/api/auth/two-factor/enable", `{"password":"password-123","method":"otp"}`)
	if enabled.Code != 200 {
		f.Fatalf("enable: %d %s", enabled.Code, enabled.Body.String())
	}
	if r := c.post("/api/auth/two-factor/enable", `{"password":"password-123"}`); r.Code != 200 {
		f.Fatalf("enable totp: %d %s", r.Code, r.Body.String())
	}
	user, err := st.GetUserByEmail(ctx, "tf@example.com")
	if err != nil {
		f.Fatal(err)
	}
	var routes []string
	for _, p := range s.Patterns() {
		if strings.Contains(p, "/two-factor/") {
			routes = append(routes, strings.TrimPrefix(p, "POST "))
		}
	}
	if len(routes) != 8 {
		f.Fatalf("%d two-factor routes, want 8", len(routes))
	}
	for i := range routes {
		for _, body := range []string{"{}", `{"password":"password-123"}`, `{"password":"password-123","method":"otp","issuer":"I"}`, `{"method":"sms"}`,
			`{"code":"123456","trustDevice":true}`, `{"code":"abcde-fghij","disableSession":true}`, `{"code":1,"trustDevice":"yes"}`, `{"password":null}`, "[]", "null", "[", "\x00"} {
			f.Add(uint8(i), []byte(body), "application/json", false)
			f.Add(uint8(i), []byte(body), "application/json", true)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, contentType string, withSession bool) {
		// A fresh sign-in challenge, as the sign-in hook writes it.
		id := "2fa-" + ba.RandomString(20)
		exp := time.Now().Add(10 * time.Minute)
		for _, v := range []*ba.Verification{
			ba.NewVerification(ba.VerificationCreate{Identifier: id, Value: user.ID, ExpiresAt: exp}, time.Now()),
			ba.NewVerification(ba.VerificationCreate{Identifier: "2fa-attempts-" + id, Value: "0", ExpiresAt: exp}, time.Now()),
		} {
			if err := st.CreateVerification(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		cookie := "better-auth.two_factor=" + url.QueryEscape(ba.Sign(id, secret))
		if withSession {
			sess := ba.NewSession(ba.SessionCreate{UserID: user.ID}, time.Now())
			if err := st.CreateSession(ctx, sess, nil); err != nil {
				t.Fatal(err)
			}
			cookie += "; better-auth.session_token=" + url.QueryEscape(ba.Sign(sess.Token, secret))
		}
		path := routes[int(route)%len(routes)]
		req, err := http.NewRequest("POST", "http://fuzz.test"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", "http://fuzz.test")
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q (%s): %d %s", path, body, contentType, rec.Code, rec.Body.String())
		}
	})
}

// fuzzClient makes requests with the cookies of the previous answers.
type fuzzClient struct {
	t       testing.TB
	s       http.Handler
	cookies map[string]string
}

func (c *fuzzClient) post(path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "http://fuzz.test"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://fuzz.test")
	for name, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	rec := httptest.NewRecorder()
	c.s.ServeHTTP(rec, req)
	if c.cookies == nil {
		c.cookies = map[string]string{}
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}
