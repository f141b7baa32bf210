package batest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/testdb"
)

const (
	// callTimeout bounds one request/response round trip.
	callTimeout = 60 * time.Second
	// closeTimeout is how long the cleanup waits for node to exit after
	// "close" before killing it.
	closeTimeout = 5 * time.Second
	// npmTimeout bounds `npm ci` (a cold install compiles better-sqlite3).
	npmTimeout = 15 * time.Minute
	// stampName is the file in node_modules recording what was installed.
	stampName = ".batest-stamp"
)

// ensureMu/ensureDone make Ensure cheap after its first success in a
// process, per directory.
var (
	ensureMu   sync.Mutex
	ensureDone = map[string]bool{}
)

// Dir returns the directory of the Node harness package (the "harness"
// directory next to this source file), or, with BETTERAUTH_BA_VERSION
// set, the directory of that version's harness (see VersionDir).
func Dir() string {
	if v := os.Getenv(VersionEnv); v != "" {
		return VersionDir(v)
	}
	return PinnedDir()
}

// PinnedDir is the harness with the pinned better-auth (package-lock.json).
func PinnedDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("batest: runtime.Caller failed")
	}
	return filepath.Join(filepath.Dir(file), "harness")
}

// Ensure makes sure the harness's node_modules is installed and current,
// and returns the harness directory (Dir).
//
// When node or npm is not on PATH it calls testdb.Unavailable (a skip
// outside CI, a failure in CI). When node_modules is missing or stale it
// runs `npm ci --no-audit --no-fund` in the harness directory while holding
// an exclusive lock (flock on a file in os.TempDir()), because test binaries
// of several packages may call Ensure at the same time. node_modules is
// stale when its stamp file does not match the sha256 of package-lock.json
// and the node version (better-sqlite3 is a native module built for one
// Node ABI).
//
// With BETTERAUTH_BA_VERSION set, the harness of that version is prepared
// beside the pinned one first (PrepareVersion) and installed the same way.
func Ensure(tb testing.TB) string {
	tb.Helper()
	dir := Dir()
	if v := os.Getenv(VersionEnv); v != "" {
		if err := PrepareVersion(v); err != nil {
			tb.Fatalf("batest: %s=%s: %v", VersionEnv, v, err)
		}
	}
	return EnsureDir(tb, dir)
}

// EnsureDir makes sure dir's node_modules is installed and current, as
// Ensure does for the harness, and returns dir: `npm ci` when dir has a
// package-lock.json (stamped with its sha256), else `npm install` (stamped
// with package.json's). Every other Node package the tests install (the
// app fixture, a version lane) goes through here, under the same lock.
func EnsureDir(tb testing.TB, dir string) string {
	tb.Helper()
	ensureMu.Lock()
	defer ensureMu.Unlock()
	if ensureDone[dir] {
		return dir
	}
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			testdb.Unavailable(tb, "%s not found on PATH (needed to run the real Better Auth): %v", bin, err)
		}
	}
	want, err := wantStamp(dir)
	if err != nil {
		tb.Fatalf("batest: %v", err)
	}
	stampPath := filepath.Join(dir, "node_modules", stampName)
	if !stampMatches(stampPath, want) {
		unlock, err := lockFile(filepath.Join(os.TempDir(), "betterauth-batest-npm.lock"))
		if err != nil {
			tb.Fatalf("batest: %v", err)
		}
		defer unlock()
		// Another process may have installed while we waited for the lock.
		if !stampMatches(stampPath, want) {
			start := time.Now()
			if err := npmInstall(dir); err != nil {
				tb.Fatalf("batest: %v", err)
			}
			if err := os.WriteFile(stampPath, []byte(want), 0o644); err != nil {
				tb.Fatalf("batest: write stamp: %v", err)
			}
			tb.Logf("batest: npm install in %s took %s", dir, time.Since(start).Round(time.Millisecond))
		}
	}
	ensureDone[dir] = true
	return dir
}

// wantStamp is the stamp content for the current package-lock.json (or
// package.json, without a lock) and node.
func wantStamp(dir string) (string, error) {
	name := "package-lock.json"
	lock, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		name = "package.json"
		lock, err = os.ReadFile(filepath.Join(dir, name))
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	sum := sha256.Sum256(lock)
	ver, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "", fmt.Errorf("node --version: %w", err)
	}
	return name + " sha256 " + hex.EncodeToString(sum[:]) + "\nnode " + strings.TrimSpace(string(ver)) + "\n", nil
}

func stampMatches(path, want string) bool {
	got, err := os.ReadFile(path)
	return err == nil && string(got) == want
}

// lockFile takes an exclusive flock on path, blocking until it is free.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
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

