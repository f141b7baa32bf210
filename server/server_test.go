package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const secret = "server-test-secret-0123456789abcdefgh"

type captureMailer struct {
	mu   sync.Mutex
	last server.Email
	n    int
}

func (m *captureMailer) Send(_ context.Context, e server.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last, m.n = e, m.n+1
	return nil
}

type env struct {
	t      testing.TB
	srv    *httptest.Server
	store  *sqlstore.Store
	mailer *captureMailer
	logs   *bytes.Buffer
}

func newEnv(t testing.TB, mod func(*server.Config)) *env {
	t.Helper()
	st := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginUsername, ba.PluginTwoFactor}}})
	return newEnvOn(t, st, mod)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// client is a browser: a cookie jar and the app's Origin on every request.
type client struct {
	e  *env
	hc *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func (c *client) do(method, path string, body any, headers ...string) resp {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			j, _ := json.Marshal(b)
			rd = bytes.NewReader(j)
		}
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Origin", c.e.srv.URL)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (c *client) signUp(email, password string) map[string]any {
	c.e.t.Helper()
	r := c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": email, "password": password, "name": "N " + email})
	if r.status != 200 {
		c.e.t.Fatalf("sign-up %s: %d %s", email, r.status, r.body)
	}
	return r.json(c.e.t)
}

func expect(t *testing.T, r resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if code != "" {
		var e struct{ Code string }
		_ = json.Unmarshal(r.body, &e)
		if e.Code != code {
			t.Fatalf("code %q, want %q: %s", e.Code, code, r.body)
		}
	}
}

func TestAuthFlow(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	up := c.signUp("Alice@Example.com", "password123")
	if up["token"] == nil || up["user"].(map[string]any)["email"] != "alice@example.com" {
		t.Fatalf("sign-up body %v", up)
	}
	s := c.do("GET", "/api/auth/get-session", nil)
	expect(t, s, 200, "")
	if s.json(t)["user"].(map[string]any)["email"] != "alice@example.com" {
		t.Fatalf("get-session %s", s.body)
	}
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "alice@example.com", "password": "password123", "name": "A"}), 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "b@example.com", "password": "short", "name": "B"}), 400, "PASSWORD_TOO_SHORT")
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "b@example.com", "password": strings.Repeat("x", 129), "name": "B"}), 400, "PASSWORD_TOO_LONG")
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "nope", "password": "password123", "name": "B"}), 400, "VALIDATION_ERROR")
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "b@example.com", "password": "password123"}), 400, "VALIDATION_ERROR")
	expect(t, c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "b@example.com", "password": "password123", "name": "B", "role": "admin"}), 400, "FIELD_NOT_ALLOWED")

	other := e.client()
	expect(t, other.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "alice@example.com", "password": "wrong-password"}), 401, "INVALID_EMAIL_OR_PASSWORD")
	expect(t, other.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "nobody@example.com", "password": "password123"}), 401, "INVALID_EMAIL_OR_PASSWORD")
	in := other.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "ALICE@example.com", "password": "password123"})
	expect(t, in, 200, "")
	if in.json(t)["redirect"] != false {
		t.Fatalf("sign-in body %s", in.body)
	}
	var list []map[string]any
	l := c.do("GET", "/api/auth/list-sessions", nil)
	_ = json.Unmarshal(l.body, &list)
	if len(list) != 2 {
		t.Fatalf("list-sessions: %s", l.body)
	}
	expect(t, c.do("POST", "/api/auth/update-user", map[string]any{"name": "Alice B", "image": "https://img"}), 200, "")
	me := c.do("GET", "/api/me", nil)
	if me.json(t)["name"] != "Alice B" {
		t.Fatalf("me %s", me.body)
	}
	expect(t, c.do("POST", "/api/auth/update-user", map[string]any{"email": "x@example.com"}), 400, "EMAIL_CAN_NOT_BE_UPDATED")
	expect(t, c.do("POST", "/api/auth/update-user", map[string]any{}), 400, "")
	expect(t, c.do("PATCH", "/api/me", map[string]any{"role": "admin"}), 400, "FIELD_NOT_ALLOWED")

	expect(t, c.do("POST", "/api/auth/change-password", map[string]any{"currentPassword": "nope-nope-nope", "newPassword": "newpassword123"}), 400, "INVALID_PASSWORD")
	cp := c.do("POST", "/api/auth/change-password", map[string]any{"currentPassword": "password123", "newPassword": "newpassword123", "revokeOtherSessions": true})
	expect(t, cp, 200, "")
	if cp.json(t)["token"] == nil {
		t.Fatalf("change-password did not return the new session token: %s", cp.body)
	}
	// The other browser was signed out by revokeOtherSessions.
	if g := other.do("GET", "/api/auth/get-session", nil); string(bytes.TrimSpace(g.body)) != "null" {
		t.Fatalf("revoked session still valid: %s", g.body)
	}
	expect(t, other.do("GET", "/api/me", nil), 401, "UNAUTHORIZED")

	// Password reset by email.
	expect(t, other.do("POST", "/api/auth/request-password-reset", map[string]any{"email": "unknown@example.com"}), 200, "")
	if e.mailer.n != 0 {
		t.Fatal("reset email sent for an unknown address")
	}
	expect(t, other.do("POST", "/api/auth/request-password-reset", map[string]any{"email": "alice@example.com", "redirectTo": "/reset"}), 200, "")
	if e.mailer.n != 1 || !strings.Contains(e.mailer.last.URL, "/api/auth/reset-password/"+e.mailer.last.Token+"?callbackURL=%2Freset") {
		t.Fatalf("reset email %+v", e.mailer.last)
	}
	link := other.do("GET", "/api/auth/reset-password/"+e.mailer.last.Token+"?callbackURL=/reset", nil)
	if link.status != 302 || link.header.Get("Location") != e.srv.URL+"/reset?token="+e.mailer.last.Token {
		t.Fatalf("reset link: %d %s", link.status, link.header.Get("Location"))
	}
	expect(t, other.do("POST", "/api/auth/reset-password", map[string]any{"token": "bad", "newPassword": "another12345"}), 400, "INVALID_TOKEN")
	expect(t, other.do("POST", "/api/auth/reset-password", map[string]any{"token": e.mailer.last.Token, "newPassword": "another12345"}), 200, "")
	expect(t, other.do("POST", "/api/auth/reset-password", map[string]any{"token": e.mailer.last.Token, "newPassword": "another12345"}), 400, "INVALID_TOKEN")
	expect(t, other.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "alice@example.com", "password": "another12345"}), 200, "")

	expect(t, c.do("POST", "/api/auth/sign-out", map[string]any{}), 200, "")
	expect(t, c.do("GET", "/api/me", nil), 401, "UNAUTHORIZED")
	expect(t, c.do("GET", "/api/auth/ok", nil), 200, "")
}

