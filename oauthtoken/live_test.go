package oauthtoken_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const liveSecret = "oauthtoken-live-secret-0123456789abcdefghij"

// liveProvider is an OAuth provider on loopback: authorization codes are
// accepted as given, tokens are access-N/refresh-N, userinfo names one
// user. It counts token calls by grant type.
type liveProvider struct {
	codeExpiresIn atomic.Int64 // expires_in of the code exchange
	n             atomic.Int32
	refreshes     atomic.Int32
	gate          chan struct{}
	mu            sync.Mutex
	lastRefresh   string
}

func (p *liveProvider) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastRefresh
}

func (p *liveProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/token":
		_ = r.ParseForm()
		if r.PostForm.Get("client_id") != "live-client" || r.PostForm.Get("client_secret") != "live-shh" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		n := p.n.Add(1)
		expiresIn := int64(3600)
		switch r.PostForm.Get("grant_type") {
		case "authorization_code":
			expiresIn = p.codeExpiresIn.Load()
		case "refresh_token":
			<-p.gate
			p.refreshes.Add(1)
			p.mu.Lock()
			p.lastRefresh = r.PostForm.Get("refresh_token")
			p.mu.Unlock()
		default:
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"unsupported_grant_type"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("access-%d", n), "refresh_token": fmt.Sprintf("refresh-%d", n),
			"token_type": "Bearer", "expires_in": expiresIn, "scope": "openid email"})
	case "/userinfo":
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "fake-user-1", "sub": "fake-user-1", "email": "octo@example.com", "name": "Octo Cat", "email_verified": true})
	default:
		http.NotFound(w, r)
	}
}

// TestLiveBetterAuthTokens: Better Auth (generic-oauth, encryptOAuthTokens)
// signs a user in against a fake provider; Go reads the encrypted token;
// after its expiry Go refreshes it with one provider call for many
// concurrent requests; Better Auth's get-access-token returns Go's token;
// Go reads the token Better Auth's refresh-token wrote.
func TestLiveBetterAuthTokens(t *testing.T) {
	fake := &liveProvider{gate: make(chan struct{})} // refreshes wait until the gate closes
	fake.codeExpiresIn.Store(60)
	idp := httptest.NewServer(fake)
	t.Cleanup(idp.Close)
	db := storetest.NewDatabase(t, sqlstore.SQLite)
	baseURL := batest.StartAuthServer(t, batest.AuthServerConfig{
		DB: db.DSN, Secret: liveSecret, Plugins: []string{"genericOAuth"},
		PluginOptions: map[string]any{"genericOAuth": map[string]any{"config": []map[string]any{{
			"providerId": "fake", "clientId": "live-client", "clientSecret": "live-shh",
			"authorizationUrl": idp.URL + "/authorize", "tokenUrl": idp.URL + "/token", "userInfoUrl": idp.URL + "/userinfo",
			"scopes": []string{"openid", "email"},
		}}}},
		Account: map[string]any{"encryptOAuthTokens": true},
	})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", baseURL+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", baseURL)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return res.StatusCode, out
	}

	// Sign in through Better Auth: sign-in/social, then its callback with a code.
	status, out := post("/api/auth/sign-in/social", map[string]any{"provider": "fake", "callbackURL": "/"})
	authURL, _ := out["url"].(string)
	if status != 200 || authURL == "" {
		t.Fatalf("sign-in/social: %d %v", status, out)
	}
	u, err := url.Parse(authURL)
	if err != nil || !strings.HasPrefix(authURL, idp.URL+"/authorize") {
		t.Fatalf("authorization URL %q", u.Path)
	}
	res, err := client.Get(baseURL + "/api/auth/callback/fake?code=the-code&state=" + url.QueryEscape(u.Query().Get("state")))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 302 || strings.Contains(res.Header.Get("Location"), "error") {
		t.Fatalf("callback: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}

	store := db.Open(t, sqlstore.Options{})
	ctx := context.Background()
	user, err := store.GetUserByEmail(ctx, "octo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := store.ListAccounts(ctx, user.ID)
	if err != nil || len(accounts) != 1 || accounts[0].ProviderID != "fake" {
		t.Fatalf("accounts: %d, %v", len(accounts), err)
	}
	acct := accounts[0]
	if acct.AccessToken == nil || *acct.AccessToken == "access-1" || !ba.LooksEncrypted(*acct.AccessToken) {
		t.Fatal("Better Auth did not store the access token encrypted")
	}

	// Go's clock then moves a minute on: the token Better Auth stored
	// expires in 60 s, so Go refreshes it.
	skew := time.Duration(0)
	var skewMu sync.Mutex
	now := func() time.Time { skewMu.Lock(); defer skewMu.Unlock(); return time.Now().Add(skew) }
	m, err := oauthtoken.New(oauthtoken.Options{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, EncryptOAuthTokens: true, Now: now,
		Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", idp.URL+"/token", "live-client", "live-shh")}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m.AccessToken(ctx, acct.ID)
	if err != nil || tok.AccessToken != "access-1" || fake.refreshes.Load() != 0 {
		t.Fatalf("Go reading Better Auth's token: %q, %v", tok.AccessToken, err)
	}
	skewMu.Lock()
	skew = 60 * time.Second
	skewMu.Unlock()
	const n = 16
	var wg sync.WaitGroup
	got := make([]string, n)
	for i := range n {
		wg.Go(func() {
			if tok, err := m.TokenSource(ctx, acct.ID).Token(); err == nil {
				got[i] = tok.AccessToken
			}
		})
	}
	close(fake.gate)
	wg.Wait()
	for i := range n {
		if got[i] != "access-2" {
			t.Fatalf("request %d got %q, want Go's refreshed access-2", i, got[i])
		}
	}
	if c := fake.refreshes.Load(); c != 1 {
		t.Fatalf("%d provider refreshes for %d concurrent requests, want 1", c, n)
	}
	if fake.last() != "refresh-1" {
		t.Fatal("Go did not send Better Auth's refresh token")
	}

	// Better Auth's get-access-token answers with Go's refreshed token
	// (valid for an hour, so it does not refresh).
	status, out = post("/api/auth/get-access-token", map[string]any{"accountId": acct.ID})
	if status != 200 || out["accessToken"] != "access-2" || fake.refreshes.Load() != 1 {
		t.Fatalf("Better Auth get-access-token: %d, token %v", status, out["accessToken"] == "access-2")
	}
	// Its refresh-token uses the rotated refresh token Go wrote, and Go
	// reads what it stored.
	status, out = post("/api/auth/refresh-token", map[string]any{"accountId": acct.ID})
	if status != 200 || out["accessToken"] != "access-3" || fake.last() != "refresh-2" {
		t.Fatalf("Better Auth refresh-token: %d", status)
	}
	tok, err = m.AccessToken(ctx, acct.ID)
	if err != nil || tok.AccessToken != "access-3" || fake.refreshes.Load() != 2 {
		t.Fatalf("Go reading Better Auth's refreshed token: %q, %v", tok.AccessToken, err)
	}
	// {providerId} alone is Better Auth's 400 VALIDATION_ERROR.
	status, out = post("/api/auth/get-access-token", map[string]any{"providerId": "fake"})
	if status != 400 || out["code"] != "VALIDATION_ERROR" {
		t.Errorf("{providerId}: %d %v", status, out["code"])
	}
}
