package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	redisstore "github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const impSecret = "admin-sessions-live-secret-0123456789abcdef"

// impAnswer is one server's answer: status, raw body, Set-Cookie lines.
type impAnswer struct {
	status    int
	text      string
	setCookie []string
}

func (a impAnswer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(a.text), &m); err != nil {
		t.Fatalf("not a JSON object (status %d): %q", a.status, a.text)
	}
	return m
}

// impPair is Better Auth (in the harness) and the Go server on one
// database with the same secret and admin options.
type impPair struct {
	t     *testing.T
	h     *batest.Harness
	srv   *server.Server
	store *sqlstore.Store
}

func (p impPair) ba(path, cookie string, body *string) impAnswer {
	p.t.Helper()
	headers := map[string]string{"origin": "http://localhost:3000"}
	args := map[string]any{"method": "POST", "path": path, "headers": headers}
	if body != nil {
		headers["content-type"] = "application/json"
		args["rawBody"] = *body
	}
	if cookie != "" {
		headers["cookie"] = cookie
	}
	var r batest.Response
	p.h.MustCall(p.t, "request", args, &r)
	return impAnswer{status: r.Status, text: r.Text, setCookie: r.SetCookie}
}

func (p impPair) goDo(method, path, cookie string, body *string) impAnswer {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(*body)
	}
	req := httptest.NewRequest(method, "http://localhost:3000"+path, rd)
	req.Header.Set("origin", "http://localhost:3000")
	if body != nil {
		req.Header.Set("content-type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("cookie", cookie)
	}
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	return impAnswer{status: rec.Code, text: rec.Body.String(), setCookie: rec.Result().Header.Values("Set-Cookie")}
}

func (p impPair) go_(path, cookie string, body *string) impAnswer {
	p.t.Helper()
	return p.goDo("POST", path, cookie, body)
}

// getSession asks one server for get-session with cookie.
func (p impPair) getSession(onGo bool, cookie string) map[string]any {
	p.t.Helper()
	var text string
	if onGo {
		text = p.goDo("GET", "/api/auth/get-session", cookie, nil).text
	} else {
		var r batest.Response
		p.h.MustCall(p.t, "request", map[string]any{"method": "GET", "path": "/api/auth/get-session", "headers": map[string]string{"cookie": cookie}}, &r)
		text = r.Text
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(text), &m)
	return m
}

func impBody(s string) *string { return &s }

// tokenOnly keeps the session_token of a Cookie header value.
func tokenOnly(header string) string {
	for _, part := range strings.Split(header, "; ") {
		if strings.HasPrefix(part, "better-auth.session_token=") {
			return part
		}
	}
	return ""
}

// mergeCookies is what a browser holding the Cookie header value sends
// after receiving setCookie.
func mergeCookies(header string, setCookie []string) string {
	var lines []string
	for _, part := range strings.Split(header, "; ") {
		if part != "" {
			lines = append(lines, part+"; Path=/")
		}
	}
	return batest.CookieHeader(lines, setCookie)
}

// cookieShape is a Set-Cookie line with its value replaced by <value>
// (kept empty when it is empty): names, attributes and order must match.
func cookieShape(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		name, rest, _ := strings.Cut(l, "=")
		value, attrs, _ := strings.Cut(rest, ";")
		if value != "" {
			value = "<value>"
		}
		out[i] = name + "=" + value + ";" + attrs
	}
	return out
}

// cookieValue is the value a Set-Cookie list gives name ("" if none).
func cookieValue(t *testing.T, lines []string, name string) string {
	t.Helper()
	v := ""
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err == nil && c.Name == name {
			v = c.Value
		}
	}
	return v
}

// masked is a JSON body with the session fields that differ between two
// new sessions (id, token, dates) blanked.
func masked(t *testing.T, a impAnswer) map[string]any {
	t.Helper()
	m := a.json(t)
	if s, ok := m["session"].(map[string]any); ok {
		for _, k := range []string{"id", "token", "createdAt", "updatedAt", "expiresAt"} {
			if _, has := s[k]; !has {
				t.Errorf("session without %s: %s", k, a.text)
			}
			s[k] = "<masked>"
		}
	}
	return m
}