func TestSignInRefusals(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.RequireEmailVerification = true })
	c := e.client()
	up := c.signUp("v@example.com", "password123")
	if up["token"] != nil {
		t.Fatalf("session issued before email verification: %v", up)
	}
	expect(t, c.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "v@example.com", "password": "password123"}), 403, "EMAIL_NOT_VERIFIED")
	u, _ := e.store.GetUserByEmail(context.Background(), "v@example.com")
	yes := true
	if _, err := e.store.UpdateUser(context.Background(), u.ID, ba.UserUpdate{EmailVerified: &yes, Banned: &yes, BanExpires: ba.Value(time.Now().Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	expect(t, c.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "v@example.com", "password": "password123"}), 403, "BANNED_USER")
	if _, err := e.store.UpdateUser(context.Background(), u.ID, ba.UserUpdate{BanExpires: ba.Value(time.Now().Add(-time.Hour)), TwoFactorEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	r := c.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "v@example.com", "password": "password123"})
	expect(t, r, 200, "")
	if r.json(t)["twoFactorRedirect"] != true || strings.Contains(strings.Join(r.header.Values("Set-Cookie"), "\n"), "session_token=U") {
		t.Fatalf("two-factor user got %s %v", r.body, r.header.Values("Set-Cookie"))
	}
	expect(t, c.do("GET", "/api/me", nil), 401, "UNAUTHORIZED")
}

