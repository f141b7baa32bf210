package jwt_test

import (
	"context"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/jwt"
)

// BenchmarkVerify is the hot path: a cached EdDSA key, a default-shaped
// token.
func BenchmarkVerify(b *testing.B) {
	k := newTestKey(b, "EdDSA", "k1")
	srv := newJWKSServer(b, jwksJSON(b, k))
	keys, err := jwt.NewRemoteJWKS(srv.URL, jwt.RemoteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	v := mustVerifier(b, jwt.Config{Keys: keys, BaseURL: testIssuer, Now: func() time.Time { return now }})
	tok := k.sign(b, defaultClaims(now), nil)
	ctx := context.Background()
	if _, err := v.Verify(ctx, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
