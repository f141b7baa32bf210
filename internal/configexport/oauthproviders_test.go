package configexport

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/oauthtoken"
)

// TestExportOAuthProviders: the export carries what a token refresh needs
// from the app's providers (client ids, token URLs, the discovery
// document's token endpoint, basic authentication, gitlab's issuer,
// account.storeAccountCookie) and no client secret; oauthtoken.FromConfig
// builds the providers from it with the secrets from the environment.
func TestExportOAuthProviders(t *testing.T) {
	discovery := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":"http://%s","token_endpoint":"http://%s/oauth/token"}`, r.Host, r.Host)
	}))
	t.Cleanup(discovery.Close)
	dir := lightApp(t, map[string]string{"utils/auth.mjs": `export default {
  account: { encryptOAuthTokens: true, storeAccountCookie: true },
  socialProviders: {
    github: { clientId: "gh-id", clientSecret: "gh-secret-never-exported" },
    gitlab: { clientId: "gl-id", clientSecret: "gl-secret-never-exported", issuer: "https://git.example.com" },
  },
  plugins: [{ id: "generic-oauth", options: { config: [
    { providerId: "corp", clientId: "corp-id", clientSecret: "corp-secret-never-exported", tokenUrl: "https://idp.example.com/token", authentication: "basic", accessTokenExpiresIn: 1800 },
    { providerId: "oidc", clientId: "oidc-id", clientSecret: "oidc-secret-never-exported", discoveryUrl: "` + discovery.URL + `/.well-known/openid-configuration" },
  ] } }],
};`})
	res, err := Export(context.Background(), Options{Dir: dir, Env: fixtureEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"gh-secret-never-exported", "gl-secret-never-exported", "corp-secret-never-exported", "oidc-secret-never-exported"} {
		if strings.Contains(string(res.JSON), secret) {
			t.Fatalf("the export contains a client secret (%d characters)", len(secret))
		}
	}
	c := res.Config
	if !c.Account.EncryptOAuthTokens || !c.Account.StoreAccountCookie {
		t.Errorf("account %+v", c.Account)
	}
	want := []ba.AppOAuthProvider{
		{ID: "github", Type: "social", ClientID: "gh-id"},
		{ID: "gitlab", Type: "social", ClientID: "gl-id", Issuer: "https://git.example.com"},
		{ID: "corp", Type: "generic", ClientID: "corp-id", TokenURL: "https://idp.example.com/token", Authentication: "basic", AccessTokenExpiresIn: 1800},
		{ID: "oidc", Type: "generic", ClientID: "oidc-id", TokenURL: discovery.URL + "/oauth/token", DiscoveryURL: discovery.URL + "/.well-known/openid-configuration"},
	}
	if fmt.Sprint(c.OAuthProviders) != fmt.Sprint(want) {
		t.Fatalf("oauthProviders\n got %+v\nwant %+v", c.OAuthProviders, want)
	}
	if w := strings.Join(c.Warnings, "\n"); strings.Contains(w, "generic-oauth is not known") {
		t.Errorf("warnings %q", c.Warnings)
	}

	t.Setenv("CORP_CLIENT_SECRET", "corp-secret-from-env")
	t.Setenv("GITHUB_CLIENT_SECRET", "")
	providers, skipped := oauthtoken.FromConfig(c.OAuthProviders)
	if len(providers) != 4 || len(skipped) != 0 {
		t.Fatalf("FromConfig: %d providers, skipped %q", len(providers), skipped)
	}
	byID := map[string]oauthtoken.Provider{}
	for _, p := range providers {
		byID[p.ID] = p
	}
	if p := byID["github"]; p.TokenURL != oauthtoken.GitHubTokenURL || p.ClientID != "gh-id" || p.ClientSecret != "" {
		t.Errorf("github %v", p)
	}
	if p := byID["gitlab"]; p.TokenURL != "https://git.example.com/oauth/token" {
		t.Errorf("gitlab %v", p)
	}
	if p := byID["corp"]; p.TokenURL != "https://idp.example.com/token" || p.Auth != oauthtoken.AuthBasic || p.ClientSecret != "corp-secret-from-env" || p.DefaultExpiresIn != 30*time.Minute {
		t.Errorf("corp %v auth %v expiresIn %v", p, p.Auth, p.DefaultExpiresIn)
	}
	if p := byID["oidc"]; p.TokenURL != discovery.URL+"/oauth/token" || p.Auth != oauthtoken.AuthPost {
		t.Errorf("oidc %v", p)
	}
}