func TestAdminAndAppAPI(t *testing.T) {
	e := newEnv(t, nil)
	admin, user := e.client(), e.client()
	a := admin.signUp("admin@example.com", "password123")["user"].(map[string]any)
	u := user.signUp("user@example.com", "password123")["user"].(map[string]any)
	if _, err := e.store.UpdateUser(context.Background(), a["id"].(string), ba.UserUpdate{Role: ba.Value("admin")}); err != nil {
		t.Fatal(err)
	}
	expect(t, user.do("GET", "/api/admin/users", nil), 403, "FORBIDDEN")
	page := admin.do("GET", "/api/admin/users?search=USER@&limit=10", nil)
	expect(t, page, 200, "")
	if page.json(t)["total"] != float64(1) {
		t.Fatalf("search: %s", page.body)
	}
	expect(t, admin.do("GET", "/api/admin/users?limit=1000", nil), 400, "VALIDATION_ERROR")
	expect(t, admin.do("POST", "/api/admin/users/nope/ban", map[string]any{}), 404, "USER_NOT_FOUND")
	expect(t, admin.do("POST", "/api/admin/users/"+u["id"].(string)+"/ban", map[string]any{"banReason": "spam", "banExpiresIn": 3600}), 200, "")
	expect(t, user.do("GET", "/api/me", nil), 401, "UNAUTHORIZED") // ban revoked the sessions
	expect(t, user.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "user@example.com", "password": "password123"}), 403, "BANNED_USER")
	expect(t, admin.do("POST", "/api/admin/users/"+u["id"].(string)+"/unban", nil), 200, "")
	expect(t, user.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "user@example.com", "password": "password123"}), 200, "")
	expect(t, admin.do("POST", "/api/admin/users/"+u["id"].(string)+"/role", map[string]any{"role": "editor"}), 200, "")
	cnt := admin.do("DELETE", "/api/admin/users/"+u["id"].(string)+"/sessions", nil)
	if cnt.json(t)["count"] != float64(1) {
		t.Fatalf("revoke count %s", cnt.body)
	}

	// App API.
	user.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "user@example.com", "password": "password123"})
	user2 := e.client()
	user2.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "user@example.com", "password": "password123"})
	var sessions []map[string]any
	_ = json.Unmarshal(user.do("GET", "/api/me/sessions", nil).body, &sessions)
	if len(sessions) != 2 {
		t.Fatalf("sessions %v", sessions)
	}
	var otherID string
	for _, s := range sessions {
		if _, leak := s["token"]; leak {
			t.Fatal("session token exposed by /api/me/sessions")
		}
		if s["current"] == false {
			otherID = s["id"].(string)
		}
	}
	expect(t, admin.do("DELETE", "/api/me/sessions/"+otherID, nil), 404, "SESSION_NOT_FOUND") // not admin's own
	expect(t, user.do("DELETE", "/api/me/sessions/"+otherID, nil), 204, "")
	expect(t, user2.do("GET", "/api/me", nil), 401, "UNAUTHORIZED")
	acc := user.do("GET", "/api/me/accounts", nil)
	if !strings.Contains(string(acc.body), `"providerId":"credential"`) || strings.Contains(string(acc.body), "password") {
		t.Fatalf("accounts %s", acc.body)
	}
	pub := admin.do("GET", "/api/users/"+u["id"].(string), nil)
	expect(t, pub, 200, "")
	if _, leak := pub.json(t)["email"]; leak {
		t.Fatalf("public profile leaks email: %s", pub.body)
	}
	expect(t, admin.do("GET", "/api/users/nope", nil), 404, "USER_NOT_FOUND")
	expect(t, e.client().do("GET", "/api/users/"+u["id"].(string), nil), 401, "UNAUTHORIZED")
	patched := user.do("PATCH", "/api/me", map[string]any{"name": "New", "username": "Neo"})
	expect(t, patched, 200, "")
	if patched.json(t)["username"] != "neo" {
		t.Fatalf("patch %s", patched.body)
	}
}

