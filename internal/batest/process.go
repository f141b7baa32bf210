package batest

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTimeout is how long StartProcess waits for the ready line by
// default: a cold Better Auth start (its migrations included) on a busy
// machine.
const startTimeout = 3 * time.Minute

// StartProcess starts cmd and waits until it prints a stdout line starting
// with ready, which it returns (trimmed). The process gets a stdin pipe
// that stays open while it runs, so a program that exits when stdin closes
// (authserver.mjs, harness.mjs) never outlives the test even if the test
// binary dies. At cleanup stdin is closed and the process gets SIGTERM, then
// SIGKILL after 5 s; its stderr (the last 20,000 bytes) is logged when the
// test failed. The test fails if the process exits before it is ready or is
// not ready within timeout (3 minutes when zero). cmd.Stderr must be unset.
func StartProcess(tb testing.TB, name string, cmd *exec.Cmd, ready string, timeout time.Duration) string {
	tb.Helper()
	if timeout <= 0 {
		timeout = startTimeout
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			if !sent && strings.HasPrefix(sc.Text(), ready) {
				lines <- strings.TrimSpace(sc.Text())
				sent = true
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	tb.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(closeTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
		if tb.Failed() {
			tb.Logf("%s stderr:\n%s", name, tail(stderr.String(), 20000))
		}
	})
	select {
	case line := <-lines:
		return line
	case <-exited:
		tb.Fatalf("%s exited before it was ready (%v):\n%s", name, cmd.ProcessState, tail(stderr.String(), 6000))
	case <-time.After(timeout):
		tb.Fatalf("%s not ready after %s:\n%s", name, timeout, tail(stderr.String(), 6000))
	}
	return ""
}

// AuthServerConfig configures StartAuthServer.
type AuthServerConfig struct {
	// DB is the SQLite file Better Auth uses, or a postgres:// or mysql://
	// URL; authserver.mjs runs its migrations before it listens. Required.
	DB string
	// Secret is Better Auth's secret (BETTER_AUTH_SECRET); authserver.mjs
	// has a fixed test secret when empty.
	Secret string
	// Secrets, when set, is BETTER_AUTH_SECRETS ("2:new,1:old", current
	// first): Better Auth then signs with the first and decrypts with any;
	// Secret, when also set, is its legacy secret for bare-hex values.
	Secrets string
	// ResetFile, when set, gets one JSON line {"email","url","token"}
	// appended per password-reset email; authserver.mjs writes them to its
	// stderr otherwise.
	ResetFile string
	// StartTimeout bounds the start; 3 minutes when zero.
	StartTimeout time.Duration
	// Plugins are the plugins by name, in order (AUTHSERVER_PLUGINS);
	// authserver.mjs's default, admin and twoFactor, when nil.
	Plugins []string
	// PluginOptions are each plugin's options by name
	// (AUTHSERVER_PLUGIN_OPTIONS, JSON).
	PluginOptions map[string]any
	// AdditionalFields is the JSON text of Better Auth's
	// user.additionalFields (AUTHSERVER_ADDITIONAL_FIELDS), such as
	// {"plan":{"type":"string","required":true,"defaultValue":"free"}}:
	// text rather than a map, because the order of the fields is the
	// order of their columns and of their keys in answers. A function
	// default cannot be given.
	AdditionalFields json.RawMessage
	// Account is Better Auth's account option (AUTHSERVER_ACCOUNT, JSON),
	// such as {"encryptOAuthTokens": true}.
	Account map[string]any
	// EmailVerification, when set, is Better Auth's emailVerification
	// options (AUTHSERVER_EMAIL_VERIFICATION, JSON); its verification
	// emails go to ResetFile as {"kind":"email-verification",...} lines.
	EmailVerification map[string]any
	// RateLimit, when set, is Better Auth's rateLimit option
	// (AUTHSERVER_RATE_LIMIT, JSON), such as {"enabled": true}; rate limits
	// are off when nil.
	RateLimit map[string]any
	// Advanced is Better Auth's advanced option (AUTHSERVER_ADVANCED,
	// JSON), such as {"cookiePrefix": "myapp", "useSecureCookies": true}.
	Advanced map[string]any
	// RedisURL, when set, gives Better Auth a secondaryStorage:
	// @better-auth/redis-storage over ioredis at this URL
	// (redis://127.0.0.1:6379), with RedisKeyPrefix as its keyPrefix
	// (the package's "better-auth:" when empty) (AUTHSERVER_REDIS).
	RedisURL       string
	RedisKeyPrefix string
	// User is merged into Better Auth's user option (AUTHSERVER_USER,
	// JSON), such as {"deleteUser":{"enabled":true,
	// "sendDeleteAccountVerification":true}}; that true becomes a function
	// appending {"kind":"delete-account-verification",...} lines to
	// ResetFile.
	User map[string]any
	// Session is Better Auth's session option (AUTHSERVER_SESSION, JSON),
	// such as {"deferSessionRefresh":true,"freshAge":60}.
	Session map[string]any
}

// StartAuthServer runs the real Better Auth as an HTTP server
// (harness/authserver.mjs: node:http on 127.0.0.1, a free port, email and
// password sign-in, rate limits off, the admin and twoFactor plugins) and
// returns its base URL, http://127.0.0.1:PORT. It runs as in production:
// NODE_ENV, TEST and the caller's BETTER_AUTH_* variables are removed from
// its environment (with NODE_ENV=test or TEST set, Better Auth skips its
// origin checks, and in test or development mode it records 127.0.0.1 as
// the client IP when there is no X-Forwarded-For).
func StartAuthServer(tb testing.TB, cfg AuthServerConfig) string {
	tb.Helper()
	if cfg.DB == "" {
		tb.Fatal("batest.StartAuthServer: AuthServerConfig.DB is required")
	}
	dir := Ensure(tb)
	args := []string{"authserver.mjs", cfg.DB}
	if cfg.ResetFile != "" {
		args = append(args, cfg.ResetFile)
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "NODE_ENV" || name == "TEST" || strings.HasPrefix(name, "BETTER_AUTH_") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	if cfg.Secret != "" {
		cmd.Env = append(cmd.Env, "BETTER_AUTH_SECRET="+cfg.Secret)
	}
	if cfg.Secrets != "" {
		cmd.Env = append(cmd.Env, "BETTER_AUTH_SECRETS="+cfg.Secrets)
	}
	if cfg.Plugins != nil {
		cmd.Env = append(cmd.Env, "AUTHSERVER_PLUGINS="+strings.Join(cfg.Plugins, ","))
	}
	if cfg.EmailVerification != nil {
		b, err := json.Marshal(cfg.EmailVerification)
		if err != nil {
			tb.Fatalf("batest.StartAuthServer: EmailVerification: %v", err)
		}
		cmd.Env = append(cmd.Env, "AUTHSERVER_EMAIL_VERIFICATION="+string(b))
	}
	if cfg.PluginOptions != nil {
		b, err := json.Marshal(cfg.PluginOptions)
		if err != nil {
			tb.Fatalf("batest.StartAuthServer: PluginOptions: %v", err)
		}
		cmd.Env = append(cmd.Env, "AUTHSERVER_PLUGIN_OPTIONS="+string(b))
	}
	if cfg.AdditionalFields != nil {
		if !json.Valid(cfg.AdditionalFields) {
			tb.Fatal("batest.StartAuthServer: AdditionalFields is not JSON")
		}
		cmd.Env = append(cmd.Env, "AUTHSERVER_ADDITIONAL_FIELDS="+string(cfg.AdditionalFields))
	}
	for _, opt := range []struct {
		env string
		v   map[string]any
	}{{"AUTHSERVER_USER", cfg.User}, {"AUTHSERVER_SESSION", cfg.Session}} {
		if opt.v == nil {
			continue
		}
		b, err := json.Marshal(opt.v)
		if err != nil {
			tb.Fatalf("batest.StartAuthServer: %s: %v", opt.env, err)
		}
		cmd.Env = append(cmd.Env, opt.env+"="+string(b))
	}
	if cfg.Account != nil {
		b, err := json.Marshal(cfg.Account)
		if err != nil {
			tb.Fatalf("batest.StartAuthServer: Account: %v", err)
		}
		cmd.Env = append(cmd.Env, "AUTHSERVER_ACCOUNT="+string(b))
	}
	for env, v := range map[string]map[string]any{"AUTHSERVER_RATE_LIMIT": cfg.RateLimit, "AUTHSERVER_ADVANCED": cfg.Advanced} {
		if v == nil {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatalf("batest.StartAuthServer: %s: %v", env, err)
		}
		cmd.Env = append(cmd.Env, env+"="+string(b))
	}
	if cfg.RedisURL != "" {
		r := map[string]string{"redisURL": cfg.RedisURL}
		if cfg.RedisKeyPrefix != "" {
			r["keyPrefix"] = cfg.RedisKeyPrefix
		}
		b, _ := json.Marshal(r)
		cmd.Env = append(cmd.Env, "AUTHSERVER_REDIS="+string(b))
	}
	line := StartProcess(tb, filepath.Base(args[0]), cmd, "LISTENING ", cfg.StartTimeout)
	return strings.TrimPrefix(line, "LISTENING ")
}
