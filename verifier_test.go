package betterauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const testSecret = "verifier-test-secret-0123456789abcdef"

type fixture struct {
	store *sqlstore.Store
	clock *storetest.Clock
	user  *ba.User
	sess  *ba.Session
}

func newFixture(t *testing.T, schema ba.Schema) *fixture {
	t.Helper()
	clock := storetest.NewClock()
	st := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: schema, Now: clock.Now})
	u := &ba.User{Name: "V", Email: "v@example.com"}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	s := &ba.Session{UserID: u.ID}
	if err := st.CreateSession(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	return &fixture{store: st, clock: clock, user: u, sess: s}
}

func (f *fixture) verifier(t *testing.T, mod func(*ba.VerifierConfig)) *ba.Verifier {
	t.Helper()
	cfg := ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: f.store, Now: f.clock.Now, BaseURL: "http://localhost:3000"}
	if mod != nil {
		mod(&cfg)
	}
	v, err := ba.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func request(cookie, authorization string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}})
	v := f.verifier(t, func(c *ba.VerifierConfig) { c.Bearer.Enabled = true })
	good := "better-auth.session_token=" + ba.SignCookieValue(f.sess.Token, testSecret)

	t.Run("OK", func(t *testing.T) {
		res, err := v.Verify(ctx, request(good, ""))
		if err != nil || res.User.ID != f.user.ID || res.Session.ID != f.sess.ID || res.Credential != ba.CredentialCookie {
			t.Fatalf("%+v %v", res, err)
		}
	})
	t.Run("OKRawNotURLEncoded", func(t *testing.T) {
		raw := "better-auth.session_token=" + ba.Sign(f.sess.Token, testSecret)
		if _, err := v.Verify(ctx, request(raw, "")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKBearer", func(t *testing.T) {
		res, err := v.Verify(ctx, request("", "bearer "+ba.Sign(f.sess.Token, testSecret)))
		if err != nil || res.Credential != ba.CredentialBearer {
			t.Fatalf("%+v %v", res, err)
		}
	})
	cases := []struct {
		name          string
		cookie, authz string
		want          error
	}{
		{"ErrNoSession", "", "", ba.ErrNoSession},
		{"ErrNoSessionOtherCookies", "theme=dark; other=1", "", ba.ErrNoSession},
		{"ErrInvalidSignatureTampered", "better-auth.session_token=" + ba.SignCookieValue(f.sess.Token+"x", testSecret)[:70] + "AAAA%3D", "", ba.ErrInvalidSignature},
		{"ErrInvalidSignatureForeignSecret", "better-auth.session_token=" + ba.SignCookieValue(f.sess.Token, "another-secret-0123456789abcdef"), "", ba.ErrInvalidSignature},
		{"ErrInvalidSignatureNoDot", "better-auth.session_token=" + f.sess.Token, "", ba.ErrInvalidSignature},
		{"ErrInvalidSignatureBadPercent", "better-auth.session_token=abc.%ZZ", "", ba.ErrInvalidSignature},
		{"ErrInvalidSignatureShortSig", "better-auth.session_token=" + f.sess.Token + ".abc=", "", ba.ErrInvalidSignature},
		{"ErrSessionNotFound", "better-auth.session_token=" + ba.SignCookieValue("no-such-token-0000000000000000000", testSecret), "", ba.ErrSessionNotFound},
		{"ErrInvalidSignatureUnsignedBearer", "", "Bearer " + f.sess.Token, ba.ErrInvalidSignature},
		{"ErrNoSessionOtherScheme", "", "Basic dXNlcjpwYXNz", ba.ErrNoSession},
		{"ErrNoSessionEmptyBearer", "", "Bearer ", ba.ErrNoSession},
		{"ErrInvalidSignatureSecureNameOverHTTP", "__Secure-better-auth.session_token=" + ba.SignCookieValue(f.sess.Token, testSecret), "", ba.ErrNoSession},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.Verify(ctx, request(c.cookie, c.authz))
			if !errors.Is(err, c.want) || res != nil {
				t.Fatalf("got %+v, %v; want %v", res, err, c.want)
			}
		})
	}
	t.Run("ErrSessionExpired", func(t *testing.T) {
		f.clock.Advance(8 * 24 * time.Hour)
		defer f.clock.Advance(-8 * 24 * time.Hour)
		if _, err := v.Verify(ctx, request(good, "")); !errors.Is(err, ba.ErrSessionExpired) {
			t.Fatal(err)
		}
	})
	t.Run("ErrUserBanned", func(t *testing.T) {
		until := f.clock.Now().Add(time.Hour)
		yes := true
		if _, err := f.store.UpdateUser(ctx, f.user.ID, ba.UserUpdate{Banned: &yes, BanExpires: ba.Value(until)}); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(ctx, request(good, "")); !errors.Is(err, ba.ErrUserBanned) {
			t.Fatalf("banned: %v", err)
		}
		f.clock.Advance(2 * time.Hour) // the ban expires
		if _, err := v.Verify(ctx, request(good, "")); err != nil {
			t.Fatalf("expired ban still blocks: %v", err)
		}
		f.clock.Advance(-2 * time.Hour)
		no := false
		if _, err := f.store.UpdateUser(ctx, f.user.ID, ba.UserUpdate{Banned: &no}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrUnavailable", func(t *testing.T) {
		down := f.verifier(t, func(c *ba.VerifierConfig) { c.Sessions = failingStore{} })
		if _, err := down.Verify(ctx, request(good, "")); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatalf("store down: %v", err)
		}
	})
	t.Run("RotationUsesCurrentSecretOnly", func(t *testing.T) {
		rot := f.verifier(t, func(c *ba.VerifierConfig) {
			c.Secrets = []ba.Secret{{Version: "2", Value: "new-secret-0123456789abcdefghijkl"}, {Version: "1", Value: testSecret}}
		})
		if _, err := rot.Verify(ctx, request(good, "")); !errors.Is(err, ba.ErrInvalidSignature) {
			t.Fatalf("old-secret cookie accepted after rotation: %v", err)
		}
	})
}