func TestOriginCheck(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	c.signUp("o@example.com", "password123")
	expect(t, c.do("POST", "/api/auth/update-user", map[string]any{"name": "X"}, "Origin", "http://evil.example"), 403, "INVALID_ORIGIN")
	expect(t, c.do("PATCH", "/api/me", map[string]any{"name": "X"}, "Origin", "http://evil.example"), 403, "INVALID_ORIGIN")
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, func(c *server.Config) { c.RateLimit = true; c.Limiter = server.NewMemoryRateLimiter(clock) })
	c := e.client()
	body := map[string]any{"email": "r@example.com", "password": "password123"}
	for i := 0; i < 3; i++ {
		expect(t, c.do("POST", "/api/auth/sign-in/email", body), 401, "")
	}
	r := c.do("POST", "/api/auth/sign-in/email", body)
	expect(t, r, 429, "")
	if r.header.Get("Retry-After") != "10" || r.header.Get("X-Retry-After") != "10" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// A spoofed X-Forwarded-For from an untrusted peer changes nothing.
	expect(t, c.do("POST", "/api/auth/sign-in/email", body, "X-Forwarded-For", "203.0.113.77"), 429, "")
	mu.Lock()
	now = now.Add(11 * time.Second)
	mu.Unlock()
	expect(t, c.do("POST", "/api/auth/sign-in/email", body), 401, "")
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, nil)
	r := e.client().do("GET", "/api/openapi.json", nil)
	expect(t, r, 200, "")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v %s", err, doc.OpenAPI)
	}
	s, _ := server.New(server.Config{Store: e.store, Secrets: []ba.Secret{{Value: secret}}})
	documented := 0
	for _, p := range s.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
	for _, ops := range doc.Paths {
		documented += len(ops)
	}
	if documented != len(s.Patterns()) {
		t.Errorf("OpenAPI documents %d operations, server has %d routes", documented, len(s.Patterns()))
	}
}

