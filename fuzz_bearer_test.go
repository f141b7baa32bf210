package betterauth_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/jwt"
)

// oneSession knows a single session token.
type oneSession struct{ token string }

func (o oneSession) GetSessionAndUser(_ context.Context, token string) (*ba.Session, *ba.User, error) {
	if token != o.token {
		return nil, nil, ba.ErrNotFound
	}
	now := time.Now()
	return &ba.Session{ID: "s", Token: token, UserID: "u", ExpiresAt: now.Add(time.Hour)}, &ba.User{ID: "u", Email: "u@example.com"}, nil
}

// FuzzBearerHeader feeds arbitrary Authorization headers to Verifiers with
// the bearer plugin (signed tokens only, and raw tokens allowed), and to
// jwt.FromRequest. Only the one real token may ever verify: with
// AllowUnsigned as itself, signed as Sign(token, secret) (raw or
// percent-encoded); nothing panics.
func FuzzBearerHeader(f *testing.F) {
	const secret = "Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz-bearer"
	const token = "b7XfMPrpAcCzBey79esbFJrXt1KlX3KC"
	signed := ba.Sign(token, secret)
	for _, h := range []string{"Bearer " + signed, "bearer " + url.QueryEscape(signed), "Bearer " + token, "Bearer  " + signed + " ", "BEARER\t" + signed,
		"Bearer", "Bearer ", "Bearer .", "Bearer %", "Bearer a.b.c", "Basic " + signed, "Bearer " + signed + "," + signed,
		"Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.c2ln", "Bearer " + token + ".", "Bearer \x00" + signed} {
		f.Add(h)
	}
	strict, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: oneSession{token}, Bearer: ba.BearerConfig{Enabled: true}})
	if err != nil {
		f.Fatal(err)
	}
	lax, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: oneSession{token}, Bearer: ba.BearerConfig{Enabled: true, AllowUnsigned: true}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{header}
		for _, v := range []*ba.Verifier{strict, lax} {
			res, err := v.Verify(context.Background(), r)
			if err != nil {
				if res != nil {
					t.Fatalf("result with error %v", err)
				}
				if !errors.Is(err, ba.ErrNoSession) && !errors.Is(err, ba.ErrInvalidSignature) && !errors.Is(err, ba.ErrSessionNotFound) {
					t.Fatalf("undocumented error %v", err)
				}
				continue
			}
			if res.Token != token || res.User == nil || res.User.ID != "u" {
				t.Fatalf("%q verified as %+v", header, res)
			}
			if v == strict {
				// Only a signature made with the secret gets here.
				if _, err := ba.VerifySigned(lastField(header), secret); err != nil {
					if dec, derr := url.QueryUnescape(lastField(header)); derr != nil || !signedOK(dec, secret) {
						t.Fatalf("strict verifier accepted %q without a valid signature", header)
					}
				}
			}
		}
		if s := jwt.FromRequest(r); s != "" && !jwt.LooksLikeJWT(s) {
			t.Fatalf("FromRequest returned %q, not JWT-shaped", s)
		}
	})
}

// lastField is the header's value after the scheme, spaces trimmed.
func lastField(h string) string {
	f := strings.Fields(h)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func signedOK(v, secret string) bool {
	_, err := ba.VerifySigned(v, secret)
	return err == nil
}