// npmInstall runs `npm ci` in dir, or `npm install` when dir has no
// package-lock.json (a version lane resolves its version afresh).
func npmInstall(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	args := []string{"ci", "--no-audit", "--no-fund"}
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); errors.Is(err, os.ErrNotExist) {
		// Without a lock, none is written either: the stamp stays the
		// package.json's.
		args = []string{"install", "--no-package-lock", "--no-audit", "--no-fund"}
	}
	verb := args[0]
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm %s in %s: %v\n%s", verb, dir, err, tail(out.String(), 4000))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// CookieCache configures session.cookieCache (enabled is implied).
type CookieCache struct {
	Strategy string `json:"strategy,omitempty"` // "compact", "jwt" or "jwe"
	MaxAge   int    `json:"maxAge,omitempty"`   // seconds
}

// Config is the argument of the harness's init op. Extra holds further init
// arguments (see doc.go: emailAndPassword, rateLimit, trustedOrigins,
// advanced, pluginOptions, capture, logLevel, options, …); its keys are
// merged into the top-level JSON object and win over the fields above.
type Config struct {
	Dialect          string         `json:"dialect"` // "postgres", "mysql" or "sqlite"
	URL              string         `json:"url"`     // postgres://…, mysql://user@host:port/db, or a SQLite file path
	Secret           string         `json:"secret"`
	BaseURL          string         `json:"baseURL,omitempty"` // default http://localhost:3000
	Plugins          []string       `json:"plugins,omitempty"` // admin, organization, jwt, username, bearer, twoFactor
	AdditionalFields map[string]any `json:"additionalFields,omitempty"`
	CookieCache      *CookieCache   `json:"cookieCache"`
	Session          map[string]any `json:"session,omitempty"`
	Extra            map[string]any `json:"-"`
}

// MarshalJSON encodes c as the init op's args, with Extra merged in.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	b, err := json.Marshal(plain(c))
	if err != nil || len(c.Extra) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range c.Extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// Harness is a running `node harness.mjs` with an initialised betterAuth
// instance.
type Harness struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stderr  *lockedBuffer
	resps   chan rawResponse // closed when node's stdout ends
	exited  chan struct{}    // closed after cmd.Wait returns
	waitErr error

	mu     sync.Mutex // serialises calls
	nextID int64
	dead   error // set once the process is unusable
}

