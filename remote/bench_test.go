package remote_test

import (
	"context"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/remote"
)

// BenchmarkCachedHit is the hot path of remote mode: a session Better Auth
// confirmed within PositiveTTL, looked up again.
func BenchmarkCachedHit(b *testing.B) {
	c := newClock()
	f := newFakeAuth(b)
	const token = "benchAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	f.addSession(token, c.Now())
	src := newSource(b, f, c, func(cfg *remote.Config) { cfg.PositiveTTL = time.Hour })
	ctx := context.Background()
	if _, _, err := src.GetSessionAndUser(ctx, token); err != nil {
		b.Fatal(err)
	}

	b.Run("Source", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := src.GetSessionAndUser(ctx, token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SourceParallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, _, err := src.GetSessionAndUser(ctx, token); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Verifier", func(b *testing.B) {
		// Cookie parsing and the HMAC check included.
		v := newVerifier(b, src, c)
		r := cookieRequest(token)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	if n := f.count(); n != 1 {
		b.Fatalf("%d requests", n)
	}
}
