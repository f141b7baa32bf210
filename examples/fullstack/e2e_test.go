// Package fullstack holds the end-to-end test of the example in this
// directory: a page signed in by the real Better Auth (Node, PostgreSQL)
// calling `betterauth serve` on another origin, driven in headless Chromium.
// See README.md for running it by hand.
package fullstack

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

const (
	// npmTimeout bounds `npm ci` on a cold cache.
	npmTimeout = 10 * time.Minute
	// buildTimeout bounds `go build ./cmd/betterauth` on a cold cache.
	buildTimeout = 5 * time.Minute
	// startTimeout bounds a server's start, migrations included.
	startTimeout = time.Minute
	// browserTimeout bounds the whole browser run (e2e.mjs).
	browserTimeout = 3 * time.Minute
	// stampName is the file in node_modules recording what was installed.
	stampName = ".fullstack-stamp"
)

// steps are e2e.mjs's steps, in order; each leaves a screenshot.
var steps = []string{
	"signed-out", "signed-up", "go-me", "signed-in-again", "go-sessions",
	"go-revoked-other", "go-revoked-current", "signed-in", "signed-out-frontend", "go-me-401",
}

func TestFullstack(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the browser end-to-end test in -short mode")
	}
	start := time.Now()
	chromium := chromiumPath(t)
	goBin := lookPath(t, "go", "to build cmd/betterauth")
	lookPath(t, "node", "to run Better Auth and Playwright")
	lookPath(t, "npm", "to install the example's packages")
	dir, err := os.Getwd() // go test runs in the package directory
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found next to %s: %v", dir, err)
	}
	declareInputs(t, root, dir)
	ensureNodeModules(t, dir)
	databaseURL := testdb.Postgres(t)
	secret := randomSecret(t)
	bin := buildServer(t, goBin, root)

	// Better Auth owns the schema: it migrates first, and the Go server
	// only checks it (no --migrate), as next to a real Better Auth app.
	base := append(cleanEnv(), "DATABASE_URL="+databaseURL, "BETTER_AUTH_SECRET="+secret)
	migrate := exec.Command("node", "authserver.mjs", "migrate")
	migrate.Dir, migrate.Env = dir, base
	if out, err := runWithTimeout(migrate, startTimeout); err != nil {
		t.Fatalf("node authserver.mjs migrate: %v\n%s", err, out)
	}

	// The page's origin is known before either server starts: the test
	// holds its listening socket and hands it to Node, so there is no race
	// for the port and the Go server can be told its trusted origin.
	appListener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer appListener.Close()
	appURL := fmt.Sprintf("http://localhost:%d", appListener.Addr().(*net.TCPAddr).Port)

	goServer := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--trusted-origins", appURL)
	goServer.Dir = t.TempDir()
	goServer.Env = append(slices.Clone(base), "BETTER_AUTH_URL="+appURL)
	line := batest.StartProcess(t, "betterauth serve", goServer, "betterauth: listening on http://", startTimeout)
	apiPort := line[strings.LastIndex(line, ":")+1:]
	apiURL := "http://localhost:" + apiPort

	appFile, err := appListener.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	authServer := exec.Command("node", "authserver.mjs")
	authServer.Dir = dir
	authServer.ExtraFiles = []*os.File{appFile} // fd 3
	authServer.Env = append(slices.Clone(base),
		"BETTER_AUTH_URL="+appURL, "LISTEN_FD=3", "API_URL="+apiURL, "EXIT_WITH_STDIN=1")
	batest.StartProcess(t, "authserver.mjs", authServer, "LISTENING ", startTimeout)
	appFile.Close()
	appListener.Close()
	t.Logf("servers up after %s: page and Better Auth at %s, Go API at %s", time.Since(start).Round(time.Millisecond), appURL, apiURL)

	t.Run("CORS", func(t *testing.T) { testCORS(t, appURL, apiURL) })

	t.Run("Browser", func(t *testing.T) {
		out := outputDir(t)
		t.Logf("screenshots: %s", out)
		e2e := exec.Command("node", "e2e.mjs", appURL, apiURL, out)
		e2e.Dir = dir
		e2e.Env = append(cleanEnv(), "CHROMIUM="+chromium,
			fmt.Sprintf("E2E_TIMEOUT_MS=%d", (browserTimeout-10*time.Second).Milliseconds()))
		var stdout, stderr bytes.Buffer
		e2e.Stdout, e2e.Stderr = &stdout, &stderr
		browserStart := time.Now()
		runErr := run(e2e, browserTimeout)
		t.Logf("browser run took %s", time.Since(browserStart).Round(time.Millisecond))
		var res e2eResult
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatalf("e2e.mjs: %v; its output is not one JSON document (%v):\n%s\nstderr:\n%s", runErr, err, stdout.String(), tail(stderr.String(), 8000))
		}
		for _, s := range res.Steps {
			if s.OK {
				t.Logf("step %-20s ok   %5d ms  %s", s.Name, s.MS, filepath.Base(s.Screenshot))
			} else {
				t.Errorf("step %s failed: %s (screenshot %s)", s.Name, s.Error, s.Screenshot)
			}
		}
		if !res.OK || runErr != nil {
			t.Fatalf("e2e.mjs failed: %s (exit: %v)\nstderr:\n%s", res.Error, runErr, tail(stderr.String(), 8000))
		}
		var names []string
		for _, s := range res.Steps {
			names = append(names, s.Name)
			if _, err := os.Stat(s.Screenshot); err != nil {
				t.Errorf("step %s: no screenshot: %v", s.Name, err)
			}
		}
		if !slices.Equal(names, steps) {
			t.Errorf("steps = %v, want %v", names, steps)
		}

		// Better Auth's cookie is host-only on localhost and reaches the
		// Go API on the other port.
		if c := res.Cookies.AfterSignUp; c == nil || c.Name != "better-auth.session_token" || c.Domain != "localhost" || !c.HTTPOnly || c.SameSite != "Lax" {
			t.Errorf("session cookie after sign-up = %+v, want better-auth.session_token, host-only on localhost, HttpOnly, SameSite=Lax", c)
		}
		if c := res.Cookies.AfterSignOut; c != nil {
			t.Errorf("session cookie after sign-out = %+v, want none", c)
		}

		// Every Go API response the page read carried the exact origin
		// with credentials, never "*".
		if len(res.APIResponses) < 8 {
			t.Errorf("the page read %d Go API responses, want at least 8: %+v", len(res.APIResponses), res.APIResponses)
		}
		for _, r := range res.APIResponses {
			if r.AllowOrigin != appURL || r.AllowCredentials != "true" || !hasToken(r.Vary, "Origin") {
				t.Errorf("%s %s → %d: Access-Control-Allow-Origin %q, -Allow-Credentials %q, Vary %q; want %q, \"true\", Origin",
					r.Method, r.Path, r.Status, r.AllowOrigin, r.AllowCredentials, r.Vary, appURL)
			}
		}
	})
	t.Logf("total %s", time.Since(start).Round(time.Millisecond))
}

