package jwt_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const signSecret = "jwt-sign-test-secret-0123456789abcdef-0123456789"

func jwtStore(t *testing.T, kind sqlstore.Kind) *sqlstore.Store {
	t.Helper()
	return storetest.OpenMigrated(t, kind, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
}

func mustSigner(t *testing.T, cfg jwt.SignerConfig) *jwt.Signer {
	t.Helper()
	s, err := jwt.NewSigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSignerStores mints tokens on each database: the first token makes an
// encrypted key, the Verifier reading the same table accepts the token with
// Better Auth's claims, and rotation makes a new key while the old one keeps
// verifying.
func TestSignerStores(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		ctx := context.Background()
		store := jwtStore(t, kind)
		clk := newClock(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
		s := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: signSecret}},
			BaseURL: "http://LOCALHOST:3000/api/auth", RotationInterval: time.Hour, Now: clk.Now})
		user := json.RawMessage(`{"name":"Ann","email":"ann@example.com","emailVerified":false,"image":null,"createdAt":"2026-12-01T11:00:00.000Z","updatedAt":"2026-12-01T11:00:00.000Z","id":"user-1"}`)
		tok, err := s.Token(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := store.ListJWKs(ctx)
		if err != nil || len(rows) != 1 {
			t.Fatalf("rows %d %v", len(rows), err)
		}
		row := rows[0]
		if *row.Alg != "EdDSA" || *row.Crv != "Ed25519" || row.ExpiresAt == nil || !row.ExpiresAt.Equal(clk.Now().Add(time.Hour)) {
			t.Errorf("row alg %v crv %v expiresAt %v", *row.Alg, *row.Crv, row.ExpiresAt)
		}
		var enc string
		if json.Unmarshal([]byte(row.PrivateKey), &enc) != nil || strings.Contains(row.PrivateKey, `"d"`) {
			t.Errorf("privateKey is not an encrypted JSON string")
		}
		keys, err := jwt.NewStoreJWKS(store, jwt.StoreOptions{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000", Now: clk.Now})
		c, err := v.Verify(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if c.Subject != "user-1" || c.Email != "ann@example.com" || c.Issuer != "http://localhost:3000" ||
			!c.IssuedAt.Equal(clk.Now()) || !c.Expiry.Equal(clk.Now().Add(15*time.Minute)) {
			t.Errorf("claims %+v", c)
		}
		header, payload, _ := splitToken(t, tok)
		if string(header) != `{"alg":"EdDSA","kid":"`+row.ID+`"}` {
			t.Errorf("header %s", header)
		}
		if !strings.HasPrefix(string(payload), `{"iat":`) || !strings.Contains(string(payload), `"id":"user-1","sub":"user-1","exp":`) {
			t.Errorf("payload order %s", payload)
		}
		// Same key within the hour; a new one after it.
		tok2, _ := s.Token(ctx, user)
		if h, _, _ := splitToken(t, tok2); !strings.Contains(string(h), row.ID) {
			t.Errorf("second token used another key: %s", h)
		}
		clk.add(time.Hour + time.Second)
		tok3, err := s.Token(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if rows, _ = store.ListJWKs(ctx); len(rows) != 2 {
			t.Fatalf("after rotation %d rows", len(rows))
		}
		if h, _, _ := splitToken(t, tok3); strings.Contains(string(h), row.ID) {
			t.Errorf("token after expiry used the expired key")
		}
		if _, err := v.Verify(ctx, tok3); err != nil {
			t.Errorf("rotated key: %v", err)
		}
		var set struct{ Keys []map[string]string }
		body, err := s.JWKS(ctx)
		if err != nil || json.Unmarshal(body, &set) != nil || len(set.Keys) != 2 {
			t.Fatalf("jwks %s %v", body, err)
		}
		for _, k := range set.Keys {
			if k["alg"] != "EdDSA" || k["crv"] != "Ed25519" || k["kty"] != "OKP" || k["kid"] == "" || k["d"] != "" {
				t.Errorf("jwks key %v", k)
			}
		}
		if !strings.HasPrefix(string(body), `{"keys":[{"alg":"EdDSA","crv":"Ed25519","x":"`) {
			t.Errorf("jwks order %s", body)
		}
		// Past the grace period the old key leaves /jwks.
		clk.add(jwt.DefaultGracePeriod)
		body, _ = s.JWKS(ctx)
		if strings.Contains(string(body), row.ID) {
			t.Errorf("expired key still in jwks past the grace period")
		}
	})
}

func TestSignerAlgorithms(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []string{"EdDSA", "ES256", "ES512", "RS256", "PS256"} {
		t.Run(alg, func(t *testing.T) {
			store := jwtStore(t, sqlstore.SQLite)
			s := mustSigner(t, jwt.SignerConfig{Store: store, Algorithm: alg, DisablePrivateKeyEncryption: true,
				Issuer: "https://issuer.example", Audience: []string{"a", "b"}, ExpirationTime: time.Hour})
			tok, err := s.Sign(ctx, map[string]any{"sub": "u1", "role": "admin"})
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := store.ListJWKs(ctx)
			if len(rows) != 1 || *rows[0].Alg != alg || !strings.Contains(rows[0].PrivateKey, `"d":`) {
				t.Fatalf("row %+v", rows)
			}
			keys, _ := jwt.NewStoreJWKS(store, jwt.StoreOptions{DefaultAlgorithm: alg})
			v := mustVerifier(t, jwt.Config{Keys: keys, Issuer: "https://issuer.example", Audience: []string{"b"}, Algorithms: []string{alg}})
			c, err := v.Verify(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != "u1" || len(c.Audience) != 2 || !c.IssuedAt.IsZero() {
				t.Errorf("claims %+v", c)
			}
			if string(c.Raw["role"]) != `"admin"` {
				t.Errorf("role %s", c.Raw["role"])
			}
		})
	}
}

func TestSignerSecrets(t *testing.T) {
	ctx := context.Background()
	store := jwtStore(t, sqlstore.SQLite)
	versioned := []ba.Secret{{Version: "2", Value: signSecret}}
	s := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: versioned, BaseURL: "http://localhost:3000"})
	if _, err := s.Sign(ctx, map[string]any{"sub": "u"}); err != nil {
		t.Fatal(err)
	}
	rows, _ := store.ListJWKs(ctx)
	var enc string
	if json.Unmarshal([]byte(rows[0].PrivateKey), &enc); !strings.HasPrefix(enc, "$ba$2$") {
		t.Errorf("versioned secret did not write the envelope: %.8s", enc)
	}
	// Another secret cannot use the key: a clear error, no new key.
	other := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Version: "3", Value: signSecret + "x"}}, BaseURL: "http://localhost:3000"})
	if _, err := other.Sign(ctx, map[string]any{"sub": "u"}); !errors.Is(err, jwt.ErrKeyDecrypt) {
		t.Errorf("wrong secret: %v", err)
	}
	if rows, _ = store.ListJWKs(ctx); len(rows) != 1 {
		t.Errorf("%d rows after a failed decrypt", len(rows))
	}
	for _, cfg := range []jwt.SignerConfig{
		{Secrets: versioned},
		{Store: store, BaseURL: "http://x"},
		{Store: store, Secrets: versioned, Algorithm: "HS256", BaseURL: "http://x"},
		{Store: store, Secrets: versioned, Curve: "Ed448", BaseURL: "http://x"},
		{Store: store, Secrets: versioned, BaseURL: "not a url"},
	} {
		if _, err := jwt.NewSigner(cfg); err == nil {
			t.Errorf("NewSigner(%+v) accepted", cfg)
		}
	}
}

func TestParseExpirationTime(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"15m": 15 * time.Minute, "1 hour": time.Hour, "7d": 7 * 24 * time.Hour, "2 weeks": 14 * 24 * time.Hour,
		"1.5h": 90 * time.Minute, "30s": 30 * time.Second, "1mo": 30 * 24 * time.Hour, "1y": 36525 * 24 * 36 * time.Second,
	} {
		if got, err := jwt.ParseExpirationTime(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "15", "m", "15 parsecs", "-1h ago"} {
		if _, err := jwt.ParseExpirationTime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