func TestBadInputNeverFails5xx(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	c.signUp("bad@example.com", "password123")
	bodies := []string{"", "{", "[]", "null", `"x"`, `{"email":1,"password":true,"name":{}}`, strings.Repeat("[", 100000), `{"email":"a@b.co","password":"` + strings.Repeat("p", 2<<20) + `"}`, "{\"name\":\"\x00\"}"}
	paths := []string{"/api/auth/sign-up/email", "/api/auth/sign-in/email", "/api/auth/update-user", "/api/auth/change-password", "/api/auth/revoke-session", "/api/auth/request-password-reset", "/api/auth/reset-password"}
	for _, p := range paths {
		for _, b := range bodies {
			r := c.do("POST", p, b)
			if r.status >= 500 {
				t.Errorf("POST %s %.30q: %d %s", p, b, r.status, r.body)
			}
		}
	}
	if r := c.do("POST", "/api/auth/sign-in/email", `{"email":"a@b.co","password":"x"}`, "Content-Type", "text/plain"); r.status != 415 {
		t.Errorf("text/plain body: %d", r.status)
	}
	if r := c.do("GET", "/api/me", nil); r.status != 200 {
		t.Errorf("server no longer serves a valid session: %d", r.status)
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	up := c.signUp("log@example.com", "hunter2-password")
	c.do("GET", "/api/auth/get-session", nil)
	c.do("POST", "/api/auth/request-password-reset", map[string]any{"email": "log@example.com"})
	logs := e.logs.String()
	for _, secretish := range []string{"hunter2-password", up["token"].(string), secret, e.mailer.last.Token} {
		if strings.Contains(logs, secretish) {
			t.Errorf("logs contain a secret value %q", secretish[:6])
		}
	}
	if !strings.Contains(logs, `"path":"/api/auth/get-session"`) {
		t.Errorf("request not logged: %s", logs)
	}

	// Failures log their cause (every 5xx): the cause must name what
	// failed, never the token, the key derived from it, a cookie or the
	// secret, whatever the damaged data holds.
	t.Run("MalformedRedisEntry", func(t *testing.T) {
		db := openSQLite(t)
		_, rs, prefix := redisBackend(t, nil, db.store.Schema())
		client, _ := mustRedisClient(t)
		e := newEnvOn(t, db.store, func(c *server.Config) { c.Sessions = rs; c.Metrics = true })
		in := signUpRaw(t, e, "redis-log@example.com", "hunter2-password")
		for _, value := range []string{"{not json", `{"session":{"userId":"x","expiresAt":"` + in.token + `"},"user":{}}`} {
			if err := client.Set(context.Background(), prefix+in.token, value, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			out := failingRequests(t, e, in.header, 503)
			mustHoldNoSecrets(t, out+e.logText()+scrapeMetrics(t, e), map[string]string{
				"token": in.token, "Redis key": prefix + in.token, "session cookie": in.cookie,
				"secret": secret, "password": "hunter2-password", "entry": value,
			})
		}
	})
	for _, strategy := range []ba.CookieCacheStrategy{ba.CacheCompact, ba.CacheJWT, ba.CacheJWE} {
		t.Run("MalformedCookieCache/"+string(strategy), func(t *testing.T) {
			st, closeDB := closableSQLite(t)
			e := newEnvOn(t, st, func(c *server.Config) { c.CookieCache = ba.CookieCacheConfig{Strategy: strategy}; c.Metrics = true })
			in := signUpRaw(t, e, "cache-log@example.com", "hunter2-password")
			token, data := cookiePair(t, in.cookie)
			b64 := base64.RawURLEncoding.EncodeToString
			bad := map[string]string{
				"garbage":       "%%not-base64!!" + in.token,
				"bad signature": data[:len(data)-4] + "AAAA",
				"bad JSON":      b64([]byte(`{not json "` + in.token + `"`)),
				"bad JWT JSON":  b64([]byte(`{"alg":"HS256"}`)) + "." + b64([]byte(`{not json "`+in.token+`"`)) + "." + b64([]byte("sig")),
				"hostile alg":   b64([]byte(`{"alg":"HS256\nlevel=ERROR msg=forged","enc":"`+strings.Repeat("A", 4000)+`"}`)) + "..iv." + b64([]byte(in.token)) + ".tag",
			}
			secrets := map[string]string{"token": in.token, "session cookie": token, "cookie cache": data, "secret": secret, "password": "hunter2-password"}
			for label, v := range bad {
				secrets[label] = v
				header := http.Header{"Cookie": {"better-auth.session_token=" + token + "; better-auth.session_data=" + v}, "Origin": {e.srv.URL}}
				// The store is healthy: the damaged cache is ignored.
				if o := send(&http.Client{Timeout: 30 * time.Second}, "GET", e.srv.URL+"/api/me", "", header); o.err != nil || o.status != 200 {
					t.Fatalf("%s: /api/me %v %d %s", label, o.err, o.status, o.body)
				}
			}
			mustHoldNoSecrets(t, e.logText()+scrapeMetrics(t, e), secrets)
			closeDB()
			var out strings.Builder
			for _, v := range bad {
				header := http.Header{"Cookie": {"better-auth.session_token=" + token + "; better-auth.session_data=" + v}, "Origin": {e.srv.URL}}
				out.WriteString(failingRequests(t, e, header, 503))
			}
			mustHoldNoSecrets(t, out.String()+e.logText()+scrapeMetrics(t, e), secrets)
		})
	}
	t.Run("ClosedDatabase", func(t *testing.T) {
		st, closeDB := closableSQLite(t)
		e := newEnvOn(t, st, func(c *server.Config) { c.Bearer = true; c.Metrics = true })
		in := signUpRaw(t, e, "closed-log@example.com", "hunter2-password")
		closeDB()
		out := failingRequests(t, e, in.header, 503)
		bearer := http.Header{"Authorization": {"Bearer " + ba.Sign(in.token, secret)}}
		out += failingRequests(t, e, bearer, 503)
		o := send(&http.Client{Timeout: 30 * time.Second}, "POST", e.srv.URL+"/api/auth/sign-in/email",
			`{"email":"closed-log@example.com","password":"hunter2-password"}`, http.Header{"Origin": {e.srv.URL}})
		if o.err != nil || o.status != 503 {
			t.Fatalf("sign-in on a closed database: %v %d %s", o.err, o.status, o.body)
		}
		mustHoldNoSecrets(t, out+string(o.body)+e.logText()+scrapeMetrics(t, e), map[string]string{
			"token": in.token, "session cookie": in.cookie, "bearer": ba.Sign(in.token, secret), "secret": secret, "password": "hunter2-password",
		})
	})
}

// failingRequests sends the session reads with header, requires status of
// each and that serve logged the failure, and returns the bodies.
func failingRequests(t *testing.T, e *env, header http.Header, status int) string {
	t.Helper()
	var bodies strings.Builder
	for _, p := range []string{"/api/me", "/api/auth/get-session", "/api/auth/list-sessions"} {
		o := send(&http.Client{Timeout: 30 * time.Second}, "GET", e.srv.URL+p, "", header)
		if o.err != nil || o.status != status {
			t.Fatalf("GET %s: %v %d %s, want %d", p, o.err, o.status, o.body, status)
		}
		bodies.Write(o.body)
	}
	if logs := e.logText(); !strings.Contains(logs, `"msg":"request failed"`) || !strings.Contains(logs, `"status":503`) {
		t.Fatalf("the failure was not logged: %.2000s", logs)
	}
	return bodies.String()
}

// mustHoldNoSecrets fails when text holds any of the values (at least 8
// bytes), as they are, URL-decoded, URL-encoded or JSON-escaped, or a
// 12-byte piece of a session token.
func mustHoldNoSecrets(t *testing.T, text string, values map[string]string) {
	t.Helper()
	for label, v := range values {
		forms := []string{v}
		if dec, err := url.QueryUnescape(v); err == nil {
			forms = append(forms, dec)
		}
		j, _ := json.Marshal(v)
		forms = append(forms, url.QueryEscape(v), strings.Trim(string(j), `"`))
		if label == "token" {
			forms = append(forms, v[:12], v[len(v)-12:])
		}
		for _, f := range forms {
			if len(f) >= 8 && strings.Contains(text, f) {
				t.Errorf("logs, bodies or metrics hold the %s (%.12q…)", label, f)
				break
			}
		}
	}
	if strings.Contains(text, "forged") {
		t.Errorf("logs, bodies or metrics hold attacker text: %.2000s", text)
	}
}

func scrapeMetrics(t *testing.T, e *env) string {
	t.Helper()
	o := send(&http.Client{Timeout: 30 * time.Second}, "GET", e.srv.URL+"/metrics", "", nil)
	if o.err != nil || o.status != 200 {
		t.Fatalf("/metrics: %v %d", o.err, o.status)
	}
	return string(o.body)
}

// cookiePair returns the session_token and session_data values of a Cookie
// header.
func cookiePair(t *testing.T, header string) (token, data string) {
	t.Helper()
	for _, c := range (&http.Request{Header: http.Header{"Cookie": {header}}}).Cookies() {
		switch c.Name {
		case "better-auth.session_token":
			token = c.Value
		case "better-auth.session_data":
			data = c.Value
		}
	}
	if token == "" || data == "" {
		t.Fatalf("cookies %q lack session_token or session_data", header)
	}
	return token, data
}

// closableSQLite is a migrated SQLite store whose database the test can
// close while a server uses it.
func closableSQLite(t *testing.T) (*sqlstore.Store, func()) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir()+"/closable.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st, func() { db.Close() }
}

// mustRedisClient is a plain client on the test Redis, for writing
// damaged entries.
func mustRedisClient(t *testing.T) (*goredis.Client, string) {
	t.Helper()
	addr := testdb.RedisAddr(t)
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c, addr
}

func TestCookieDomain(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.CookieDomain = "example.com" })
	r := e.client().do("POST", "/api/auth/sign-up/email", map[string]any{"email": "d@example.com", "password": "password123", "name": "D"})
	lines := r.header.Values("Set-Cookie")
	if len(lines) == 0 || !strings.Contains(lines[0], "; Domain=example.com; Path=/; HttpOnly; SameSite=Lax") {
		t.Fatalf("Set-Cookie %q", lines)
	}
}

