package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// xPair is Better Auth (authserver.mjs) and the Go server on one SQLite
// database (and, with redis, one Redis key prefix), configured alike.
type xPair struct {
	ba, goURL string
	// baMail and goMail are the files each server's two-factor OTPs are
	// appended to, as {"kind":"two-factor-otp","email","otp"} lines.
	baMail, goMail string
}

type xPairOptions struct {
	// otp turns on otpOptions (Better Auth: a sendOTP; Go: TwoFactor.OTP).
	otp bool
	// advanced is Better Auth's advanced option; cookies the Go server's
	// equivalent.
	advanced map[string]any
	cookies  ba.CookieConfig
	// redis gives both a Redis secondary storage under one key prefix.
	redis bool
	// rateLimit turns rate limits on, on both.
	rateLimit bool
	// plugins are both servers' plugins (admin and twoFactor when nil).
	plugins []ba.Plugin
}

func startXPair(t *testing.T, o xPairOptions) xPair {
	t.Helper()
	if o.plugins == nil {
		o.plugins = []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}
	}
	names := make([]string, len(o.plugins))
	for i, p := range o.plugins {
		names[i] = string(p)
	}
	dir := t.TempDir()
	p := xPair{baMail: filepath.Join(dir, "ba-mail.jsonl"), goMail: filepath.Join(dir, "go-mail.jsonl")}
	db := storetest.NewDatabase(t, sqlstore.SQLite)
	cfg := batest.AuthServerConfig{DB: db.DSN, Secret: compatSecret, ResetFile: p.baMail, StartTimeout: compatTimeout,
		Plugins: names, Advanced: o.advanced}
	if o.otp {
		cfg.PluginOptions = map[string]any{"twoFactor": map[string]any{"otpOptions": map[string]any{}}}
	}
	if o.rateLimit {
		cfg.RateLimit = map[string]any{"enabled": true}
	}
	schema := ba.Schema{Plugins: o.plugins}
	var prefix, addr string
	if o.redis {
		addr = testdb.RedisAddr(t)
		prefix = testdb.RedisKeyPrefix(t, "tfx")
		cfg.RedisURL, cfg.RedisKeyPrefix = "redis://"+addr, prefix
		schema.SecondaryStorage = true
	}
	p.ba = batest.StartAuthServer(t, cfg)

	st := db.Open(t, sqlstore.Options{Schema: schema})
	srv := httptest.NewUnstartedServer(nil)
	p.goURL = "http://" + srv.Listener.Addr().String()
	gcfg := server.Config{Store: st, Secrets: []ba.Secret{{Value: compatSecret}}, BaseURL: p.goURL,
		Cookies: o.cookies, Mailer: &otpFileMailer{path: p.goMail}, Log: discardLogger(), RateLimit: o.rateLimit,
		TwoFactor: &server.TwoFactorConfig{OTP: o.otp}}
	if o.redis {
		client := goredis.NewClient(&goredis.Options{Addr: addr})
		t.Cleanup(func() { _ = client.Close() })
		resolved, err := schema.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		rs, err := redis.New(client, redis.Options{KeyPrefix: prefix, Schema: resolved})
		if err != nil {
			t.Fatal(err)
		}
		gcfg.Sessions, gcfg.Verifications = rs, rs
	}
	s, err := server.New(gcfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// otpFileMailer appends each two-factor OTP to a file, in the line format
// authserver.mjs's sendOTP writes.
type otpFileMailer struct {
	mu   sync.Mutex
	path string
}

func (m *otpFileMailer) Send(_ context.Context, e server.Email) error {
	if e.Kind != server.EmailTwoFactorOTP {
		return nil
	}
	line, err := json.Marshal(map[string]string{"kind": string(e.Kind), "email": e.To, "otp": e.OTP})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := os.OpenFile(m.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	return errors.Join(err, f.Close())
}

// lastOTP is the newest two-factor OTP sent to email recorded in file, and
// how many were sent to email. Both servers send before they answer
// send-otp, so the code is there once the answer is.
func lastOTP(t *testing.T, file, email string) (string, int) {
	t.Helper()
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var otp string
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct{ Kind, Email, OTP string }
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Kind == "two-factor-otp" && l.Email == email {
			otp, n = l.OTP, n+1
		}
	}
	return otp, n
}

// xBrowser is a client with a cookie jar of its own that, unlike
// net/http/cookiejar, also sends Secure cookies over http (both servers
// listen on plain http at 127.0.0.1, and useSecureCookies makes every
// cookie Secure). Cookies are kept by name, for the host, as a browser
// keeps them for 127.0.0.1 whatever the port.
type xBrowser struct {
	t   *testing.T
	jar map[string]string
}

func newXBrowser(t *testing.T) *xBrowser { return &xBrowser{t: t, jar: map[string]string{}} }

type xAnswer struct {
	status  int
	body    map[string]any
	header  http.Header
	cookies []string // each Set-Cookie with its value replaced by "set" or "empty"
}

var xHTTP = &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (b *xBrowser) do(method, base, path string, body any) xAnswer {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+"/api/auth"+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Origin", base)
	var pairs []string
	for k, v := range b.jar {
		pairs = append(pairs, k+"="+v)
	}
	sort.Strings(pairs)
	if len(pairs) > 0 {
		req.Header.Set("Cookie", strings.Join(pairs, "; "))
	}
	resp, err := xHTTP.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s%s: %v", method, base, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	a := xAnswer{status: resp.StatusCode, header: resp.Header}
	if len(data) > 0 && !bytes.Equal(data, []byte("null")) {
		if err := json.Unmarshal(data, &a.body); err != nil {
			b.t.Fatalf("%s %s: not a JSON object (status %d)", method, path, resp.StatusCode)
		}
	}
	for _, line := range resp.Header.Values("Set-Cookie") {
		pair, attrs, _ := strings.Cut(line, ";")
		name, value, _ := strings.Cut(pair, "=")
		gone := value == "" || strings.Contains(strings.ToLower(attrs), "max-age=0")
		if gone {
			delete(b.jar, name)
		} else {
			b.jar[name] = value
		}
		shown := "set"
		if value == "" {
			shown = "empty"
		}
		a.cookies = append(a.cookies, name+"="+shown+";"+normalizeCookieAttrs(attrs))
	}
	sort.Strings(a.cookies)
	return a
}

// normalizeCookieAttrs lower-cases attribute names, sorts them and drops
// Expires (a date that moves with the clock; Max-Age says the same).
func normalizeCookieAttrs(attrs string) string {
	var out []string
	for _, a := range strings.Split(attrs, ";") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		k, v, hasV := strings.Cut(a, "=")
		k = strings.ToLower(k)
		if k == "expires" {
			continue
		}
		if k == "samesite" {
			v = strings.ToLower(v)
		}
		if hasV {
			out = append(out, k+"="+v)
		} else {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ";")
}

func (b *xBrowser) post(base, path string, body any) xAnswer {
	b.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	return b.do("POST", base, path, body)
}

func (b *xBrowser) sessionEmail(base string) string {
	b.t.Helper()
	a := b.do("GET", base, "/get-session", nil)
	if u, ok := a.body["user"].(map[string]any); ok {
		e, _ := u["email"].(string)
		return e
	}
	return ""
}

func (b *xBrowser) names() []string {
	var n []string
	for k := range b.jar {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// xEnable signs email up on base and turns two-factor on there (enable,
// then a first TOTP code), returning the TOTP URI and the backup codes.
func xEnable(t *testing.T, base, email string) (string, []string) {
	t.Helper()
	b := newXBrowser(t)
	if a := b.post(base, "/sign-up/email", map[string]any{"email": email, "password": "password1234", "name": "X"}); a.status != 200 {
		t.Fatalf("sign-up %s on %s: %d %v", email, base, a.status, a.body)
	}
	a := b.post(base, "/two-factor/enable", map[string]any{"password": "password1234"})
	uri, _ := a.body["totpURI"].(string)
	if a.status != 200 || uri == "" {
		t.Fatalf("enable on %s: %d %v", base, a.status, a.body)
	}
	var codes []string
	for _, c := range a.body["backupCodes"].([]any) {
		codes = append(codes, c.(string))
	}
	if a := b.post(base, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, uri, 0)}); a.status != 200 {
		t.Fatalf("first verify-totp on %s: %d %v", base, a.status, a.body)
	}
	return uri, codes
}

func xChallenge(t *testing.T, b *xBrowser, base, email string, extra map[string]any) xAnswer {
	t.Helper()
	body := map[string]any{"email": email, "password": "password1234"}
	for k, v := range extra {
		body[k] = v
	}
	a := b.post(base, "/sign-in/email", body)
	if a.status != 200 || a.body["twoFactorRedirect"] != true {
		t.Fatalf("sign-in %s on %s: %d %v", email, base, a.status, a.body)
	}
	return a
}

// TestTwoFactorOTPCrossServer: with otpOptions on both servers, a sign-in
// challenge begun on one is finished with send-otp and verify-otp on the
// other, the code read from the sender's mail (Go's Mailer, Better Auth's
// sendOTP); a code sent by one server is accepted by the other; wrong
// codes count the same on both.
func TestTwoFactorOTPCrossServer(t *testing.T) {
	t.Parallel()
	p := startXPair(t, xPairOptions{otp: true})
	servers := map[string]string{"better-auth": p.ba, "go": p.goURL}
	mail := map[string]string{"better-auth": p.baMail, "go": p.goMail}
	const user = "otp-x@example.com"
	xEnable(t, p.ba, user)

	// The challenge lists both methods, on both servers alike.
	bodies := map[string]xAnswer{}
	for name, base := range servers {
		bodies[name] = xChallenge(t, newXBrowser(t), base, user, nil)
	}
	if !jsonEqual(bodies["go"].body, bodies["better-auth"].body) {
		t.Errorf("sign-in challenge: go %v, better-auth %v", bodies["go"].body, bodies["better-auth"].body)
	}
	if got := bodies["better-auth"].body["twoFactorMethods"]; !jsonEqual(got, []any{"totp", "otp"}) {
		t.Errorf("better-auth twoFactorMethods %v, want [totp otp]", got)
	}

	for _, tc := range []struct{ start, send, verify string }{
		{"better-auth", "go", "go"},
		{"go", "better-auth", "better-auth"},
		{"better-auth", "better-auth", "go"},
		{"go", "go", "better-auth"},
	} {
		name := tc.start + "/" + tc.send + "/" + tc.verify
		b := newXBrowser(t)
		xChallenge(t, b, servers[tc.start], user, nil)
		_, before := lastOTP(t, mail[tc.send], user)
		a := b.post(servers[tc.send], "/two-factor/send-otp", nil)
		if a.status != 200 || a.body["status"] != true {
			t.Fatalf("%s: send-otp: %d %v", name, a.status, a.body)
		}
		otp, after := lastOTP(t, mail[tc.send], user)
		if after != before+1 || len(otp) != 6 {
			t.Fatalf("%s: %d codes sent by send-otp, code of %d characters", name, after-before, len(otp))
		}
		if a := b.post(servers[tc.verify], "/two-factor/verify-otp", map[string]any{"code": "abcdef"}); a.status != 401 || a.body["code"] != "INVALID_CODE" {
			t.Errorf("%s: wrong code: %d %v", name, a.status, a.body)
		}
		a = b.post(servers[tc.verify], "/two-factor/verify-otp", map[string]any{"code": otp})
		if a.status != 200 || a.body["token"] == nil {
			t.Fatalf("%s: verify-otp: %d %v", name, a.status, a.body)
		}
		for srv, base := range servers {
			if got := b.sessionEmail(base); got != user {
				t.Errorf("%s: session on %s: %q", name, srv, got)
			}
		}
		// The code is spent: the challenge is gone with it.
		if a := b.post(servers[tc.start], "/two-factor/verify-otp", map[string]any{"code": otp}); a.status == 200 {
			t.Errorf("%s: a spent code signed in again on %s", name, tc.start)
		}
	}

	// Attempts: a code sent by Better Auth refused four times on Go, once
	// on Better Auth, then refused as TOO_MANY_ATTEMPTS on Go even when
	// right, as Better Auth does after five failures of its own.
	want := []string{}
	for i := 0; i < 5; i++ {
		want = append(want, "401 INVALID_CODE")
	}
	want = append(want, "400 TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE")
	// Each run has a user of its own: ten failures lock an account.
	for i, order := range [][]string{
		{"go", "go", "go", "go", "better-auth", "go"},
		{"better-auth", "better-auth", "better-auth", "better-auth", "better-auth", "better-auth"},
		{"go", "go", "go", "go", "go", "go"},
	} {
		user := "otp-attempts-" + strconv.Itoa(i) + "@example.com"
		xEnable(t, p.goURL, user)
		b := newXBrowser(t)
		xChallenge(t, b, p.ba, user, nil)
		if a := b.post(p.ba, "/two-factor/send-otp", nil); a.status != 200 {
			t.Fatalf("send-otp: %d", a.status)
		}
		otp, _ := lastOTP(t, p.baMail, user)
		var got []string
		for i, srv := range order {
			code := "000000"
			if code == otp {
				code = "111111"
			}
			if i == len(order)-1 {
				code = otp
			}
			a := b.post(servers[srv], "/two-factor/verify-otp", map[string]any{"code": code})
			c, _ := a.body["code"].(string)
			got = append(got, strconv.Itoa(a.status)+" "+c)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("attempts %v:\n got  %v\n want %v", order, got, want)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestTwoFactorCookiePrefixCrossServer runs two-factor sign-in with
// advanced.cookiePrefix "myapp" (and again with useSecureCookies): the
// two_factor, trust_device, dont_remember and session cookies get the same
// names and attributes from both servers, and each server accepts the
// other's.
func TestTwoFactorCookiePrefixCrossServer(t *testing.T) {
	t.Parallel()
	yes := true
	for _, tc := range []struct {
		name     string
		advanced map[string]any
		cookies  ba.CookieConfig
		want     []string // cookie names a sign-in challenge with rememberMe false sets
	}{
		{"Prefix", map[string]any{"cookiePrefix": "myapp"}, ba.CookieConfig{Prefix: "myapp"},
			[]string{"myapp.dont_remember", "myapp.two_factor"}},
		{"PrefixSecure", map[string]any{"cookiePrefix": "myapp", "useSecureCookies": true}, ba.CookieConfig{Prefix: "myapp", Secure: &yes},
			[]string{"__Secure-myapp.dont_remember", "__Secure-myapp.two_factor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startXPair(t, xPairOptions{advanced: tc.advanced, cookies: tc.cookies})
			servers := map[string]string{"better-auth": p.ba, "go": p.goURL}
			const user = "cookie-x@example.com"
			uri, _ := xEnable(t, p.ba, user)

			// The same steps on each server: the Set-Cookie lines must match.
			steps := map[string][]string{}
			for name, base := range servers {
				b := newXBrowser(t)
				a := xChallenge(t, b, base, user, map[string]any{"rememberMe": false})
				steps[name] = append(steps[name], "sign-in: "+strings.Join(a.cookies, " | "))
				if got := b.names(); strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("%s: cookies after the challenge %v, want %v", name, got, tc.want)
				}
				a = b.post(base, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, uri, 0), "trustDevice": true})
				if a.status != 200 {
					t.Fatalf("%s: verify-totp: %d %v", name, a.status, a.body)
				}
				steps[name] = append(steps[name], "verify-totp: "+strings.Join(a.cookies, " | "))
				a = b.post(base, "/sign-out", nil)
				steps[name] = append(steps[name], "sign-out: "+strings.Join(a.cookies, " | "))
				a = b.post(base, "/sign-in/email", map[string]any{"email": user, "password": "password1234"})
				if a.status != 200 || a.body["twoFactorRedirect"] != nil {
					t.Errorf("%s: a trusted device was challenged: %d %v", name, a.status, a.body)
				}
				steps[name] = append(steps[name], "sign-in trusted: "+strings.Join(a.cookies, " | "))
			}
			for i := range steps["better-auth"] {
				if i >= len(steps["go"]) || steps["go"][i] != steps["better-auth"][i] {
					t.Errorf("Set-Cookie differ:\n better-auth %s\n go          %s", steps["better-auth"][i], at(steps["go"], i))
				}
			}
			for _, c := range strings.Split(steps["better-auth"][0], " | ") {
				if tc.cookies.Secure != nil && !strings.Contains(c, ";secure") {
					t.Errorf("better-auth's cookie is not Secure with useSecureCookies: %s", c)
				}
			}

			// Across servers: the challenge (two_factor and dont_remember)
			// begun on one is finished on the other, the device it trusts is
			// trusted by both, and the session is a browser-session one.
			for _, pair := range [][2]string{{"better-auth", "go"}, {"go", "better-auth"}} {
				b := newXBrowser(t)
				xChallenge(t, b, servers[pair[0]], user, map[string]any{"rememberMe": false})
				a := b.post(servers[pair[1]], "/two-factor/verify-totp", map[string]any{"code": codeOf(t, uri, 0), "trustDevice": true})
				if a.status != 200 {
					t.Fatalf("begun on %s, verify-totp on %s: %d %v", pair[0], pair[1], a.status, a.body)
				}
				for _, c := range a.cookies {
					if strings.Contains(c, "session_token=set") && strings.Contains(c, "max-age") {
						t.Errorf("begun on %s with rememberMe false, finished on %s: a persistent session cookie %s", pair[0], pair[1], c)
					}
				}
				for name, base := range servers {
					if got := b.sessionEmail(base); got != user {
						t.Errorf("begun on %s, finished on %s: session on %s %q", pair[0], pair[1], name, got)
					}
				}
				b.post(servers[pair[1]], "/sign-out", nil)
				a = b.post(servers[pair[0]], "/sign-in/email", map[string]any{"email": user, "password": "password1234"})
				if a.status != 200 || a.body["twoFactorRedirect"] != nil || a.body["token"] == nil {
					t.Errorf("trusted on %s, sign-in on %s: %d %v", pair[1], pair[0], a.status, a.body)
				}
			}
		})
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// TestTwoFactorRedisCrossServer: with a Redis secondaryStorage (Better
// Auth keeps the challenge, the OTP and the sessions only there), a
// challenge begun on either server is finished on the other, by TOTP and
// by OTP, and the session is seen by both.
func TestTwoFactorRedisCrossServer(t *testing.T) {
	t.Parallel()
	p := startXPair(t, xPairOptions{redis: true, otp: true})
	servers := map[string]string{"better-auth": p.ba, "go": p.goURL}
	mail := map[string]string{"better-auth": p.baMail, "go": p.goMail}
	baUser, goUser := "redis-ba@example.com", "redis-go@example.com"
	baURI, _ := xEnable(t, p.ba, baUser)
	goURI, _ := xEnable(t, p.goURL, goUser)
	for _, tc := range []struct{ user, uri, start, finish string }{
		{baUser, baURI, "better-auth", "go"},
		{baUser, baURI, "go", "better-auth"},
		{goUser, goURI, "better-auth", "go"},
		{goUser, goURI, "go", "better-auth"},
	} {
		b := newXBrowser(t)
		xChallenge(t, b, servers[tc.start], tc.user, nil)
		if a := b.post(servers[tc.finish], "/two-factor/verify-totp", map[string]any{"code": codeOf(t, tc.uri, 0)}); a.status != 200 || a.body["token"] == nil {
			t.Fatalf("%s begun on %s, verify-totp on %s: %d %v", tc.user, tc.start, tc.finish, a.status, a.body)
		}
		for name, base := range servers {
			if got := b.sessionEmail(base); got != tc.user {
				t.Errorf("%s begun on %s, finished on %s: session on %s %q", tc.user, tc.start, tc.finish, name, got)
			}
		}

		// OTP: sent by the server that began, verified by the other.
		b = newXBrowser(t)
		xChallenge(t, b, servers[tc.start], tc.user, nil)
		if a := b.post(servers[tc.start], "/two-factor/send-otp", nil); a.status != 200 {
			t.Fatalf("send-otp on %s: %d %v", tc.start, a.status, a.body)
		}
		otp, _ := lastOTP(t, mail[tc.start], tc.user)
		if a := b.post(servers[tc.finish], "/two-factor/verify-otp", map[string]any{"code": otp}); a.status != 200 || a.body["token"] == nil {
			t.Fatalf("%s OTP from %s, verify-otp on %s: %d %v", tc.user, tc.start, tc.finish, a.status, a.body)
		}
		if got := b.sessionEmail(servers[tc.start]); got != tc.user {
			t.Errorf("%s OTP from %s, verified on %s: session on %s %q", tc.user, tc.start, tc.finish, tc.start, got)
		}
	}
}

// TestRateLimitRulesMatchBetterAuth sends the same run of requests to
// Better Auth (rateLimit enabled, memory storage) and to serve (RateLimit)
// with the twoFactor and username plugins: each path's answers, the call
// that first gets 429, the 429's body, content type and X-Retry-After
// must match. Better Auth's window runs from the last allowed request, so
// the calls of a run need not fit in one window from the first.
func TestRateLimitRulesMatchBetterAuth(t *testing.T) {
	t.Parallel()
	p := startXPair(t, xPairOptions{rateLimit: true, plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor, ba.PluginUsername}})
	type run struct {
		method, path string
		body         map[string]any
		n            int
	}
	runs := []run{
		{"POST", "/two-factor/verify-totp", map[string]any{"code": "123456"}, 4},
		// Another path under the same rule has a bucket of its own.
		{"POST", "/two-factor/verify-backup-code", map[string]any{"code": "abcde-fghij"}, 4},
		{"POST", "/sign-in/email", map[string]any{"email": "rl@example.com", "password": "wrong-password"}, 4},
		{"POST", "/sign-in/username", map[string]any{"username": "nobody", "password": "wrong-password"}, 4},
		{"POST", "/sign-up/email", map[string]any{"email": "not-an-email", "password": "password1234", "name": "R"}, 4},
		{"POST", "/change-password", map[string]any{"currentPassword": "password1234", "newPassword": "password5678"}, 4},
		{"POST", "/request-password-reset", map[string]any{"email": "rl@example.com"}, 4},
		{"POST", "/is-username-available", map[string]any{"username": "someone"}, 101},
		{"GET", "/get-session", nil, 101},
	}
	answers := map[string][]string{}
	retry := map[string][]string{}
	for name, base := range map[string]string{"better-auth": p.ba, "go": p.goURL} {
		b := newXBrowser(t)
		for _, r := range runs {
			var got []string
			for i := 0; i < r.n; i++ {
				a := b.do(r.method, base, r.path, r.body)
				line := strconv.Itoa(a.status)
				if a.status == 429 {
					raw, _ := json.Marshal(a.body)
					line += " " + string(raw) + " " + strings.Split(a.header.Get("Content-Type"), ";")[0]
					retry[name] = append(retry[name], r.path+" "+a.header.Get("X-Retry-After"))
				}
				got = append(got, line)
			}
			answers[name] = append(answers[name], r.path+": "+compressRuns(got))
		}
	}
	want := map[string]string{
		"/two-factor/verify-totp": "429", "/sign-in/email": "429", "/request-password-reset": "429",
		"/is-username-available": "429", "/get-session": "429",
	}
	for i, line := range answers["better-auth"] {
		path, _, _ := strings.Cut(line, ":")
		if want[path] != "" && !strings.HasSuffix(line, `, 429 {"message":"Too many requests. Please try again later."} application/json x1`) {
			t.Errorf("better-auth did not end %s with a 429: %s", path, line)
		}
		if at(answers["go"], i) != line {
			t.Errorf("%s:\n better-auth %s\n go          %s", path, line, at(answers["go"], i))
		}
	}
	// X-Retry-After is what is left of the window since the last allowed
	// request, in whole seconds: at least 1, at most the rule's window
	// (how much is left depends on how long the requests took).
	for _, name := range []string{"better-auth", "go"} {
		for _, r := range retry[name] {
			path, v, _ := strings.Cut(r, " ")
			n, err := strconv.Atoi(v)
			window := 10
			if path == "/request-password-reset" {
				window = 60
			}
			if err != nil || n < 1 || n > window {
				t.Errorf("%s: %s X-Retry-After %q, want 1 to %d", name, path, v, window)
			}
		}
	}
}

// compressRuns writes a list of answers as "401 x3, 429 … x1".
func compressRuns(s []string) string {
	var out []string
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		out = append(out, s[i]+" x"+strconv.Itoa(j-i))
		i = j
	}
	return strings.Join(out, ", ")
}
