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

// baVerify asks Better Auth's own verifyJWT (auth.api.verifyJWT) about a
// token and returns its payload, nil when it refuses.
func (l *liveBA) baVerify(t *testing.T, token string) map[string]any {
	t.Helper()
	var out struct {
		Payload map[string]any `json:"payload"`
	}
	l.h.MustCall(t, "api", map[string]any{"method": "verifyJWT", "body": map[string]any{"token": token}}, &out)
	return out.Payload
}

func kidOf(t *testing.T, token string) string {
	t.Helper()
	h, _, _ := splitToken(t, token)
	var head struct{ Kid string }
	if err := json.Unmarshal(h, &head); err != nil {
		t.Fatal(err)
	}
	return head.Kid
}

// TestLiveSignerInterop: Go and Better Auth 1.7.25 share one jwks table.
// Each signs with the keys the other made (so each decrypts the other's
// encrypted private keys), each verifies the other's tokens, Go's token for
// a user carries exactly Better Auth's claims, and keys rotate both ways:
// Better Auth replaces an expired Go key, and Better Auth signs with a key
// Go made later.
func TestLiveSignerInterop(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) { testLiveSignerInterop(t, kind) })
}

func testLiveSignerInterop(t *testing.T, kind sqlstore.Kind) {
	ctx := context.Background()
	l := startLiveWith(t, liveOptions{kind: kind})
	store := l.store(t)
	gs := l.h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": l.cookie}, nil)
	var session struct {
		User json.RawMessage `json:"user"`
	}
	if gs.Status != 200 || gs.Decode(&session) != nil {
		t.Fatalf("get-session: %d", gs.Status)
	}
	// The header made Better Auth's first key; nothing else has.
	rows, err := store.ListJWKs(ctx)
	if err != nil || len(rows) != 1 {
		t.Fatalf("jwks rows %d %v", len(rows), err)
	}
	baKey := rows[0].ID
	keys, err := jwt.NewStoreJWKS(store, jwt.StoreOptions{MinRefreshInterval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000"})

	signer := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000"})
	goTok, err := signer.Token(ctx, session.User)
	if err != nil {
		t.Fatal(err)
	}
	if kidOf(t, goTok) != baKey {
		t.Fatalf("Go signed with %s, not Better Auth's key", kidOf(t, goTok))
	}
	baTok := l.token(t, map[string]string{"cookie": l.cookie})
	goClaims, baClaims := claimsOf(t, goTok), claimsOf(t, baTok)
	for _, c := range []map[string]any{goClaims, baClaims} {
		if c["exp"].(float64)-c["iat"].(float64) != 900 {
			t.Errorf("exp-iat = %v, want 900", c["exp"].(float64)-c["iat"].(float64))
		}
		delete(c, "iat")
		delete(c, "exp")
	}
	gj, _ := json.Marshal(goClaims)
	bj, _ := json.Marshal(baClaims)
	sameJSON(t, "Go's claims vs Better Auth's", gj, bj)
	if p := l.baVerify(t, goTok); p == nil || p["sub"] != baClaims["sub"] {
		t.Errorf("Better Auth's verifyJWT refused Go's token: %v", p)
	}
	if _, err := v.Verify(ctx, baTok); err != nil {
		t.Errorf("Go refused Better Auth's token: %v", err)
	}
	forged := goTok[:len(goTok)-4] + "AAAA"
	if p := l.baVerify(t, forged); p != nil {
		t.Error("Better Auth accepted a forged signature")
	}

	t.Run("GoRotates", func(t *testing.T) {
		// A key Go makes later is the newest: Better Auth signs with it,
		// decrypting what Go encrypted, and both sides verify both.
		later := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000",
			Now: func() time.Time { return time.Now().Add(2 * time.Second) }})
		row, err := later.CreateKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		baTok := l.token(t, map[string]string{"cookie": l.cookie})
		if kidOf(t, baTok) != row.ID {
			t.Fatalf("Better Auth signed with %s, not Go's new key %s", kidOf(t, baTok), row.ID)
		}
		goTok, err := signer.Token(ctx, session.User)
		if err != nil || kidOf(t, goTok) != row.ID {
			t.Fatalf("Go signed with %v %v", kidOf(t, goTok), err)
		}
		if _, err := v.Verify(ctx, baTok); err != nil {
			t.Errorf("Go refused Better Auth's token on Go's key: %v", err)
		}
		if l.baVerify(t, goTok) == nil {
			t.Error("Better Auth refused Go's token on Go's key")
		}
		jwks := l.jwksText(t)
		if !strings.Contains(jwks, baKey) || !strings.Contains(jwks, row.ID) {
			t.Errorf("Better Auth's /jwks lacks a key: %s", jwks)
		}
		goJWKS, err := signer.JWKS(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(goJWKS) != jwks {
			t.Errorf("Go's JWKS is not Better Auth's byte for byte:\n got  %s\n want %s", goJWKS, jwks)
		}
	})
}

// TestLiveBetterAuthRotatesGoKey: the only key is one Go made with a
// rotationInterval that has passed. Better Auth's /token makes a new key,
// Go signs with that one (Better Auth's encryption), and the expired key's
// token still verifies on both sides within the grace period.
func TestLiveBetterAuthRotatesGoKey(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) { testLiveBetterAuthRotatesGoKey(t, kind) })
}

