package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/internal/appfixture"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

// fixtureResponse is what ops.ts's request op answers.
type fixtureResponse struct {
	Status    int      `json:"status"`
	Text      string   `json:"text"`
	SetCookie []string `json:"setCookie"`
	Cookie    string   `json:"cookie"`
}

// goResponse is one answer of Go's serve.
type goResponse struct {
	status  int
	text    string
	cookie  string // "name=value" of the session cookie set, or ""
	cleared bool   // the session cookie was set empty or expired
}

// goRequest sends a browser's request to serve: Origin is the app's base
// URL (the config's trusted origin), cookie the Cookie header.
func goRequest(t *testing.T, base, method, path, cookie string, body any) goResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Origin", appBaseURL)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := goResponse{status: res.StatusCode, text: string(b)}
	for _, c := range res.Cookies() {
		if c.Name == appFixtureCookie {
			if c.Value == "" || c.MaxAge < 0 {
				r.cleared = true
			} else {
				r.cookie = c.Name + "=" + c.Value
			}
		}
	}
	return r
}

// sessionCookieOf returns "name=value" of the app's session cookie in
// Better Auth's Set-Cookie lines.
func sessionCookieOf(lines []string) string {
	for _, line := range lines {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == appFixtureCookie && c.Value != "" && c.MaxAge >= 0 {
			return c.Name + "=" + c.Value
		}
	}
	return ""
}

var resetLinkToken = regexp.MustCompile(`/reset-password/([A-Za-z0-9_-]+)`)

