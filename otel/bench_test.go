package otel_test

import (
	"context"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	ba "github.com/betterauth-go/betterauth"
	baotel "github.com/betterauth-go/betterauth/otel"
)

// memoryStore answers one session from memory, so that the benchmark
// measures the verification and its telemetry, not a database.
type memoryStore struct {
	sess *ba.Session
	user *ba.User
}

func (m memoryStore) GetSessionAndUser(_ context.Context, token string) (*ba.Session, *ba.User, error) {
	if token != m.sess.Token {
		return nil, nil, ba.ErrNotFound
	}
	s, u := *m.sess, *m.user
	return &s, &u, nil
}

// BenchmarkVerify is a verification without a tracer and with one on the
// SDK (every span sampled and recorded, none exported; metrics
// aggregated): what turning telemetry on costs per request.
func BenchmarkVerify(b *testing.B) {
	now := time.Now()
	user := &ba.User{ID: "uQ8nB4vK2mT7xR1pL5sW9yZ3cF6hJ0dA", Name: "Ada", Email: "ada@example.com", CreatedAt: now, UpdatedAt: now}
	sess := &ba.Session{ID: "sA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU", Token: "Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", UserID: user.ID,
		ExpiresAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}
	ctx := context.Background()
	for _, run := range []struct {
		name   string
		tracer func(b *testing.B) ba.VerifyTracer
	}{
		{"NoTracer", func(*testing.B) ba.VerifyTracer { return nil }},
		{"SDK", func(b *testing.B) ba.VerifyTracer {
			tp := sdktrace.NewTracerProvider()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
			b.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })
			t, err := baotel.New(baotel.Options{TracerProvider: tp, MeterProvider: mp})
			if err != nil {
				b.Fatal(err)
			}
			return t
		}},
	} {
		b.Run(run.name, func(b *testing.B) {
			v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: memoryStore{sess, user},
				BaseURL: "http://localhost:3000", Tracer: run.tracer(b)})
			if err != nil {
				b.Fatal(err)
			}
			r := cookieRequest(ba.SignCookieValue(sess.Token, secret))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
