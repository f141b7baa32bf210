package server_test

import (
	"bytes"

	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// tfBrowser is one client with its own cookie jar. Cookies are kept per
// host, not per port, as browsers keep them, so a challenge begun on one
// server at 127.0.0.1 is carried to the other.
type tfBrowser struct {
	t      *testing.T
	client *http.Client
}

func newTFBrowser(t *testing.T) *tfBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &tfBrowser{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type tfAnswer struct {
	status  int
	body    map[string]any
	cookies []string // "name Max-Age=…" of each Set-Cookie
}

func (b *tfBrowser) post(base, path string, body any) tfAnswer {
	b.t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", base+"/api/auth"+path, bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s%s: %v", base, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	a := tfAnswer{status: resp.StatusCode}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &a.body); err != nil {
			b.t.Fatalf("POST %s: not a JSON object (status %d)", path, resp.StatusCode)
		}
	}
	for _, c := range resp.Header.Values("Set-Cookie") {
		name, rest, _ := strings.Cut(c, "=")
		maxAge := ""
		for _, attr := range strings.Split(rest, "; ") {
			if strings.HasPrefix(attr, "Max-Age=") {
				maxAge = attr
			}
		}
		a.cookies = append(a.cookies, name+" "+maxAge)
	}
	return a
}

func (b *tfBrowser) getSession(base string) map[string]any {
	b.t.Helper()
	resp, err := b.client.Get(base + "/api/auth/get-session")
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return m
}

// codeOf is the TOTP code of a totpURI's secret at now (offset periods).
func codeOf(t *testing.T, totpURI string, offset int) string {
	t.Helper()
	u, err := url.Parse(totpURI)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCodeCustom(u.Query().Get("secret"), time.Now().Add(time.Duration(offset)*30*time.Second), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrongCode is a six-digit code that is none of the accepted ones.
func wrongCode(t *testing.T, uri string) string {
	ok := map[string]bool{codeOf(t, uri, -1): true, codeOf(t, uri, 0): true, codeOf(t, uri, 1): true}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !ok[c] {
			return c
		}
	}
	t.Fatal("no wrong code")
	return ""
}

// startTwoFactorPair runs Better Auth (admin and twoFactor) and the Go
// server on one SQLite database and returns their base URLs.
func startTwoFactorPair(t *testing.T) (baURL, goURL string) {
	t.Helper()
	db := storetest.NewDatabase(t, sqlstore.SQLite)
	baURL = batest.StartAuthServer(t, batest.AuthServerConfig{DB: db.DSN, Secret: compatSecret, StartTimeout: compatTimeout})
	st := db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}})
	srv := httptest.NewUnstartedServer(nil)
	goURL = "http://" + srv.Listener.Addr().String()
	s, err := server.New(server.Config{Store: st, Secrets: []ba.Secret{{Value: compatSecret}}, BaseURL: goURL,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	return baURL, goURL
}

// enableTOTP signs up email on base, enables two-factor there and verifies
// a first code; it returns the totpURI and the backup codes.
func enableTOTP(t *testing.T, base, email string) (string, []string) {
	t.Helper()
	b := newTFBrowser(t)
	if a := b.post(base, "/sign-up/email", map[string]any{"email": email, "password": "password1234", "name": "Two"}); a.status != 200 {
		t.Fatalf("sign-up on %s: %d %v", base, a.status, a.body)
	}
	a := b.post(base, "/two-factor/enable", map[string]any{"password": "password1234"})
	if a.status != 200 || a.body["method"] != "totp" {
		t.Fatalf("enable on %s: %d %v", base, a.status, a.body["code"])
	}
	uri, _ := a.body["totpURI"].(string)
	var codes []string
	for _, c := range a.body["backupCodes"].([]any) {
		codes = append(codes, c.(string))
	}
	if len(codes) != 10 || !strings.HasPrefix(uri, "otpauth://totp/Better%20Auth:") {
		t.Fatalf("enable on %s: %d backup codes, uri prefix %q", base, len(codes), uri[:min(len(uri), 30)])
	}
	if a := b.post(base, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, uri, 0)}); a.status != 200 {
		t.Fatalf("first verify-totp on %s: %d %v", base, a.status, a.body["code"])
	}
	if s := b.getSession(base); s["user"].(map[string]any)["twoFactorEnabled"] != true {
		t.Fatalf("twoFactorEnabled not set on %s", base)
	}
	return uri, codes
}