// TestAppConfigEndToEnd is issue 15's proof on every database and with
// Redis secondaryStorage: the fixture app (configured like a production
// one) is exported with no database, Better Auth migrates its database,
// doctor --config exits 0, and serve --config then shares everything with
// the real Better Auth running the same app: each side's session is the
// other's with byte-identical get-session JSON, the additional fields'
// defaults and the input:false refusal are the same, a two-factor user
// gets no session from a password on Go, and a password reset requested
// on one side completes on the other.
func TestAppConfigEndToEnd(t *testing.T) {
	for _, v := range []struct {
		name  string
		redis bool
		db    func(t *testing.T) (fixtureURL, goURL string)
	}{
		{"postgres", false, func(t *testing.T) (string, string) { u := testdb.Postgres(t); return u, u }},
		{"mysql", false, func(t *testing.T) (string, string) { u := testdb.MySQL(t); return u, u }},
		{"sqlite", false, func(t *testing.T) (string, string) { u := "sqlite:" + testdb.SQLite(t); return u, u }},
		{"postgres+redis-secondary-storage", true, func(t *testing.T) (string, string) { u := testdb.Postgres(t); return u, u }},
	} {
		t.Run(v.name, func(t *testing.T) {
			fixtureURL, goURL := v.db(t)
			env := map[string]string{
				"BETTER_AUTH_SECRET": appSecret,
				"DATABASE_URL":       fixtureURL,
				"BETTER_AUTH_URL":    appBaseURL,
				"FIXTURE_RESET_FILE": filepath.Join(t.TempDir(), "resets.jsonl"),
			}
			var serveArgs []string
			if v.redis {
				addr := testdb.RedisAddr(t)
				prefix, _ := redisPrefix(t, addr, "e2e")
				env["FIXTURE_REDIS_URL"] = "redis://" + addr
				env["FIXTURE_REDIS_PREFIX"] = prefix
				serveArgs = append(serveArgs, "--redis", "redis://"+addr, "--redis-key-prefix", prefix)
			}

			// Export, with the app's secrets set and no database reachable.
			dir := appfixture.Ensure(t)
			clearAuthEnv(t)
			t.Setenv("BETTER_AUTH_CONFIG", "")
			t.Setenv("REDIS_URL", "")
			t.Setenv("BETTER_AUTH_SECRET", appSecret)
			t.Setenv("GITHUB_CLIENT_SECRET", appClientSecret)
			t.Setenv("BETTER_AUTH_URL", appBaseURL)
			if strings.HasPrefix(fixtureURL, "sqlite:") {
				t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "export.db"))
			} else {
				t.Setenv("DATABASE_URL", strings.Split(fixtureURL, "://")[0]+"://app:"+appDBPassword+"@127.0.0.1:1/app")
			}
			for _, k := range []string{"FIXTURE_REDIS_URL", "FIXTURE_REDIS_PREFIX"} {
				t.Setenv(k, env[k])
			}
			config := filepath.Join(t.TempDir(), "betterauth.config.json")
			tables := "10 tables"
			if v.redis {
				tables = "8 tables"
			}
			exp := runCmd(t, "", "config", "export", "--dir", dir, "--out", config).expect(t, 0)
			if !strings.Contains(exp.stdout, "from src/lib/auth.ts (Better Auth 1.7.25, "+tables) {
				t.Errorf("export: %s", exp.stdout)
			}
			if b, _ := os.ReadFile(config); strings.Contains(string(b), appDBPassword) || strings.Contains(string(b), appClientSecret) {
				t.Error("a secret is in the export")
			}
			for _, k := range []string{"DATABASE_URL", "GITHUB_CLIENT_SECRET", "BETTER_AUTH_URL", "FIXTURE_REDIS_URL", "FIXTURE_REDIS_PREFIX"} {
				t.Setenv(k, "")
			}

			// Better Auth migrates and writes: Ada (sign-up, her session
			// read back), Eve's refused input:false field, Tom with TOTP
			// enabled and verified, and a reset requested for Ada.
			const adaPassword, tomPassword = "ada-password-0001", "tom-password-0001"
			var first []json.RawMessage
			appfixture.Op(t, env, "batch", []map[string]any{
				{"op": "migrate"},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/sign-up/email", "jar": "ada", "body": map[string]any{"name": "Ada", "email": "ada@example.com", "password": adaPassword}}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/get-session", "jar": "ada"}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/sign-up/email", "body": map[string]any{"name": "Eve", "email": "eve@example.com", "password": "eve-password-0001", "stripeCustomerId": "cus_1"}}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/sign-up/email", "jar": "tom", "body": map[string]any{"name": "Tom", "email": "tom@example.com", "password": tomPassword}}},
				{"op": "enableTwoFactor", "arg": map[string]any{"jar": "tom", "password": tomPassword}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/sign-in/email", "body": map[string]any{"email": "tom@example.com", "password": tomPassword}}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/request-password-reset", "body": map[string]any{"email": "ada@example.com", "redirectTo": appBaseURL + "/reset"}}},
				{"op": "resetToken", "arg": map[string]any{"email": "ada@example.com"}},
			}, &first)
			var adaUp, adaSession, eveUp, tomSignIn, adaReset fixtureResponse
			var tfa struct{ EnableStatus, VerifyStatus int }
			var adaToken struct{ Token string }
			for i, out := range []any{nil, &adaUp, &adaSession, &eveUp, nil, &tfa, &tomSignIn, &adaReset, &adaToken} {
				if out != nil {
					if err := json.Unmarshal(first[i], out); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
			}
			adaCookie := sessionCookieOf(adaUp.SetCookie)
			if adaUp.Status != 200 || adaCookie == "" || adaSession.Status != 200 {
				t.Fatalf("Better Auth's sign-up and get-session: %d %d", adaUp.Status, adaSession.Status)
			}
			if tfa.EnableStatus != 200 || tfa.VerifyStatus != 200 {
				t.Fatalf("Better Auth's two-factor enable %d, verify %d", tfa.EnableStatus, tfa.VerifyStatus)
			}
			if eveUp.Status != 400 || !strings.Contains(tomSignIn.Text, `"twoFactorRedirect":true`) || sessionCookieOf(tomSignIn.SetCookie) != "" {
				t.Fatalf("Better Auth: Eve's sign-up %d %s; Tom's sign-in %d %s", eveUp.Status, eveUp.Text, tomSignIn.Status, tomSignIn.Text)
			}
			if adaReset.Status != 200 || adaToken.Token == "" {
				t.Fatalf("Better Auth's request-password-reset: %d, token found %t", adaReset.Status, adaToken.Token != "")
			}

			// doctor --config: the database Better Auth made is the app's.
			d := runCmd(t, "", "doctor", "--config", config, "--database-url", goURL).expect(t, 0)
			if f := findings(d); len(f) != 0 {
				t.Errorf("doctor --config: %v", f)
			}

			t.Setenv("BETTER_AUTH_SECRET", appSecret)
			base, logs, stop := startServeLogged(t, append([]string{"--config", config, "--database-url", goURL, "--log-reset-links"}, serveArgs...)...)

			// Better Auth's session on Go: the same bytes.
			g := goRequest(t, base, "GET", "/api/auth/get-session", adaCookie, nil)
			if g.status != 200 || g.text != adaSession.Text {
				t.Errorf("get-session with Better Auth's cookie:\nGo:          %d %s\nBetter Auth: %d %s", g.status, g.text, adaSession.Status, adaSession.Text)
			}

			// Refusal: the same status and body.
			g = goRequest(t, base, "POST", "/api/auth/sign-up/email", "", map[string]any{"name": "Eve", "email": "eve@example.com", "password": "eve-password-0001", "stripeCustomerId": "cus_1"})
			if g.status != eveUp.Status || g.text != eveUp.Text || g.cookie != "" {
				t.Errorf("input:false field on sign-up:\nGo:          %d %s\nBetter Auth: %d %s", g.status, g.text, eveUp.Status, eveUp.Text)
			}

			// Go's sign-up: the same defaults as Better Auth's.
			const bobPassword = "bob-password-0001"
			bobUp := goRequest(t, base, "POST", "/api/auth/sign-up/email", "", map[string]any{"name": "Bob", "email": "bob@example.com", "password": bobPassword})
			if bobUp.status != 200 || bobUp.cookie == "" {
				t.Fatalf("Go's sign-up: %d %s", bobUp.status, bobUp.text)
			}
			var goUser, baUser struct{ User map[string]any }
			json.Unmarshal([]byte(bobUp.text), &goUser)
			json.Unmarshal([]byte(adaUp.Text), &baUser)
			for _, k := range []string{"plan", "theme", "notificationsEnabled", "twoFactorEnabled", "role", "banned"} {
				if goUser.User[k] != baUser.User[k] {
					t.Errorf("sign-up %s: Go %v, Better Auth %v", k, goUser.User[k], baUser.User[k])
				}
			}
			bobSession := goRequest(t, base, "GET", "/api/auth/get-session", bobUp.cookie, nil)

			// A two-factor user gets no session from a password alone.
			g = goRequest(t, base, "POST", "/api/auth/sign-in/email", "", map[string]any{"email": "tom@example.com", "password": tomPassword})
			if g.status != tomSignIn.Status || g.text != tomSignIn.Text || g.cookie != "" {
				t.Errorf("two-factor sign-in:\nGo:          %d %s (session cookie set: %t)\nBetter Auth: %d %s", g.status, g.text, g.cookie != "", tomSignIn.Status, tomSignIn.Text)
			}

			// Better Auth's reset token, redeemed on Go.
			const adaNew, bobNew = "ada-password-0002", "bob-password-0002"
			g = goRequest(t, base, "POST", "/api/auth/reset-password", "", map[string]any{"token": adaToken.Token, "newPassword": adaNew})
			if g.status != 200 {
				t.Errorf("Go's reset-password with Better Auth's token: %d %s", g.status, g.text)
			}
			// Go's reset token, for Better Auth to redeem.
			g = goRequest(t, base, "POST", "/api/auth/request-password-reset", "", map[string]any{"email": "bob@example.com", "redirectTo": appBaseURL + "/reset"})
			m := resetLinkToken.FindStringSubmatch(logs.String())
			if g.status != 200 || m == nil {
				t.Fatalf("Go's request-password-reset: %d, link logged %t", g.status, m != nil)
			}
			bobToken := m[1]

			var second []fixtureResponse
			appfixture.Op(t, env, "batch", []map[string]any{
				{"op": "getSession", "arg": map[string]any{"cookie": bobUp.cookie}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/sign-in/email", "body": map[string]any{"email": "ada@example.com", "password": adaNew}}},
				{"op": "request", "arg": map[string]any{"path": "/api/auth/reset-password", "body": map[string]any{"token": bobToken, "newPassword": bobNew}}},
			}, &second)
			if second[0].Status != 200 || second[0].Text != bobSession.text {
				t.Errorf("get-session with Go's cookie:\nBetter Auth: %d %s\nGo:          %d %s", second[0].Status, second[0].Text, bobSession.status, bobSession.text)
			}
			if second[1].Status != 200 || sessionCookieOf(second[1].SetCookie) == "" {
				t.Errorf("Better Auth's sign-in with the password Go set: %d %s", second[1].Status, second[1].Text)
			}
			if second[2].Status != 200 {
				t.Errorf("Better Auth's reset-password with Go's token: %d %s", second[2].Status, second[2].Text)
			}
			g = goRequest(t, base, "POST", "/api/auth/sign-in/email", "", map[string]any{"email": "bob@example.com", "password": bobNew})
			if g.status != 200 || g.cookie == "" {
				t.Errorf("Go's sign-in with the password Better Auth set: %d %s", g.status, g.text)
			}
			stop()

			if v.redis {
				// Still no session or verification table (doctor would warn
				// about a session table Better Auth never reads).
				d := runCmd(t, "", "doctor", "--config", config, "--database-url", goURL).expect(t, 0)
				if f := findings(d); len(f) != 0 {
					t.Errorf("doctor after serve: %v", f)
				}
			}
		})
	}
}
