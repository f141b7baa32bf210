package oauthtoken_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/sqlstore"
)

var secrets = []ba.Secret{{Version: "1", Value: "oauthtoken-secret-0123456789abcdefghij"}}

// fakeProvider is a token endpoint that counts refreshes and hands out
// access-N / refresh-N (rotating when rotate is set).
type fakeProvider struct {
	calls  atomic.Int32
	rotate bool
	gate   chan struct{} // when set, each refresh waits for it
	// entered, when set, receives one value per request before the gate.
	entered chan struct{}
	mu      sync.Mutex
	forms   []map[string][]string
}

func (f *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.gate != nil {
		<-f.gate
	}
	_ = r.ParseForm()
	f.mu.Lock()
	f.forms = append(f.forms, r.PostForm)
	f.mu.Unlock()
	n := f.calls.Add(1)
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("client_secret") != "shh" {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":"invalid_grant"}`)
		return
	}
	body := map[string]any{"access_token": fmt.Sprintf("access-%d", n), "token_type": "Bearer", "expires_in": 3600, "scope": "narrower"}
	if f.rotate {
		body["refresh_token"] = fmt.Sprintf("refresh-%d", n)
		body["refresh_token_expires_in"] = "7200"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

type fixture struct {
	store *sqlstore.Store
	clock *storetest.Clock
	fake  *fakeProvider
	m     *oauthtoken.Manager
	acct  *ba.Account
}

func newFixture(t *testing.T, fake *fakeProvider, encrypt bool, expiresIn time.Duration) *fixture {
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	clock := storetest.NewClock()
	s := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{})
	ctx := context.Background()
	u := &ba.User{Name: "Octo", Email: "octo@example.com"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	access, refresh := "access-0", "refresh-0"
	if encrypt {
		access, _ = ba.EncryptOAuthToken(secrets, true, access)
		refresh, _ = ba.EncryptOAuthToken(secrets, true, refresh)
	}
	exp, scope := clock.Now().Add(expiresIn), "read,write"
	a := &ba.Account{UserID: u.ID, ProviderID: "fake", AccountID: "42", AccessToken: &access, RefreshToken: &refresh, AccessTokenExpiresAt: &exp, Scope: &scope}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	m, err := oauthtoken.New(oauthtoken.Options{Store: s, Secrets: secrets, EncryptOAuthTokens: encrypt, Now: clock.Now,
		Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", srv.URL, "client", "shh")}})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{store: s, clock: clock, fake: fake, m: m, acct: a}
}

func TestAccessTokenRefreshesUnderFiveSeconds(t *testing.T) {
	for _, encrypt := range []bool{false, true} {
		t.Run(fmt.Sprint("encrypt=", encrypt), func(t *testing.T) {
			f := newFixture(t, &fakeProvider{}, encrypt, 6*time.Second)
			ctx := context.Background()
			tok, err := f.m.AccessToken(ctx, f.acct.ID)
			if err != nil || tok.AccessToken != "access-0" || f.fake.calls.Load() != 0 {
				t.Fatalf("6 s left: %v, calls %d", err, f.fake.calls.Load())
			}
			if strings.Join(tok.Scopes, " ") != "read write" {
				t.Errorf("scopes %v", tok.Scopes)
			}
			f.clock.Advance(1500 * time.Millisecond) // 4.5 s left
			tok, err = f.m.AccessToken(ctx, f.acct.ID)
			if err != nil || tok.AccessToken != "access-1" || f.fake.calls.Load() != 1 {
				t.Fatalf("4.5 s left: %v, calls %d", err, f.fake.calls.Load())
			}
			if want := f.clock.Now().Add(time.Hour); !tok.AccessTokenExpiresAt.Equal(ba.Truncate(want)) {
				t.Errorf("expiry %v, want %v", tok.AccessTokenExpiresAt, want)
			}
			row, _ := f.store.GetAccount(ctx, f.acct.ID)
			if got, _ := ba.DecryptOAuthToken(secrets, encrypt, *row.AccessToken); got != "access-1" {
				t.Errorf("stored access token not the new one")
			}
			if encrypt == (*row.AccessToken == "access-1") {
				t.Errorf("stored access token encrypted=%v, want %v", !encrypt, encrypt)
			}
			// Not rotated: the refresh token is unchanged; scope not written back.
			if *row.RefreshToken != *f.acct.RefreshToken || *row.Scope != "read,write" {
				t.Errorf("refresh token or scope changed")
			}
			form := f.fake.forms[0]
			if form["refresh_token"][0] != "refresh-0" || form["client_id"][0] != "client" {
				t.Errorf("refresh form %v", form["grant_type"])
			}
		})
	}
}

func TestRefreshRotates(t *testing.T) {
	f := newFixture(t, &fakeProvider{rotate: true}, true, time.Hour)
	ctx := context.Background()
	r, err := f.m.Refresh(ctx, f.acct.ID)
	if err != nil || r.AccessToken != "access-1" || r.RefreshToken != "refresh-1" || r.RefreshTokenExpiresAt == nil {
		t.Fatalf("refresh: %+v, %v", r != nil, err)
	}
	row, _ := f.store.GetAccount(ctx, f.acct.ID)
	if got, _ := ba.DecryptOAuthToken(secrets, true, *row.RefreshToken); got != "refresh-1" || !strings.HasPrefix(*row.RefreshToken, "$ba$1$") {
		t.Errorf("rotated refresh token not stored encrypted")
	}
	if !row.RefreshTokenExpiresAt.Equal(ba.Truncate(f.clock.Now().Add(2 * time.Hour))) {
		t.Errorf("refreshTokenExpiresAt %v", row.RefreshTokenExpiresAt)
	}
	// The next refresh sends the rotated token.
	if _, err := f.m.Refresh(ctx, f.acct.ID); err != nil || f.fake.forms[1]["refresh_token"][0] != "refresh-1" {
		t.Fatalf("second refresh: %v", err)
	}
}

// TestConcurrentRefreshOneCall: many goroutines needing a refresh of one
// account make one provider call and all get its token.
func TestConcurrentRefreshOneCall(t *testing.T) {
	fake := &fakeProvider{gate: make(chan struct{})}
	f := newFixture(t, fake, true, time.Second)
	ctx := context.Background()
	const n = 20
	var wg sync.WaitGroup
	got := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			tok, err := f.m.TokenSource(ctx, f.acct.ID).Token()
			errs[i] = err
			if err == nil {
				got[i] = tok.AccessToken
			}
		})
	}
	close(fake.gate) // goroutines that arrive late are served by the cache
	wg.Wait()
	for i := range n {
		if errs[i] != nil || got[i] != "access-1" {
			t.Fatalf("goroutine %d: %q, %v", i, got[i], errs[i])
		}
	}
	if c := fake.calls.Load(); c != 1 {
		t.Fatalf("%d provider calls, want 1", c)
	}
}

// TestStaleWriterLoses: when another writer refreshed the row between our
// read and our write, ours is not written and we return theirs.
func TestStaleWriterLoses(t *testing.T) {
	fake := &fakeProvider{}
	f := newFixture(t, fake, false, time.Second)
	ctx := context.Background()
	other := "access-from-elsewhere"
	racing := &racingStore{Store: f.store, before: func() {
		exp := f.clock.Now().Add(time.Hour)
		_, _ = f.store.UpdateAccount(ctx, f.acct.ID, ba.AccountUpdate{AccessToken: ba.Value(other), AccessTokenExpiresAt: ba.Value(exp)})
	}}
	m, err := oauthtoken.New(oauthtoken.Options{Store: racing, Now: f.clock.Now,
		Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", providerURL(t, fake), "client", "shh")}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m.AccessToken(ctx, f.acct.ID)
	if err != nil || tok.AccessToken != other {
		t.Fatalf("got %q, %v; want the other writer's token", tok.AccessToken, err)
	}
	row, _ := f.store.GetAccount(ctx, f.acct.ID)
	if *row.AccessToken != other {
		t.Errorf("stale token overwrote the newer one")
	}
}

func providerURL(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// racingStore runs before just ahead of the guarded write.
type racingStore struct {
	*sqlstore.Store
	before func()
}

func (r *racingStore) UpdateAccountIf(ctx context.Context, id string, a, rt *string, up ba.AccountUpdate) (*ba.Account, bool, error) {
	r.before()
	return r.Store.UpdateAccountIf(ctx, id, a, rt, up)
}

// countingStore counts reads.
type countingStore struct {
	oauthtoken.Store
	reads atomic.Int64
}

func (c *countingStore) GetAccount(ctx context.Context, id string) (*ba.Account, error) {
	c.reads.Add(1)
	return c.Store.GetAccount(ctx, id)
}

func TestTokenSourceCacheHitNoRead(t *testing.T) {
	f := newFixture(t, &fakeProvider{}, true, time.Hour)
	cs := &countingStore{Store: f.store}
	m, _ := oauthtoken.New(oauthtoken.Options{Store: cs, Secrets: secrets, EncryptOAuthTokens: true, Now: f.clock.Now,
		Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", providerURL(t, f.fake), "client", "shh")}})
	ts := m.TokenSource(context.Background(), f.acct.ID)
	for range 3 {
		if tok, err := ts.Token(); err != nil || tok.AccessToken != "access-0" || !tok.Expiry.Equal(ba.Truncate(*f.acct.AccessTokenExpiresAt)) {
			t.Fatalf("token: %v", err)
		}
	}
	if n := cs.reads.Load(); n != 1 {
		t.Errorf("%d reads for three tokens, want 1", n)
	}
	f.clock.Advance(time.Hour - 4*time.Second) // 4 s left: read and refresh
	if tok, err := ts.Token(); err != nil || tok.AccessToken != "access-1" || cs.reads.Load() != 2 {
		t.Fatalf("near expiry: %v, reads %d", err, cs.reads.Load())
	}
}

func TestProviderErrors(t *testing.T) {
	f := newFixture(t, &fakeProvider{}, false, time.Second)
	ctx := context.Background()
	m, _ := oauthtoken.New(oauthtoken.Options{Store: f.store, Now: f.clock.Now,
		Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", providerURL(t, f.fake), "client", "wrong-secret")}})
	_, err := m.AccessToken(ctx, f.acct.ID)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") || strings.Contains(err.Error(), "wrong-secret") || strings.Contains(err.Error(), "refresh-0") {
		t.Fatalf("refused refresh: %v", err)
	}
	row, _ := f.store.GetAccount(ctx, f.acct.ID)
	if *row.AccessToken != "access-0" {
		t.Error("a failed refresh wrote")
	}
	m2, _ := oauthtoken.New(oauthtoken.Options{Store: f.store})
	if _, err := m2.AccessToken(ctx, f.acct.ID); err == nil {
		t.Error("unknown provider accepted")
	}
	p := oauthtoken.Generic("x", "https://example.com/token", "id", "very-secret")
	if s := fmt.Sprintf("%v %+v %#v %s", p, p, p, p); strings.Contains(s, "very-secret") {
		t.Errorf("provider printed its secret: %s", s)
	}
}

func TestBuiltinProviders(t *testing.T) {
	t.Setenv("GITHUB_CLIENT_SECRET", "gh-secret")
	t.Setenv("MY_IDP_CLIENT_SECRET", "idp-secret")
	for id, url := range map[string]string{"github": oauthtoken.GitHubTokenURL, "google": oauthtoken.GoogleTokenURL,
		"gitlab": oauthtoken.GitLabTokenURL, "discord": oauthtoken.DiscordTokenURL, "microsoft": oauthtoken.MicrosoftTokenURL} {
		p, ok := oauthtoken.Builtin(id, "cid", "")
		if !ok || p.TokenURL != url {
			t.Errorf("%s: %s", id, p.TokenURL)
		}
	}
	if p, _ := oauthtoken.Builtin("microsoft", "cid", ""); p.Params.Get("scope") != "openid profile email User.Read offline_access" {
		t.Errorf("microsoft scope %q", p.Params.Get("scope"))
	}
	if p, err := oauthtoken.FromEnv("github", "cid", ""); err != nil || p.ClientSecret != "gh-secret" {
		t.Errorf("github from env: %v", err)
	}
	if p, err := oauthtoken.FromEnv("my-idp", "cid", "https://idp.example/token"); err != nil || p.ClientSecret != "idp-secret" || p.TokenURL != "https://idp.example/token" {
		t.Errorf("generic from env: %v", err)
	}
	if _, err := oauthtoken.FromEnv("my-idp", "cid", ""); err == nil {
		t.Error("generic provider without a token URL accepted")
	}
}

// BenchmarkTokenSourceCached: a cached hit does no database read.
func BenchmarkTokenSourceCached(b *testing.B) {
	s := storetest.OpenMigrated(b, sqlstore.SQLite, sqlstore.Options{})
	ctx := context.Background()
	u := &ba.User{Name: "B", Email: "b@example.com"}
	if err := s.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	access, exp := "tok", time.Now().Add(time.Hour)
	a := &ba.Account{UserID: u.ID, ProviderID: "fake", AccountID: "1", AccessToken: &access, AccessTokenExpiresAt: &exp}
	if err := s.CreateAccount(ctx, a); err != nil {
		b.Fatal(err)
	}
	cs := &countingStore{Store: s}
	m, _ := oauthtoken.New(oauthtoken.Options{Store: cs, Providers: []oauthtoken.Provider{oauthtoken.Generic("fake", "http://127.0.0.1:1/token", "c", "")}})
	ts := m.TokenSource(ctx, a.ID)
	if _, err := ts.Token(); err != nil {
		b.Fatal(err)
	}
	cs.reads.Store(0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ts.Token(); err != nil {
			b.Fatal(err)
		}
	}
	if n := cs.reads.Load(); n != 0 {
		b.Fatalf("%d database reads on cached hits", n)
	}
}
