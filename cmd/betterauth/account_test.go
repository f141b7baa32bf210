package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

// TestAccountAccessToken: account access-token prints get-access-token's
// JSON, refreshing an expiring (encrypted) token against the provider.
func TestAccountAccessToken(t *testing.T) {
	ctx := context.Background()
	calls := 0
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		_ = r.ParseForm()
		if r.PostForm.Get("client_secret") != "cli-shh" || r.PostForm.Get("refresh_token") != "r-0" {
			w.WriteHeader(400)
			return
		}
		fmt.Fprint(w, `{"access_token":"a-1","expires_in":3600}`)
	}))
	defer idp.Close()
	db := "sqlite:" + testdb.SQLite(t)
	t.Setenv("DATABASE_URL", db)
	t.Setenv("BETTER_AUTH_SECRET", "cli-secret-0123456789abcdefghijklmnopq")
	t.Setenv("MYIDP_CLIENT_SECRET", "cli-shh")
	t.Setenv("MYIDP_CLIENT_ID", "cli-client")
	do := func(args ...string) (string, error) {
		var out strings.Builder
		err := run(ctx, args, strings.NewReader(""), &out, &out)
		return out.String(), err
	}
	if out, err := do("migrate"); err != nil {
		t.Fatalf("migrate: %v %s", err, out)
	}
	u, _ := dburl.Parse(db)
	store, closeStore, err := connect(ctx, u, ba.Schema{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	user := &ba.User{Name: "Cli", Email: "cli@example.com"}
	if err := store.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	secrets := []ba.Secret{{Value: "cli-secret-0123456789abcdefghijklmnopq"}}
	access, _ := ba.EncryptOAuthToken(secrets, true, "a-0")
	refresh, _ := ba.EncryptOAuthToken(secrets, true, "r-0")
	exp, scope, idt := time.Now().Add(2*time.Second), "a,b", "id.token.x"
	if err := store.CreateAccount(ctx, &ba.Account{UserID: user.ID, ProviderID: "myidp", AccountID: "s", AccessToken: &access, RefreshToken: &refresh, AccessTokenExpiresAt: &exp, Scope: &scope, IDToken: &idt}); err != nil {
		t.Fatal(err)
	}
	out, err := do("account", "access-token", "--user", "cli@example.com", "--provider", "myidp", "--token-url", idp.URL, "--encrypt-oauth-tokens")
	if err != nil {
		t.Fatalf("access-token: %v %s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || got["accessToken"] != "a-1" || got["idToken"] != "id.token.x" || calls != 1 {
		t.Fatalf("answer %s (calls %d)", out, calls)
	}
	if s, _ := got["scopes"].([]any); len(s) != 2 {
		t.Errorf("scopes %v", got["scopes"])
	}
	if at, _ := got["accessTokenExpiresAt"].(string); !strings.HasSuffix(at, "Z") || len(at) != len("2026-01-01T00:00:00.000Z") {
		t.Errorf("accessTokenExpiresAt %q", at)
	}
	if strings.Contains(out, "cli-shh") {
		t.Fatal("client secret printed")
	}
	if _, err := do("account", "access-token", "--user", "cli@example.com", "--provider", "other", "--token-url", idp.URL, "--client-id", "x"); err == nil {
		t.Error("no account at the provider: no error")
	}
}
