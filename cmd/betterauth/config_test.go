package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/internal/appfixture"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

const (
	appSecret         = "config-test-secret-0123456789-abcdefghijkl"
	appClientSecret   = "config-test-github-client-secret"
	appDBPassword     = "config-test-db-password"
	appBaseURL        = "http://localhost:3000"
	appFixtureCookie  = "myapp.session_token"
	appSessionSeconds = "2592000"
)

// exportFixture runs `betterauth config export` on the fixture app with
// its secrets in the environment and returns the written file.
func exportFixture(t *testing.T) string {
	t.Helper()
	dir := appfixture.Ensure(t)
	clearAuthEnv(t)
	t.Setenv("BETTER_AUTH_SECRET", appSecret)
	t.Setenv("GITHUB_CLIENT_SECRET", appClientSecret)
	t.Setenv("DATABASE_URL", "postgres://app:"+appDBPassword+"@127.0.0.1:1/app")
	t.Setenv("BETTER_AUTH_URL", appBaseURL)
	t.Setenv("BETTER_AUTH_CONFIG", "")
	out := filepath.Join(t.TempDir(), "betterauth.config.json")
	r := runCmd(t, "", "config", "export", "--dir", dir, "--out", out).expect(t, 0)
	if !strings.Contains(r.stdout, "wrote "+out+" from src/lib/auth.ts (Better Auth 1.7.25, 10 tables, plugins: admin, organization, two-factor") {
		t.Errorf("stdout: %s", r.stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{appSecret, appClientSecret, appDBPassword} {
		if strings.Contains(string(b), s) || strings.Contains(r.output(), s) {
			t.Errorf("a secret (%d characters) is in the export or the command's output", len(s))
		}
	}
	t.Setenv("DATABASE_URL", "")
	return out
}

// TestConfigExportDoctorMigrate: the fixture app's export, on a database
// Better Auth itself migrated through the app, makes doctor exit 0 (its
// required plan column with a default is NOT NULL without a database
// default, which is fine for an app that declares it) where doctor without
// the config calls the same database incompatible; BETTER_AUTH_CONFIG
// does the same as --config; migrate --config creates what Better Auth
// creates, and then has nothing to do.
func TestConfigExportDoctorMigrate(t *testing.T) {
	config := exportFixture(t)
	db := testdb.Postgres(t)
	appfixture.Op(t, map[string]string{"BETTER_AUTH_SECRET": appSecret, "DATABASE_URL": db}, "migrate", nil, nil)

	d := runCmd(t, "", "doctor", "--config", config, "--database-url", db).expect(t, 0)
	if f := findings(d); len(f) != 0 {
		t.Errorf("doctor --config on Better Auth's database:\n%s", d.stdout)
	}
	if !strings.Contains(d.stdout, "verdict: compatible") {
		t.Errorf("doctor:\n%s", d.stdout)
	}
	if strings.Contains(d.stderr, "warning: config:") && !strings.Contains(d.stderr, "socialProviders") {
		t.Errorf("unexpected config warnings:\n%s", d.stderr)
	}
	without := runCmd(t, "", "doctor", "--plugins", "admin,organization,twoFactor", "--database-url", db).expect(t, 1)
	if !strings.Contains(without.stdout, "user.plan") {
		t.Errorf("doctor without the config does not name user.plan:\n%s", without.stdout)
	}

	t.Setenv("BETTER_AUTH_CONFIG", config)
	runCmd(t, "", "doctor", "--database-url", db).expect(t, 0)
	t.Setenv("BETTER_AUTH_CONFIG", "")

	fresh := testdb.Postgres(t)
	m := runCmd(t, "", "migrate", "--config", config, "--database-url", fresh).expect(t, 0)
	if !strings.Contains(m.stdout, `"plan" text not null`) || !strings.Contains(m.stdout, `create table "teamMember"`) {
		t.Errorf("migrate --config:\n%s", m.stdout)
	}
	runCmd(t, "", "doctor", "--config", config, "--database-url", fresh).expect(t, 0)
	if again := runCmd(t, "", "migrate", "--config", config, "--database-url", fresh).expect(t, 0); !strings.Contains(again.stdout, "schema is up to date") {
		t.Errorf("second migrate:\n%s", again.stdout)
	}

	// user and session commands read the app's fields and tables.
	appfixture.Op(t, map[string]string{"BETTER_AUTH_SECRET": appSecret, "DATABASE_URL": db}, "signUp",
		map[string]any{"name": "Ada", "email": "ada@example.com", "password": "correct horse battery"}, nil)
	list := runCmd(t, "", "user", "list", "--config", config, "--database-url", db).expect(t, 0)
	if !strings.Contains(list.stdout, "ada@example.com") {
		t.Errorf("user list:\n%s", list.stdout)
	}
	rev := runCmd(t, "", "session", "revoke", "--config", config, "--database-url", db, "--user", "ada@example.com").expect(t, 0)
	if !strings.Contains(rev.stdout, "revoked 1 sessions") {
		t.Errorf("session revoke: %s", rev.stdout)
	}
	runCmd(t, "correct horse battery\n", "user", "create", "--config", config, "--database-url", db, "--email", "bob@example.com", "--name", "Bob", "--password-stdin").expect(t, 0)
}

// TestServeConfig: serve --config on the app's database verifies Better
// Auth's "myapp.session_token" (the prefix comes from the config), answers
// with the app's fields, refuses a 9-character password (minPasswordLength
// 10) and sets 30-day cookies under the app's name.
func TestServeConfig(t *testing.T) {
	config := exportFixture(t)
	db := testdb.Postgres(t)
	fixtureEnv := map[string]string{"BETTER_AUTH_SECRET": appSecret, "DATABASE_URL": db, "BETTER_AUTH_URL": appBaseURL}
	appfixture.Op(t, fixtureEnv, "migrate", nil, nil)
	var signUp struct {
		Status    int
		SetCookie []string
	}
	appfixture.Op(t, fixtureEnv, "signUp", map[string]any{"name": "Ada", "email": "ada@example.com", "password": "correct horse battery", "bio": "hi"}, &signUp)
	var cookie string
	for _, line := range signUp.SetCookie {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == appFixtureCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	if signUp.Status != 200 || cookie == "" {
		t.Fatalf("Better Auth's sign-up: %d %q", signUp.Status, signUp.SetCookie)
	}

	t.Setenv("BETTER_AUTH_SECRET", appSecret)
	t.Setenv("BETTER_AUTH_URL", "")
	base, _ := startServe(t, "--config", config, "--database-url", db)

	req, _ := http.NewRequest("GET", base+"/api/auth/get-session", nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var got struct {
		User map[string]any `json:"user"`
	}
	if err := json.Unmarshal(body, &got); err != nil || got.User == nil {
		t.Fatalf("get-session with Better Auth's cookie: %d %s", res.StatusCode, body)
	}
	if got.User["plan"] != "free" || got.User["theme"] != "system" || got.User["notificationsEnabled"] != true || got.User["bio"] != "hi" {
		t.Errorf("user %v", got.User)
	}

	signUpGo := func(password string) *http.Response {
		req, _ := http.NewRequest("POST", base+"/api/auth/sign-up/email", strings.NewReader(`{"name":"Bob","email":"bob@example.com","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", appBaseURL) // the config's base URL is the trusted origin
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	short := signUpGo("123456789")
	b, _ := io.ReadAll(short.Body)
	short.Body.Close()
	if short.StatusCode != 400 || !strings.Contains(string(b), "PASSWORD_TOO_SHORT") {
		t.Errorf("9-character password: %d %s", short.StatusCode, b)
	}
	ok := signUpGo("1234567890")
	b, _ = io.ReadAll(ok.Body)
	ok.Body.Close()
	if ok.StatusCode != 200 {
		t.Fatalf("sign-up: %d %s", ok.StatusCode, b)
	}
	var set string
	for _, line := range ok.Header.Values("Set-Cookie") {
		if strings.HasPrefix(line, appFixtureCookie+"=") {
			set = line
		}
	}
	if !strings.Contains(set, "Max-Age="+appSessionSeconds) {
		t.Errorf("Go's session cookie: %q", ok.Header.Values("Set-Cookie"))
	}
	// The default is written: read back through Go's own cookie. (The
	// sign-up answer itself showing it is the write rules' part.)
	req, _ = http.NewRequest("GET", base+"/api/auth/get-session", nil)
	req.Header.Set("Cookie", strings.SplitN(set, ";", 2)[0])
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"plan":"free"`) || !strings.Contains(string(body), `"email":"bob@example.com"`) {
		t.Errorf("get-session with Go's cookie: %d %s", res.StatusCode, body)
	}
}

// TestConfigErrors: a bad --config is a one-line error naming the flag;
// config export outside an app says what is missing.
func TestConfigErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"something else"}`), 0o644)
	r := runCmd(t, "", "doctor", "--config", bad, "--database-url", "sqlite:"+testdb.SQLite(t)).expect(t, 2)
	if !strings.Contains(r.err.Error(), "--config") || !strings.Contains(r.err.Error(), "betterauth config export") {
		t.Errorf("error %v", r.err)
	}
	r = runCmd(t, "", "doctor", "--config", bad+".missing", "--database-url", "sqlite:"+testdb.SQLite(t)).expect(t, 2)
	if !strings.Contains(r.err.Error(), "no such file") {
		t.Errorf("error %v", r.err)
	}
	r = runCmd(t, "", "config", "export", "--dir", t.TempDir()).expect(t, 2)
	if !strings.Contains(r.err.Error(), "no Better Auth auth file found") {
		t.Errorf("error %v", r.err)
	}
	r = runCmd(t, "", "config").expect(t, 2)
	if !strings.Contains(r.err.Error(), `expected "export"`) {
		t.Errorf("error %v", r.err)
	}
	r = runCmd(t, "", "config", "export", "--dir", t.TempDir(), "--out", "better-auth.json").expect(t, 2)
	if !strings.Contains(r.stderr, "better-auth.json is named like the package") {
		t.Errorf("no shadow warning: %s", r.stderr)
	}
}

// TestGenerateCommand: generate --config writes the typed package (to
// stdout or --out); without a config it says how to get one.
func TestGenerateCommand(t *testing.T) {
	t.Setenv("BETTER_AUTH_CONFIG", "")
	config := filepath.Join("..", "..", "testdata", "appconfig", "fixture.config.json")
	r := runCmd(t, "", "generate", "--config", config, "--package", "authmodels").expect(t, 0)
	if !strings.HasPrefix(r.stdout, "// Code generated by betterauth generate. DO NOT EDIT.\n") || !strings.Contains(r.stdout, "package authmodels\n") || !strings.Contains(r.stdout, "\tStripeCustomerID *string\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	out := filepath.Join(t.TempDir(), "betterauth_gen.go")
	t.Setenv("BETTER_AUTH_CONFIG", config)
	r = runCmd(t, "", "generate", "--out", out).expect(t, 0)
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "package models\n") {
		t.Errorf("--out: %v", err)
	}
	t.Setenv("BETTER_AUTH_CONFIG", "")
	r = runCmd(t, "", "generate").expect(t, 2)
	if !strings.Contains(r.err.Error(), "--config FILE is required") {
		t.Errorf("error %v", r.err)
	}
	r = runCmd(t, "", "generate", "--config", config, "--package", "go").expect(t, 2)
	if !strings.Contains(r.err.Error(), "not a Go identifier") {
		t.Errorf("error %v", r.err)
	}
}