// TestAdminSessionRoutesMatchBetterAuth runs Better Auth's admin plugin
// and the Go server on one database (SQLite, PostgreSQL, MariaDB) and
// compares list-user-sessions, revoke-user-session(s), remove-user,
// impersonate-user and stop-impersonating: refusals byte for byte (status,
// body, cookies), successes by status, body and cookie shape, and the rows
// each leaves. Impersonation crosses servers both ways: begun on Better
// Auth and stopped on Go, and the reverse, the admin ending up with a
// working session on both.
func TestAdminSessionRoutesMatchBetterAuth(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind.String(), func(t *testing.T) { testAdminSessionRoutes(t, kind, false, false) })
	}
	// Sessions in Redis (secondaryStorage), users in SQLite.
	t.Run("sqlite+redis", func(t *testing.T) { testAdminSessionRoutes(t, sqlstore.SQLite, true, false) })
	// The cookie cache on: impersonate-user and stop-impersonating set
	// session_data too, and stop-impersonating may read the session from it.
	t.Run("sqlite+cookiecache", func(t *testing.T) { testAdminSessionRoutes(t, sqlstore.SQLite, false, true) })
}

func testAdminSessionRoutes(t *testing.T, kind sqlstore.Kind, inRedis, cookieCache bool) {
	db := storetest.NewDatabase(t, kind)
	extra := map[string]any{"pluginOptions": map[string]any{"admin": map[string]any{"impersonationSessionDuration": 1800}}}
	schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}}
	var redisPrefix string
	if inRedis {
		redisPrefix = testdb.RedisKeyPrefix(t, "adminsessions")
		extra["secondaryStorage"] = map[string]any{"redisURL": "redis://" + testdb.RedisAddr(t), "keyPrefix": redisPrefix}
		schema.SecondaryStorage = true
	}
	bc := batest.Config{Dialect: kind.String(), URL: db.DSN, Secret: impSecret, Plugins: []string{"admin"}, Extra: extra}
	if cookieCache {
		bc.CookieCache = &batest.CookieCache{Strategy: "compact"}
	}
	h := batest.Start(t, bc)
	h.MustCall(t, "migrate", nil, nil)
	st := db.Open(t, sqlstore.Options{Schema: schema})
	cfg := server.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st,
		Secrets: []ba.Secret{{Value: impSecret}}, BaseURL: "http://localhost:3000",
		Impersonation: server.ImpersonationConfig{SessionDuration: 30 * time.Minute}}
	if cookieCache {
		cfg.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact}
	}
	if inRedis {
		client := goredis.NewClient(&goredis.Options{Addr: testdb.RedisAddr(t)})
		t.Cleanup(func() { client.Close() })
		rs, err := redisstore.New(client, redisstore.Options{KeyPrefix: redisPrefix, Schema: st.Schema()})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Sessions, cfg.Verifications = rs, rs
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := impPair{t: t, h: h, srv: srv, store: st}
	ctx := context.Background()
	sessions := cfg.Sessions
	if sessions == nil {
		sessions = st
	}
	sessionGone := func(token string) bool {
		_, _, err := sessions.GetSessionAndUser(ctx, token)
		return errors.Is(err, ba.ErrNotFound)
	}
	// userSessions: every session of the user the backend holds.
	userSessions := func(userID string) int {
		var l []ba.Session
		var err error
		if inRedis {
			l, err = sessions.ListUserSessions(ctx, userID)
		} else {
			l, err = st.ListAllUserSessions(ctx, userID)
		}
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}

	type person struct{ id, cookie, token string }
	signUp := func(email, role string) person {
		r := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": email, "password": "password123", "name": "N " + email})
		if r.Status != 200 {
			t.Fatalf("sign-up %s: %d %s", email, r.Status, r.Text)
		}
		var out struct {
			Token string
			User  struct{ ID string }
		}
		if err := r.Decode(&out); err != nil {
			t.Fatal(err)
		}
		if role != "" {
			h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user", "where": []map[string]any{{"field": "id", "value": out.User.ID}}, "update": map[string]any{"role": role}}}, nil)
		}
		return person{id: out.User.ID, cookie: batest.CookieHeader(r.SetCookie), token: out.Token}
	}
	signIn := func(email string) person {
		r := h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": email, "password": "password123"})
		if r.Status != 200 {
			t.Fatalf("sign-in %s: %d %s", email, r.Status, r.Text)
		}
		var out struct {
			Token string
			User  struct{ ID string }
		}
		_ = r.Decode(&out)
		return person{id: out.User.ID, cookie: batest.CookieHeader(r.SetCookie), token: out.Token}
	}
	// With sessions in Redis each keeps a copy of its user: sign in again
	// after the role is set.
	admin := signUp("admin@example.com", "admin")
	admin = signIn("admin@example.com")
	otherAdmin := signUp("admin2@example.com", "user,admin")
	plain := signUp("plain@example.com", "")
	u1 := signUp("u1@example.com", "user")
	u2 := signUp("u2@example.com", "user")
	u3 := signUp("u3@example.com", "user")
	u4 := signUp("u4@example.com", "user")
	u5 := signUp("u5@example.com", "user")
	banned := signUp("banned@example.com", "user")
	h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user", "where": []map[string]any{{"field": "id", "value": banned.id}}, "update": map[string]any{"banned": true}}}, nil)
	if !inRedis {
		// u1 has a second, expired session: Better Auth's admin list shows it.
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		h.MustCall(t, "adapter", map[string]any{"method": "create", "args": map[string]any{"model": "session", "data": map[string]any{
			"token": "expiredtoken0123456789abcdefABCD", "userId": u1.id, "expiresAt": past, "createdAt": past, "updatedAt": past, "ipAddress": "", "userAgent": ""}}}, nil)
	}

	// Refusals and read-only answers: the same request to both, the same
	// status, body and Set-Cookie lines.
	type call struct {
		path, cookie string
		body         *string
	}
	idBody := func(id string) *string { return impBody(`{"userId":"` + id + `"}`) }
	var calls []call
	routes := []string{"list-user-sessions", "revoke-user-session", "revoke-user-sessions", "remove-user", "impersonate-user"}
	for _, r := range routes {
		path := "/api/auth/admin/" + r
		good := idBody(u5.id)
		if r == "revoke-user-session" {
			good = impBody(`{"sessionToken":"no-such-token"}`)
		}
		calls = append(calls,
			call{path, "", good},                      // no session: bare 401
			call{path, plain.cookie, good},            // not an admin: the route's 403
			call{path, u1.cookie, good},               // role user: the route's 403
			call{path, admin.cookie, nil},             // no body
			call{path, admin.cookie, impBody(`[]`)},   // not an object
			call{path, admin.cookie, impBody(`"x"`)},  // not an object
			call{path, admin.cookie, impBody(`{bad`)}, // not JSON
			call{path, "", impBody(`{"userId":[1]}`)}, // validation before the session check
			call{path, admin.cookie, impBody(`{"sessionToken":5,"userId":{"a":1}}`)},
		)
	}
	calls = append(calls,
		call{"/api/auth/admin/list-user-sessions", admin.cookie, idBody(u1.id)}, // both sessions, the expired one too
		call{"/api/auth/admin/list-user-sessions", admin.cookie, impBody(`{}`)}, // userId "undefined"
		call{"/api/auth/admin/list-user-sessions", admin.cookie, impBody(`{"userId":null}`)},
		call{"/api/auth/admin/list-user-sessions", admin.cookie, impBody(`{"userId":1e21}`)},
		call{"/api/auth/admin/list-user-sessions", admin.cookie, impBody(`{"userId":["` + u1.id + `"]}`)}, // [x] coerces to x
		call{"/api/auth/admin/revoke-user-session", admin.cookie, impBody(`{}`)},
		call{"/api/auth/admin/revoke-user-session", admin.cookie, impBody(`{"sessionToken":"no-such-token"}`)},
		call{"/api/auth/admin/remove-user", admin.cookie, idBody(admin.id)}, // YOU_CANNOT_REMOVE_YOURSELF
		call{"/api/auth/admin/remove-user", admin.cookie, idBody("nobody")},
		call{"/api/auth/admin/remove-user", admin.cookie, impBody(`{"userId":123}`)},
		call{"/api/auth/admin/impersonate-user", admin.cookie, idBody("nobody")},
		call{"/api/auth/admin/impersonate-user", admin.cookie, idBody(otherAdmin.id)}, // YOU_CANNOT_IMPERSONATE_ADMINS
		call{"/api/auth/admin/impersonate-user", admin.cookie, idBody(banned.id)},     // BANNED_USER
		call{"/api/auth/admin/stop-impersonating", "", nil},
		call{"/api/auth/admin/stop-impersonating", admin.cookie, nil}, // not impersonating
		call{"/api/auth/admin/stop-impersonating", admin.cookie, impBody(`{}`)},
		call{"/api/auth/admin/stop-impersonating", u1.cookie, nil},
	)
	seen := map[int]int{}
	for i, c := range calls {
		want := p.ba(c.path, c.cookie, c.body)
		got := p.go_(c.path, c.cookie, c.body)
		body := "<none>"
		if c.body != nil {
			body = *c.body
		}
		if got.status != want.status || !sameJSON([]byte(got.text), []byte(want.text)) || !reflect.DeepEqual(cookieShape(got.setCookie), cookieShape(want.setCookie)) {
			t.Errorf("call %d %s %s (cookie %v):\n Go          %d %s %q\n Better Auth %d %s %q", i, c.path, body, c.cookie != "",
				got.status, got.text, got.setCookie, want.status, want.text, want.setCookie)
		}
		seen[want.status]++
	}
	if seen[200] < 5 || seen[400] < 20 || seen[401] < 5 || seen[403] < 10 || seen[404] < 2 {
		t.Errorf("the refusal matrix is lopsided: %v", seen)
	}

	// Impersonation, begun on one server and stopped on the other.
	impersonate := func(onGo bool) (impAnswer, string) {
		var a impAnswer
		if onGo {
			a = p.go_("/api/auth/admin/impersonate-user", admin.cookie, idBody(u1.id))
		} else {
			a = p.ba("/api/auth/admin/impersonate-user", admin.cookie, idBody(u1.id))
		}
		if a.status != 200 {
			t.Fatalf("impersonate (Go %v): %d %s", onGo, a.status, a.text)
		}
		return a, batest.CookieHeader([]string{}, a.setCookie)
	}
	stop := func(onGo bool, cookie string) impAnswer {
		if onGo {
			return p.go_("/api/auth/admin/stop-impersonating", cookie, nil)
		}
		return p.ba("/api/auth/admin/stop-impersonating", cookie, nil)
	}
	// The admin's cookies plus what impersonate-user set, as a browser
	// holds them.
	jar := func(a impAnswer) string { return mergeCookies(admin.cookie, a.setCookie) }
	var impAnswers, stopAnswers [2]impAnswer
	for i, startOnGo := range []bool{false, true} {
		imp, _ := impersonate(startOnGo)
		impAnswers[i] = imp
		m := imp.json(t)
		sess := m["session"].(map[string]any)
		if sess["impersonatedBy"] != admin.id || sess["userId"] != u1.id || m["user"].(map[string]any)["id"] != u1.id {
			t.Errorf("impersonate (Go %v): %s", startOnGo, imp.text)
		}
		created, _ := time.Parse(time.RFC3339, sess["createdAt"].(string))
		expires, _ := time.Parse(time.RFC3339, sess["expiresAt"].(string))
		if d := expires.Sub(created); d < 30*time.Minute-time.Second || d > 30*time.Minute+time.Second {
			t.Errorf("impersonation session lasts %v, want impersonationSessionDuration 30m", d)
		}
		// admin_session holds the admin's token, signed.
		raw, _ := url.QueryUnescape(cookieValue(t, imp.setCookie, "better-auth.admin_session"))
		if v, err := ba.VerifySigned(raw, impSecret); err != nil || v != admin.token+":" {
			t.Errorf("admin_session (Go %v) = %q, %v; want the admin's token and an empty dont_remember", startOnGo, v, err)
		}
		cookies := jar(imp)
		impToken := sess["token"].(string)
		// Both servers see the impersonation session, impersonatedBy set.
		for _, onGo := range []bool{false, true} {
			gs := p.getSession(onGo, cookies)
			s, _ := gs["session"].(map[string]any)
			if s == nil || s["impersonatedBy"] != admin.id || s["token"] != impToken {
				t.Errorf("get-session on Go=%v while impersonating: %v", onGo, gs)
			}
		}
		// list-sessions as the impersonated user hides the impersonation.
		lsBA := p.h.Request(t, "GET", "/api/auth/list-sessions", map[string]string{"cookie": cookies}, nil)
		lsGo := p.goDo("GET", "/api/auth/list-sessions", cookies, nil)
		if lsGo.status != lsBA.Status || !sameJSON([]byte(lsGo.text), []byte(lsBA.Text)) || strings.Contains(lsBA.Text, impToken) {
			t.Errorf("list-sessions while impersonating:\n Go %d %s\n BA %d %s", lsGo.status, lsGo.text, lsBA.Status, lsBA.Text)
		}
		// The admin's list of u1's sessions has it, on both.
		a, b := p.ba("/api/auth/admin/list-user-sessions", admin.cookie, idBody(u1.id)), p.go_("/api/auth/admin/list-user-sessions", admin.cookie, idBody(u1.id))
		if a.status != 200 || !sameJSON([]byte(a.text), []byte(b.text)) || !strings.Contains(a.text, impToken) {
			t.Errorf("list-user-sessions while impersonating:\n Go %s\n BA %s", b.text, a.text)
		}

		stopped := stop(!startOnGo, cookies)
		stopAnswers[i] = stopped
		if stopped.status != 200 {
			t.Fatalf("stop-impersonating on Go=%v: %d %s", !startOnGo, stopped.status, stopped.text)
		}
		sm := stopped.json(t)
		if sm["session"].(map[string]any)["token"] != admin.token || sm["user"].(map[string]any)["id"] != admin.id {
			t.Errorf("stop-impersonating did not restore the admin: %s", stopped.text)
		}
		if !sessionGone(impToken) {
			t.Error("the impersonation session is still there")
		}
		after := mergeCookies(cookies, stopped.setCookie)
		if strings.Contains(after, "admin_session") {
			t.Errorf("admin_session not expired: %q", stopped.setCookie)
		}
		for _, onGo := range []bool{false, true} {
			gs := p.getSession(onGo, after)
			u, _ := gs["user"].(map[string]any)
			s, _ := gs["session"].(map[string]any)
			if u == nil || u["id"] != admin.id || s["impersonatedBy"] != nil {
				t.Errorf("after stopping on Go=%v, get-session on Go=%v: %v", !startOnGo, onGo, gs)
			}
		}
		// Stopping again with the old cookies: the impersonation session
		// is gone, so 401 on both.
		if a, b := p.ba("/api/auth/admin/stop-impersonating", cookies, nil), p.go_("/api/auth/admin/stop-impersonating", cookies, nil); a.status != b.status || a.text != b.text {
			t.Errorf("stop twice: Go %d %s, Better Auth %d %s", b.status, b.text, a.status, a.text)
		}
	}
	if !reflect.DeepEqual(masked(t, impAnswers[0]), masked(t, impAnswers[1])) || !reflect.DeepEqual(cookieShape(impAnswers[0].setCookie), cookieShape(impAnswers[1].setCookie)) {
		t.Errorf("impersonate-user:\n Better Auth %s %q\n Go          %s %q", impAnswers[0].text, cookieShape(impAnswers[0].setCookie), impAnswers[1].text, cookieShape(impAnswers[1].setCookie))
	}
	if !sameJSON([]byte(stopAnswers[0].text), []byte(stopAnswers[1].text)) || !reflect.DeepEqual(cookieShape(stopAnswers[0].setCookie), cookieShape(stopAnswers[1].setCookie)) {
		t.Errorf("stop-impersonating:\n Go          %s %q\n Better Auth %s %q", stopAnswers[0].text, stopAnswers[0].setCookie, stopAnswers[1].text, stopAnswers[1].setCookie)
	}

	// A ban that has run out is lifted by the session hook; the answer
	// still shows the user as read before it.
	pastBan := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for i, onGo := range []bool{false, true} {
		who := signUp(fmt.Sprintf("eb%d@example.com", i), "user")
		h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user", "where": []map[string]any{{"field": "id", "value": who.id}},
			"update": map[string]any{"banned": true, "banReason": "spam", "banExpires": pastBan}}}, nil)
		do := p.ba
		if onGo {
			do = p.go_
		}
		a := do("/api/auth/admin/impersonate-user", admin.cookie, idBody(who.id))
		if a.status != 200 {
			t.Fatalf("impersonate a user whose ban ran out, on Go=%v: %d %s", onGo, a.status, a.text)
		}
		if u := a.json(t)["user"].(map[string]any); u["banned"] != true || u["banReason"] != "spam" {
			t.Errorf("impersonate on Go=%v answered the user %v, want it as read before the ban was lifted", onGo, u)
		}
		if u, err := st.GetUser(ctx, who.id); err != nil || u.Banned == nil || *u.Banned || u.BanReason != nil || u.BanExpires != nil {
			t.Errorf("impersonate on Go=%v left the ban: %+v %v", onGo, u, err)
		}
	}

	// An admin_session that is missing, or holds someone else's session:
	// Better Auth's 500 "Failed to find admin session"; Go answers 400
	// with the same body and cookies (a client's bad cookie is never a
	// 5xx on serve: the one deliberate difference here).
	imp, _ := impersonate(true)
	impOnly := batest.CookieHeader(imp.setCookie)
	withoutAdmin := strings.Join(func() (out []string) {
		for _, c := range strings.Split(impOnly, "; ") {
			if !strings.HasPrefix(c, "better-auth.admin_session=") {
				out = append(out, c)
			}
		}
		return out
	}(), "; ")
	forged := withoutAdmin + "; better-auth.admin_session=" + ba.SignCookieValue(u2.token+":", impSecret)
	for _, c := range []string{withoutAdmin, forged} {
		a, b := p.ba("/api/auth/admin/stop-impersonating", c, nil), p.go_("/api/auth/admin/stop-impersonating", c, nil)
		if a.status != 500 || b.status != 400 || !sameJSON([]byte(a.text), []byte(b.text)) || !reflect.DeepEqual(cookieShape(a.setCookie), cookieShape(b.setCookie)) {
			t.Errorf("stop with a bad admin_session: Go %d %s %q, Better Auth %d %s %q", b.status, b.text, b.setCookie, a.status, a.text, a.setCookie)
		}
	}

	// Revocations and removal, one target per server, then the rows.
	u2b := signIn("u2@example.com")
	for i, onGo := range []bool{false, true} {
		tok := []string{u2.token, u2b.token}[i]
		do := p.ba
		if onGo {
			do = p.go_
		}
		if a := do("/api/auth/admin/revoke-user-session", admin.cookie, impBody(`{"sessionToken":"`+tok+`"}`)); a.status != 200 || a.text != `{"success":true}` || len(a.setCookie) != map[bool]int{false: 0, true: 1}[cookieCache] {
			t.Errorf("revoke-user-session on Go=%v: %d %s %q", onGo, a.status, a.text, a.setCookie)
		}
		if !sessionGone(tok) {
			t.Errorf("revoke-user-session on Go=%v left the session", onGo)
		}
	}
	for _, target := range []struct {
		who  person
		onGo bool
	}{{u3, true}, {u4, false}} {
		extra := signIn(map[string]string{u3.id: "u3@example.com", u4.id: "u4@example.com"}[target.who.id])
		do := p.ba
		if target.onGo {
			do = p.go_
		}
		if a := do("/api/auth/admin/revoke-user-sessions", admin.cookie, idBody(target.who.id)); a.status != 200 || a.text != `{"success":true}` {
			t.Errorf("revoke-user-sessions on Go=%v: %d %s", target.onGo, a.status, a.text)
		}
		if n := userSessions(target.who.id); n != 0 || !sessionGone(extra.token) {
			t.Errorf("revoke-user-sessions on Go=%v left %d sessions", target.onGo, n)
		}
		for _, onGo := range []bool{false, true} {
			// The token alone: a session_data cookie would still be
			// believed until it expires, on both servers.
			if gs := p.getSession(onGo, tokenOnly(extra.cookie)); gs != nil {
				t.Errorf("a revoked session still works on Go=%v", onGo)
			}
		}
		last := signIn(map[string]string{u3.id: "u3@example.com", u4.id: "u4@example.com"}[target.who.id])
		if a := do("/api/auth/admin/remove-user", admin.cookie, idBody(target.who.id)); a.status != 200 || a.text != `{"success":true}` {
			t.Errorf("remove-user on Go=%v: %d %s", target.onGo, a.status, a.text)
		}
		if _, err := st.GetUser(ctx, target.who.id); !errors.Is(err, ba.ErrNotFound) {
			t.Errorf("remove-user on Go=%v left the user: %v", target.onGo, err)
		}
		if n := userSessions(target.who.id); n != 0 || !sessionGone(last.token) {
			t.Errorf("remove-user on Go=%v left %d sessions", target.onGo, n)
		}
		var accounts []map[string]any
		h.MustCall(t, "adapter", map[string]any{"method": "findMany", "args": map[string]any{"model": "account", "where": []map[string]any{{"field": "userId", "value": target.who.id}}}}, &accounts)
		if len(accounts) != 0 {
			t.Errorf("remove-user on Go=%v left %d accounts", target.onGo, len(accounts))
		}
		// Removing again: the user is gone, 404 on both.
		if a, b := p.ba("/api/auth/admin/remove-user", admin.cookie, idBody(target.who.id)), p.go_("/api/auth/admin/remove-user", admin.cookie, idBody(target.who.id)); a.status != 404 || a.text != b.text || a.status != b.status {
			t.Errorf("remove-user twice: Go %d %s, Better Auth %d %s", b.status, b.text, a.status, a.text)
		}
	}
}
