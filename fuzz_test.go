package betterauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// seedCookies adds the cookies captured from Better Auth (conformance
// golden vectors) to a fuzz corpus.
func seedCookies(f *testing.F, add func(value, secret string)) {
	b, err := os.ReadFile("conformance/testdata/vectors.json")
	if err != nil {
		f.Fatalf("golden vectors: %v", err)
	}
	var v struct {
		Cookies []struct{ Secret, Token, Cookie string }
	}
	if err := json.Unmarshal(b, &v); err != nil || len(v.Cookies) == 0 {
		f.Fatalf("golden vectors: %v", err)
	}
	for _, c := range v.Cookies {
		add(c.Cookie, c.Secret)
		add(ba.Sign(c.Token, c.Secret), c.Secret)
	}
	add("", "s")
	add("%", "s")
	add(".", "s")
	add("a.%3D%3D%3D", "s")
}

// FuzzVerifySigned: never panics; whatever verifies re-signs to itself.
func FuzzVerifySigned(f *testing.F) {
	seedCookies(f, func(value, secret string) { f.Add(value, secret) })
	f.Fuzz(func(t *testing.T, raw, secret string) {
		value, err := ba.VerifySigned(raw, secret)
		if err != nil {
			if !errors.Is(err, ba.ErrInvalidSignature) {
				t.Fatalf("unexpected error type %v", err)
			}
			return
		}
		if _, err := ba.VerifySigned(ba.Sign(value, secret), secret); err != nil {
			t.Fatalf("re-signed value does not verify: %v", err)
		}
	})
}

type noSessions struct{}

func (noSessions) GetSessionAndUser(context.Context, string) (*ba.Session, *ba.User, error) {
	return nil, nil, ba.ErrNotFound
}

// FuzzVerifyRequest feeds arbitrary Cookie and Authorization headers to a
// Verifier with the bearer plugin and every cookie-cache strategy: it never
// panics and only ever answers with one of its documented errors.
func FuzzVerifyRequest(f *testing.F) {
	seedCookies(f, func(value, _ string) {
		f.Add("better-auth.session_token="+value, "Bearer "+value)
	})
	f.Add("better-auth.session_token=a.b; better-auth.session_data.0=x; better-auth.session_data.1=y", "bearer ")
	f.Add("__Secure-better-auth.session_token=\x00", "Bearer a.b.c")
	verifiers := []*ba.Verifier{}
	for _, strategy := range []ba.CookieCacheStrategy{"", ba.CacheCompact, ba.CacheJWT, ba.CacheJWE} {
		v, err := ba.NewVerifier(ba.VerifierConfig{
			Secrets: []ba.Secret{{Value: "Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz-fuzz"}}, Sessions: noSessions{},
			Bearer: ba.BearerConfig{Enabled: true}, CookieCache: ba.CookieCacheConfig{Strategy: strategy},
		})
		if err != nil {
			f.Fatal(err)
		}
		verifiers = append(verifiers, v)
	}
	allowed := []error{ba.ErrNoSession, ba.ErrInvalidSignature, ba.ErrSessionNotFound}
	f.Fuzz(func(t *testing.T, cookie, authorization string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Cookie"] = []string{cookie}
		r.Header["Authorization"] = []string{authorization}
		for _, v := range verifiers {
			res, err := v.Verify(context.Background(), r)
			if res != nil {
				t.Fatalf("a session from nowhere: %+v", res)
			}
			ok := false
			for _, a := range allowed {
				ok = ok || errors.Is(err, a)
			}
			if !ok {
				t.Fatalf("undocumented error %v", err)
			}
		}
	})
}