// ghostSessions is a custom session backend with a bug: for one token it
// answers no error but no session either.
type ghostSessions struct {
	*sqlstore.Store
	ghost string
}

func (g ghostSessions) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	if token == g.ghost {
		return nil, nil, nil
	}
	return g.Store.GetSessionAndUser(ctx, token)
}

// A backend's nil session is "no such session": revoke-session answers as
// for any token that is not the caller's, and get-session with it as a
// cookie is signed out; neither panics.
func TestNilSessionFromBackend(t *testing.T) {
	const ghost = "ghostAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	e := newEnv(t, func(c *server.Config) {
		c.Sessions = ghostSessions{Store: c.Store, ghost: ghost}
	})
	c := e.client()
	c.signUp("ghost@example.com", "password123")
	r := c.do("POST", "/api/auth/revoke-session", map[string]any{"token": ghost})
	expect(t, r, 200, "")
	if !strings.Contains(string(r.body), `"status":true`) {
		t.Fatalf("revoke-session %s", r.body)
	}
	expect(t, c.do("GET", "/api/auth/get-session", nil), 200, "")
	anon := e.client()
	s := anon.do("GET", "/api/auth/get-session", nil, "Cookie", "better-auth.session_token="+ba.SignCookieValue(ghost, secret))
	expect(t, s, 200, "")
	if string(bytes.TrimSpace(s.body)) != "null" {
		t.Fatalf("get-session with a ghost session: %s", s.body)
	}
}

