package oauthtoken_test

import (
	"context"
	"log"
	"net/http"

	"golang.org/x/oauth2"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Calling GitHub as a user who signed in with it through Better Auth: the
// token source decrypts the stored access token and refreshes it as
// Better Auth's get-access-token does.
func ExampleManager_TokenSource() {
	ctx := context.Background()
	var store *sqlstore.Store // a store on Better Auth's database
	secrets, _ := ba.SymmetricSecretsFromEnv()
	gh, err := oauthtoken.FromEnv("github", "Iv1.0123abcd", "") // secret from GITHUB_CLIENT_SECRET
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := oauthtoken.New(oauthtoken.Options{
		Store: store, Secrets: secrets, EncryptOAuthTokens: true,
		Providers: []oauthtoken.Provider{gh},
	})
	if err != nil {
		log.Fatal(err)
	}
	var client *http.Client = oauth2.NewClient(ctx, tokens.TokenSource(ctx, "account-id"))
	_ = client
}
