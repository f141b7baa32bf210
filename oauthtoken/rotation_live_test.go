package oauthtoken_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// rotationProvider is an OAuth provider on loopback whose userinfo names
// the subject set by setSubject, so that each sign-in links a new account
// to the same user (same verified email); tokens are
// access-<subject>-N / refresh-<subject>-N.
type rotationProvider struct {
	mu          sync.Mutex
	subject     string
	n           int
	lastRefresh string
}

func (p *rotationProvider) setSubject(s string) { p.mu.Lock(); p.subject = s; p.mu.Unlock() }

func (p *rotationProvider) last() string { p.mu.Lock(); defer p.mu.Unlock(); return p.lastRefresh }

func (p *rotationProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/token":
		_ = r.ParseForm()
		if r.PostForm.Get("client_id") != "live-client" || r.PostForm.Get("client_secret") != "live-shh" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		if r.PostForm.Get("grant_type") == "refresh_token" {
			p.lastRefresh = r.PostForm.Get("refresh_token")
		}
		p.n++
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("access-%s-%d", p.subject, p.n),
			"refresh_token": fmt.Sprintf("refresh-%s-%d", p.subject, p.n), "token_type": "Bearer", "expires_in": 3600})
	case "/userinfo":
		_ = json.NewEncoder(w).Encode(map[string]any{"id": p.subject, "sub": p.subject, "email": "rotate@example.com", "name": "Rotate", "email_verified": true})
	default:
		http.NotFound(w, r)
	}
}

