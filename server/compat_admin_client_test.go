package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/server"
)

// TestAdminClientCompatibility runs the official client with adminClient()
// (harness/admin-scenario.mjs) through the same scenario against the real
// Better Auth and against this server, both with the admin plugin,
// user.changeEmail (updateEmailWithoutVerification) and user.deleteUser
// enabled, and compares every step as TestPluginClientCompatibility does:
// status, data and error shapes, error codes, raw bodies, Set-Cookie names
// and attributes (session, admin_session), plus the step facts (emails
// listed, whose session getSession shows, impersonatedBy). Before the
// scenario, ada@example.com is signed up over HTTP and made an admin in
// each server's database. BETTERAUTH_COMPAT_DIR keeps both documents
// (admin-*.json).
func TestAdminClientCompatibility(t *testing.T) {
	dir := batest.Ensure(t)
	baURL, baDB := startAdminClientBetterAuth(t)
	goURL, _, goDB := startGoServer(t, compatOptions{plugins: []ba.Plugin{ba.PluginAdmin}, config: func(c *server.Config) {
		c.ChangeEmail = server.ChangeEmailConfig{Enabled: true, UpdateWithoutVerification: true}
		c.DeleteUser = server.DeleteUserConfig{Enabled: true}
	}})
	makeScenarioAdmin(t, baURL, baDB)
	makeScenarioAdmin(t, goURL, goDB)

	var wg sync.WaitGroup
	var baDoc, goDoc []byte
	var baErr, goErr error
	wg.Add(2)
	go func() { defer wg.Done(); baDoc, baErr = runScenarioScript(dir, "admin-scenario.mjs", baURL) }()
	go func() { defer wg.Done(); goDoc, goErr = runScenarioScript(dir, "admin-scenario.mjs", goURL) }()
	wg.Wait()
	if baErr != nil {
		t.Fatalf("scenario against Better Auth: %v", baErr)
	}
	if goErr != nil {
		t.Fatalf("scenario against the Go server: %v", goErr)
	}
	if out := os.Getenv(compatDirEnv); out != "" {
		for name, doc := range map[string][]byte{"admin-betterauth.json": baDoc, "admin-go.json": goDoc} {
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
	// The scenario did what it is for on Better Auth: a thrown step or a
	// key step with another status would make the comparison vacuous.
	for _, s := range want.Steps {
		if s.Thrown != "" {
			t.Errorf("Better Auth step %s threw: %s", s.Step, firstLine(s.Thrown))
		}
	}
	mustStatus := map[string]int{"signIn.A": 200, "admin.listUsers.anonymous": 401, "admin.listUsers.plainUser": 403,
		"admin.createUser.ok": 200, "admin.listUsers.sorted": 200, "admin.getUser.ok": 200, "admin.setRole.ok": 200,
		"admin.banUser.ok": 200, "signIn.Q.banned": 403, "admin.unbanUser.ok": 200, "admin.revokeUserSessions.ok": 200,
		"admin.setUserPassword.ok": 200, "signIn.Q.newPassword": 200, "admin.updateUser.ok": 200,
		"admin.impersonateUser.ok": 200, "admin.stopImpersonating.ok": 200, "admin.removeUser.ok": 200,
		"changeEmail.anonymous": 401, "changeEmail.ok": 200, "deleteUser.anonymous": 401,
		"deleteUser.wrongPassword": 400, "deleteUser.ok": 200, "getSession.Q.banned": 200}
	seen := 0
	for _, s := range want.Steps {
		if st, ok := mustStatus[s.Step]; ok {
			seen++
			if s.Status == nil || *s.Status != st {
				t.Errorf("Better Auth step %s: status %s, the scenario expects %d", s.Step, statusText(s.Status), st)
			}
		}
	}
	if seen != len(mustStatus) {
		t.Errorf("Better Auth ran %d of the %d key steps", seen, len(mustStatus))
	}
	// Whose session get-session shows around the impersonation, on Better
	// Auth: the one the comparison holds serve to.
	wantFacts := map[string]string{
		"getSession.A":               `{"email":"ada@example.com","role":"admin","impersonatedBy":null}`,
		"getSession.A.impersonating": `{"email":"quinn@example.com","role":"user","impersonatedBy":"<admin>"}`,
		"getSession.A.afterStop":     `{"email":"ada@example.com","role":"admin","impersonatedBy":null}`,
		"getSession.P.changed":       `{"email":"pat2@example.com","role":"user","impersonatedBy":null}`,
	}
	for _, s := range want.Steps {
		if f, ok := wantFacts[s.Step]; ok {
			delete(wantFacts, s.Step)
			var a, b any
			if json.Unmarshal(s.Facts, &a) != nil || json.Unmarshal([]byte(f), &b) != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("Better Auth step %s: facts %s, the scenario expects %s", s.Step, s.Facts, f)
			}
		}
	}
	for name := range wantFacts {
		t.Errorf("Better Auth did not run step %s", name)
	}
	compareScenarios(t, want, got)
}

// startAdminClientBetterAuth runs the real Better Auth with the admin
// plugin and user.changeEmail / user.deleteUser enabled on a fresh SQLite
// file; it returns the base URL and the file.
func startAdminClientBetterAuth(t *testing.T) (baseURL, dbPath string) {
	t.Helper()
	dbPath = testdb.SQLite(t)
	baseURL = batest.StartAuthServer(t, batest.AuthServerConfig{
		DB: dbPath, Secret: compatSecret, StartTimeout: compatTimeout, Plugins: []string{"admin"},
		User: map[string]any{
			"changeEmail": map[string]any{"enabled": true, "updateEmailWithoutVerification": true},
			"deleteUser":  map[string]any{"enabled": true},
		},
	})
	return baseURL, dbPath
}

// makeScenarioAdmin signs ada@example.com up on baseURL and sets her role
// to admin in the SQLite file behind it.
func makeScenarioAdmin(t *testing.T, baseURL, dbPath string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, baseURL+"/api/auth/sign-up/email",
		strings.NewReader(`{"email":"ada@example.com","password":"password1234","name":"Ada"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", baseURL)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sign up the admin on %s: status %d", baseURL, res.StatusCode)
	}
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.ExecContext(context.Background(), `UPDATE "user" SET role = 'admin' WHERE email = 'ada@example.com'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		t.Fatalf("make the admin on %s: %d rows", baseURL, n)
	}
}

func statusText(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}
