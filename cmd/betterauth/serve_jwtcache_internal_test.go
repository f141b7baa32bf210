package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestUseJWTCookieCacheFromAppConfig: jwt({ sessionCookieCache: true }) in
// the app config makes serve write and read the session_data cache as a
// JWS under the jwks keys (typ better-auth.session-cache+jwt); with a
// cookieCache strategy other than "jwt" serve refuses to start, as Better
// Auth does.
func TestUseJWTCookieCacheFromAppConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "appconfig", "fixture.config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["plugins"] = append(doc["plugins"].([]any), map[string]any{"id": "jwt", "version": "1.7.25", "options": map[string]any{"sessionCookieCache": true}})
	b, _ := json.Marshal(doc)
	app, err := ba.ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}
	store := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: schema})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	secrets := []ba.Secret{{Value: "serve-jwt-test-secret-0123456789abcdef"}}
	const base = "http://localhost:8080"

	cfg := server.Config{Secrets: secrets, CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheCompact}}
	if err := useJWTSigner(&cfg, store, schema, app, base, log); err == nil || !strings.Contains(err.Error(), `strategy = "jwt"`) {
		t.Fatalf("compact strategy with sessionCookieCache: %v", err)
	}

	cfg = server.Config{Secrets: secrets, CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWT}}
	if err := useJWTSigner(&cfg, store, schema, app, base, log); err != nil {
		t.Fatal(err)
	}
	if cfg.CookieCache.JWTKeys == nil || cfg.CookieCache.JWTSigner == nil {
		t.Fatalf("cookie cache not wired: %+v", cfg.CookieCache)
	}
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: secrets, BaseURL: base, CookieCache: cfg.CookieCache})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := &ba.User{Name: "Cache", Email: "cache@example.com"}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	sess := &ba.Session{UserID: u.ID}
	if err := store.CreateSession(ctx, sess, u); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	v.SetSessionCookie(rec, sess.Token, 0, false, ba.CookieAttributes{})
	if err := v.SetCookieCache(rec, store.Schema(), sess, u, false, ba.CookieAttributes{}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	var data string
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
		if strings.HasSuffix(c.Name, "session_data") {
			data = c.Value
		}
	}
	if _, err := cfg.CookieCache.JWTKeys.VerifySessionCache(ctx, data); err != nil {
		t.Fatalf("the cache serve writes is not a jwks-signed cookie cache: %v", err)
	}
	res, err := v.Verify(ctx, req)
	if err != nil || res.Credential != ba.CredentialCookieCache || res.User.ID != u.ID {
		t.Fatalf("Verify: %+v %v", res, err)
	}
}
