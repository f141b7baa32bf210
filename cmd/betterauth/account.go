package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/oauthtoken"
)

const accountHelp = `Usage:
  betterauth account access-token --user EMAIL --provider ID [--client-id ID] [--token-url URL] [--encrypt-oauth-tokens]

access-token prints Better Auth's get-access-token JSON (accessToken,
accessTokenExpiresAt, scopes, idToken when there is one) for the user's
account at the provider, refreshing it first when under 5 seconds remain.
The client id is --client-id or <PROVIDERID>_CLIENT_ID, the client secret
<PROVIDERID>_CLIENT_SECRET (GITHUB_CLIENT_SECRET, …); --token-url is needed
for a generic-oauth provider. Tokens are decrypted with the app's secrets
(BETTER_AUTH_SECRETS / BETTER_AUTH_SECRET) when the app's config sets
account.encryptOAuthTokens or --encrypt-oauth-tokens is given.

Flags:
` + dbFlagsHelp

func runAccount(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(stdout, accountHelp)
		return nil
	}
	if len(args) == 0 || args[0] != "access-token" {
		return errors.New(`account: expected "access-token" (run "betterauth account -h" for usage)`)
	}
	fs := newFlagSet("account access-token")
	var db dbFlags
	db.register(fs)
	email := fs.String("user", "", "")
	providerID := fs.String("provider", "", "")
	clientID := fs.String("client-id", "", "")
	tokenURL := fs.String("token-url", "", "")
	encrypt := fs.Bool("encrypt-oauth-tokens", false, "")
	if done, err := parseFlags(fs, args[1:], accountHelp, stdout); done || err != nil {
		return err
	}
	if *email == "" || *providerID == "" {
		return errors.New("account access-token: --user and --provider are required")
	}
	if *clientID == "" {
		*clientID = os.Getenv(strings.TrimSuffix(oauthtoken.SecretEnv(*providerID), "_SECRET") + "_ID")
	}
	provider, err := oauthtoken.FromEnv(*providerID, *clientID, *tokenURL)
	if err != nil {
		return fmt.Errorf("account access-token: %v", err)
	}
	u, schema, err := db.resolve(stderr)
	if err != nil {
		return err
	}
	if db.app != nil && db.app.Account.EncryptOAuthTokens {
		*encrypt = true
	}
	var secrets []ba.Secret
	if *encrypt {
		if secrets, err = ba.SymmetricSecretsFromEnv(); err != nil {
			return fmt.Errorf("account access-token: the tokens are encrypted: %v", err)
		}
	}
	store, closeStore, err := connect(ctx, u, schema, false)
	if err != nil {
		return err
	}
	defer closeStore()
	user, err := store.GetUserByEmail(ctx, strings.ToLower(*email))
	if err != nil {
		return failed(fmt.Errorf("account access-token: user %s: %w", *email, err))
	}
	accounts, err := store.ListAccounts(ctx, user.ID)
	if err != nil {
		return failed(fmt.Errorf("account access-token: %w", err))
	}
	var accountID string
	for _, a := range accounts {
		if a.ProviderID == *providerID {
			accountID = a.ID
			break
		}
	}
	if accountID == "" {
		return failed(fmt.Errorf("account access-token: %s has no %s account", *email, *providerID))
	}
	m, err := oauthtoken.New(oauthtoken.Options{Store: store, Secrets: secrets, EncryptOAuthTokens: *encrypt, Providers: []oauthtoken.Provider{provider}})
	if err != nil {
		return err
	}
	tok, err := m.AccessToken(ctx, accountID)
	if err != nil {
		return failed(fmt.Errorf("account access-token: %w", err))
	}
	out, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return nil
}
