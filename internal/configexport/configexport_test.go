package configexport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/appfixture"
	"github.com/betterauth-go/betterauth/internal/batest"
)

// Secrets the fixture app is given; none may reach the export.
const (
	fixtureSecret       = "fixture-auth-secret-0123456789-abcdefghij"
	fixtureClientSecret = "gh-client-secret-must-never-be-exported"
	fixtureDBPassword   = "db-password-must-never-be-exported"
)

// FixtureEnv is the environment the fixture app is exported in: its
// secrets, and a database URL whose server does not exist (export needs
// none).
func fixtureEnv(extra map[string]string) []string {
	vars := map[string]string{
		"BETTER_AUTH_SECRET":   fixtureSecret,
		"GITHUB_CLIENT_SECRET": fixtureClientSecret,
		"DATABASE_URL":         "postgres://app:" + fixtureDBPassword + "@127.0.0.1:1/app",
		"BETTER_AUTH_URL":      "http://localhost:3000",
		"NODE_ENV":             "development",
	}
	for k, v := range extra {
		vars[k] = v
	}
	return appfixture.Env(vars)
}

// goldenPath is the fixture's export, kept for the tests that run without
// Node (the root package's tests and fuzz seeds read it).
var goldenPath = filepath.Join("..", "..", "testdata", "appconfig", "fixture.config.json")

// TestExportFixture exports the production-like fixture app (TypeScript,
// "@/" alias, no database reachable) and checks what Better Auth
// resolved: cookie prefix, 30-day sessions, password length, additional
// fields, plugins, teams — and that no secret is in the output.
func TestExportFixture(t *testing.T) {
	dir := appfixture.Ensure(t)
	var logs bytes.Buffer
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(nil), Stderr: &logs})
	if err != nil {
		t.Fatalf("export: %v\n%s", err, logs.String())
	}
	if res.AuthFile != "src/lib/auth.ts" || res.Loader != "tsx" {
		t.Errorf("auth file %q via %q", res.AuthFile, res.Loader)
	}
	for _, secret := range []string{fixtureSecret, fixtureClientSecret, fixtureDBPassword, "fixture-github-client-secret", "app-password"} {
		if bytes.Contains(res.JSON, []byte(secret)) {
			t.Errorf("the export contains a secret (%d characters)", len(secret))
		}
	}
	c := res.Config
	if c.BetterAuthVersion != "1.7.25" {
		t.Errorf("betterAuthVersion %q", c.BetterAuthVersion)
	}
	if c.Cookies.Prefix != "myapp" || c.SessionExpiresIn() != 30*24*time.Hour || c.EmailAndPassword.MinPasswordLength != 10 {
		t.Errorf("prefix %q, expiresIn %v, minPasswordLength %d", c.Cookies.Prefix, c.SessionExpiresIn(), c.EmailAndPassword.MinPasswordLength)
	}
	if c.BaseURL != "http://localhost:3000" || len(c.TrustedOrigins) != 1 || c.TrustedOrigins[0] != "https://app.example.com" {
		t.Errorf("baseURL %q, trustedOrigins %q", c.BaseURL, c.TrustedOrigins)
	}
	for _, id := range []string{"admin", "organization", "two-factor"} {
		if !c.HasPlugin(id) {
			t.Errorf("plugin %s missing", id)
		}
	}
	s := c.Schema()
	if !s.Teams {
		t.Error("teams not derived")
	}
	r, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	user := r.Table(ba.ModelUser)
	for name, want := range map[string]ba.Field{
		"plan":                 {Type: ba.TypeString, Required: true, Default: "free"},
		"stripeCustomerId":     {Type: ba.TypeString, NoInput: true},
		"notificationsEnabled": {Type: ba.TypeBoolean, Default: true},
		"theme":                {Type: ba.TypeString, Default: "system"},
		"bio":                  {Type: ba.TypeString},
	} {
		f, ok := user.Field(name)
		if !ok {
			t.Errorf("user.%s missing", name)
			continue
		}
		if f.Type != want.Type || f.Required != want.Required || f.Default != want.Default || f.NoInput != want.NoInput {
			t.Errorf("user.%s = %+v", name, f)
		}
	}
	if !strings.Contains(strings.Join(c.Warnings, "\n"), "socialProviders (github)") {
		t.Errorf("no warning about the social provider: %q", c.Warnings)
	}

	// The golden copy: regenerated here, compared, and read by the tests
	// that run without Node.
	if os.Getenv("BETTERAUTH_UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, res.JSON, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run with BETTERAUTH_UPDATE_GOLDEN=1 to write it)", err)
	}
	if !bytes.Equal(golden, res.JSON) {
		t.Errorf("the export differs from %s (a change in Better Auth or the exporter; accept it with BETTERAUTH_UPDATE_GOLDEN=1)", goldenPath)
	}
}