// e2eResult is e2e.mjs's output.
type e2eResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Email string `json:"email"`
	Steps []struct {
		Name       string `json:"name"`
		OK         bool   `json:"ok"`
		MS         int64  `json:"ms"`
		Screenshot string `json:"screenshot"`
		Error      string `json:"error"`
	} `json:"steps"`
	APIResponses []struct {
		Method           string `json:"method"`
		Path             string `json:"path"`
		Status           int    `json:"status"`
		AllowOrigin      string `json:"allowOrigin"`
		AllowCredentials string `json:"allowCredentials"`
		Vary             string `json:"vary"`
	} `json:"apiResponses"`
	Cookies struct {
		AfterSignUp  *cookieInfo `json:"afterSignUp"`
		AfterRevoke  *cookieInfo `json:"afterRevoke"`
		AfterSignOut *cookieInfo `json:"afterSignOut"`
	} `json:"cookies"`
}

type cookieInfo struct {
	Name     string `json:"name"`
	Domain   string `json:"domain"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite"`
}

// testCORS checks the Go API's CORS and origin checks as a browser on the
// page's origin, and on another origin, would meet them.
func testCORS(t *testing.T, appURL, apiURL string) {
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, url, origin string, header http.Header) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header[k] = v
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}

	t.Run("PreflightTrusted", func(t *testing.T) {
		res := do("OPTIONS", apiURL+"/api/me/sessions/some-id", appURL, http.Header{
			"Access-Control-Request-Method":  {"DELETE"},
			"Access-Control-Request-Headers": {"content-type"},
		})
		h := res.Header
		if res.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != appURL ||
			h.Get("Access-Control-Allow-Credentials") != "true" || h.Get("Access-Control-Max-Age") != "600" ||
			!hasToken(h.Get("Access-Control-Allow-Methods"), "DELETE") || !hasToken(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("preflight from %s: %d %v; want 204 echoing the origin with credentials, DELETE allowed, Max-Age 600, Vary: Origin", appURL, res.StatusCode, h)
		}
	})

	t.Run("UntrustedOriginGetsNoCORS", func(t *testing.T) {
		res := do("GET", apiURL+"/api/me", "http://evil.example", nil)
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("Access-Control-Allow-Origin for an untrusted origin = %q, want none", got)
		}
		if !hasToken(strings.Join(res.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("Vary = %q, want Origin (responses differ by origin)", res.Header.Values("Vary"))
		}
	})

	// A Better Auth session cookie works on the Go API; a state-changing
	// request carrying it from an untrusted origin is refused (CSRF).
	t.Run("UntrustedOriginCannotRevoke", func(t *testing.T) {
		body := `{"name":"Csrf Probe","email":"csrf-probe@example.com","password":"correct horse battery staple"}`
		req, err := http.NewRequest("POST", appURL+"/api/auth/sign-up/email", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", appURL)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "better-auth.session_token" {
				cookie = c
			}
		}
		if res.StatusCode != 200 || cookie == nil {
			t.Fatalf("sign-up on Better Auth: %d, session cookie %v", res.StatusCode, cookie)
		}
		header := http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}
		if res := do("GET", apiURL+"/api/me", "", header); res.StatusCode != 200 {
			t.Fatalf("GET /api/me with Better Auth's cookie: %d, want 200", res.StatusCode)
		}
		if res := do("DELETE", apiURL+"/api/me/sessions/any", "http://evil.example", header); res.StatusCode != http.StatusForbidden {
			t.Errorf("DELETE from an untrusted origin: %d, want 403", res.StatusCode)
		}
	})
}

