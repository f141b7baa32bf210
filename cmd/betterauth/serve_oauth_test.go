package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// TestOAuthTokensFromApp: serve takes the providers of the app's config,
// reads each client secret from <PROVIDERID>_CLIENT_SECRET, never logs
// it, and serves no token routes for an app without providers.
func TestOAuthTokensFromApp(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if cfg := oauthTokensFromApp(&ba.AppConfig{}, log); cfg != nil {
		t.Fatalf("no providers: %+v", cfg)
	}
	t.Setenv("MY_IDP_CLIENT_SECRET", "idp-secret-value-never-logged")
	t.Setenv("GITHUB_CLIENT_SECRET", "")
	app := &ba.AppConfig{Account: ba.AppAccount{EncryptOAuthTokens: true, StoreAccountCookie: true}, OAuthProviders: []ba.AppOAuthProvider{
		{ID: "github", Type: "social", ClientID: "gh-id"},
		{ID: "my-idp", Type: "generic", ClientID: "idp-id", TokenURL: "https://idp.example.com/token", Authentication: "basic"},
		{ID: "no-url", Type: "generic", ClientID: "x", DiscoveryURL: "https://idp.example.com/.well-known/openid-configuration"},
	}}
	cfg := oauthTokensFromApp(app, log)
	if cfg == nil || len(cfg.Providers) != 2 || !cfg.EncryptOAuthTokens || !cfg.StoreAccountCookie {
		t.Fatalf("config %+v", cfg)
	}
	if p := cfg.Providers[1]; p.ID != "my-idp" || p.ClientSecret != "idp-secret-value-never-logged" || p.TokenURL != "https://idp.example.com/token" {
		t.Errorf("generic provider %v", p)
	}
	out := logs.String()
	if strings.Contains(out, "idp-secret-value-never-logged") {
		t.Fatal("a client secret was logged")
	}
	for _, want := range []string{"GITHUB_CLIENT_SECRET is not set", `provider \"no-url\": no tokenUrl`, "for github, my-idp"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
