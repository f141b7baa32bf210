package betterauth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// minimalConfig is a hand-written export: core tables, one additional
// field of each kind, the admin plugin, a cookie prefix.
const minimalConfig = `{
  "format": "betterauth-go.config", "formatVersion": 1, "betterAuthVersion": "1.7.25",
  "basePath": "/api/auth", "secondaryStorage": false,
  "database": {"adapter": "kysely"},
  "tables": [
    {"model": "user", "modelName": "user", "fields": [
      {"name": "name", "type": "string", "required": true, "sortable": true},
      {"name": "email", "type": "string", "required": true, "unique": true, "sortable": true},
      {"name": "emailVerified", "type": "boolean", "required": true, "input": false, "defaultValue": false},
      {"name": "image", "type": "string", "required": false},
      {"name": "createdAt", "type": "date", "required": true, "defaultIsFunction": true},
      {"name": "updatedAt", "type": "date", "required": true, "defaultIsFunction": true},
      {"name": "role", "type": "string", "required": false, "input": false},
      {"name": "banned", "type": "boolean", "required": false, "input": false, "defaultValue": false},
      {"name": "banReason", "type": "string", "required": false, "input": false},
      {"name": "banExpires", "type": "date", "required": false, "input": false},
      {"name": "plan", "type": "string", "required": true, "inputRequired": true, "defaultValue": "free"},
      {"name": "stripeCustomerId", "fieldName": "stripe_customer_id", "type": "string", "required": false, "input": false},
      {"name": "notificationsEnabled", "type": "boolean", "required": false, "defaultValue": true},
      {"name": "score", "type": "number", "required": false, "defaultValue": 3},
      {"name": "secretNote", "type": "string", "required": false, "returned": false}
    ]},
    {"model": "session", "modelName": "auth_session", "fields": [
      {"name": "expiresAt", "type": "date", "required": true},
      {"name": "token", "fieldName": "session_token", "type": "string", "required": true, "unique": true},
      {"name": "createdAt", "type": "date", "required": true, "defaultIsFunction": true},
      {"name": "updatedAt", "type": "date", "required": true},
      {"name": "ipAddress", "type": "string", "required": false},
      {"name": "userAgent", "type": "string", "required": false},
      {"name": "userId", "type": "string", "required": true, "index": true, "references": {"model": "user", "field": "id", "onDelete": "cascade"}},
      {"name": "impersonatedBy", "type": "string", "required": false, "input": false}
    ]},
    {"model": "passkey", "modelName": "passkey", "fields": [{"name": "publicKey", "type": "string", "required": true}]}
  ],
  "cookies": {"prefix": "myapp", "useSecureCookies": null, "crossSubDomainCookies": {"enabled": true, "domain": ".example.com"}},
  "session": {"expiresIn": 2592000, "updateAge": 86400, "freshAge": 86400, "cookieCache": {"enabled": true, "strategy": "jwe", "maxAge": 600}},
  "verification": {"storeIdentifier": {"default": "plain", "overrides": [{"prefix": "reset-password:", "option": "hashed"}]}},
  "emailAndPassword": {"enabled": true, "minPasswordLength": 10, "maxPasswordLength": 128, "autoSignIn": true},
  "rateLimit": {"enabled": null, "window": 10, "max": 100, "storage": "memory"},
  "plugins": [{"id": "admin", "options": {"defaultRole": "member", "adminRoles": ["admin", "owner"]}}, {"id": "passkey"}, {"id": "bearer", "options": {"requireSignature": true}}],
  "warnings": ["emailAndPassword.password.hash is a function"],
  "futureMember": {"ignored": true}
}`

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(minimalConfig))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Schema()
	if len(s.Plugins) != 2 || s.Plugins[0] != PluginAdmin || s.Plugins[1] != PluginBearer {
		t.Errorf("plugins = %v", s.Plugins)
	}
	r, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	sess := r.Table(ModelSession)
	if sess.Name != "auth_session" || sess.Column("token") != "session_token" {
		t.Errorf("session table %q, token column %q", sess.Name, sess.Column("token"))
	}
	user := r.Table(ModelUser)
	want := map[string]Field{
		"plan":                 {Name: "plan", Column: "plan", Type: TypeString, Required: true, Default: "free"},
		"stripeCustomerId":     {Name: "stripeCustomerId", Column: "stripe_customer_id", Type: TypeString, NoInput: true},
		"notificationsEnabled": {Name: "notificationsEnabled", Column: "notificationsEnabled", Type: TypeBoolean, Default: true},
		"score":                {Name: "score", Column: "score", Type: TypeNumber, Default: int64(3)},
		"secretNote":           {Name: "secretNote", Column: "secretNote", Type: TypeString, NotReturned: true},
	}
	for name, w := range want {
		got, ok := user.Field(name)
		if !ok {
			t.Errorf("user.%s missing", name)
			continue
		}
		if got.Name != w.Name || got.Column != w.Column || got.Type != w.Type || got.Required != w.Required ||
			got.Default != w.Default || got.NoInput != w.NoInput || got.NotReturned != w.NotReturned {
			t.Errorf("user.%s = %+v, want %+v", name, got, w)
		}
	}
	if n := len(user.Additional()); n != 5 {
		t.Errorf("%d additional fields, want 5", n)
	}
	cc := c.CookieConfig()
	if cc.Prefix != "myapp" || cc.Secure != nil {
		t.Errorf("cookies %+v", cc)
	}
	if d := c.CookieDomain(); d != "example.com" {
		t.Errorf("cookie domain %q", d)
	}
	if c.SessionExpiresIn() != 30*24*time.Hour || c.SessionUpdateAge() != 24*time.Hour {
		t.Errorf("session %v %v", c.SessionExpiresIn(), c.SessionUpdateAge())
	}
	if cache := c.CookieCacheConfig(); cache.Strategy != CacheJWE || cache.MaxAge != 10*time.Minute {
		t.Errorf("cookie cache %+v", cache)
	}
	if b := c.BearerConfig(true); !b.Enabled || b.AllowUnsigned {
		t.Errorf("bearer %+v (requireSignature: never unsigned)", b)
	}
	if a := c.Admin(); a == nil || a.DefaultRole != "member" || len(a.AdminRoles) != 2 {
		t.Errorf("admin %+v", a)
	}
	if c.Organization() != nil || !c.HasPlugin("admin") || c.HasPlugin("organization") {
		t.Error("plugin presence wrong")
	}
	if min, max := c.PasswordLengths(); min != 10 || max != 128 {
		t.Errorf("password lengths %d %d", min, max)
	}
	if got := c.Verification.StoreIdentifier.For("reset-password:abc"); got != "hashed" {
		t.Errorf("storeIdentifier for reset = %q", got)
	}
	if got := c.Verification.StoreIdentifier.For("email-verification"); got != "plain" {
		t.Errorf("storeIdentifier default = %q", got)
	}
	joined := strings.Join(c.Warnings, "\n")
	for _, w := range []string{"password.hash", `plugin "passkey" is not known`, `table "passkey"`} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %q:\n%s", w, joined)
		}
	}
	// Schema returns copies.
	s.Tables[ModelUser].AdditionalFields[0] = Field{}
	if c.Schema().Tables[ModelUser].AdditionalFields[0].Name == "" {
		t.Error("Schema shares its slices")
	}
}