// declareInputs opens the files the servers and the browser run are built
// from. go test caches a passing result keyed on the files the test opens;
// it cannot see what the subprocesses read, so without this a change to
// the Go server or to the page would replay a stale "ok".
func declareInputs(t *testing.T, root, dir string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root && path != dir {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		ext := filepath.Ext(name)
		source := ext == ".go" && !strings.HasSuffix(name, "_test.go") || name == "go.mod" || name == "go.sum"
		example := strings.HasPrefix(path, dir+string(filepath.Separator)) && (ext == ".mjs" || ext == ".js" || ext == ".html" || ext == ".json")
		if !source && !example {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		return f.Close()
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
}

// chromiumPath finds Debian's Chromium: $CHROMIUM, chromium on PATH, or
// /usr/bin/chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			testdb.Unavailable(t, "CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	testdb.Unavailable(t, "chromium not found (apt-get install chromium, or set CHROMIUM); the browser test uses the system's Chromium and downloads none")
	return ""
}

func lookPath(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testdb.Unavailable(t, "%s not found on PATH (needed %s): %v", name, why, err)
	}
	return p
}

// cleanEnv is the test's environment without the settings the servers get
// explicitly, so that a developer's shell cannot change what is tested.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "DATABASE_URL" || name == "AUTH_SECRET" || name == "NODE_ENV" || name == "PORT" || name == "HOST" ||
			name == "API_URL" || name == "COOKIE_DOMAIN" || name == "LISTEN_FD" || strings.HasPrefix(name, "BETTER_AUTH_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func randomSecret(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// outputDir is $BETTERAUTH_E2E_OUT when set (kept), else the test's
// artifact directory (kept under -outputdir with go test -artifacts,
// removed after the test otherwise).
func outputDir(t *testing.T) string {
	dir := os.Getenv("BETTERAUTH_E2E_OUT")
	if dir == "" {
		return t.ArtifactDir()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func buildServer(t *testing.T, goBin, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "betterauth")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/betterauth")
	cmd.Dir = root
	start := time.Now()
	if out, err := runWithTimeout(cmd, buildTimeout); err != nil {
		t.Fatalf("go build ./cmd/betterauth: %v\n%s", err, out)
	}
	t.Logf("go build ./cmd/betterauth took %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// ensureNodeModules runs `npm ci` when node_modules is missing or was
// installed from another package-lock.json or Node version, holding an
// exclusive lock so that concurrent test processes install once.
func ensureNodeModules(t *testing.T, dir string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	version, err := exec.Command("node", "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	sum := sha256.Sum256(lock)
	want := "package-lock.json sha256 " + hex.EncodeToString(sum[:]) + "\nnode " + strings.TrimSpace(string(version)) + "\n"
	stamp := filepath.Join(dir, "node_modules", stampName)
	if current(stamp, want) {
		return
	}
	unlock, err := lockFile(filepath.Join(os.TempDir(), "betterauth-fullstack-npm.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if current(stamp, want) { // installed by another process while we waited
		return
	}
	start := time.Now()
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := runWithTimeout(cmd, npmTimeout); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, tail(string(out), 4000))
	}
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("npm ci in %s took %s", dir, time.Since(start).Round(time.Millisecond))
}

func current(stamp, want string) bool {
	got, err := os.ReadFile(stamp)
	return err == nil && string(got) == want
}

// lockFile takes an exclusive flock on path, blocking until it is free.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("flock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

// run runs cmd, killing it after timeout.
func run(cmd *exec.Cmd, timeout time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	timer := time.AfterFunc(timeout, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		return fmt.Errorf("killed after %s: %v", timeout, err)
	}
	return err
}

// runWithTimeout runs cmd and returns its combined output.
func runWithTimeout(cmd *exec.Cmd, timeout time.Duration) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := run(cmd, timeout)
	return out.Bytes(), err
}

// hasToken reports whether a comma-separated header value lists token.
func hasToken(list, token string) bool {
	for _, v := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(v), token) {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