func signInChallenge(t *testing.T, b *tfBrowser, base, email string) tfAnswer {
	t.Helper()
	a := b.post(base, "/sign-in/email", map[string]any{"email": email, "password": "password1234"})
	if a.status != 200 || a.body["twoFactorRedirect"] != true {
		t.Fatalf("sign-in on %s: %d %v", base, a.status, a.body)
	}
	return a
}

// TestTwoFactorCrossServer: a user who enabled two-factor on Better Auth
// signs in on Go with a TOTP code or a backup code and the reverse, and a
// challenge begun on either server is finished on the other.
func TestTwoFactorCrossServer(t *testing.T) {
	t.Parallel()
	baURL, goURL := startTwoFactorPair(t)
	servers := map[string]string{"better-auth": baURL, "go": goURL}

	baURI, baCodes := enableTOTP(t, baURL, "ba-2fa@example.com")
	goURI, _ := enableTOTP(t, goURL, "go-2fa@example.com")

	// The sign-in answers and cookies are Better Auth's.
	answers := map[string]tfAnswer{}
	for name, base := range servers {
		answers[name] = signInChallenge(t, newTFBrowser(t), base, "ba-2fa@example.com")
	}
	if !reflect.DeepEqual(answers["go"].body, answers["better-auth"].body) {
		t.Errorf("sign-in body: go %v, better-auth %v", answers["go"].body, answers["better-auth"].body)
	}
	if want := []any{"totp"}; !reflect.DeepEqual(answers["go"].body["twoFactorMethods"], want) {
		t.Errorf("twoFactorMethods %v, want %v", answers["go"].body["twoFactorMethods"], want)
	}
	if !reflect.DeepEqual(lastByName(answers["go"].cookies), lastByName(answers["better-auth"].cookies)) {
		t.Errorf("sign-in cookies: go %v, better-auth %v", answers["go"].cookies, answers["better-auth"].cookies)
	}

	for _, tc := range []struct {
		user, uri, start, finish string
	}{
		{"ba-2fa@example.com", baURI, "go", "go"},
		{"ba-2fa@example.com", baURI, "better-auth", "go"},
		{"ba-2fa@example.com", baURI, "go", "better-auth"},
		{"go-2fa@example.com", goURI, "better-auth", "better-auth"},
		{"go-2fa@example.com", goURI, "go", "better-auth"},
	} {
		b := newTFBrowser(t)
		signInChallenge(t, b, servers[tc.start], tc.user)
		if s := b.getSession(servers[tc.finish]); s != nil {
			t.Fatalf("%s: a session before the second step", tc.user)
		}
		a := b.post(servers[tc.finish], "/two-factor/verify-totp", map[string]any{"code": codeOf(t, tc.uri, 0)})
		if a.status != 200 || a.body["token"] == nil || a.body["user"].(map[string]any)["email"] != tc.user {
			t.Fatalf("%s: started on %s, verify-totp on %s: %d %v", tc.user, tc.start, tc.finish, a.status, a.body["code"])
		}
		for _, base := range servers {
			if s := b.getSession(base); s == nil || s["user"].(map[string]any)["email"] != tc.user {
				t.Errorf("%s: started on %s, finished on %s: no session on %s", tc.user, tc.start, tc.finish, base)
			}
		}
	}

	// A backup code made by Better Auth finishes a sign-in begun on Go, and
	// is then spent on both.
	b := newTFBrowser(t)
	signInChallenge(t, b, goURL, "ba-2fa@example.com")
	if a := b.post(goURL, "/two-factor/verify-backup-code", map[string]any{"code": baCodes[0]}); a.status != 200 {
		t.Fatalf("verify-backup-code on go: %d %v", a.status, a.body["code"])
	}
	for name, base := range servers {
		b := newTFBrowser(t)
		signInChallenge(t, b, base, "ba-2fa@example.com")
		if a := b.post(base, "/two-factor/verify-backup-code", map[string]any{"code": baCodes[0]}); a.status != 401 || a.body["code"] != "INVALID_BACKUP_CODE" {
			t.Errorf("spent backup code on %s: %d %v", name, a.status, a.body["code"])
		}
	}
	b = newTFBrowser(t)
	signInChallenge(t, b, baURL, "ba-2fa@example.com")
	if a := b.post(baURL, "/two-factor/verify-backup-code", map[string]any{"code": baCodes[1]}); a.status != 200 {
		t.Fatalf("verify-backup-code on better-auth: %d %v", a.status, a.body["code"])
	}

	// Trust device: a device trusted on Go skips the second step on Better
	// Auth and the reverse.
	for _, pair := range [][2]string{{"go", "better-auth"}, {"better-auth", "go"}} {
		b := newTFBrowser(t)
		signInChallenge(t, b, servers[pair[0]], "ba-2fa@example.com")
		if a := b.post(servers[pair[0]], "/two-factor/verify-totp", map[string]any{"code": codeOf(t, baURI, 0), "trustDevice": true}); a.status != 200 {
			t.Fatalf("verify-totp trustDevice on %s: %d", pair[0], a.status)
		}
		a := b.post(servers[pair[1]], "/sign-in/email", map[string]any{"email": "ba-2fa@example.com", "password": "password1234"})
		if a.status != 200 || a.body["twoFactorRedirect"] != nil || a.body["token"] == nil {
			t.Errorf("trusted on %s, sign-in on %s: %d redirect=%v", pair[0], pair[1], a.status, a.body["twoFactorRedirect"])
		}
	}

	// Disable on Go: Better Auth sees two-factor off.
	b = newTFBrowser(t)
	signInChallenge(t, b, baURL, "go-2fa@example.com")
	if a := b.post(baURL, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, goURI, 0)}); a.status != 200 {
		t.Fatal(a.status)
	}
	if a := b.post(goURL, "/two-factor/disable", map[string]any{"password": "wrong-password"}); a.status != 400 || a.body["code"] != "INVALID_PASSWORD" {
		t.Errorf("disable with a wrong password: %d %v", a.status, a.body["code"])
	}
	if a := b.post(goURL, "/two-factor/disable", map[string]any{"password": "password1234"}); a.status != 200 || a.body["status"] != true {
		t.Fatalf("disable on go: %d %v", a.status, a.body)
	}
	a := newTFBrowser(t).post(baURL, "/sign-in/email", map[string]any{"email": "go-2fa@example.com", "password": "password1234"})
	if a.status != 200 || a.body["twoFactorRedirect"] != nil {
		t.Errorf("sign-in on better-auth after disable on go: %d %v", a.status, a.body["twoFactorRedirect"])
	}
}