type failingStore struct{}

func (failingStore) GetSessionAndUser(context.Context, string) (*ba.Session, *ba.User, error) {
	return nil, nil, errors.New("connection refused")
}

func TestRefresh(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, ba.Schema{})
	v := f.verifier(t, func(c *ba.VerifierConfig) { c.Refresh.Enabled = true })
	cookie := "better-auth.session_token=" + ba.SignCookieValue(f.sess.Token, testSecret)
	before := f.sess.ExpiresAt
	f.clock.Advance(23 * time.Hour)
	res, err := v.Verify(ctx, request(cookie, ""))
	if err != nil || !res.Session.ExpiresAt.Equal(before) {
		t.Fatalf("refreshed before updateAge: %v %v", res.Session.ExpiresAt, err)
	}
	f.clock.Advance(2 * time.Hour)
	res, err = v.Verify(ctx, request(cookie, ""))
	if err != nil || !res.Session.ExpiresAt.After(before) {
		t.Fatalf("not refreshed after updateAge: %v %v", res.Session.ExpiresAt, err)
	}
	stored, err := f.store.GetSessionByToken(ctx, f.sess.Token)
	if err != nil || !stored.ExpiresAt.Equal(res.Session.ExpiresAt) {
		t.Fatalf("refresh not stored: %v %v", stored, err)
	}
}

