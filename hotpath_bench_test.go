package betterauth_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// The hot path of a verified request, piece by piece and whole, without a
// database: run with -benchmem (allocations are reported). The store
// lookups per database are BenchmarkSessionLookup in ./postgres, ./mysql,
// ./sqlite and BenchmarkGetSessionAndUser in ./redis.

var benchNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// memoryStore answers one session from memory: what is left of Verify when
// the store costs nothing.
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

// mustNotReadStore fails the benchmark if the cookie cache did not answer.
type mustNotReadStore struct{ b *testing.B }

func (f mustNotReadStore) GetSessionAndUser(context.Context, string) (*ba.Session, *ba.User, error) {
	f.b.Fatal("the store was read: the cookie cache was not trusted")
	return nil, nil, errors.New("unreachable")
}

func benchSession() (*ba.Session, *ba.User) {
	ip, ua := "127.0.0.1", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
	user := &ba.User{ID: "uQ8nB4vK2mT7xR1pL5sW9yZ3cF6hJ0dA", Name: "Ada Lovelace", Email: "ada@example.com", EmailVerified: true,
		CreatedAt: benchNow.Add(-time.Hour), UpdatedAt: benchNow.Add(-time.Hour)}
	sess := &ba.Session{ID: "sA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU", Token: "Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", UserID: user.ID,
		ExpiresAt: benchNow.Add(7 * 24 * time.Hour), CreatedAt: benchNow.Add(-time.Minute), UpdatedAt: benchNow.Add(-time.Minute),
		IPAddress: &ip, UserAgent: &ua}
	return sess, user
}

func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = ba.SignCookieValue("Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", testSecret)
	}
}

// BenchmarkVerifyRequest is Verify on the database path with a free store:
// cookie parsing, the signature, the expiry and ban checks.
func BenchmarkVerifyRequest(b *testing.B) {
	sess, user := benchSession()
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: memoryStore{sess, user},
		Now: func() time.Time { return benchNow }, BaseURL: "http://localhost:3000"})
	if err != nil {
		b.Fatal(err)
	}
	// A browser's Cookie header carries more than the session cookie.
	r := httptest.NewRequest("GET", "/api/me", nil)
	r.Header.Set("Cookie", "theme=dark; _ga=GA1.1.123456789.1700000000; better-auth.session_token="+ba.SignCookieValue(sess.Token, testSecret))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCookieCache is a whole Verify answered by the session_data
// cookie (no store read), for each strategy.
func BenchmarkVerifyCookieCache(b *testing.B) {
	sess, user := benchSession()
	for _, run := range []struct {
		strategy ba.CookieCacheStrategy
		memo     int
	}{{ba.CacheCompact, 0}, {ba.CacheJWT, 0}, {ba.CacheJWE, 0}, {ba.CacheCompact, -1}, {ba.CacheJWT, -1}, {ba.CacheJWE, -1}} {
		strategy, name := run.strategy, string(run.strategy)
		if run.memo < 0 {
			name += "/no-memo" // every request decodes its cookie
		}
		b.Run(name, func(b *testing.B) {
			cfg := ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: mustNotReadStore{b},
				Now: func() time.Time { return benchNow }, BaseURL: "http://localhost:3000",
				CookieCache: ba.CookieCacheConfig{Strategy: strategy, Memo: run.memo}}
			v, err := ba.NewVerifier(cfg)
			if err != nil {
				b.Fatal(err)
			}
			w := httptest.NewRecorder()
			schema, _ := ba.Schema{}.Resolve()
			if err := v.SetCookieCache(w, schema, sess, user, false, ba.CookieAttributes{}); err != nil {
				b.Fatal(err)
			}
			cookies := []string{"better-auth.session_token=" + ba.SignCookieValue(sess.Token, testSecret)}
			for _, c := range w.Result().Cookies() {
				cookies = append(cookies, c.Name+"="+c.Value)
			}
			r := httptest.NewRequest("GET", "/api/me", nil)
			r.Header.Set("Cookie", strings.Join(cookies, "; "))
			ctx := context.Background()
			if res, err := v.Verify(ctx, r); err != nil || res.Credential != ba.CredentialCookieCache {
				b.Fatalf("%v %v", res, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
