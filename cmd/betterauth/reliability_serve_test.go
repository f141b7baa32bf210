package main

// Reliability and security of `betterauth serve` as run: size limits with
// clear 413/431 answers, secret handling, and logs without secrets.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServeLogged is startServe that keeps stderr (the logs).
func startServeLogged(t *testing.T, args ...string) (base string, logs *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, logs)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if _, addr, ok := strings.Cut(lines.Text(), "listening on "); ok {
			base = addr
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %v\n%s", <-done, logs)
	}
	go io.Copy(io.Discard, pr)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve exited with %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("serve did not shut down")
			}
		})
	}
	t.Cleanup(stop)
	return base, logs, stop
}

// rawStatus writes a raw request and returns the status line's code.
func rawStatus(t *testing.T, base string, req string) (int, string) {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	go func() { _, _ = io.WriteString(c, req) }()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	return res.StatusCode, string(b)
}

// Bodies over 1 MiB get 413 and header blocks over 16 KiB 431, each with a
// clear answer; 8 KB headers are served normally.
func TestServeSizeLimits(t *testing.T) {
	t.Chdir(t.TempDir())
	clearAuthEnv(t)
	t.Setenv("BETTER_AUTH_SECRET", strings.Repeat("l", 40))
	base, _, _ := startServeLogged(t)
	host := strings.TrimPrefix(base, "http://")

	big := `{"email":"a@b.co","password":"` + strings.Repeat("p", 1<<20) + `"}`
	status, body := rawStatus(t, base, "POST /api/auth/sign-in/email HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/json\r\nContent-Length: "+itoa(len(big))+"\r\nConnection: close\r\n\r\n"+big)
	if status != 413 || !strings.Contains(body, "PAYLOAD_TOO_LARGE") {
		t.Errorf("1 MiB body: %d %.200s, want 413 PAYLOAD_TOO_LARGE", status, body)
	}
	// A chunked body without a length is cut at the same limit.
	chunked := "POST /api/auth/sign-up/email HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	for i := 0; i < 20; i++ {
		chunked += "10000\r\n" + strings.Repeat(" ", 0x10000) + "\r\n"
	}
	chunked += "0\r\n\r\n"
	if status, body := rawStatus(t, base, chunked); status != 413 {
		t.Errorf("chunked 1.3 MiB body: %d %.200s, want 413", status, body)
	}

	for _, c := range []struct {
		name    string
		headers string
		want    int
	}{
		{"8KBHeader", "X-Junk: " + strings.Repeat("j", 8<<10) + "\r\n", 200},
		{"8KBCookie", "Cookie: better-auth.session_token=" + strings.Repeat("c", 8<<10) + "\r\n", 200},
		{"32KBHeader", "X-Junk: " + strings.Repeat("j", 32<<10) + "\r\n", 431},
		{"ManyHeaders", strings.Repeat("X-Many: "+strings.Repeat("m", 100)+"\r\n", 300), 431},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := rawStatus(t, base, "GET /api/auth/get-session HTTP/1.1\r\nHost: "+host+"\r\n"+c.headers+"Connection: close\r\n\r\n")
			if status != c.want {
				t.Errorf("%d %.200s, want %d", status, body, c.want)
			}
		})
	}
	// Still serving.
	r, err := http.Get(base + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz after the limits: %v %v", r, err)
	}
	r.Body.Close()
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Better Auth's well-known default secret is refused wherever it comes
// from; a short secret is refused in production and warned about
// otherwise; the embedded default's generated secret is random and long.
func TestServeSecretRules(t *testing.T) {
	long := strings.Repeat("s", 40)
	refuse := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"DefaultInSecrets", map[string]string{"BETTER_AUTH_SECRETS": "2:" + long + ",1:" + ba.DefaultSecret}, "default secret"},
		{"DefaultAsAuthSecret", map[string]string{"AUTH_SECRET": ba.DefaultSecret}, "default secret"},
		{"DefaultInProduction", map[string]string{"BETTER_AUTH_SECRET": ba.DefaultSecret, "NODE_ENV": "production"}, "default secret"},
		{"ShortInProduction", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("x", 31), "NODE_ENV": "production"}, "shorter than 32"},
		{"ShortOldSecretInProduction", map[string]string{"BETTER_AUTH_SECRETS": "2:" + long + ",1:short", "NODE_ENV": "production"}, "shorter than 32"},
	}
	for _, c := range refuse {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			clearAuthEnv(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			var out syncBuffer
			err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &out)
			if err == nil || !strings.Contains(err.Error(), c.want) || exitStatus(err) != 2 {
				t.Fatalf("got %v (status %d), want a refusal containing %q", err, exitStatus(err), c.want)
			}
			for _, v := range c.env {
				if len(v) >= 20 && strings.Contains(err.Error()+out.String(), v) {
					t.Fatal("the refusal repeats the secret")
				}
			}
		})
	}

	t.Run("ShortWarnsInDevelopment", func(t *testing.T) {
		t.Chdir(t.TempDir())
		clearAuthEnv(t)
		t.Setenv("BETTER_AUTH_SECRET", "short-dev-secret")
		_, logs, stop := startServeLogged(t)
		stop()
		if !strings.Contains(logs.String(), "shorter than 32") {
			t.Fatalf("no warning for a short secret:\n%s", logs)
		}
		if strings.Contains(logs.String(), "short-dev-secret") {
			t.Fatal("the warning repeats the secret")
		}
	})

	t.Run("GeneratedSecret", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		clearAuthEnv(t)
		_, logs, stop := startServeLogged(t)
		stop()
		b, err := os.ReadFile(filepath.Join(dir, "betterauth.db.secret"))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.TrimSpace(string(b))
		if len(s) < 32 || s == ba.DefaultSecret {
			t.Fatalf("generated secret %d characters", len(s))
		}
		if strings.Contains(logs.String(), s) {
			t.Fatal("the generated secret is in the logs")
		}
	})

	// A kept secret file holding Better Auth's default secret (38
	// characters, so its length check passes) is refused too.
	t.Run("DefaultInGeneratedSecretFile", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		clearAuthEnv(t)
		if err := os.WriteFile(filepath.Join(dir, "betterauth.db.secret"), []byte(ba.DefaultSecret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "default secret") {
			t.Fatalf("serve with the default secret in betterauth.db.secret: %v, want a refusal", err)
		}
	})
}

