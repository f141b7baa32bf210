package batest

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/internal/testdb"
)

const testSecret = "batest-secret-0123456789abcdefghijklmnop"

func TestSignUpGetSessionSQLite(t *testing.T) {
	testSignUpGetSession(t, "sqlite", testdb.SQLite(t))
}

func TestSignUpGetSessionPostgres(t *testing.T) {
	testSignUpGetSession(t, "postgres", testdb.Postgres(t))
}

func TestSignUpGetSessionMySQL(t *testing.T) {
	testSignUpGetSession(t, "mysql", testdb.MySQL(t))
}

func testSignUpGetSession(t *testing.T, dialect, url string) {
	h := Start(t, Config{Dialect: dialect, URL: url, Secret: testSecret})

	var mig struct{ SQL string }
	h.MustCall(t, "migrate", nil, &mig)
	if !strings.Contains(mig.SQL, "create table") {
		t.Fatalf("migrate ran no create table: %q", mig.SQL)
	}

	r := h.Request(t, http.MethodPost, "/api/auth/sign-up/email", nil, map[string]any{
		"email": "Alice@Example.com", "password": "correct horse battery", "name": "Alice",
	})
	if r.Status != http.StatusOK {
		t.Fatalf("sign-up: status %d: %s", r.Status, r.Text)
	}
	var signUp struct {
		Token string `json:"token"`
		User  struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"user"`
	}
	if err := r.Decode(&signUp); err != nil {
		t.Fatal(err)
	}
	if signUp.User.Email != "alice@example.com" || signUp.Token == "" {
		t.Fatalf("sign-up body: %s", r.Text)
	}
	if ct := r.Headers["content-type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content-type %q", ct)
	}

	// The session cookie is "<token>.<signature>", URL-encoded, and
	// signCookie must reproduce it exactly.
	var sessionCookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == "better-auth.session_token" {
			sessionCookie = c
		}
	}
	if sessionCookie == nil {
		t.Fatalf("no session cookie in %q", r.SetCookie)
	}
	var signed struct{ Cookie string }
	h.MustCall(t, "signCookie", map[string]any{"value": signUp.Token}, &signed)
	if signed.Cookie != sessionCookie.Value {
		t.Errorf("signCookie = %q, Set-Cookie value %q", signed.Cookie, sessionCookie.Value)
	}

	g := h.Request(t, http.MethodGet, "/api/auth/get-session", map[string]string{"cookie": CookieHeader(r.SetCookie)}, nil)
	if g.Status != http.StatusOK {
		t.Fatalf("get-session: status %d: %s", g.Status, g.Text)
	}
	var sess struct {
		Session struct {
			Token  string `json:"token"`
			UserID string `json:"userId"`
		} `json:"session"`
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}
	if err := g.Decode(&sess); err != nil {
		t.Fatal(err)
	}
	if sess.User.Email != "alice@example.com" || sess.Session.Token != signUp.Token || sess.Session.UserID != signUp.User.ID {
		t.Fatalf("get-session body: %s", g.Text)
	}

	// Without a cookie there is no session: 200 with a JSON null body.
	n := h.Request(t, http.MethodGet, "/api/auth/get-session", nil, nil)
	if n.Status != http.StatusOK || string(n.Body) != "null" {
		t.Errorf("anonymous get-session: %d %q", n.Status, n.Text)
	}

	// internal and adapter ops reach the same database.
	var found struct {
		User struct{ ID string } `json:"user"`
	}
	h.MustCall(t, "internal", map[string]any{"method": "findUserByEmail", "args": []any{"alice@example.com"}}, &found)
	if found.User.ID != signUp.User.ID {
		t.Errorf("findUserByEmail: %+v", found)
	}
	var sessions []map[string]any
	h.MustCall(t, "adapter", map[string]any{"method": "findMany", "args": map[string]any{"model": "session"}}, &sessions)
	if len(sessions) != 1 || sessions[0]["token"] != signUp.Token {
		t.Errorf("adapter findMany session: %v", sessions)
	}
}

func TestPasswordRoundTrip(t *testing.T) {
	h := Start(t, Config{Dialect: "sqlite", URL: testdb.SQLite(t), Secret: testSecret})
	var hashed struct{ Hash string }
	h.MustCall(t, "hashPassword", map[string]any{"password": "s3cret pässword"}, &hashed)
	// salt (16 bytes hex) ":" key (64 bytes hex)
	if salt, key, ok := strings.Cut(hashed.Hash, ":"); !ok || len(salt) != 32 || len(key) != 128 {
		t.Fatalf("hash format: %q", hashed.Hash)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{{"s3cret pässword", true}, {"s3cret password", false}} {
		var v struct{ OK bool }
		h.MustCall(t, "verifyPassword", map[string]any{"hash": hashed.Hash, "password": tc.password}, &v)
		if v.OK != tc.want {
			t.Errorf("verifyPassword(%q) = %v, want %v", tc.password, v.OK, tc.want)
		}
	}
}

func TestErrorsAreReported(t *testing.T) {
	h := Start(t, Config{Dialect: "sqlite", URL: testdb.SQLite(t), Secret: testSecret})
	err := h.Call("noSuchOp", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "noSuchOp") || !strings.Contains(err.Error(), "unknown op") {
		t.Fatalf("unknown op: %v", err)
	}
	err = h.Call("internal", map[string]any{"method": "noSuchMethod"}, nil)
	if err == nil || !strings.Contains(err.Error(), "noSuchMethod") {
		t.Fatalf("unknown internal method: %v", err)
	}
	// The harness survives errors.
	var hashed struct{ Hash string }
	h.MustCall(t, "hashPassword", map[string]any{"password": "x"}, &hashed)
	if hashed.Hash == "" {
		t.Fatal("empty hash")
	}
}

func TestConfigMarshal(t *testing.T) {
	b, err := json.Marshal(Config{
		Dialect: "sqlite", URL: "x.db", Secret: "s",
		CookieCache: &CookieCache{Strategy: "jwe", MaxAge: 300},
		Extra:       map[string]any{"rateLimit": true, "secret": "override"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["rateLimit"] != true || m["secret"] != "override" || m["dialect"] != "sqlite" ||
		m["cookieCache"].(map[string]any)["strategy"] != "jwe" {
		t.Fatalf("marshal: %s", b)
	}
	b, _ = json.Marshal(Config{Dialect: "sqlite"})
	if !strings.Contains(string(b), `"cookieCache":null`) {
		t.Fatalf("nil cookieCache: %s", b)
	}
}

func TestCookieHeader(t *testing.T) {
	got := CookieHeader(
		[]string{"a=1; Path=/", "b=2; Path=/"},
		[]string{"a=3; Path=/", "b=; Max-Age=0; Path=/"},
	)
	if got != "a=3" {
		t.Fatalf("CookieHeader = %q", got)
	}
}

// TestPrepareVersion: a version lane is the pinned harness's scripts and
// package.json with better-auth replaced, in its own directory; names
// that are not npm versions are refused.
func TestPrepareVersion(t *testing.T) {
	t.Setenv(VersionDirEnv, t.TempDir())
	if err := PrepareVersion("1.7.x"); err != nil {
		t.Fatal(err)
	}
	dir := VersionDir("1.7.x")
	if dir == PinnedDir() || !strings.HasPrefix(dir, os.Getenv(VersionDirEnv)) {
		t.Fatalf("lane directory %s", dir)
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Dependencies map[string]string }
	if err := json.Unmarshal(b, &pkg); err != nil || pkg.Dependencies["better-auth"] != "1.7.x" || pkg.Dependencies["pg"] == "" {
		t.Errorf("package.json: %s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "harness.mjs")); err != nil {
		t.Errorf("harness.mjs not copied: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err == nil {
		t.Error("the pinned lock was copied: npm would install the pinned version")
	}
	t.Setenv(VersionEnv, "1.7.x")
	if Dir() != dir {
		t.Errorf("Dir() = %s with %s set", Dir(), VersionEnv)
	}
	for _, bad := range []string{"../../etc", "1.7.25; rm -rf /", "", "file:../x", "github:user/repo"} {
		if err := PrepareVersion(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
