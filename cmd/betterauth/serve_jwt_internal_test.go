package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestUseJWTSignerFromAppConfig: the app config's jwt options reach the
// signer (keyPairConfig.alg, rotationInterval, jwt.issuer, audience,
// expirationTime) and the server (disableSettingJwtHeader, jwksPath); a
// bad expirationTime is refused; remoteUrl leaves the routes out.
func TestUseJWTSignerFromAppConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "appconfig", "fixture.config.json"))
	if err != nil {
		t.Fatal(err)
	}
	withJWT := func(opts string) *ba.AppConfig {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		var o any
		_ = json.Unmarshal([]byte(opts), &o)
		doc["plugins"] = append(doc["plugins"].([]any), map[string]any{"id": "jwt", "version": "1.7.25", "options": o})
		b, _ := json.Marshal(doc)
		app, err := ba.ParseConfig(b)
		if err != nil {
			t.Fatal(err)
		}
		return app
	}
	store := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
	schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	secrets := []ba.Secret{{Value: "serve-jwt-test-secret-0123456789abcdef"}}

	app := withJWT(`{"jwks":{"keyPairConfig":{"alg":"ES256"},"rotationInterval":3600,"jwksPath":"/keys"},"jwt":{"issuer":"https://issuer.example","audience":["svc-a"],"expirationTime":"1h"},"disableSettingJwtHeader":true}`)
	cfg := server.Config{Secrets: secrets}
	if err := useJWTSigner(&cfg, store, schema, app, "http://localhost:8080", log); err != nil {
		t.Fatal(err)
	}
	if cfg.JWTSigner == nil || !cfg.DisableJWTHeader || cfg.JWKSPath != "/keys" {
		t.Fatalf("server config: signer %v, DisableJWTHeader %v, JWKSPath %q", cfg.JWTSigner != nil, cfg.DisableJWTHeader, cfg.JWKSPath)
	}
	tok, err := cfg.JWTSigner.Sign(context.Background(), map[string]any{"sub": "u", "iat": 1000})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var head struct{ Alg string }
	var claims struct {
		Iss string
		Aud string
		Exp int64
	}
	_ = json.Unmarshal(h, &head)
	_ = json.Unmarshal(p, &claims)
	if head.Alg != "ES256" || claims.Iss != "https://issuer.example" || claims.Aud != "svc-a" || claims.Exp != 1000+3600 {
		t.Errorf("header %s claims %s", h, p)
	}
	rows, _ := store.ListJWKs(context.Background())
	if len(rows) != 1 || rows[0].ExpiresAt == nil || *rows[0].Crv != "P-256" {
		t.Errorf("key row %+v", rows)
	}

	cfg = server.Config{Secrets: secrets}
	if err := useJWTSigner(&cfg, store, schema, withJWT(`{"jwt":{"expirationTime":"soon"}}`), "http://localhost:8080", log); err == nil {
		t.Error("a bad expirationTime was accepted")
	}
	cfg = server.Config{Secrets: secrets}
	if err := useJWTSigner(&cfg, store, schema, withJWT(`{"jwks":{"remoteUrl":"https://keys.example/jwks","keyPairConfig":{"alg":"EdDSA"}}}`), "http://localhost:8080", log); err != nil || cfg.JWTSigner != nil {
		t.Errorf("remoteUrl: signer %v, %v", cfg.JWTSigner != nil, err)
	}
	cfg = server.Config{Secrets: secrets}
	if err := useJWTSigner(&cfg, store, ba.Schema{}, nil, "http://localhost:8080", log); err != nil || cfg.JWTSigner != nil {
		t.Errorf("no jwt plugin: signer %v, %v", cfg.JWTSigner != nil, err)
	}
}