func testLiveBetterAuthRotatesGoKey(t *testing.T, kind sqlstore.Kind) {
	ctx := context.Background()
	l := startLiveWith(t, liveOptions{kind: kind, jwt: map[string]any{"disableSettingJwtHeader": true}})
	store := l.store(t)
	if rows, _ := store.ListJWKs(ctx); len(rows) != 0 {
		t.Fatalf("%d keys before any token", len(rows))
	}
	past := func() time.Time { return time.Now().Add(-2 * time.Hour) }
	old := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000",
		RotationInterval: time.Hour, ExpirationTime: 3 * time.Hour, Now: past})
	oldTok, err := old.Sign(ctx, map[string]any{"sub": "someone", "iat": past().Unix()})
	if err != nil {
		t.Fatal(err)
	}
	goKey := kidOf(t, oldTok)
	baTok := l.token(t, map[string]string{"cookie": l.cookie})
	baKey := kidOf(t, baTok)
	if baKey == goKey {
		t.Fatal("Better Auth signed with the expired Go key")
	}
	rows, _ := store.ListJWKs(ctx)
	if len(rows) != 2 {
		t.Fatalf("%d keys after Better Auth's rotation", len(rows))
	}
	signer := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000"})
	goTok, err := signer.Sign(ctx, map[string]any{"sub": "someone"})
	if err != nil || kidOf(t, goTok) != baKey {
		t.Fatalf("Go did not sign with Better Auth's new key: %v", err)
	}
	keys, _ := jwt.NewStoreJWKS(store, jwt.StoreOptions{})
	v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000"})
	for name, tok := range map[string]string{"old Go": oldTok, "Better Auth": baTok, "Go": goTok} {
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Errorf("Go refused the %s token: %v", name, err)
		}
		if l.baVerify(t, tok) == nil {
			t.Errorf("Better Auth refused the %s token", name)
		}
	}
}

// TestLiveDisablePrivateKeyEncryption: with jwks.disablePrivateKeyEncryption
// the privateKey column holds the private JWK as plain JSON, both ways:
// Go signs with the key Better Auth made, Better Auth signs with a later
// one Go made, each verifies the other's tokens, and a Signer that expects
// encrypted keys refuses the plain one with ErrKeyDecrypt.
func TestLiveDisablePrivateKeyEncryption(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		ctx := context.Background()
		l := startLiveWith(t, liveOptions{kind: kind, jwt: map[string]any{"jwks": map[string]any{"disablePrivateKeyEncryption": true}}})
		store := l.store(t)
		baTok := l.token(t, map[string]string{"cookie": l.cookie})
		rows, err := store.ListJWKs(ctx)
		if err != nil || len(rows) != 1 {
			t.Fatalf("jwks rows %d %v", len(rows), err)
		}
		var plain struct{ Kty, D string }
		if err := json.Unmarshal([]byte(rows[0].PrivateKey), &plain); err != nil || plain.Kty != "OKP" || plain.D == "" {
			t.Fatalf("Better Auth's privateKey is not a plain private JWK: %v", err)
		}
		keys, _ := jwt.NewStoreJWKS(store, jwt.StoreOptions{MinRefreshInterval: time.Nanosecond})
		v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: "http://localhost:3000"})
		if _, err := v.Verify(ctx, baTok); err != nil {
			t.Fatalf("Go refused Better Auth's token: %v", err)
		}
		signer := mustSigner(t, jwt.SignerConfig{Store: store, DisablePrivateKeyEncryption: true, BaseURL: "http://localhost:3000"})
		goTok, err := signer.Sign(ctx, map[string]any{"sub": "someone"})
		if err != nil || kidOf(t, goTok) != rows[0].ID {
			t.Fatalf("Go did not sign with Better Auth's plain key: %v", err)
		}
		if l.baVerify(t, goTok) == nil {
			t.Error("Better Auth refused Go's token on its plain key")
		}
		encrypted := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: "http://localhost:3000"})
		if _, err := encrypted.Sign(ctx, map[string]any{"sub": "someone"}); !errors.Is(err, jwt.ErrKeyDecrypt) {
			t.Errorf("a Signer expecting encrypted keys: %v, want ErrKeyDecrypt", err)
		}

		later := mustSigner(t, jwt.SignerConfig{Store: store, DisablePrivateKeyEncryption: true, BaseURL: "http://localhost:3000",
			Now: func() time.Time { return time.Now().Add(2 * time.Second) }})
		row, err := later.CreateKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(row.PrivateKey), &plain); err != nil || plain.D == "" {
			t.Fatalf("Go's privateKey is not a plain private JWK: %v", err)
		}
		baTok = l.token(t, map[string]string{"cookie": l.cookie})
		if kidOf(t, baTok) != row.ID {
			t.Fatalf("Better Auth signed with %s, not Go's plain key %s", kidOf(t, baTok), row.ID)
		}
		if _, err := v.Verify(ctx, baTok); err != nil {
			t.Errorf("Go refused Better Auth's token on Go's key: %v", err)
		}
		if jwks := l.jwksText(t); !strings.Contains(jwks, rows[0].ID) || !strings.Contains(jwks, row.ID) {
			t.Errorf("Better Auth's /jwks lacks a key: %s", jwks)
		}
	})
}