type rawResponse struct {
	ID     *int64          `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Start runs the harness and sends init with cfg. Cleanup sends close and
// waits for node to exit (killing it after 5 s); if the test failed, node's
// stderr is logged.
func Start(tb testing.TB, cfg Config) *Harness {
	tb.Helper()
	dir := Ensure(tb)
	cmd := exec.Command("node", "harness.mjs")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatalf("batest: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatalf("batest: %v", err)
	}
	h := &Harness{
		cmd:    cmd,
		stdin:  stdin,
		stderr: &lockedBuffer{},
		resps:  make(chan rawResponse, 1),
		exited: make(chan struct{}),
	}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("batest: start node harness.mjs: %v", err)
	}
	// Registered first so it runs last, after the process has exited.
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("batest: harness stderr:\n%s", tail(h.stderr.String(), 20000))
		}
	})
	go h.readLoop(stdout)
	go func() {
		h.waitErr = cmd.Wait()
		close(h.exited)
	}()
	tb.Cleanup(h.shutdown)

	if err := h.Call("init", cfg, nil); err != nil {
		tb.Fatal(err)
	}
	return h
}

func (h *Harness) readLoop(r io.Reader) {
	defer close(h.resps)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var resp rawResponse
			if jerr := json.Unmarshal(line, &resp); jerr != nil {
				fmt.Fprintf(h.stderr, "[batest] unparseable line on harness stdout: %q\n", line)
			} else {
				h.resps <- resp
			}
		}
		if err != nil {
			return
		}
	}
}

// shutdown sends close, then waits for the process (killing it after
// closeTimeout).
func (h *Harness) shutdown() {
	h.mu.Lock()
	alive := h.dead == nil
	h.mu.Unlock()
	if alive {
		done := make(chan struct{})
		go func() {
			_ = h.Call("close", nil, nil)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(closeTimeout):
		}
	}
	_ = h.stdin.Close()
	select {
	case <-h.exited:
	case <-time.After(closeTimeout):
		_ = h.cmd.Process.Kill()
		<-h.exited
	}
	h.mu.Lock()
	if h.dead == nil {
		h.dead = errors.New("harness closed")
	}
	h.mu.Unlock()
}

// Close ends the harness now rather than when the test ends (as Start's
// cleanup would), for a test that only needed it to set a database up.
// Calls after the first do nothing.
func (h *Harness) Close() { h.shutdown() }

// Stderr returns everything node has written to stderr so far.
func (h *Harness) Stderr() string { return h.stderr.String() }

// Call sends one request and decodes its result into out (if out is not
// nil). args nil is sent as {}. Calls are serialised; each has a 60 s
// timeout, after which the node process is killed and the Harness becomes
// unusable.
func (h *Harness) Call(op string, args any, out any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dead != nil {
		return fmt.Errorf("batest: op %s: %v", op, h.dead)
	}
	if args == nil {
		args = struct{}{}
	}
	h.nextID++
	id := h.nextID
	req, err := json.Marshal(struct {
		ID   int64  `json:"id"`
		Op   string `json:"op"`
		Args any    `json:"args"`
	}{id, op, args})
	if err != nil {
		return fmt.Errorf("batest: op %s: encode args: %w", op, err)
	}
	if _, err := h.stdin.Write(append(req, '\n')); err != nil {
		h.dead = fmt.Errorf("write to harness: %w", err)
		return fmt.Errorf("batest: op %s: %v%s", op, h.dead, h.stderrTail())
	}
	timer := time.NewTimer(callTimeout)
	defer timer.Stop()
	for {
		select {
		case resp, ok := <-h.resps:
			if !ok {
				<-h.exited
				h.dead = fmt.Errorf("harness exited (%v)", h.waitErr)
				return fmt.Errorf("batest: op %s: %v%s", op, h.dead, h.stderrTail())
			}
			if resp.ID == nil || *resp.ID != id {
				// A stray answer (e.g. to a bad line); not ours.
				continue
			}
			if !resp.OK {
				return fmt.Errorf("batest: op %s: %s", op, resp.Error)
			}
			if out != nil {
				if err := json.Unmarshal(resp.Result, out); err != nil {
					return fmt.Errorf("batest: op %s: decode result: %w (result %s)", op, err, tail(string(resp.Result), 2000))
				}
			}
			return nil
		case <-timer.C:
			_ = h.cmd.Process.Kill()
			h.dead = fmt.Errorf("timed out after %s; harness killed", callTimeout)
			return fmt.Errorf("batest: op %s: %v%s", op, h.dead, h.stderrTail())
		}
	}
}

func (h *Harness) stderrTail() string {
	s := strings.TrimSpace(h.stderr.String())
	if s == "" {
		return ""
	}
	return "\nharness stderr (tail):\n" + tail(s, 4000)
}

// MustCall is Call that fails the test on error.
func (h *Harness) MustCall(tb testing.TB, op string, args any, out any) {
	tb.Helper()
	if err := h.Call(op, args, out); err != nil {
		tb.Fatal(err)
	}
}

// Response is the result of the request op.
type Response struct {
	Status    int               `json:"status"`
	Headers   map[string]string `json:"headers"`   // lower-cased names, set-cookie excluded
	SetCookie []string          `json:"setCookie"` // Response.headers.getSetCookie()
	Body      json.RawMessage   `json:"body"`      // parsed JSON body re-encoded; "null" when empty or not JSON
	Text      string            `json:"text"`      // the raw body
}

// Cookies parses r.SetCookie.
func (r Response) Cookies() []*http.Cookie {
	var out []*http.Cookie
	for _, line := range r.SetCookie {
		if c, err := http.ParseSetCookie(line); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// Decode unmarshals r.Body into v.
func (r Response) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// Request calls auth.handler with a Request for baseURL+path; body, if not
// nil, is sent as JSON. An Origin header equal to baseURL is added unless
// headers has one. It fails the test if the op itself fails (an HTTP error
// status is not a failure).
func (h *Harness) Request(tb testing.TB, method, path string, headers map[string]string, body any) Response {
	tb.Helper()
	if headers == nil {
		headers = map[string]string{}
	}
	var r Response
	h.MustCall(tb, "request", map[string]any{
		"method":  method,
		"path":    path,
		"headers": headers,
		"body":    body,
	}, &r)
	return r
}

// CookieHeader turns Set-Cookie lines into a Cookie request header value
// ("name=value; name2=value2"), skipping cookies being deleted (Max-Age=0
// or an empty value). A later cookie with the same name replaces an earlier
// one.
func CookieHeader(setCookie ...[]string) string {
	var names []string
	vals := map[string]string{}
	for _, list := range setCookie {
		for _, line := range list {
			c, err := http.ParseSetCookie(line)
			if err != nil {
				continue
			}
			if _, seen := vals[c.Name]; !seen {
				names = append(names, c.Name)
			}
			if c.MaxAge < 0 || c.Value == "" {
				vals[c.Name] = ""
				continue
			}
			vals[c.Name] = c.Value
		}
	}
	var parts []string
	for _, n := range names {
		if vals[n] != "" {
			parts = append(parts, n+"="+vals[n])
		}
	}
	return strings.Join(parts, "; ")
}