// baClient is one browser on a Better Auth server.
type baClient struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBAClient(t *testing.T, base string) *baClient {
	jar, _ := cookiejar.New(nil)
	return &baClient{t: t, base: base, client: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *baClient) post(path string, body any) (int, map[string]any) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", c.base)
	res, err := c.client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

// signIn runs Better Auth's social sign-in against the provider.
func (c *baClient) signIn(idpURL string) {
	c.t.Helper()
	status, out := c.post("/api/auth/sign-in/social", map[string]any{"provider": "fake", "callbackURL": "/"})
	authURL, _ := out["url"].(string)
	if status != 200 || !strings.HasPrefix(authURL, idpURL+"/authorize") {
		c.t.Fatalf("sign-in/social: %d %v", status, out["code"])
	}
	u, _ := url.Parse(authURL)
	res, err := c.client.Get(c.base + "/api/auth/callback/fake?code=c&state=" + url.QueryEscape(u.Query().Get("state")))
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 302 || strings.Contains(res.Header.Get("Location"), "error") {
		c.t.Fatalf("callback: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

const (
	rotS0 = "rotation-legacy-secret-0123456789abcdefghijkl" // BETTER_AUTH_SECRET before rotation
	rotS1 = "rotation-version-1-secret-0123456789abcdefgh"
	rotS2 = "rotation-version-2-secret-0123456789abcdefgh"
)

// TestLiveSecretRotationOAuthTokens: Better Auth with
// account.encryptOAuthTokens stores tokens in plaintext (option off), as
// bare hex (BETTER_AUTH_SECRET), as $ba$1$ (BETTER_AUTH_SECRETS=1:…) and as
// $ba$2$ after rotating to "2:…,1:…"; Go, configured from the same
// environment, reads every one of them and Better Auth's get-access-token
// reads every value Go writes under each of those secrets. Once version 1
// and the legacy secret are retired, both refuse the same values.
func TestLiveSecretRotationOAuthTokens(t *testing.T) {
	fake := &rotationProvider{}
	idp := httptest.NewServer(fake)
	t.Cleanup(idp.Close)
	db := storetest.NewDatabase(t, sqlstore.SQLite)
	start := func(t *testing.T, secret, secrets string, encrypt bool) string {
		return batest.StartAuthServer(t, batest.AuthServerConfig{
			DB: db.DSN, Secret: secret, Secrets: secrets, Plugins: []string{"genericOAuth"},
			PluginOptions: map[string]any{"genericOAuth": map[string]any{"config": []map[string]any{{
				"providerId": "fake", "clientId": "live-client", "clientSecret": "live-shh",
				"authorizationUrl": idp.URL + "/authorize", "tokenUrl": idp.URL + "/token", "userInfoUrl": idp.URL + "/userinfo",
			}}}},
			Account: map[string]any{"encryptOAuthTokens": encrypt},
		})
	}
	store := db.Open(t, sqlstore.Options{})
	ctx := context.Background()

	// Each phase is a subtest so that its Better Auth process stops at its
	// end (StartAuthServer's cleanup), as a deployment restarts on rotation.
	type phase struct {
		name, secret, secrets string
		encrypt               bool
		prefix                string // how Better Auth's stored value starts ("" for plaintext, "hex" for bare hex)
	}
	phases := []phase{
		{"plain", rotS0, "", false, ""},
		{"legacy", rotS0, "", true, "hex"},
		{"v1", rotS0, "1:" + rotS1, true, "$ba$1$"},
		{"v2", rotS0, "2:" + rotS2 + ",1:" + rotS1, true, "$ba$2$"},
	}
	for _, p := range phases {
		t.Run("BetterAuthWrites/"+p.name, func(t *testing.T) {
			fake.setSubject(p.name)
			newBAClient(t, start(t, p.secret, p.secrets, p.encrypt)).signIn(idp.URL)
			a, err := store.GetAccountByProvider(ctx, "fake", p.name)
			if err != nil || a.AccessToken == nil || a.RefreshToken == nil {
				t.Fatalf("account %s: %v", p.name, err)
			}
			for _, v := range []string{*a.AccessToken, *a.RefreshToken} {
				switch p.prefix {
				case "":
					if !strings.HasPrefix(v, "access-"+p.name) && !strings.HasPrefix(v, "refresh-"+p.name) {
						t.Errorf("stored %q, want plaintext", v)
					}
				case "hex":
					if !ba.LooksEncrypted(v) || strings.HasPrefix(v, "$ba$") {
						t.Errorf("stored value does not look like bare hex (prefix %q)", v[:min(len(v), 6)])
					}
				default:
					if !strings.HasPrefix(v, p.prefix) {
						t.Errorf("stored value starts %q, want %q", v[:min(len(v), 6)], p.prefix)
					}
				}
			}
		})
	}
	if t.Failed() {
		t.FailNow()
	}
	user, err := store.GetUserByEmail(ctx, "rotate@example.com")
	if err != nil {
		t.Fatal(err)
	}

	// Go writes accounts under each secret Better Auth has used: bare hex
	// under the legacy secret, $ba$1$ and $ba$2$.
	goWrites := map[string][]ba.Secret{
		"go-legacy": {{Value: rotS0}},
		"go-v1":     {{Version: "1", Value: rotS1}},
		"go-v2":     {{Version: "2", Value: rotS2}, {Version: "1", Value: rotS1}},
	}
	expires := time.Now().Add(time.Hour)
	for name, secrets := range goWrites {
		access, err1 := ba.EncryptOAuthToken(secrets, true, "access-"+name)
		refresh, err2 := ba.EncryptOAuthToken(secrets, true, "refresh-"+name)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if err := store.CreateAccount(ctx, &ba.Account{AccountID: name, ProviderID: "fake", UserID: user.ID,
			AccessToken: &access, RefreshToken: &refresh, AccessTokenExpiresAt: &expires}); err != nil {
			t.Fatal(err)
		}
	}
	all := []string{"plain", "legacy", "v1", "v2", "go-legacy", "go-v1", "go-v2"}
	accountID := map[string]string{}
	wantAccess := map[string]string{}
	for _, name := range all {
		a, err := store.GetAccountByProvider(ctx, "fake", name)
		if err != nil {
			t.Fatal(err)
		}
		accountID[name] = a.ID
		wantAccess[name] = "access-" + name
	}

	t.Run("AfterRotation", func(t *testing.T) {
		// Go resolves its secrets from the variables Better Auth reads.
		t.Setenv("BETTER_AUTH_SECRETS", "2:"+rotS2+",1:"+rotS1)
		t.Setenv("BETTER_AUTH_SECRET", rotS0)
		secrets, err := ba.SymmetricSecretsFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		c := newBAClient(t, start(t, rotS0, "2:"+rotS2+",1:"+rotS1, true))
		fake.setSubject("v2") // signs the same user in again
		c.signIn(idp.URL)
		for _, name := range all {
			a, err := store.GetAccount(ctx, accountID[name])
			if err != nil {
				t.Fatal(err)
			}
			got, err := ba.DecryptOAuthToken(secrets, true, *a.AccessToken)
			if name == "v2" {
				// The second sign-in rewrote this account's tokens.
				if err != nil || !strings.HasPrefix(got, "access-v2-") {
					t.Errorf("%s: Go read %q, %v", name, got, err)
				}
				wantAccess[name] = got
			} else if err != nil || !strings.HasPrefix(got, wantAccess[name]) {
				t.Errorf("%s: Go read %q, %v; want %s…", name, got, err, wantAccess[name])
			} else {
				wantAccess[name] = got
			}
			status, out := c.post("/api/auth/get-access-token", map[string]any{"accountId": accountID[name]})
			if status != 200 || out["accessToken"] != wantAccess[name] {
				t.Errorf("%s: Better Auth get-access-token: %d %v, want %q", name, status, out["accessToken"], wantAccess[name])
			}
		}
		// Go's token manager reads Better Auth's bare-hex value, and Better
		// Auth's refresh-token sends the provider the refresh token Go wrote
		// under version 1, then stores the new one under version 2.
		m, err := oauthtoken.New(oauthtoken.Options{Store: store, Secrets: secrets, EncryptOAuthTokens: true,
			Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", idp.URL+"/token", "live-client", "live-shh")}})
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := m.AccessToken(ctx, accountID["legacy"]); err != nil || tok.AccessToken != wantAccess["legacy"] {
			t.Errorf("manager on the legacy account: %q, %v", tok.AccessToken, err)
		}
		status, out := c.post("/api/auth/refresh-token", map[string]any{"accountId": accountID["go-v1"]})
		if status != 200 || fake.last() != "refresh-go-v1" {
			t.Fatalf("Better Auth refresh-token on Go's $ba$1$ value: %d %v, provider got %q", status, out["code"], fake.last())
		}
		a, _ := store.GetAccount(ctx, accountID["go-v1"])
		if !strings.HasPrefix(*a.RefreshToken, "$ba$2$") {
			t.Errorf("Better Auth re-stored the refresh token as %q…, want $ba$2$", (*a.RefreshToken)[:6])
		}
		if got, err := ba.DecryptOAuthToken(secrets, true, *a.AccessToken); err != nil || got != out["accessToken"] {
			t.Errorf("Go reading Better Auth's refreshed token: %q, %v", got, err)
		}
		wantAccess["go-v1"], _ = out["accessToken"].(string)

		// Go's Refresh answers with the keys of Better Auth's, null where
		// the account has no value (no idToken, no refresh expiry, no scope).
		r, err := m.Refresh(ctx, accountID["go-v2"])
		if err != nil || fake.last() != "refresh-go-v2" {
			t.Fatalf("Go Refresh of Go's $ba$2$ value: %v, provider got %q", err, fake.last())
		}
		raw, _ := json.Marshal(r)
		var goOut map[string]any
		_ = json.Unmarshal(raw, &goOut)
		for _, k := range []string{"accessToken", "refreshToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "idToken", "providerId", "accountId"} {
			baV, baHas := out[k]
			goV, goHas := goOut[k]
			if baHas != goHas || (baV == nil) != (goV == nil) {
				t.Errorf("refresh-token %q: Better Auth %v (present %v), Go %v (present %v)", k, baV, baHas, goV, goHas)
			}
		}
		if len(out) != len(goOut) {
			t.Errorf("refresh-token keys: Better Auth %d, Go %d", len(out), len(goOut))
		}
		a, _ = store.GetAccount(ctx, accountID["go-v2"])
		if got, err := ba.DecryptOAuthToken(secrets, true, *a.AccessToken); err != nil || got != r.AccessToken {
			t.Errorf("Go's refreshed token as stored: %q, %v", got, err)
		}
		wantAccess["go-v2"] = r.AccessToken
	})

	// Version 1 and the legacy secret retired: Better Auth answers 400
	// FAILED_TO_GET_ACCESS_TOKEN for exactly the values Go cannot decrypt.
	t.Run("Retired", func(t *testing.T) {
		t.Setenv("BETTER_AUTH_SECRETS", "2:"+rotS2)
		t.Setenv("BETTER_AUTH_SECRET", "")
		t.Setenv("AUTH_SECRET", "")
		secrets, err := ba.SymmetricSecretsFromEnv()
		if err != nil || len(secrets) != 1 {
			t.Fatalf("secrets %d, %v", len(secrets), err)
		}
		c := newBAClient(t, start(t, "", "2:"+rotS2, true))
		fake.setSubject("v2")
		c.signIn(idp.URL)
		for _, name := range all {
			a, _ := store.GetAccount(ctx, accountID[name])
			got, goErr := ba.DecryptOAuthToken(secrets, true, *a.AccessToken)
			status, out := c.post("/api/auth/get-access-token", map[string]any{"accountId": accountID[name]})
			if goErr != nil {
				if !errors.Is(goErr, ba.ErrDecrypt) {
					t.Errorf("%s: Go error %v, want ErrDecrypt", name, goErr)
				}
				if status != 400 || out["code"] != "FAILED_TO_GET_ACCESS_TOKEN" {
					t.Errorf("%s: Go cannot decrypt, Better Auth answered %d %v", name, status, out["code"])
				}
				continue
			}
			if status != 200 || out["accessToken"] != got {
				t.Errorf("%s: Go read it, Better Auth answered %d (same token %v)", name, status, out["accessToken"] == got)
			}
		}
		// What is still readable: plaintext, and version 2 (v2 was signed
		// in again above, go-v1 was re-stored by Better Auth under 2).
		for _, name := range []string{"plain", "v2", "go-v2", "go-v1"} {
			a, _ := store.GetAccount(ctx, accountID[name])
			if _, err := ba.DecryptOAuthToken(secrets, true, *a.AccessToken); err != nil {
				t.Errorf("%s: not readable after retiring version 1: %v", name, err)
			}
		}
		for _, name := range []string{"legacy", "v1", "go-legacy"} {
			a, _ := store.GetAccount(ctx, accountID[name])
			if _, err := ba.DecryptOAuthToken(secrets, true, *a.AccessToken); err == nil {
				t.Errorf("%s: still readable after retiring its secret", name)
			}
		}
	})
}
