package jwt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testlog"
	"github.com/betterauth-go/betterauth/jwt"
)

func TestRemoteJWKSCache(t *testing.T) {
	ctx := context.Background()
	k1 := newTestKey(t, "EdDSA", "k1")
	k2 := newTestKey(t, "EdDSA", "k2")
	srv := newJWKSServer(t, jwksJSON(t, k1))
	clk := newClock(t0)
	keys, err := jwt.NewRemoteJWKS(srv.URL+"/jwks", jwt.RemoteOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	want := func(kid string, n int64, wantErr error) {
		t.Helper()
		_, err := keys.Keys(ctx, kid)
		if !errors.Is(err, wantErr) && (wantErr != nil || err != nil) {
			t.Fatalf("Keys(%q): %v, want %v", kid, err, wantErr)
		}
		if got := srv.requests.Load(); got != n {
			t.Fatalf("after Keys(%q): %d fetches, want %d", kid, got, n)
		}
	}
	want("k1", 1, nil)
	want("k1", 1, nil) // cached
	// A new key appears (rotation); the first unknown kid refetches at
	// once because the last fetch is more than 30 s old.
	srv.set(jwksJSON(t, k1, k2), 200)
	clk.add(31 * time.Second)
	want("k2", 2, nil)
	// Unknown kids within 30 s do not fetch again.
	want("nope", 2, jwt.ErrUnknownKey)
	clk.add(29 * time.Second)
	want("nope2", 2, jwt.ErrUnknownKey)
	clk.add(2 * time.Second)
	want("nope3", 3, jwt.ErrUnknownKey)
	// TTL: 10 min after the last fetch, the set is fetched again; a key
	// removed from it is gone.
	srv.set(jwksJSON(t, k2), 200)
	clk.add(9 * time.Minute)
	want("k1", 3, nil)
	clk.add(time.Minute)
	want("k1", 4, jwt.ErrUnknownKey)
	want("k2", 4, nil)
}

func TestRemoteJWKSOutage(t *testing.T) {
	ctx := context.Background()
	k1 := newTestKey(t, "EdDSA", "k1")
	srv := newJWKSServer(t, jwksJSON(t, k1))
	clk := newClock(t0)
	logs := testlog.New()
	keys, _ := jwt.NewRemoteJWKS(srv.URL, jwt.RemoteOptions{Now: clk.Now, MaxStale: 30 * time.Minute, Log: logs.Logger()})
	if _, err := keys.Keys(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	srv.set([]byte("oops"), http.StatusInternalServerError)
	clk.add(11 * time.Minute)
	// Stale, the refetch fails: the cached key still verifies, and the
	// failure no caller sees is logged.
	if _, err := keys.Keys(ctx, "k1"); err != nil {
		t.Fatalf("stale key during outage: %v", err)
	}
	if logs.Count("reloading keys failed") != 1 {
		t.Fatalf("the failed reload is not logged: %s", logs)
	}
	// An unknown kid during an outage is unavailable, not unknown.
	if _, err := keys.Keys(ctx, "k9"); !errors.Is(err, ba.ErrUnavailable) || errors.Is(err, jwt.ErrTokenInvalid) {
		t.Fatalf("unknown kid during outage: %v", err)
	}
	n := srv.requests.Load()
	// Past TTL + MaxStale the cached keys are no longer used.
	clk.add(30 * time.Minute)
	if _, err := keys.Keys(ctx, "k1"); !errors.Is(err, ba.ErrUnavailable) {
		t.Fatalf("too stale: %v", err)
	}
	if srv.requests.Load() != n+1 {
		t.Fatalf("fetches %d, want %d", srv.requests.Load(), n+1)
	}
	// Recovery.
	srv.set(jwksJSON(t, k1), 200)
	clk.add(31 * time.Second)
	if _, err := keys.Keys(ctx, "k1"); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if logs.Count("keys loaded again") != 1 {
		t.Fatalf("the recovery is not logged: %s", logs)
	}
}

func TestRemoteJWKSErrors(t *testing.T) {
	ctx := context.Background()
	k1 := newTestKey(t, "EdDSA", "k1")
	for _, tc := range []struct {
		name   string
		body   []byte
		status int
		opts   jwt.RemoteOptions
		want   error
	}{
		{"ErrUnavailable/Status500", []byte(`{}`), 500, jwt.RemoteOptions{}, ba.ErrUnavailable},
		{"ErrUnavailable/NotJSON", []byte(`<html>`), 200, jwt.RemoteOptions{}, ba.ErrUnavailable},
		{"ErrUnavailable/NoKeysMember", []byte(`{"kes":[]}`), 200, jwt.RemoteOptions{}, ba.ErrUnavailable},
		{"ErrUnavailable/TooLarge", jwksJSON(t, k1), 200, jwt.RemoteOptions{MaxBodyBytes: 50}, ba.ErrUnavailable},
		{"ErrUnknownKey/EmptySet", []byte(`{"keys":[]}`), 200, jwt.RemoteOptions{}, jwt.ErrUnknownKey},
		{"OK", jwksJSON(t, k1), 200, jwt.RemoteOptions{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newJWKSServer(t, tc.body)
			srv.set(tc.body, tc.status)
			keys, err := jwt.NewRemoteJWKS(srv.URL, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = keys.Keys(ctx, "k1")
			if !errors.Is(err, tc.want) && (tc.want != nil || err != nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("ErrUnavailable/Timeout", func(t *testing.T) {
		srv := newJWKSServer(t, jwksJSON(t, k1))
		srv.delay = 300 * time.Millisecond
		keys, _ := jwt.NewRemoteJWKS(srv.URL, jwt.RemoteOptions{Timeout: 50 * time.Millisecond})
		if _, err := keys.Keys(ctx, "k1"); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrUnavailable/ConnectionRefused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		keys, _ := jwt.NewRemoteJWKS(url, jwt.RemoteOptions{})
		v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: testIssuer, Now: func() time.Time { return t0 }})
		_, err := v.Verify(ctx, k1.sign(t, defaultClaims(t0), nil))
		if !errors.Is(err, ba.ErrUnavailable) || errors.Is(err, jwt.ErrTokenInvalid) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrUnavailable/RedirectToPlainHTTP", func(t *testing.T) {
		srv := httptest.NewServer(http.RedirectHandler("http://example.com/jwks", http.StatusFound))
		defer srv.Close()
		keys, _ := jwt.NewRemoteJWKS(srv.URL, jwt.RemoteOptions{})
		if _, err := keys.Keys(ctx, "k1"); !errors.Is(err, ba.ErrUnavailable) || !strings.Contains(err.Error(), "loopback") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestNewRemoteJWKSURL(t *testing.T) {
	for _, tc := range []struct {
		url   string
		allow bool
		ok    bool
	}{
		{"https://auth.example.com/api/auth/jwks", false, true},
		{"http://localhost:3000/api/auth/jwks", false, true},
		{"http://127.0.0.1:3000/api/auth/jwks", false, true},
		{"http://[::1]:3000/api/auth/jwks", false, true},
		{"http://auth.example.com/api/auth/jwks", false, false},
		{"http://auth.example.com/api/auth/jwks", true, true},
		{"http://localhost.evil.com/jwks", false, false},
		{"ftp://auth.example.com/jwks", true, false},
		{"/api/auth/jwks", false, false},
		{"https:///jwks", false, false},
	} {
		_, err := jwt.NewRemoteJWKS(tc.url, jwt.RemoteOptions{AllowInsecureHTTP: tc.allow})
		if (err == nil) != tc.ok {
			t.Errorf("NewRemoteJWKS(%q, allow=%v): %v", tc.url, tc.allow, err)
		}
	}
}

// TestRemoteJWKSSharedFetch: many concurrent callers with an empty cache
// cause one request, and a caller giving up does not fail the others.
func TestRemoteJWKSSharedFetch(t *testing.T) {
	k1 := newTestKey(t, "EdDSA", "k1")
	srv := newJWKSServer(t, jwksJSON(t, k1))
	srv.delay = 100 * time.Millisecond
	keys, _ := jwt.NewRemoteJWKS(srv.URL, jwt.RemoteOptions{})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := keys.Keys(cancelled, "k1"); !errors.Is(err, context.Canceled) || !errors.Is(err, ba.ErrUnavailable) {
		t.Fatalf("cancelled caller: %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := keys.Keys(context.Background(), "k1")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.requests.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

func TestParseJWKS(t *testing.T) {
	ed := newTestKey(t, "EdDSA", "ed")
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	small, _ := jose.JSONWebKey{Key: rsaKey.Public(), KeyID: "small", Algorithm: "RS256"}.MarshalJSON()
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	noAlgEC, _ := jose.JSONWebKey{Key: p256.Public(), KeyID: "ec-noalg"}.MarshalJSON()
	wrongAlg, _ := jose.JSONWebKey{Key: p256.Public(), KeyID: "ec-es512", Algorithm: "ES512"}.MarshalJSON()
	private, _ := jose.JSONWebKey{Key: p256, KeyID: "private", Algorithm: "ES256"}.MarshalJSON()
	big := newTestKey(t, "RS256", "rsa-noalg")
	noAlgRSA, _ := jose.JSONWebKey{Key: big.priv.Public(), KeyID: "rsa-noalg"}.MarshalJSON()
	set := fmt.Sprintf(`{"keys":[%s,%s,%s,%s,%s,%s,
		{"kty":"oct","kid":"hmac","k":"c2VjcmV0","alg":"HS256"},
		{"kty":"OKP","crv":"Ed448","kid":"ed448","x":"AAAA","alg":"EdDSA"},
		{"kty":"OKP","crv":"Ed25519","kid":"enc","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"enc"},
		{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
		%s]}`, ed.jwk(t), small, noAlgEC, wrongAlg, private, noAlgRSA, `{"kty":"OKP","crv":"Ed25519","kid":"x5c","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","x5c":["bm90IGEgY2VydA=="]}`)
	keys, err := jwt.ParseJWKS([]byte(set))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range keys {
		got = append(got, k.ID+":"+k.Algorithm)
	}
	want := "ed:EdDSA ec-noalg:ES256 rsa-noalg:RS256 rsa-noalg:PS256 x5c:EdDSA"
	if strings.Join(got, " ") != want {
		t.Errorf("keys %v, want %s", got, want)
	}
	if _, err := jwt.ParseJWKS([]byte(`[]`)); err == nil {
		t.Error("an array is not a JWKS")
	}
}

// fakeLister is a jwks table in memory.
type fakeLister struct {
	mu    sync.Mutex
	rows  []ba.JWK
	err   error
	calls int
}

func (f *fakeLister) ListJWKs(context.Context) ([]ba.JWK, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return append([]ba.JWK(nil), f.rows...), f.err
}

func jwkRow(t testing.TB, k testKey, alg *string, expires *time.Time) ba.JWK {
	t.Helper()
	// The publicKey column is exportJWK's output: no alg, no kid.
	b, err := jose.JSONWebKey{Key: k.priv.Public()}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return ba.JWK{ID: k.kid, PublicKey: string(b), PrivateKey: `"…"`, CreatedAt: t0, ExpiresAt: expires, Alg: alg}
}

func TestStoreJWKS(t *testing.T) {
	ctx := context.Background()
	str := func(s string) *string { return &s }
	legacy := newTestKey(t, "EdDSA", "legacy")   // alg NULL: the default
	es := newTestKey(t, "ES256", "es")           // alg column ES256
	rotated := newTestKey(t, "EdDSA", "rotated") // expiresAt in the past
	expires := t0.Add(-time.Hour)
	lister := &fakeLister{rows: []ba.JWK{
		jwkRow(t, legacy, nil, nil),
		jwkRow(t, es, str("ES256"), nil),
		jwkRow(t, rotated, str("EdDSA"), &expires),
		{ID: "broken", PublicKey: `{"kty":"OKP"`},
	}}
	clk := newClock(t0)
	keys, err := jwt.NewStoreJWKS(lister, jwt.StoreOptions{Now: clk.Now, GracePeriod: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: testIssuer, Algorithms: []string{"EdDSA", "ES256"}, Now: clk.Now})
	for _, k := range []testKey{legacy, es, rotated} {
		if _, err := v.Verify(ctx, k.sign(t, defaultClaims(t0), nil)); err != nil {
			t.Errorf("%s: %v", k.kid, err)
		}
	}
	// One hour later the rotated key's grace period (expiresAt + 2 h) is over.
	clk.add(time.Hour)
	later := defaultClaims(clk.Now())
	if _, err := v.Verify(ctx, rotated.sign(t, later, nil)); !errors.Is(err, jwt.ErrUnknownKey) {
		t.Errorf("rotated key past grace: %v", err)
	}
	if _, err := v.Verify(ctx, legacy.sign(t, later, nil)); err != nil {
		t.Errorf("legacy: %v", err)
	}
	if _, err := keys.Keys(ctx, "broken"); !errors.Is(err, jwt.ErrUnknownKey) || !strings.Contains(err.Error(), "unusable") {
		t.Errorf("broken row: %v", err)
	}
	// A failing database is unavailable, not a verdict.
	lister.mu.Lock()
	lister.err = fmt.Errorf("list jwks: %w", ba.ErrUnavailable)
	lister.mu.Unlock()
	keys2, _ := jwt.NewStoreJWKS(lister, jwt.StoreOptions{})
	if _, err := keys2.Keys(ctx, "legacy"); !errors.Is(err, ba.ErrUnavailable) || errors.Is(err, jwt.ErrTokenInvalid) {
		t.Errorf("failing store: %v", err)
	}
	lister.mu.Lock()
	lister.err = errors.New("some driver error")
	lister.mu.Unlock()
	keys3, _ := jwt.NewStoreJWKS(lister, jwt.StoreOptions{})
	if _, err := keys3.Keys(ctx, "legacy"); !errors.Is(err, ba.ErrUnavailable) {
		t.Errorf("failing store: %v", err)
	}
	if _, err := jwt.NewStoreJWKS(lister, jwt.StoreOptions{DefaultAlgorithm: "HS256"}); err == nil {
		t.Error("HS256 default accepted")
	}
	if _, err := jwt.NewStoreJWKS(nil, jwt.StoreOptions{}); err == nil {
		t.Error("nil lister accepted")
	}
	var js map[string]any
	_ = json.Unmarshal([]byte(lister.rows[0].PublicKey), &js)
	if _, ok := js["alg"]; ok {
		t.Fatal("test rows must not carry alg")
	}
}

func TestFromRequest(t *testing.T) {
	k := newTestKey(t, "EdDSA", "k")
	tok := k.sign(t, defaultClaims(t0), nil)
	for _, tc := range []struct {
		header string
		want   string
	}{
		{"Bearer " + tok, tok},
		{"bearer " + tok, tok},
		{"BEARER  " + tok + " ", tok},
		{"", ""},
		{"Basic " + tok, ""},
		{tok, ""},
		// The bearer plugin's session token: one dot, standard base64.
		{"Bearer W2sEFBR1whrVhvlxNyGcOZdbtVzmPnRM.g0X46QEa3KVYgxSFBFgPz+aKdUBEMNo3Dr4e4kwrt2I=", ""},
		{"Bearer W2sEFBR1whrVhvlxNyGcOZdbtVzmPnRM", ""},
		{"Bearer a.b.c", "a.b.c"},
		{"Bearer a..c", ""},
		{"Bearer a.b.", ""},
		{"Bearer .b.c", ""},
		{"Bearer a.b.c.d", ""},
		{"Bearer a.b+.c", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		if got := jwt.FromRequest(r); got != tc.want {
			t.Errorf("FromRequest(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}
