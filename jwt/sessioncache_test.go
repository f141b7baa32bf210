package jwt_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http/httptest"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// sessionCacheClaims are the claims Better Auth 1.7.25's jwt plugin signs
// for a cookie cache, at now.
func sessionCacheClaims(now time.Time) map[string]any {
	return map[string]any{
		"session": map[string]any{
			"id": "sess1", "token": "tok1", "userId": "usr1", "expiresAt": "2099-01-01T00:00:00.000Z",
			"createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z", "ipAddress": "", "userAgent": "",
		},
		"user": map[string]any{
			"id": "usr1", "name": "Ada", "email": "ada@example.com", "emailVerified": true,
			"createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
		},
		"updatedAt": now.UnixMilli(), "version": "1", "sid": "tok1",
		"iat": now.Unix(), "exp": now.Unix() + 300, "iss": testIssuer, "aud": jwt.SessionCacheAudience, "sub": "usr1",
	}
}

// TestVerifySessionCache runs each of Better Auth's checks on a cookie-cache
// JWT without Node: typ, key, iss, aud, exp with 15 s tolerance, sub and
// sid bound to the payload.
func TestVerifySessionCache(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	k := newTestKey(t, "EdDSA", "kid1")
	keys := jwt.StaticKeys{{ID: k.kid, Algorithm: k.alg, Public: k.priv.Public()}}
	v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: testIssuer, Now: func() time.Time { return now }})
	typ := map[string]any{"typ": jwt.SessionCacheType}
	with := func(change func(map[string]any)) map[string]any {
		c := sessionCacheClaims(now)
		change(c)
		return c
	}
	if _, err := v.VerifySessionCache(ctx, k.sign(t, sessionCacheClaims(now), typ)); err != nil {
		t.Fatalf("OK: %v", err)
	}
	other := newTestKey(t, "EdDSA", "kid1")
	for name, tc := range map[string]struct {
		token   string
		verdict error
	}{
		"ErrNoTyp":        {k.sign(t, sessionCacheClaims(now), nil), jwt.ErrTokenMalformed},
		"ErrOtherTyp":     {k.sign(t, sessionCacheClaims(now), map[string]any{"typ": "JWT"}), jwt.ErrTokenMalformed},
		"ErrForeignKey":   {other.sign(t, sessionCacheClaims(now), typ), jwt.ErrBadSignature},
		"ErrUnknownKid":   {newTestKey(t, "EdDSA", "kid2").sign(t, sessionCacheClaims(now), typ), jwt.ErrUnknownKey},
		"ErrWrongIssuer":  {k.sign(t, with(func(c map[string]any) { c["iss"] = "http://evil.example" }), typ), jwt.ErrWrongIssuer},
		"ErrNoIssuer":     {k.sign(t, with(func(c map[string]any) { delete(c, "iss") }), typ), jwt.ErrWrongIssuer},
		"ErrAccessAud":    {k.sign(t, with(func(c map[string]any) { c["aud"] = testIssuer }), typ), jwt.ErrWrongAudience},
		"ErrExpired":      {k.sign(t, with(func(c map[string]any) { c["exp"] = now.Unix() - 15 }), typ), jwt.ErrTokenExpired},
		"ErrNoExp":        {k.sign(t, with(func(c map[string]any) { delete(c, "exp") }), typ), jwt.ErrTokenMalformed},
		"ErrNotYetValid":  {k.sign(t, with(func(c map[string]any) { c["nbf"] = now.Unix() + 16 }), typ), jwt.ErrTokenNotYetValid},
		"ErrSubMismatch":  {k.sign(t, with(func(c map[string]any) { c["sub"] = "usr2" }), typ), jwt.ErrTokenMalformed},
		"ErrSidMismatch":  {k.sign(t, with(func(c map[string]any) { c["sid"] = "tok2" }), typ), jwt.ErrTokenMalformed},
		"ErrNoSessionTok": {k.sign(t, with(func(c map[string]any) { delete(c["session"].(map[string]any), "token") }), typ), jwt.ErrTokenMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := v.VerifySessionCache(ctx, tc.token); !errors.Is(err, tc.verdict) || !errors.Is(err, jwt.ErrTokenInvalid) {
				t.Fatalf("%v, want %v", err, tc.verdict)
			}
		})
	}
	t.Run("Tolerance", func(t *testing.T) {
		tok := k.sign(t, with(func(c map[string]any) { c["exp"] = now.Unix() - 14 }), typ)
		if _, err := v.VerifySessionCache(ctx, tok); err != nil {
			t.Fatalf("14 s past exp (Better Auth allows 15): %v", err)
		}
	})
	t.Run("NoBaseURL", func(t *testing.T) {
		// Without a base URL Better Auth's iss is the audience string.
		nb := mustVerifier(t, jwt.Config{Keys: keys, Issuer: "x", Audience: []string{"y"}, Now: func() time.Time { return now }})
		tok := k.sign(t, with(func(c map[string]any) { c["iss"] = jwt.SessionCacheAudience }), typ)
		if _, err := nb.VerifySessionCache(ctx, tok); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("SessionVerifier", func(t *testing.T) {
		// No store: only the cache can answer, and must be for this
		// session_token.
		sv, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: testIssuer, Now: func() time.Time { return now },
			CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWT, JWTKeys: v}})
		if err != nil {
			t.Fatal(err)
		}
		data := k.sign(t, sessionCacheClaims(now), typ)
		for token, ok := range map[string]bool{"tok1": true, "tok2": false} {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Cookie", "better-auth.session_token="+ba.Sign(token, liveSecret)+"; better-auth.session_data="+data)
			res, err := sv.Verify(ctx, r)
			if ok != (err == nil) || (ok && (res.Credential != ba.CredentialCookieCache || res.User.Email != "ada@example.com")) {
				t.Errorf("session_token %s: %+v %v", token, res, err)
			}
		}
	})
	t.Run("ErrConfig", func(t *testing.T) {
		for name, cc := range map[string]ba.CookieCacheConfig{
			"compact":         {Strategy: ba.CacheCompact, JWTKeys: v},
			"signer, no keys": {Strategy: ba.CacheJWT, JWTSigner: mustSigner(t, jwt.SignerConfig{Store: jwtStore(t, sqlstore.SQLite), DisablePrivateKeyEncryption: true, BaseURL: testIssuer})},
		} {
			if _, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: testIssuer, CookieCache: cc}); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

// TestSignSessionCache: the Signer's cookie caches verify, carry Better
// Auth's claim names and typ, and are refused when signed for another
// session.
func TestSignSessionCache(t *testing.T) {
	ctx := context.Background()
	store := jwtStore(t, sqlstore.SQLite)
	s := mustSigner(t, jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: liveSecret}}, BaseURL: testIssuer})
	keys, _ := jwt.NewStoreJWKS(store, jwt.StoreOptions{})
	v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: testIssuer})
	c := sessionCacheClaims(time.Now())
	data := map[string]any{}
	for _, k := range []string{"session", "user", "updatedAt", "version"} {
		data[k] = c[k]
	}
	raw := mustJSON(t, data)
	tok, err := s.SignSessionCache(ctx, raw, time.Now().Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifySessionCache(ctx, tok); err != nil {
		t.Fatal(err)
	}
	got := claimsOf(t, tok)
	for _, k := range []string{"iat", "exp", "updatedAt"} {
		delete(got, k)
		delete(c, k)
	}
	if g, w := mustJSON(t, got), mustJSON(t, c); string(g) != string(w) {
		t.Errorf("claims\n got  %s\n want %s", g, w)
	}
	if _, err := v.Verify(ctx, tok); !errors.Is(err, jwt.ErrTokenMalformed) {
		t.Errorf("as an access token: %v", err)
	}
	bad := maps.Clone(data)
	bad["session"] = map[string]any{"id": "x"}
	if _, err := s.SignSessionCache(ctx, mustJSON(t, bad), time.Now()); err == nil {
		t.Error("signed a cache without session.token")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
