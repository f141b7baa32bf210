package server_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
)

// TestPluginClientCompatibility runs the official client with its
// usernameClient and twoFactorClient plugins (harness/plugin-scenario.mjs)
// through the same scenario against the real Better Auth and against this
// server, both with the admin, twoFactor and username plugins, and
// compares every step as TestClientCompatibility does: status, data and
// error shapes, error codes, raw bodies, Set-Cookie names and attributes
// (two_factor, trust_device, session), plus the step facts the scenario
// records (twoFactorMethods, backup-code counts, the totpURI's form).
// BETTERAUTH_COMPAT_DIR keeps both documents (plugins-*.json).
func TestPluginClientCompatibility(t *testing.T) {
	dir := batest.Ensure(t)
	opts := compatOptions{plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor, ba.PluginUsername}}
	baURL, _, _ := startBetterAuthServer(t, opts)
	goURL, _, _ := startGoServer(t, opts)

	var wg sync.WaitGroup
	var baDoc, goDoc []byte
	var baErr, goErr error
	wg.Add(2)
	go func() { defer wg.Done(); baDoc, baErr = runScenarioScript(dir, "plugin-scenario.mjs", baURL) }()
	go func() { defer wg.Done(); goDoc, goErr = runScenarioScript(dir, "plugin-scenario.mjs", goURL) }()
	wg.Wait()
	if baErr != nil {
		t.Fatalf("scenario against Better Auth: %v", baErr)
	}
	if goErr != nil {
		t.Fatalf("scenario against the Go server: %v", goErr)
	}
	if out := os.Getenv(compatDirEnv); out != "" {
		for name, doc := range map[string][]byte{"plugins-betterauth.json": baDoc, "plugins-go.json": goDoc} {
			if err := os.WriteFile(filepath.Join(out, name), doc, 0o644); err != nil {
				t.Errorf("write %s: %v", name, err)
			}
		}
	}
	want, err := parseScenario(baDoc)
	if err != nil {
		t.Fatalf("Better Auth document: %v", err)
	}
	got, err := parseScenario(goDoc)
	if err != nil {
		t.Fatalf("Go document: %v", err)
	}
	// The scenario did what it is for on Better Auth: a wrong step there
	// (a thrown error, no TOTP URI) would make the comparison vacuous.
	for _, s := range want.Steps {
		if s.Thrown != "" {
			t.Errorf("Better Auth step %s threw: %s", s.Step, firstLine(s.Thrown))
		}
	}
	mustStatus := map[string]int{"signUp.username.ok": 200, "signIn.username.ok": 200, "twoFactor.enable.ok": 200,
		"twoFactor.verifyTotp.ok": 200, "signIn.T.challenge": 200, "twoFactor.verifyTotp.challenge.trustDevice": 200,
		"twoFactor.verifyBackupCode.ok": 200, "twoFactor.verifyBackupCode.fresh": 200, "twoFactor.disable.ok": 200,
		"signUp.username.taken": 400, "twoFactor.verifyBackupCode.spent": 401, "twoFactor.verifyTotp.Y.afterLimit": 400}
	seen := 0
	for _, s := range want.Steps {
		if st, ok := mustStatus[s.Step]; ok {
			seen++
			if s.Status == nil || *s.Status != st {
				t.Errorf("Better Auth step %s: status %v, the scenario expects %d", s.Step, s.Status, st)
			}
		}
	}
	if seen != len(mustStatus) {
		t.Errorf("Better Auth ran %d of the %d key steps", seen, len(mustStatus))
	}
	compareScenarios(t, want, got)
}

// runScenarioScript runs a harness scenario script against baseURL and
// returns its JSON document.
func runScenarioScript(dir, script, baseURL string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), compatTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script, baseURL}, args...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node %s %s: %v\nstderr:\n%s", script, baseURL, err, stderr.String())
	}
	return stdout.Bytes(), nil
}