// TestAdditionalFieldsOnAppAPI applies Better Auth's write rules for
// additional fields to PATCH /api/me too, and keeps returned:false fields
// out of /api/me and the admin list (the /api/auth routes are compared
// with Better Auth itself in TestHTTPCompatibility/AdditionalFields).
func TestAdditionalFieldsOnAppAPI(t *testing.T) {
	schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}, Tables: map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: storetest.ProductionGoFields()}}}
	st := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: schema})
	e := newEnv(t, func(c *server.Config) { c.Store = st })
	c := e.client()
	up := c.do("POST", "/api/auth/sign-up/email", map[string]any{"email": "a@example.com", "password": "password123", "name": "A", "country": "NL", "internalNote": "vip"})
	expect(t, up, 200, "")

	me := c.do("GET", "/api/me", nil)
	expect(t, me, 200, "")
	if m := me.json(t); m["plan"] != "free" || m["notificationsEnabled"] != true || m["theme"] != "system" || m["country"] != "NL" {
		t.Errorf("defaults not applied: %s", me.body)
	}
	if bytes.Contains(me.body, []byte("internalNote")) {
		t.Errorf("/api/me has the returned:false field: %s", me.body)
	}

	expect(t, c.do("PATCH", "/api/me", map[string]any{"stripeCustomerId": "cus_1"}), 400, "FIELD_NOT_ALLOWED")
	if r := c.do("PATCH", "/api/me", map[string]any{"stripeCustomerId": "", "internalNote": nil}); r.status != 200 || bytes.Contains(r.body, []byte("internalNote")) {
		t.Errorf("falsy input:false value with another field: %d %s", r.status, r.body)
	}
	if r := c.do("PATCH", "/api/me", map[string]any{"stripeCustomerId": false}); r.status != 400 || !bytes.Contains(r.body, []byte("No fields to update")) {
		t.Errorf("only a falsy input:false value: %d %s", r.status, r.body)
	}
	if r := c.do("PATCH", "/api/me", map[string]any{"plan": 5}); r.status != 400 || !bytes.Contains(r.body, []byte(`"fields":{"plan":`)) {
		t.Errorf("wrong type: %d %s", r.status, r.body)
	}
	if r := c.do("PATCH", "/api/me", map[string]any{"country": nil}); r.status != 400 || !bytes.Contains(r.body, []byte(`"fields":{"country":`)) {
		t.Errorf("null for a required field: %d %s", r.status, r.body)
	}
	r := c.do("PATCH", "/api/me", map[string]any{"plan": "pro", "internalNote": "changed"})
	expect(t, r, 200, "")
	if m := r.json(t); m["plan"] != "pro" || bytes.Contains(r.body, []byte("internalNote")) {
		t.Errorf("PATCH /api/me answer: %s", r.body)
	}
	u, err := st.GetUserByEmail(context.Background(), "a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.Fields["internalNote"] != "changed" || u.Fields["plan"] != "pro" || u.Fields["stripeCustomerId"] != nil {
		t.Errorf("stored fields: %#v", u.Fields)
	}

	admin := "admin"
	if _, err := st.UpdateUser(context.Background(), u.ID, ba.UserUpdate{Role: ba.Value(admin)}); err != nil {
		t.Fatal(err)
	}
	list := c.do("GET", "/api/admin/users", nil)
	expect(t, list, 200, "")
	if !bytes.Contains(list.body, []byte(`"plan":"pro"`)) || bytes.Contains(list.body, []byte("internalNote")) {
		t.Errorf("admin list: %s", list.body)
	}
}
