package jwt_test

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/jwt"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func mustVerifier(t testing.TB, cfg jwt.Config) *jwt.Verifier {
	t.Helper()
	v, err := jwt.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyAlgorithms(t *testing.T) {
	for _, alg := range []string{"EdDSA", "ES256", "ES512", "RS256", "PS256"} {
		t.Run(alg, func(t *testing.T) {
			k := newTestKey(t, alg, "k-"+alg)
			srv := newJWKSServer(t, jwksJSON(t, k))
			keys, err := jwt.NewRemoteJWKS(srv.URL+"/api/auth/jwks", jwt.RemoteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			v := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: testIssuer + "/api/auth", Algorithms: []string{alg}, Now: func() time.Time { return t0 }})
			c, err := v.Verify(context.Background(), k.sign(t, defaultClaims(t0), nil))
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != "user123" || c.Email != "ada@example.com" || !c.EmailVerified || c.Name != "Ada" || c.Image != nil {
				t.Errorf("claims %+v", c)
			}
			if !c.Expiry.Equal(t0.Add(15*time.Minute)) || !c.IssuedAt.Equal(t0) || c.Issuer != testIssuer || len(c.Audience) != 1 {
				t.Errorf("registered claims %+v", c)
			}
			u := c.User()
			if u == nil || u.ID != "user123" || u.CreatedAt != time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC) || len(u.Fields) != 0 {
				t.Errorf("user %+v", u)
			}
			// The default EdDSA-only verifier refuses the other algorithms.
			if alg != "EdDSA" {
				v2 := mustVerifier(t, jwt.Config{Keys: keys, BaseURL: testIssuer, Now: func() time.Time { return t0 }})
				if _, err := v2.Verify(context.Background(), k.sign(t, defaultClaims(t0), nil)); !errors.Is(err, jwt.ErrAlgorithmNotAllowed) {
					t.Errorf("default Algorithms accepted %s: %v", alg, err)
				}
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	ctx := context.Background()
	k := newTestKey(t, "EdDSA", "kid1")
	es := newTestKey(t, "ES256", "kid-es")
	other := newTestKey(t, "EdDSA", "kid1") // same kid, another key
	priv := k.priv.(ed25519.PrivateKey)
	keys, err := jwt.ParseJWKS(jwksJSON(t, k, es))
	if err != nil {
		t.Fatal(err)
	}
	retired := jwt.Key{ID: "old", Algorithm: "EdDSA", Public: priv.Public(), NotAfter: t0}
	src := append(jwt.StaticKeys(keys), retired)
	clk := newClock(t0)
	v := mustVerifier(t, jwt.Config{Keys: src, BaseURL: testIssuer, Algorithms: []string{"EdDSA", "ES256"}, Now: clk.Now})

	with := func(mod func(map[string]any)) map[string]any {
		c := defaultClaims(t0)
		mod(c)
		return c
	}
	good := k.sign(t, defaultClaims(t0), nil)
	h, p, sig := splitToken(t, good)
	tampered := b64.EncodeToString(h) + "." + b64.EncodeToString([]byte(strings.Replace(string(p), "ada@", "eve@", 1))) + "." + sig
	pub := []byte(priv.Public().(ed25519.PublicKey))
	hs256 := func(secret []byte) string {
		in := b64.EncodeToString([]byte(`{"alg":"HS256","kid":"kid1"}`)) + "." + b64.EncodeToString(p)
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(in))
		return in + "." + b64.EncodeToString(m.Sum(nil))
	}
	payload := func(claims map[string]any) []byte { b, _ := json.Marshal(claims); return b }

	for _, tc := range []struct {
		name  string
		token string
		now   time.Time
		want  error
	}{
		{"OK", good, t0, nil},
		{"OK/JustBeforeExp", good, t0.Add(15*time.Minute - time.Nanosecond), nil},
		{"ErrNoToken", "", t0, jwt.ErrNoToken},
		{"ErrTokenExpired/AtExp", good, t0.Add(15 * time.Minute), jwt.ErrTokenExpired},
		{"ErrTokenExpired/16min", good, t0.Add(16 * time.Minute), jwt.ErrTokenExpired},
		{"ErrTokenNotYetValid", k.sign(t, with(func(c map[string]any) { c["nbf"] = t0.Unix() + 1 }), nil), t0, jwt.ErrTokenNotYetValid},
		{"OK/IatInFuture", k.sign(t, with(func(c map[string]any) { c["iat"] = t0.Unix() + 3600 }), nil), t0, nil},
		{"ErrBadSignature/OtherKeySameKid", other.sign(t, defaultClaims(t0), nil), t0, jwt.ErrBadSignature},
		{"ErrBadSignature/Tampered", tampered, t0, jwt.ErrBadSignature},
		{"ErrAlgorithmNotAllowed/None", signEd25519Raw([]byte(`{"alg":"none","kid":"kid1"}`), p, nil), t0, jwt.ErrAlgorithmNotAllowed},
		{"ErrAlgorithmNotAllowed/HS256PublicKey", hs256(pub), t0, jwt.ErrAlgorithmNotAllowed},
		{"ErrAlgorithmNotAllowed/HS256X", hs256([]byte(b64.EncodeToString(pub))), t0, jwt.ErrAlgorithmNotAllowed},
		{"ErrAlgorithmNotAllowed/KeyIsOtherAlg", es.sign(t, defaultClaims(t0), map[string]any{"kid": "kid1"}), t0, jwt.ErrAlgorithmNotAllowed},
		{"ErrAlgorithmNotAllowed/ES512", signEd25519Raw([]byte(`{"alg":"ES512","kid":"kid1"}`), p, priv), t0, jwt.ErrAlgorithmNotAllowed},
		{"ErrUnknownKey", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"nope"}`), p, priv), t0, jwt.ErrUnknownKey},
		{"ErrUnknownKey/NoKid", signEd25519Raw([]byte(`{"alg":"EdDSA"}`), p, priv), t0, jwt.ErrUnknownKey},
		{"ErrUnknownKey/Retired", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"old"}`), p, priv), t0, jwt.ErrUnknownKey},
		{"OK/BeforeRetired", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"old"}`), p, priv), t0.Add(-time.Second), nil},
		{"ErrWrongIssuer", k.sign(t, with(func(c map[string]any) { c["iss"] = "https://evil.example" }), nil), t0, jwt.ErrWrongIssuer},
		{"ErrWrongIssuer/Missing", k.sign(t, with(func(c map[string]any) { delete(c, "iss") }), nil), t0, jwt.ErrWrongIssuer},
		{"ErrWrongAudience", k.sign(t, with(func(c map[string]any) { c["aud"] = "https://api.example" }), nil), t0, jwt.ErrWrongAudience},
		{"ErrWrongAudience/Missing", k.sign(t, with(func(c map[string]any) { delete(c, "aud") }), nil), t0, jwt.ErrWrongAudience},
		{"OK/AudienceArray", k.sign(t, with(func(c map[string]any) { c["aud"] = []string{"x", testIssuer} }), nil), t0, nil},
		{"ErrTokenMalformed/AudNumber", k.sign(t, with(func(c map[string]any) { c["aud"] = 5 }), nil), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/NoExp", k.sign(t, with(func(c map[string]any) { delete(c, "exp") }), nil), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/ExpString", k.sign(t, with(func(c map[string]any) { c["exp"] = "9999999999" }), nil), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/NoSub", k.sign(t, with(func(c map[string]any) { delete(c, "sub") }), nil), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/SubNumber", k.sign(t, with(func(c map[string]any) { c["sub"] = 1 }), nil), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/TwoParts", "a.b", t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/HeaderNotB64", "!!.e30.e30", t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/HeaderNotObject", signEd25519Raw([]byte(`[1]`), p, priv), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/PayloadArray", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"kid1"}`), []byte(`[1,2]`), priv), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/PayloadNull", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"kid1"}`), []byte(`null`), priv), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/PayloadBadUTF8", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"kid1"}`), append(payload(defaultClaims(t0))[:len(payload(defaultClaims(t0)))-1], []byte(`,"x":"\xff"}`)...), priv), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/Crit", k.sign(t, defaultClaims(t0), map[string]any{"crit": []string{"exp"}, "exp": 1}), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/EmbeddedJWK", signEd25519Raw([]byte(`{"alg":"EdDSA","kid":"kid1","jwk":{}}`), p, priv), t0, jwt.ErrTokenMalformed},
		{"ErrTokenMalformed/CookieCacheTyp", k.sign(t, defaultClaims(t0), map[string]any{"typ": "better-auth.session-cache+jwt"}), t0, jwt.ErrTokenMalformed},
		{"OK/TypJWT", k.sign(t, defaultClaims(t0), map[string]any{"typ": "JWT"}), t0, nil},
		{"ErrTokenMalformed/TooLong", strings.Repeat("a", 70000), t0, jwt.ErrTokenMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk.set(tc.now)
			c, err := v.Verify(ctx, tc.token)
			if tc.want == nil {
				if err != nil || c == nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify error %v, want %v", err, tc.want)
			}
			if tc.want != jwt.ErrNoToken && !errors.Is(err, jwt.ErrTokenInvalid) {
				t.Errorf("%v does not match ErrTokenInvalid", err)
			}
			if errors.Is(err, ba.ErrUnavailable) {
				t.Errorf("%v matches ErrUnavailable", err)
			}
		})
	}
}

func TestLeeway(t *testing.T) {
	k := newTestKey(t, "EdDSA", "kid1")
	keys, _ := jwt.ParseJWKS(jwksJSON(t, k))
	clk := newClock(t0.Add(15*time.Minute + 10*time.Second))
	v := mustVerifier(t, jwt.Config{Keys: jwt.StaticKeys(keys), BaseURL: testIssuer, Leeway: 30 * time.Second, Now: clk.Now})
	tok := k.sign(t, defaultClaims(t0), nil)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
	clk.set(t0.Add(15*time.Minute + 30*time.Second))
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Fatalf("past leeway: %v", err)
	}
}

func TestAudienceAndIssuerConfig(t *testing.T) {
	k := newTestKey(t, "EdDSA", "kid1")
	keys, _ := jwt.ParseJWKS(jwksJSON(t, k))
	now := func() time.Time { return t0 }
	claims := defaultClaims(t0)
	claims["aud"] = []string{"https://api.example", "https://other.example"}
	claims["iss"] = "https://auth.example"
	tok := k.sign(t, claims, nil)
	for _, tc := range []struct {
		name string
		cfg  jwt.Config
		want error
	}{
		{"OK/Explicit", jwt.Config{Issuer: "https://auth.example", Audience: []string{"https://other.example"}}, nil},
		{"OK/BaseURLForIssuer", jwt.Config{BaseURL: "https://auth.example/api/auth", Audience: []string{"https://api.example"}}, nil},
		{"ErrWrongAudience/BaseURL", jwt.Config{BaseURL: "https://auth.example"}, jwt.ErrWrongAudience},
		{"ErrWrongIssuer", jwt.Config{Issuer: "https://auth.example/", Audience: []string{"https://api.example"}}, jwt.ErrWrongIssuer},
		{"OK/SkipBoth", jwt.Config{SkipIssuerCheck: true, SkipAudienceCheck: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Keys, tc.cfg.Now = jwt.StaticKeys(keys), now
			v := mustVerifier(t, tc.cfg)
			if _, err := v.Verify(context.Background(), tok); !errors.Is(err, tc.want) && (tc.want != nil || err != nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewConfigErrors(t *testing.T) {
	for _, name := range []string{"BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL", "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL"} {
		t.Setenv(name, "")
	}
	keys := jwt.StaticKeys{}
	for _, tc := range []struct {
		name string
		cfg  jwt.Config
	}{
		{"NoKeys", jwt.Config{BaseURL: testIssuer}},
		{"NoIssuer", jwt.Config{Keys: keys, Audience: []string{"a"}}},
		{"NoAudience", jwt.Config{Keys: keys, Issuer: "a"}},
		{"HS256", jwt.Config{Keys: keys, BaseURL: testIssuer, Algorithms: []string{"HS256"}}},
		{"None", jwt.Config{Keys: keys, BaseURL: testIssuer, Algorithms: []string{"none"}}},
		{"RelativeBaseURL", jwt.Config{Keys: keys, BaseURL: "/api/auth"}},
		{"NegativeLeeway", jwt.Config{Keys: keys, BaseURL: testIssuer, Leeway: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := jwt.New(tc.cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
	t.Run("InvalidBaseURLFromEnv", func(t *testing.T) {
		t.Setenv("BETTER_AUTH_URL", "invalid")
		if _, err := jwt.New(jwt.Config{Keys: keys}); !errors.Is(err, ba.ErrInvalidBaseURL) {
			t.Fatalf("err %v, want ErrInvalidBaseURL", err)
		}
	})
	t.Run("OK/BaseURLFromLaterEnv", func(t *testing.T) {
		t.Setenv("NUXT_PUBLIC_AUTH_URL", "https://nuxt.example/api/auth")
		k := newTestKey(t, "EdDSA", "kid1")
		ks, _ := jwt.ParseJWKS(jwksJSON(t, k))
		v := mustVerifier(t, jwt.Config{Keys: jwt.StaticKeys(ks), Now: func() time.Time { return t0 }})
		c := defaultClaims(t0)
		c["iss"], c["aud"] = "https://nuxt.example", "https://nuxt.example"
		if _, err := v.Verify(context.Background(), k.sign(t, c, nil)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OK/BaseURLFromEnv", func(t *testing.T) {
		t.Setenv("BETTER_AUTH_URL", "https://auth.example/base")
		k := newTestKey(t, "EdDSA", "kid1")
		ks, _ := jwt.ParseJWKS(jwksJSON(t, k))
		v := mustVerifier(t, jwt.Config{Keys: jwt.StaticKeys(ks), Now: func() time.Time { return t0 }})
		c := defaultClaims(t0)
		c["iss"], c["aud"] = "https://auth.example", "https://auth.example"
		if _, err := v.Verify(context.Background(), k.sign(t, c, nil)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClaimsUser(t *testing.T) {
	k := newTestKey(t, "EdDSA", "kid1")
	keys, _ := jwt.ParseJWKS(jwksJSON(t, k))
	v := mustVerifier(t, jwt.Config{Keys: jwt.StaticKeys(keys), BaseURL: testIssuer, Now: func() time.Time { return t0 }})
	t.Run("OK/PluginAndCustomFields", func(t *testing.T) {
		c := defaultClaims(t0)
		c["role"], c["banned"], c["username"], c["plan"], c["jti"] = "admin", false, "ada", "pro", "j1"
		claims, err := v.Verify(context.Background(), k.sign(t, c, nil))
		if err != nil {
			t.Fatal(err)
		}
		u := claims.User()
		if u.Role == nil || *u.Role != "admin" || u.Banned == nil || *u.Banned || u.Username == nil || *u.Username != "ada" {
			t.Errorf("plugin fields %+v", u)
		}
		if len(u.Fields) != 1 || u.Fields["plan"] != "pro" {
			t.Errorf("custom fields %v (registered claims must not leak in)", u.Fields)
		}
		u.Fields["plan"] = "changed"
		if claims.User().Fields["plan"] != "pro" {
			t.Error("User() returned shared Fields")
		}
	})
	t.Run("OK/CustomPayload", func(t *testing.T) {
		c := map[string]any{"sub": "s1", "exp": t0.Unix() + 60, "iss": testIssuer, "aud": testIssuer, "name": 5}
		claims, err := v.Verify(context.Background(), k.sign(t, c, nil))
		if err != nil {
			t.Fatal(err)
		}
		if claims.User() != nil || claims.Name != "" || string(claims.Raw["name"]) != "5" {
			t.Errorf("custom payload: user %+v, claims %+v", claims.User(), claims)
		}
	})
	t.Run("OK/SubjectIsID", func(t *testing.T) {
		c := defaultClaims(t0)
		c["sub"] = "custom-subject"
		claims, err := v.Verify(context.Background(), k.sign(t, c, nil))
		if err != nil {
			t.Fatal(err)
		}
		if claims.User().ID != "custom-subject" || string(claims.Raw["id"]) != `"user123"` {
			t.Errorf("user id %q", claims.User().ID)
		}
	})
}

// TestBaseURLNormalised: the default issuer and audience are Better Auth's
// options.baseURL, new URL(baseURL).origin: scheme and host lower-cased,
// the default port, path, query and trailing slash dropped.
func TestBaseURLNormalised(t *testing.T) {
	t.Setenv("BETTER_AUTH_URL", "")
	k := newTestKey(t, "EdDSA", "kid1")
	keys, _ := jwt.ParseJWKS(jwksJSON(t, k))
	for base, origin := range map[string]string{
		"HTTP://LocalHost:3100/":              "http://localhost:3100",
		"https://EXAMPLE.com:443/api/auth":    "https://example.com",
		"http://example.com:080/":             "http://example.com",
		"HTTPS://Auth.Example.COM:8443/base/": "https://auth.example.com:8443",
		"http://[0:0::1]:3000":                "http://[::1]:3000",
		"http://127.1:3000":                   "http://127.0.0.1:3000",
	} {
		t.Run(base, func(t *testing.T) {
			v := mustVerifier(t, jwt.Config{Keys: jwt.StaticKeys(keys), BaseURL: base, Now: func() time.Time { return t0 }})
			c := defaultClaims(t0)
			c["iss"], c["aud"] = origin, origin
			if _, err := v.Verify(context.Background(), k.sign(t, c, nil)); err != nil {
				t.Fatalf("token with iss and aud %q: %v", origin, err)
			}
			c["iss"], c["aud"] = strings.TrimSuffix(base, "/"), strings.TrimSuffix(base, "/")
			if _, err := v.Verify(context.Background(), k.sign(t, c, nil)); err == nil && strings.TrimSuffix(base, "/") != origin {
				t.Fatalf("token with iss %q accepted; Better Auth issues %q", c["iss"], origin)
			}
		})
	}
	for _, base := range []string{"ftp://example.com", "http://bücher.example", "http://example.com:99999"} {
		if _, err := jwt.New(jwt.Config{Keys: jwt.StaticKeys(keys), BaseURL: base}); err == nil {
			t.Errorf("New accepted BaseURL %q, which Better Auth refuses or this package cannot normalise", base)
		}
	}
}

// TestErrorsBoundAttackerText: what a token's author writes (kid, alg, iss,
// aud) reaches error text, and so serve's logs, only as a short printable
// prefix with its length, or not at all; a kid of a megabyte or one with a
// newline cannot fill or forge a log line.
func TestErrorsBoundAttackerText(t *testing.T) {
	ctx := context.Background()
	k := newTestKey(t, "EdDSA", "kid1")
	priv := k.priv.(ed25519.PrivateKey)
	keys, _ := jwt.ParseJWKS(jwksJSON(t, k))
	srv := newJWKSServer(t, jwksJSON(t, k))
	remote, err := jwt.NewRemoteJWKS(srv.URL, jwt.RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	row := jwkRow(t, k, nil, nil)
	stored, err := jwt.NewStoreJWKS(&fakeLister{rows: []ba.JWK{row}}, jwt.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, p, _ := splitToken(t, k.sign(t, defaultClaims(t0), nil))
	const forged = "\nlevel=ERROR msg=forged\r\x1b[2K"
	bigKid := strings.Repeat("K", 40<<10) // as long as a token allows
	header := func(alg, kid string) []byte {
		b, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid})
		return b
	}
	with := func(name string, v any) []byte {
		c := defaultClaims(t0)
		c[name] = v
		b, _ := json.Marshal(c)
		return b
	}
	check := func(t *testing.T, what string, err error, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Fatalf("%s: %v, want %v", what, err, want)
		}
		msg := err.Error()
		if len(msg) > 400 || strings.Contains(msg, strings.Repeat("K", 65)) || strings.Contains(msg, "forged") ||
			strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("%s: error text %d bytes: %.400q", what, len(msg), msg)
		}
	}

	v := mustVerifier(t, jwt.Config{Keys: jwt.StaticKeys(keys), BaseURL: testIssuer, Now: func() time.Time { return t0 }})
	for name, tc := range map[string]struct {
		token string
		want  error
	}{
		"BigKid":         {signEd25519Raw(header("EdDSA", bigKid), p, priv), jwt.ErrUnknownKey},
		"ControlKid":     {signEd25519Raw(header("EdDSA", "kid1"+forged), p, priv), jwt.ErrUnknownKey},
		"BigAlg":         {signEd25519Raw(header(strings.Repeat("K", 40<<10), "kid1"), p, priv), jwt.ErrAlgorithmNotAllowed},
		"ControlAlg":     {signEd25519Raw(header("EdDSA"+forged, "kid1"), p, priv), jwt.ErrAlgorithmNotAllowed},
		"BigIssuer":      {signEd25519Raw(header("EdDSA", "kid1"), with("iss", strings.Repeat("K", 40<<10)), priv), jwt.ErrWrongIssuer},
		"ControlIssuer":  {signEd25519Raw(header("EdDSA", "kid1"), with("iss", testIssuer+forged), priv), jwt.ErrWrongIssuer},
		"BigAudience":    {signEd25519Raw(header("EdDSA", "kid1"), with("aud", []string{strings.Repeat("K", 20<<10), strings.Repeat("K", 20<<10)}), priv), jwt.ErrWrongAudience},
		"ControlAud":     {signEd25519Raw(header("EdDSA", "kid1"), with("aud", "x"+forged), priv), jwt.ErrWrongAudience},
		"BadSignature":   {signEd25519Raw(header("EdDSA", "kid1"), p, nil) + "AAAA", jwt.ErrBadSignature},
		"HeaderNotB64":   {"!!" + bigKid + ".e30.e30", jwt.ErrTokenMalformed},
		"ClaimsBadTypes": {signEd25519Raw(header("EdDSA", "kid1"), []byte(`{"exp":1`+strings.Repeat("0", 30<<10)+`}`), priv), jwt.ErrTokenMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(ctx, tc.token)
			check(t, "Verify", err, tc.want)
		})
	}
	for name, src := range map[string]jwt.KeySource{"StaticKeys": jwt.StaticKeys(keys), "RemoteJWKS": remote, "StoreJWKS": stored} {
		t.Run(name, func(t *testing.T) {
			for _, kid := range []string{strings.Repeat("K", 1<<20), "kid" + forged} {
				_, err := src.Keys(ctx, kid)
				check(t, "Keys", err, jwt.ErrUnknownKey)
			}
		})
	}
}