// TestExportNoSecretEvenWhenAFieldDefaultHoldsOne: the exporter refuses to
// write a document in which a secret appears anywhere.
func TestExportRefusesASecretInTheDocument(t *testing.T) {
	dir := appfixture.Ensure(t)
	// The trusted origin is read from the app's options; make the secret
	// equal to it, so that it would be exported.
	_, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(map[string]string{"BETTER_AUTH_SECRET": "https://app.example.com"})})
	if err == nil || !strings.Contains(err.Error(), "would contain a secret") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "app.example.com") {
		t.Error("the error repeats the secret")
	}
}

// lightApp makes an app directory whose node_modules holds only links to
// the fixture's better-auth (and what it depends on resolves through the
// link's target), so that tsx and jiti are absent.
func lightApp(t *testing.T, files map[string]string) string {
	t.Helper()
	return lightAppWith(t, filepath.Join(appfixture.Ensure(t), "node_modules", "better-auth"), files)
}

// lightAppWith is lightApp with the better-auth package at betterAuth.
func lightAppWith(t *testing.T, betterAuth string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(betterAuth, filepath.Join(dir, "node_modules", "better-auth")); err != nil {
		t.Fatal(err)
	}
	files["package.json"] = `{"name":"light","type":"module","dependencies":{"better-auth":"1.7.25"}}`
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestExportTypeScriptWithoutLoader(t *testing.T) {
	dir := lightApp(t, map[string]string{"lib/auth.ts": `export const auth = 1 as number;`})
	_, err := Export(context.Background(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "npm i -D tsx") || !strings.Contains(err.Error(), "lib/auth.ts") {
		t.Fatalf("err = %v, want one line saying to add tsx", err)
	}
	if strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("more than one line: %q", err)
	}
}

// TestExportJavaScriptOptions: a JavaScript module found by discovery
// (utils/auth.mjs), exporting options rather than an instance, loads with
// plain node; an unknown option becomes a warning naming it.
func TestExportJavaScriptOptions(t *testing.T) {
	dir := lightApp(t, map[string]string{"utils/auth.mjs": `export default {
  emailAndPassword: { enabled: true, maxPasswordLength: 64 },
  session: { cookieCache: { enabled: true, strategy: "jwt", maxAge: 120 } },
  advanced: { useSecureCookies: true, cookies: { session_token: { name: "sid" } } },
  someFutureOption: { x: 1 },
  user: { changeEmail: { enabled: true, updateEmailWithoutVerification: true, sendChangeEmailConfirmation: async () => {} } },
};`})
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if res.AuthFile != "utils/auth.mjs" || res.Loader != "node" {
		t.Errorf("auth file %q via %q", res.AuthFile, res.Loader)
	}
	c := res.Config
	if c.EmailAndPassword.MaxPasswordLength != 64 {
		t.Errorf("maxPasswordLength %d", c.EmailAndPassword.MaxPasswordLength)
	}
	cc := c.CookieConfig()
	if cc.SessionTokenName != "sid" || cc.Secure == nil || !*cc.Secure {
		t.Errorf("cookies %+v", cc)
	}
	if cache := c.CookieCacheConfig(); cache.Strategy != ba.CacheJWT || cache.MaxAge != 2*time.Minute {
		t.Errorf("cookie cache %+v", cache)
	}
	if !strings.Contains(strings.Join(c.Warnings, "\n"), "options.someFutureOption is not used by the Go side") {
		t.Errorf("warnings %q", c.Warnings)
	}
	if want := (ba.AppChangeEmail{Enabled: true, UpdateEmailWithoutVerification: true, SendChangeEmailConfirmation: true}); c.User.ChangeEmail != want {
		t.Errorf("user.changeEmail %+v, want %+v", c.User.ChangeEmail, want)
	}
	if strings.Contains(strings.Join(c.Warnings, "\n"), "changeEmail") {
		t.Errorf("warnings about changeEmail %q", c.Warnings)
	}
}

func TestExportErrors(t *testing.T) {
	t.Run("ErrNoAuthFile", func(t *testing.T) {
		dir := lightApp(t, map[string]string{})
		_, err := Export(context.Background(), Options{Dir: dir})
		if !errors.Is(err, ErrNoAuthFile) || !strings.Contains(err.Error(), "--auth") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoInstance", func(t *testing.T) {
		dir := lightApp(t, map[string]string{"auth.js": `export const something = 1;`})
		_, err := Export(context.Background(), Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "exports no Better Auth instance") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrImportFails", func(t *testing.T) {
		dir := lightApp(t, map[string]string{"auth.js": `throw new Error("cannot reach postgres://user:hunter22@db/app");`})
		_, err := Export(context.Background(), Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "loading the auth module failed") || strings.Contains(err.Error(), "hunter22") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoBetterAuth", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "auth.js"), []byte(`export const auth = {};`), 0o644)
		_, err := Export(context.Background(), Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "better-auth is not installed") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrTimeout", func(t *testing.T) {
		dir := lightApp(t, map[string]string{"auth.js": `await new Promise(() => setInterval(() => {}, 1000));`})
		_, err := Export(context.Background(), Options{Dir: dir, Timeout: 2 * time.Second})
		if err == nil || !strings.Contains(err.Error(), "did not finish within") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestShadowWarning(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"dependencies":{"pg":"8"}}`), 0o644)
	for out, shadows := range map[string]bool{
		"better-auth.json": true, "pg.json": true, "sub/better-auth.config.json": false,
		"betterauth.config.json": false, "better-auth.config.json": false,
	} {
		if got := ShadowWarning(dir, out) != ""; got != shadows {
			t.Errorf("%s: warning %v, want %v", out, got, shadows)
		}
	}
}

func TestPossiblePaths(t *testing.T) {
	index := map[string]int{}
	for i, p := range PossiblePaths {
		index[p] = i
	}
	for _, p := range []string{"auth.ts", "lib/auth.ts", "src/lib/auth.ts", "utils/auth.ts", "src/utils/auth.ts", "app/lib/auth.ts", "server/auth.ts", "lib/auth.mts", "src/auth.mjs", "auth.server.ts"} {
		if _, ok := index[p]; !ok {
			t.Errorf("%s is not looked for", p)
		}
	}
	if index["auth.ts"] > index["lib/auth.ts"] || index["lib/auth.ts"] > index["src/lib/auth.ts"] {
		t.Error("root before lib before src")
	}
}

// TestExportSecondaryStorage: the fixture app with Redis secondaryStorage
// (@better-auth/redis-storage, lazyConnect; no Redis reachable) exports
// secondaryStorage and no session or verification table, as Better Auth
// creates neither; the Redis URL's password is not in the document.
func TestExportSecondaryStorage(t *testing.T) {
	dir := appfixture.Ensure(t)
	redisPassword := "redis-password-must-never-be-exported"
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(map[string]string{"FIXTURE_REDIS_URL": "redis://:" + redisPassword + "@127.0.0.1:1/0"})})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Config
	if !c.SecondaryStorage || c.SessionsInDatabase() || c.VerificationInDatabase() {
		t.Errorf("secondaryStorage %t, sessions in database %t, verification in database %t", c.SecondaryStorage, c.SessionsInDatabase(), c.VerificationInDatabase())
	}
	if c.Table(ba.ModelSession) != nil || c.Table(ba.ModelVerification) != nil {
		t.Error("session or verification table exported")
	}
	if bytes.Contains(res.JSON, []byte(redisPassword)) {
		t.Error("the Redis password is in the export")
	}
	for _, w := range c.Warnings {
		if strings.Contains(w, "table session") || strings.Contains(w, "table verification") {
			t.Errorf("warning %q: Better Auth creates neither table with secondaryStorage", w)
		}
	}
}

// TestExportWithTheAppsVersion: with a version lane
// (BETTERAUTH_BA_VERSION, see internal/batest), an app whose installed
// better-auth is that version exports with it, and says so.
func TestExportWithTheAppsVersion(t *testing.T) {
	version := os.Getenv(batest.VersionEnv)
	if version == "" {
		t.Skipf("%s is not set: the pinned version is covered by TestExportFixture", batest.VersionEnv)
	}
	lane := batest.Ensure(t)
	pkg, err := os.ReadFile(filepath.Join(lane, "node_modules", "better-auth", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var installed struct{ Version string }
	if err := json.Unmarshal(pkg, &installed); err != nil {
		t.Fatal(err)
	}
	dir := lightAppWith(t, filepath.Join(lane, "node_modules", "better-auth"), map[string]string{"auth.mjs": `import { betterAuth } from "better-auth";
export const auth = betterAuth({ emailAndPassword: { enabled: true, minPasswordLength: 12 }, user: { additionalFields: { plan: { type: "string", defaultValue: "free" } } } });`})
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Config.BetterAuthVersion != installed.Version || res.Config.EmailAndPassword.MinPasswordLength != 12 {
		t.Errorf("exported version %q (installed %q), minPasswordLength %d", res.Config.BetterAuthVersion, installed.Version, res.Config.EmailAndPassword.MinPasswordLength)
	}
	t.Logf("exported with better-auth %s; warnings: %q", installed.Version, res.Config.Warnings)
}

// TestExportJiti: without tsx, TypeScript loads through the app's jiti,
// with tsconfig.json's paths (comments and all) as aliases.
func TestExportJiti(t *testing.T) {
	fixture := appfixture.Ensure(t)
	dir := lightApp(t, map[string]string{
		"tsconfig.json": `{
  // a comment, as Next.js writes them
  "compilerOptions": { "paths": { "@/*": ["./src/*"] }, },
}`,
		"src/lib/db.ts":   `export const pool: { connect(): never } = { connect() { throw new Error("no database at export"); } };`,
		"src/lib/auth.ts": "import { betterAuth } from \"better-auth\";\nimport { pool } from \"@/lib/db\";\nvoid pool;\nexport const auth = betterAuth({ emailAndPassword: { enabled: true, minPasswordLength: 11 }, advanced: { cookiePrefix: \"jiti\" } });\n",
	})
	if err := os.Symlink(filepath.Join(fixture, "node_modules", "jiti"), filepath.Join(dir, "node_modules", "jiti")); err != nil {
		t.Fatal(err)
	}
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loader != "jiti" || res.AuthFile != "src/lib/auth.ts" || res.Config.Cookies.Prefix != "jiti" || res.Config.EmailAndPassword.MinPasswordLength != 11 {
		t.Errorf("loader %q, file %q, prefix %q, min %d", res.Loader, res.AuthFile, res.Config.Cookies.Prefix, res.Config.EmailAndPassword.MinPasswordLength)
	}
}

// TestExportAccessControl: the admin and organization plugins' custom
// roles and the organization's ac statements reach the Go side.
func TestExportAccessControl(t *testing.T) {
	dir := lightApp(t, map[string]string{"utils/auth.mjs": `const role = (statements) => ({ statements, authorize() {} });
export default {
  plugins: [
    { id: "admin", options: { adminUserIds: ["u1"], roles: { support: role({ user: ["list"] }) } } },
    { id: "organization", options: { ac: { statements: { project: ["read", "write"] } }, roles: { editor: role({ project: ["write"] }) }, dynamicAccessControl: { enabled: true } } },
  ],
};`})
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	a, o := res.Config.Admin(), res.Config.Organization()
	if a == nil || o == nil {
		t.Fatalf("admin %v organization %v", a, o)
	}
	if got := a.Roles["support"]["user"]; len(got) != 1 || got[0] != "list" || len(a.AdminUserIDs) != 1 {
		t.Errorf("admin options %+v", a)
	}
	if got := o.Roles["editor"]["project"]; len(got) != 1 || got[0] != "write" {
		t.Errorf("organization roles %+v", o.Roles)
	}
	if got := o.AccessControl["project"]; len(got) != 2 || !o.DynamicAccessControl.Enabled {
		t.Errorf("organization ac %+v dynamic %v", o.AccessControl, o.DynamicAccessControl)
	}
}