func TestNewVerifierConfig(t *testing.T) {
	f := newFixture(t, ba.Schema{})
	for name, cfg := range map[string]ba.VerifierConfig{
		"DefaultSecret": {Secrets: []ba.Secret{{Value: ba.DefaultSecret}}, Sessions: f.store},
		"NoStore":       {Secrets: []ba.Secret{{Value: testSecret}}},
		"BadStrategy":   {Secrets: []ba.Secret{{Value: testSecret}}, Sessions: f.store, CookieCache: ba.CookieCacheConfig{Strategy: "zip"}},
		"EmptySecret":   {Secrets: []ba.Secret{{Value: ""}}, Sessions: f.store},
	} {
		if _, err := ba.NewVerifier(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSetSessionCookie(t *testing.T) {
	f := newFixture(t, ba.Schema{})
	secure := true
	v := f.verifier(t, func(c *ba.VerifierConfig) { c.Cookies.Secure = &secure; c.Cookies.Prefix = "myapp" })
	w := httptest.NewRecorder()
	v.SetSessionCookie(w, f.sess.Token, 0, false, ba.CookieAttributes{})
	got := w.Header().Values("Set-Cookie")
	want := "__Secure-myapp.session_token=" + ba.SignCookieValue(f.sess.Token, testSecret) + "; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Set-Cookie %q\nwant %q", got, want)
	}
	w = httptest.NewRecorder()
	v.SetSessionCookie(w, f.sess.Token, 0, true, ba.CookieAttributes{})
	got = w.Header().Values("Set-Cookie")
	if len(got) != 2 || strings.Contains(got[0], "Max-Age") || !strings.HasPrefix(got[1], "__Secure-myapp.dont_remember=true.") {
		t.Fatalf("dont_remember cookies %q", got)
	}
}

func TestSecretsFromEnv(t *testing.T) {
	t.Setenv("BETTER_AUTH_SECRETS", "")
	t.Setenv("BETTER_AUTH_SECRET", "")
	t.Setenv("AUTH_SECRET", "")
	if _, err := ba.SecretsFromEnv(); !errors.Is(err, ba.ErrNoSecret) {
		t.Fatal(err)
	}
	t.Setenv("AUTH_SECRET", "auth")
	if s, _ := ba.SecretsFromEnv(); s[0].Value != "auth" {
		t.Fatal(s)
	}
	t.Setenv("BETTER_AUTH_SECRET", "better")
	if s, _ := ba.SecretsFromEnv(); s[0].Value != "better" {
		t.Fatal(s)
	}
	t.Setenv("BETTER_AUTH_SECRETS", "2:new:with:colons, 1:old")
	s, err := ba.SecretsFromEnv()
	if err != nil || len(s) != 2 || s[0] != (ba.Secret{Version: "2", Value: "new:with:colons"}) || s[1].Value != "old" {
		t.Fatalf("%v %v", s, err)
	}
	for _, bad := range []string{"nocolon", "1:a,1:b", ":x", "2:"} {
		if _, err := ba.ParseSecrets(bad); err == nil {
			t.Errorf("ParseSecrets(%q) accepted", bad)
		}
	}
}

// BenchmarkVerifySigned is the signature check alone: parse, HMAC-SHA256,
// constant-time compare.
func BenchmarkVerifySigned(b *testing.B) {
	value := ba.SignCookieValue("Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", testSecret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ba.VerifySigned(value, testSecret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is a whole verification on a warm SQLite database:
// cookie, signature, one session+user query, expiry and ban checks.
func BenchmarkVerify(b *testing.B) {
	clock := storetest.NewClock()
	st := storetest.OpenMigrated(b, sqlstore.SQLite, sqlstore.Options{Now: clock.Now})
	ctx := context.Background()
	u := &ba.User{Name: "B", Email: "b@example.com"}
	if err := st.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	s := &ba.Session{UserID: u.ID}
	if err := st.CreateSession(ctx, s, nil); err != nil {
		b.Fatal(err)
	}
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: st, Now: clock.Now, BaseURL: "http://localhost:3000"})
	if err != nil {
		b.Fatal(err)
	}
	r := request("better-auth.session_token="+ba.SignCookieValue(s.Token, testSecret), "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