// lastByName keeps the last Set-Cookie of each name (what a browser keeps).
func lastByName(cookies []string) map[string]string {
	m := map[string]string{}
	for _, c := range cookies {
		name, maxAge, _ := strings.Cut(c, " ")
		m[name] = maxAge
	}
	return m
}

// TestTwoFactorAttemptsAndLockoutMatchBetterAuth runs the same failures on
// each server, for a user of its own: 5 attempts per challenge, then
// TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE; after 10 failures the account is
// locked (429 ACCOUNT_TEMPORARILY_LOCKED), even for a right code.
func TestTwoFactorAttemptsAndLockoutMatchBetterAuth(t *testing.T) {
	t.Parallel()
	baURL, goURL := startTwoFactorPair(t)
	run := func(base, email string) []string {
		uri, _ := enableTOTP(t, base, email)
		var got []string
		for round := 0; round < 2; round++ {
			b := newTFBrowser(t)
			signInChallenge(t, b, base, email)
			for i := 0; i < 6; i++ {
				a := b.post(base, "/two-factor/verify-totp", map[string]any{"code": wrongCode(t, uri)})
				got = append(got, answerKey(a))
			}
		}
		b := newTFBrowser(t)
		signInChallenge(t, b, base, email)
		got = append(got, answerKey(b.post(base, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, uri, 0)})))
		got = append(got, answerKey(b.post(base, "/two-factor/verify-backup-code", map[string]any{"code": "nope-nope"})))
		return got
	}
	want := []string{}
	for i := 0; i < 5; i++ {
		want = append(want, "401 INVALID_CODE Invalid code")
	}
	want = append(want, "400 TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE Too many attempts. Please request a new code.")
	for i := 0; i < 5; i++ {
		want = append(want, "401 INVALID_CODE Invalid code")
	}
	locked := "429 ACCOUNT_TEMPORARILY_LOCKED Too many failed verification attempts. Your account is temporarily locked. Please try again later."
	want = append(want, locked, locked, locked)
	baGot := run(baURL, "ba-lock@example.com")
	goGot := run(goURL, "go-lock@example.com")
	if !reflect.DeepEqual(baGot, want) {
		t.Errorf("better-auth answered\n%v\nthe test expects\n%v", strings.Join(baGot, "\n"), strings.Join(want, "\n"))
	}
	if !reflect.DeepEqual(goGot, baGot) {
		t.Errorf("go answered\n%v\nbetter-auth\n%v", strings.Join(goGot, "\n"), strings.Join(baGot, "\n"))
	}
	// The lock is in the shared table: the Go-locked user is locked on
	// Better Auth too.
	b := newTFBrowser(t)
	signInChallenge(t, b, baURL, "go-lock@example.com")
	if a := b.post(baURL, "/two-factor/verify-totp", map[string]any{"code": "000000"}); a.status != 429 {
		t.Errorf("go-locked user on better-auth: %d %v", a.status, a.body["code"])
	}

}

