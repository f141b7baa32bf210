// Package appfixture is a Better Auth app configured like a production one
// (app/: a TypeScript src/lib/auth.ts importing its pool through the "@/"
// alias, cookie prefix "myapp", 30-day sessions, minPasswordLength 10,
// additional user fields, admin + organization with teams + twoFactor, a
// GitHub provider with a client secret), with its own node_modules
// (better-auth 1.7.25, tsx, pg, mysql2, better-sqlite3; installed by the tests from
// app/package-lock.json with `npm ci`, as batest installs its harness). The
// tests export its config with `betterauth config export`, let Better Auth
// itself migrate a database and write users through it (app/ops.ts), and
// check the Go side against both. DATABASE_URL picks the driver
// (postgres://, mysql:// or sqlite:/path, see app/src/lib/db.ts);
// FIXTURE_REDIS_URL and FIXTURE_REDIS_PREFIX add Redis secondaryStorage;
// FIXTURE_RESET_FILE receives the reset tokens Better Auth mails.
package appfixture

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/batest"
)

// Dir is the fixture app's directory.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("appfixture: runtime.Caller failed")
	}
	return filepath.Join(filepath.Dir(file), "app")
}

// Ensure installs the fixture's node_modules when missing or stale (see
// batest.EnsureDir) and returns Dir.
func Ensure(tb testing.TB) string {
	tb.Helper()
	return batest.EnsureDir(tb, Dir())
}

// Env returns os.Environ() with vars set on top (later entries win in
// exec, so they override).
func Env(vars map[string]string) []string {
	env := os.Environ()
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// Op runs one operation of app/ops.ts (migrate, compileMigrations, signUp,
// getSession, request, enableTwoFactor, resetToken, or batch: a list of
// {op, arg} run in one process; see ops.ts) with the given environment on top of the test's, and
// decodes its result into out (when not nil).
func Op(tb testing.TB, vars map[string]string, op string, arg any, out any) {
	tb.Helper()
	dir := Ensure(tb)
	args := []string{"--import", "tsx", "ops.ts", op}
	if arg != nil {
		b, err := json.Marshal(arg)
		if err != nil {
			tb.Fatal(err)
		}
		args = append(args, string(b))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	cmd.Env = Env(vars)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("appfixture %s: %v\n%s", op, err, stderr.String())
	}
	var result string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if r, ok := strings.CutPrefix(line, "ops-result "); ok {
			result = r
		}
	}
	if result == "" {
		tb.Fatalf("appfixture %s: no result\nstdout: %s\nstderr: %s", op, stdout.String(), stderr.String())
	}
	if out != nil {
		if err := json.Unmarshal([]byte(result), out); err != nil {
			tb.Fatalf("appfixture %s: %v", op, err)
		}
	}
}