func TestParseConfigVersionWarning(t *testing.T) {
	for _, tc := range []struct{ version, want string }{
		{"1.7.25", ""},
		{"1.7.3", ""},
		{"1.7.30", "newer than the 1.7.25"},
		{"1.8.0", "Better Auth 1.8.0, newer than the 1.7 line this betterauth-go knows (1.7.25)"},
		{"1.6.9", "older than the 1.7 line"},
		{"", "does not say"},
		{"banana", "not a version"},
	} {
		doc := strings.Replace(minimalConfig, `"1.7.25"`, `"`+tc.version+`"`, 1)
		c, err := ParseConfig([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", tc.version, err)
		}
		got := ""
		for _, w := range c.Warnings {
			if strings.Contains(w, "exported from Better Auth") || strings.Contains(w, "does not say") {
				got = w
			}
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%q: warning %q, want one containing %q", tc.version, got, tc.want)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"ErrNotJSON":        `betterauth`,
		"ErrEmpty":          ``,
		"ErrArray":          `[]`,
		"ErrFormat":         `{"format":"other","formatVersion":1}`,
		"ErrNoVersion":      `{"format":"betterauth-go.config"}`,
		"ErrNewerFormat":    `{"format":"betterauth-go.config","formatVersion":2}`,
		"ErrTrailing":       `{"format":"betterauth-go.config","formatVersion":1} {}`,
		"ErrWrongType":      `{"format":"betterauth-go.config","formatVersion":1,"session":{"expiresIn":"30d"}}`,
		"ErrNegative":       `{"format":"betterauth-go.config","formatVersion":1,"session":{"expiresIn":-1}}`,
		"ErrStrategy":       `{"format":"betterauth-go.config","formatVersion":1,"session":{"cookieCache":{"strategy":"rot13"}}}`,
		"ErrPasswordRange":  `{"format":"betterauth-go.config","formatVersion":1,"emailAndPassword":{"minPasswordLength":20,"maxPasswordLength":10}}`,
		"ErrCookiePrefix":   `{"format":"betterauth-go.config","formatVersion":1,"cookies":{"prefix":"a b"}}`,
		"ErrFieldType":      `{"format":"betterauth-go.config","formatVersion":1,"tables":[{"model":"user","fields":[{"name":"x","type":"blob"}]}]}`,
		"ErrFieldName":      `{"format":"betterauth-go.config","formatVersion":1,"tables":[{"model":"user","fields":[{"name":"x;drop","type":"string"}]}]}`,
		"ErrDuplicateTable": `{"format":"betterauth-go.config","formatVersion":1,"tables":[{"model":"user","fields":[]},{"model":"user","fields":[]}]}`,
		"ErrBadReference":   `{"format":"betterauth-go.config","formatVersion":1,"tables":[{"model":"user","fields":[{"name":"org","type":"string","references":{"model":"nowhere","field":"id"}}]}]}`,
		"ErrPluginOptions":  `{"format":"betterauth-go.config","formatVersion":1,"plugins":[{"id":"admin","options":{"adminRoles":"admin"}}]}`,
		"ErrPluginTwice":    `{"format":"betterauth-go.config","formatVersion":1,"plugins":[{"id":"admin"},{"id":"admin"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(doc))
			if !errors.Is(err, ErrAppConfig) {
				t.Fatalf("err = %v, want ErrAppConfig", err)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "betterauth.config.json")
	if err := os.WriteFile(path, []byte(minimalConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path + ".missing"); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzParseConfig: any input gives a config or an ErrAppConfig error,
// never a panic; a config that parses derives a schema that resolves and
// every derivation runs.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(minimalConfig))
	f.Add([]byte(`{"format":"betterauth-go.config","formatVersion":1}`))
	f.Add([]byte(`{"format":"betterauth-go.config","formatVersion":1,"tables":[{"model":"user","fields":[{"name":"a","type":"json","defaultValue":{"x":[1,2.5]}}]}]}`))
	f.Add([]byte(`{"format":"betterauth-go.config","formatVersion":1,"plugins":[{"id":"organization","options":{"teams":{"enabled":true}}}],"tables":[{"model":"team","modelName":"teams","fields":[]}]}`))
	if seed, err := os.ReadFile(filepath.Join("testdata", "appconfig", "fixture.config.json")); err == nil {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrAppConfig) {
				t.Fatalf("error %v does not match ErrAppConfig", err)
			}
			if c != nil {
				t.Fatal("config and error both returned")
			}
			return
		}
		if _, err := c.Schema().Resolve(); err != nil {
			t.Fatalf("parsed config's schema does not resolve: %v", err)
		}
		_ = c.CookieConfig()
		_ = c.CookieDomain()
		_ = c.CookieCacheConfig()
		_ = c.RefreshConfig()
		_ = c.VerifierConfig(nil)
		_, _ = c.PasswordLengths()
		_ = c.Verification.StoreIdentifier.For("reset-password:x")
	})
}

// TestFixtureConfig reads the production-like fixture app's export (kept
// by internal/configexport's live test) without Node.
func TestFixtureConfig(t *testing.T) {
	c, err := LoadConfig(filepath.Join("testdata", "appconfig", "fixture.config.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Schema().Resolve()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Plugin{PluginAdmin, PluginOrganization, PluginTwoFactor} {
		if !r.HasPlugin(p) {
			t.Errorf("plugin %s missing", p)
		}
	}
	if r.Table(ModelTeamMember) == nil {
		t.Error("teams missing")
	}
	plan, _ := r.Table(ModelUser).Field("plan")
	if !plan.Required || plan.Default != "free" {
		t.Errorf("plan %+v", plan)
	}
	vc := c.VerifierConfig(nil)
	if vc.Cookies.Prefix != "myapp" || vc.BaseURL != "http://localhost:3000" || vc.Bearer.Enabled || vc.CookieCache.Enabled() {
		t.Errorf("verifier config %+v", vc)
	}
	if c.SessionExpiresIn() != 30*24*time.Hour || c.SessionFreshAge() != 24*time.Hour {
		t.Errorf("session ages %v %v", c.SessionExpiresIn(), c.SessionFreshAge())
	}
	if c.Admin() == nil || c.Admin().DefaultRole != "user" || c.Organization() == nil || !c.Organization().Teams.Enabled || c.TwoFactor() == nil {
		t.Error("plugin options")
	}
	if len(c.Warnings) != 1 {
		t.Errorf("warnings %q", c.Warnings)
	}
}

// TestAppConfigIdentifierStorage: the app's verification.storeIdentifier as
// the stores take it, overrides in order; a custom hash function is an
// error, never silently plain.
func TestAppConfigIdentifierStorage(t *testing.T) {
	c, err := ParseConfig([]byte(minimalConfig))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.IdentifierStorage()
	if err != nil {
		t.Fatal(err)
	}
	if got.Default != IdentifierPlain || len(got.Overrides) != 1 || got.Overrides[0] != (IdentifierOverride{Prefix: "reset-password:", Mode: IdentifierHashed}) {
		t.Fatalf("IdentifierStorage() = %+v", got)
	}
	if got.Mode("reset-password:abc") != IdentifierHashed || got.Mode("email-verification:x") != IdentifierPlain {
		t.Fatalf("modes: %v %v", got.Mode("reset-password:abc"), got.Mode("email-verification:x"))
	}
	for _, custom := range []AppStoreIdentifier{{Default: "custom"}, {Default: "hashed", Overrides: []AppStoreIdentifierOverride{{Prefix: "otp:", Option: "custom"}}}} {
		c.Verification.StoreIdentifier = custom
		if _, err := c.IdentifierStorage(); !errors.Is(err, ErrAppConfig) || !strings.Contains(err.Error(), "custom") {
			t.Errorf("IdentifierStorage() with %+v: %v, want an ErrAppConfig naming the custom function", custom, err)
		}
	}
}