// A full run of `serve --log-format json` on PostgreSQL (URL with a
// password), then a scan of everything it logged for the secrets it saw.
func TestServeLogsHoldNoSecrets(t *testing.T) {
	raw := testdb.Postgres(t)
	u, _ := url.Parse(raw)
	const dbPassword = "hunter2-database-password"
	u.User = url.UserPassword(u.User.Username(), dbPassword) // trust auth ignores it; the logs must too
	t.Chdir(t.TempDir())
	clearAuthEnv(t)
	const secret = "serve-log-scan-secret-0123456789abcdef"
	t.Setenv("DATABASE_URL", u.String())
	t.Setenv("BETTER_AUTH_SECRET", secret)
	base, logs, stop := startServeLogged(t, "--log-format", "json", "--migrate", "--plugins", "bearer", "--cookie-cache", "jwe")

	const password, newPassword = "hunter2-user-password", "hunter2-user-password-new"
	seen := map[string]string{"db password": dbPassword, "secret": secret, "password": password, "new password": newPassword}
	hc := &http.Client{Timeout: time.Minute}
	do := func(label, method, path, body string, header http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Origin", base)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, c := range res.Cookies() {
			if len(c.Value) > 8 {
				seen[label+" cookie "+c.Name] = c.Value
				if d, err := url.QueryUnescape(c.Value); err == nil {
					seen[label+" cookie (decoded) "+c.Name] = d
				}
			}
		}
		if v := res.Header.Get("set-auth-token"); v != "" {
			seen[label+" set-auth-token"] = v
		}
		var tok struct{ Token string }
		if json.Unmarshal(b, &tok) == nil && tok.Token != "" {
			seen[label+" token"] = tok.Token
		}
		return res
	}
	if r := do("sign-up", "POST", "/api/auth/sign-up/email", `{"email":"scan@example.com","password":"`+password+`","name":"S"}`, nil); r.StatusCode != 200 {
		t.Fatalf("sign-up: %d", r.StatusCode)
	}
	do("bad sign-in", "POST", "/api/auth/sign-in/email", `{"email":"scan@example.com","password":"hunter2-wrong-password"}`, nil)
	in := do("sign-in", "POST", "/api/auth/sign-in/email", `{"email":"scan@example.com","password":"`+password+`"}`, nil)
	var cookies []string
	for _, c := range in.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	session := http.Header{"Cookie": {strings.Join(cookies, "; ")}}
	do("get-session", "GET", "/api/auth/get-session", "", session)
	do("me", "GET", "/api/me", "", http.Header{"Authorization": {"Bearer " + in.Header.Get("set-auth-token")}})
	do("change", "POST", "/api/auth/change-password", `{"currentPassword":"`+password+`","newPassword":"`+newPassword+`"}`, session)
	do("reset", "POST", "/api/auth/request-password-reset", `{"email":"scan@example.com"}`, nil)
	do("sign-out", "POST", "/api/auth/sign-out", "{}", session)
	stop()

	text := logs.String()
	if !strings.Contains(text, `"msg":"request"`) {
		t.Fatalf("no request logs:\n%s", text)
	}
	for label, v := range seen {
		if len(v) >= 8 && strings.Contains(text, v) {
			t.Errorf("serve's logs contain the %s", label)
		}
	}
}
