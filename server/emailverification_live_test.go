package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
)

// TestEmailVerificationCrossServer: Better Auth and the Go server share a
// database and a secret; a verification link minted by one verifies the
// user on the other, and both refuse a bad token alike.
func TestEmailVerificationCrossServer(t *testing.T) {
	dbPath := testdb.SQLite(t)
	mailFile := filepath.Join(t.TempDir(), "mail.jsonl")
	baURL := batest.StartAuthServer(t, batest.AuthServerConfig{DB: dbPath, Secret: compatSecret, ResetFile: mailFile,
		StartTimeout: compatTimeout, EmailVerification: map[string]any{"sendOnSignUp": true}})

	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}})
	if err != nil {
		t.Fatal(err)
	}
	goMail := &captureMailer{}
	srv := httptest.NewUnstartedServer(nil)
	goURL := "http://" + srv.Listener.Addr().String()
	s, err := server.New(server.Config{Store: st, Secrets: []ba.Secret{{Value: compatSecret}}, BaseURL: goURL, Mailer: goMail,
		EmailVerification: server.EmailVerificationConfig{Enabled: true, SendOnSignUp: ptr(true)},
		Log:               slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)

	post := func(base, path string, body map[string]any) *http.Response {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", base)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	get := func(rawURL string) (int, string, string) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := hc.Get(rawURL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Location"), string(b)
	}
	verified := func(email string) bool {
		t.Helper()
		u, err := st.GetUserByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		return u.EmailVerified
	}

	// Better Auth mints; Go verifies.
	if r := post(baURL, "/api/auth/sign-up/email", map[string]any{"email": "from-ba@example.com", "password": "password12345", "name": "B"}); r.StatusCode != 200 {
		t.Fatalf("Better Auth sign-up: %d", r.StatusCode)
	}
	raw, err := os.ReadFile(mailFile)
	if err != nil {
		t.Fatal(err)
	}
	var baMail struct{ Kind, Email, URL, Token string }
	if err := json.Unmarshal([]byte(strings.SplitN(string(raw), "\n", 2)[0]), &baMail); err != nil || baMail.Kind != "email-verification" {
		t.Fatalf("Better Auth's email: %v %q", err, baMail.Kind)
	}
	if verified("from-ba@example.com") {
		t.Fatal("verified before the link was opened")
	}
	// Both answer a bad token the same way.
	for _, base := range []string{baURL, goURL} {
		code, _, body := get(base + "/api/auth/verify-email?token=" + baMail.Token + "x")
		if code != 401 || !strings.Contains(body, `"code":"INVALID_TOKEN"`) {
			t.Fatalf("%s bad token: %d %s", base, code, body)
		}
		code, loc, _ := get(base + "/api/auth/verify-email?token=nope&callbackURL=%2Fdone")
		if code != 302 || loc != "/done?error=INVALID_TOKEN" {
			t.Fatalf("%s bad token with callback: %d %q", base, code, loc)
		}
	}
	code, loc, _ := get(goURL + "/api/auth/verify-email?token=" + url.QueryEscape(baMail.Token) + "&callbackURL=%2Fhome")
	if code != 302 || loc != "/home" || !verified("from-ba@example.com") {
		t.Fatalf("Go opening Better Auth's link: %d %q verified=%v", code, loc, verified("from-ba@example.com"))
	}

	// Go mints; Better Auth verifies.
	if r := post(goURL, "/api/auth/sign-up/email", map[string]any{"email": "from-go@example.com", "password": "password12345", "name": "G"}); r.StatusCode != 200 {
		t.Fatalf("Go sign-up: %d", r.StatusCode)
	}
	goMail.mu.Lock()
	goToken, n := goMail.last.Token, goMail.n
	goMail.mu.Unlock()
	if n != 1 {
		t.Fatalf("Go sent %d emails on sign-up", n)
	}
	code, _, body := get(baURL + "/api/auth/verify-email?token=" + url.QueryEscape(goToken))
	if code != 200 || body != `{"status":true,"user":null}` || !verified("from-go@example.com") {
		t.Fatalf("Better Auth opening Go's link: %d %s verified=%v", code, body, verified("from-go@example.com"))
	}
}

func ptr[T any](v T) *T { return &v }
