package main

import (
	"log/slog"
	"os"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/server"
)

// oauthTokensFromApp turns the app's OAuth providers (the exported
// config's oauthProviders) into serve's get-access-token and
// refresh-token: client ids and token endpoints from the config, each
// client secret from <PROVIDERID>_CLIENT_SECRET. nil (the routes are not
// served) when the app has no provider Go can refresh with. Secrets are
// never logged; a missing one is named by its variable.
func oauthTokensFromApp(app *ba.AppConfig, log *slog.Logger) *server.OAuthTokensConfig {
	providers, skipped := oauthtoken.FromConfig(app.OAuthProviders)
	for _, s := range skipped {
		log.Warn("config: get-access-token and refresh-token: " + s)
	}
	if len(providers) == 0 {
		return nil
	}
	ids := make([]string, len(providers))
	for i, p := range providers {
		ids[i] = p.ID
		if os.Getenv(oauthtoken.SecretEnv(p.ID)) == "" {
			log.Warn("config: " + oauthtoken.SecretEnv(p.ID) + " is not set: refreshing " + p.ID + " tokens sends the client id alone")
		}
	}
	log.Info("config: serving get-access-token and refresh-token for " + strings.Join(ids, ", "))
	return &server.OAuthTokensConfig{Providers: providers, EncryptOAuthTokens: app.Account.EncryptOAuthTokens, StoreAccountCookie: app.Account.StoreAccountCookie}
}