func answerKey(a tfAnswer) string {
	code, _ := a.body["code"].(string)
	msg, _ := a.body["message"].(string)
	return strings.TrimSpace(strings.Join([]string{strconv.Itoa(a.status), code, msg}, " "))
}

// TestTwoFactorRefusalsMatchBetterAuth sends the same bad requests to
// Better Auth and to serve and compares status and body.
func TestTwoFactorRefusalsMatchBetterAuth(t *testing.T) {
	t.Parallel()
	baURL, goURL := startTwoFactorPair(t)
	run := func(base, email string) []string {
		var got []string
		anon := newTFBrowser(t)
		b := newTFBrowser(t)
		if a := b.post(base, "/sign-up/email", map[string]any{"email": email, "password": "password1234", "name": "R"}); a.status != 200 {
			t.Fatalf("sign-up: %d", a.status)
		}
		for _, step := range []struct {
			b    *tfBrowser
			path string
			body any
		}{
			{anon, "/two-factor/enable", map[string]any{"password": "password1234"}},
			{b, "/two-factor/enable", map[string]any{}},
			{b, "/two-factor/enable", map[string]any{"password": "password1234", "method": "sms"}},
			{b, "/two-factor/enable", map[string]any{"password": 12}},
			{b, "/two-factor/enable", map[string]any{"password": "wrong-password"}},
			{b, "/two-factor/enable", map[string]any{"password": "password1234", "method": "otp"}},
			{b, "/two-factor/generate-backup-codes", map[string]any{"password": "password1234"}},
			{b, "/two-factor/get-totp-uri", map[string]any{"password": "password1234"}},
			{b, "/two-factor/verify-backup-code", map[string]any{"code": "abcde-fghij"}},
			{b, "/two-factor/verify-totp", map[string]any{"code": "123456"}},
			{b, "/two-factor/disable", map[string]any{}},
			{anon, "/two-factor/disable", map[string]any{"password": "password1234"}},
			{anon, "/two-factor/verify-totp", map[string]any{"code": "123456"}},
			{anon, "/two-factor/verify-totp", map[string]any{"code": 123456}},
			{anon, "/two-factor/verify-otp", map[string]any{"code": "123456"}},
			{anon, "/two-factor/verify-backup-code", map[string]any{"code": "abcde-fghij", "trustDevice": "yes"}},
			{anon, "/two-factor/send-otp", map[string]any{}},
			{anon, "/two-factor/get-totp-uri", map[string]any{"password": "password1234"}},
		} {
			a := step.b.post(base, step.path, step.body)
			raw, _ := json.Marshal(a.body)
			got = append(got, step.path+" "+strconv.Itoa(a.status)+" "+strings.ReplaceAll(string(raw), email, "EMAIL"))
		}
		return got
	}
	baGot := run(baURL, "ba-refuse@example.com")
	goGot := run(goURL, "go-refuse@example.com")
	// The refusals are refusals (not a vacuous match of two 200s).
	for i, want := range []string{"401 ", "400 {\"code\":\"VALIDATION_ERROR\"", "", "", "INVALID_PASSWORD", "OTP_NOT_CONFIGURED"} {
		if want != "" && !strings.Contains(baGot[i], want) {
			t.Errorf("better-auth step %d: %s, want %s", i, baGot[i], want)
		}
	}
	for i := range baGot {
		if goGot[i] != baGot[i] {
			t.Errorf("step %d:\n go          %s\n better-auth %s", i, goGot[i], baGot[i])
		}
	}
}
