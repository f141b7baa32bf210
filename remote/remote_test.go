package remote_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
	"github.com/betterauth-go/betterauth/internal/testlog"
	"github.com/betterauth-go/betterauth/remote"
)

func TestVerify(t *testing.T) {
	c := newClock()
	f := newFakeAuth(t)
	f.addSession("tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA", c.Now())
	src := newSource(t, f, c, nil)
	v := newVerifier(t, src, c)

	t.Run("OK", func(t *testing.T) {
		res, err := v.Verify(context.Background(), cookieRequest("tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
		if err != nil {
			t.Fatal(err)
		}
		if res.User.ID != "user-tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA" || res.Session.Token != "tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA" || res.Credential != ba.CredentialCookie {
			t.Fatalf("got %+v %+v %s", res.Session, res.User, res.Credential)
		}
		r := f.lastRequest()
		if r.Method != http.MethodGet || r.URL.Path != "/api/auth/get-session" || r.URL.RawQuery != "disableCookieCache=true&disableRefresh=true" {
			t.Fatalf("request %s %s", r.Method, r.URL)
		}
		if got, want := r.Header.Get("Cookie"), "better-auth.session_token="+ba.SignCookieValue("tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA", testSecret); got != want {
			t.Fatalf("Cookie %q, want %q", got, want)
		}
		if r.Header.Get("Accept") != "application/json" {
			t.Fatalf("Accept %q", r.Header.Get("Accept"))
		}
	})
	t.Run("Bearer", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+ba.Sign("tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA", testSecret))
		res, err := v.Verify(context.Background(), r)
		if err != nil || res.Credential != ba.CredentialBearer {
			t.Fatalf("%v %+v", err, res)
		}
	})
	t.Run("ErrSessionNotFound", func(t *testing.T) {
		_, err := v.Verify(context.Background(), cookieRequest("unknownAAAAAAAAAAAAAAAAAAAAAAAAA"))
		if !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("ErrInvalidSignatureWithoutRequest", func(t *testing.T) {
		before := f.count()
		for _, cookie := range []string{
			"better-auth.session_token=tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA." + strings.Repeat("A", 43) + "=",
			"better-auth.session_token=" + ba.SignCookieValue("tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "another-secret-0123456789abcdefghij"),
			"better-auth.session_token=tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Cookie", cookie)
			if _, err := v.Verify(context.Background(), r); !errors.Is(err, ba.ErrInvalidSignature) {
				t.Fatalf("%s: err %v", cookie, err)
			}
		}
		if n := f.count() - before; n != 0 {
			t.Fatalf("forged cookies cost %d requests", n)
		}
	})
}

// TestCoalescing starts 100 Verify calls for one token while Better Auth
// holds the first request, and releases it only once all 100 are waiting:
// one request answers them all, whatever the answer.
func TestCoalescing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		exists bool
		status int
		want   error
	}{
		{"Found", true, 0, nil},
		{"NotFound", false, 0, ba.ErrSessionNotFound},
		{"Unavailable", true, http.StatusInternalServerError, ba.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			f := newFakeAuth(t)
			const token = "coalesceAAAAAAAAAAAAAAAAAAAAAAAA"
			if tc.exists {
				f.addSession(token, c.Now())
			}
			release := make(chan struct{})
			f.setHook(func(w http.ResponseWriter, _ *http.Request) bool {
				<-release
				if tc.status != 0 {
					w.WriteHeader(tc.status)
					return true
				}
				return false
			})
			v := newVerifier(t, newSource(t, f, c, nil), c)

			const n = 100
			ctx := &countingContext{Context: context.Background()}
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for range n {
				wg.Go(func() {
					res, err := v.Verify(ctx, cookieRequest(token))
					if err == nil && res.User.ID != "user-"+token {
						err = fmt.Errorf("user %q", res.User.ID)
					}
					errs <- err
				})
			}
			// Every caller waits in a select on ctx.Done(); count them.
			deadline := time.Now().Add(10 * time.Second)
			for ctx.waiters.Load() < n {
				if time.Now().After(deadline) {
					close(release)
					t.Fatalf("only %d of %d callers waiting", ctx.waiters.Load(), n)
				}
				time.Sleep(time.Millisecond)
			}
			close(release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
					t.Fatalf("err %v, want %v", err, tc.want)
				}
			}
			if got := f.count(); got != 1 {
				t.Fatalf("%d concurrent lookups made %d requests, want 1", n, got)
			}
		})
	}
}

// countingContext counts the calls of Done, which a waiting lookup makes
// once.
type countingContext struct {
	context.Context
	waiters atomic.Int64
}

func (c *countingContext) Done() <-chan struct{} {
	c.waiters.Add(1)
	return c.Context.Done()
}

func TestCacheTTL(t *testing.T) {
	t.Run("Positive", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		const token = "positiveAAAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now())
		v := newVerifier(t, newSource(t, f, c, nil), c)
		mustVerify(t, v, token, nil)
		f.deleteSession(token) // signed out at Better Auth
		c.Advance(remote.DefaultPositiveTTL - time.Millisecond)
		mustVerify(t, v, token, nil) // still cached: the revocation delay
		wantRequests(t, f, 1)
		c.Advance(time.Millisecond)
		mustVerify(t, v, token, ba.ErrSessionNotFound)
		wantRequests(t, f, 2)
	})
	t.Run("Negative", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		const token = "negativeAAAAAAAAAAAAAAAAAAAAAAAA"
		v := newVerifier(t, newSource(t, f, c, nil), c)
		mustVerify(t, v, token, ba.ErrSessionNotFound)
		f.addSession(token, c.Now())
		c.Advance(remote.DefaultNegativeTTL - time.Millisecond)
		mustVerify(t, v, token, ba.ErrSessionNotFound)
		wantRequests(t, f, 1)
		c.Advance(time.Millisecond)
		mustVerify(t, v, token, nil)
		wantRequests(t, f, 2)
	})
	t.Run("Custom", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		const token = "customTTLAAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now())
		v := newVerifier(t, newSource(t, f, c, func(cfg *remote.Config) { cfg.PositiveTTL = time.Minute }), c)
		mustVerify(t, v, token, nil)
		c.Advance(59 * time.Second)
		mustVerify(t, v, token, nil)
		wantRequests(t, f, 1)
		c.Advance(time.Second)
		mustVerify(t, v, token, nil)
		wantRequests(t, f, 2)
	})
	t.Run("Disabled", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		const token = "disabledAAAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now())
		v := newVerifier(t, newSource(t, f, c, func(cfg *remote.Config) { cfg.PositiveTTL, cfg.NegativeTTL = -1, -1 }), c)
		mustVerify(t, v, token, nil)
		mustVerify(t, v, token, nil)
		mustVerify(t, v, "nobodyAAAAAAAAAAAAAAAAAAAAAAAAAA", ba.ErrSessionNotFound)
		mustVerify(t, v, "nobodyAAAAAAAAAAAAAAAAAAAAAAAAAA", ba.ErrSessionNotFound)
		wantRequests(t, f, 4)
	})
	t.Run("ExpiredSessionRefusedFromCache", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		const token = "expiringAAAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now().Add(-7*24*time.Hour+time.Second)) // expires in 1 s
		v := newVerifier(t, newSource(t, f, c, nil), c)
		mustVerify(t, v, token, nil)
		c.Advance(time.Second)
		mustVerify(t, v, token, ba.ErrSessionExpired)
		wantRequests(t, f, 1)
	})
}

func TestInvalidate(t *testing.T) {
	t.Run("Cached", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		const token = "invalidateAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now())
		src := newSource(t, f, c, nil)
		v := newVerifier(t, src, c)
		mustVerify(t, v, token, nil)
		f.deleteSession(token)
		src.Invalidate(token)
		mustVerify(t, v, token, ba.ErrSessionNotFound)
		wantRequests(t, f, 2)
	})
	t.Run("InFlight", func(t *testing.T) {
		// A lookup that started before the sign-out must not put the
		// session back into the cache after Invalidate.
		c := newClock()
		f := newFakeAuth(t)
		const token = "inflightAAAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now())
		arrived, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		f.setHook(func(http.ResponseWriter, *http.Request) bool {
			once.Do(func() { close(arrived); <-release })
			return false
		})
		src := newSource(t, f, c, nil)
		v := newVerifier(t, src, c)
		done := make(chan error, 1)
		go func() {
			_, err := v.Verify(context.Background(), cookieRequest(token))
			done <- err
		}()
		<-arrived
		src.Invalidate(token) // this service signs the session out
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err) // the answer in flight still goes to its caller
		}
		f.deleteSession(token)
		mustVerify(t, v, token, ba.ErrSessionNotFound) // but was not cached
		wantRequests(t, f, 2)
	})
}

func TestRateLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(now time.Time) (string, string)
		want   time.Duration
	}{
		{"XRetryAfter", func(time.Time) (string, string) { return "X-Retry-After", "7" }, 7 * time.Second},
		{"RetryAfterSeconds", func(time.Time) (string, string) { return "Retry-After", "3" }, 3 * time.Second},
		{"RetryAfterDate", func(now time.Time) (string, string) {
			return "Retry-After", now.Add(4 * time.Second).UTC().Format(http.TimeFormat)
		}, 4 * time.Second},
		{"NoHeader", func(time.Time) (string, string) { return "", "" }, remote.DefaultBackoff},
		{"Capped", func(time.Time) (string, string) { return "X-Retry-After", "86400" }, remote.MaxBackoff},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			f := newFakeAuth(t)
			const cached, limited, other = "cachedAAAAAAAAAAAAAAAAAAAAAAAAAA", "limitedAAAAAAAAAAAAAAAAAAAAAAAAA", "otherAAAAAAAAAAAAAAAAAAAAAAAAAAA"
			for _, tok := range []string{cached, limited, other} {
				f.addSession(tok, c.Now())
			}
			logs := testlog.New()
			src := newSource(t, f, c, func(cfg *remote.Config) { cfg.PositiveTTL = time.Hour; cfg.Log = logs.Logger() })
			v := newVerifier(t, src, c)
			mustVerify(t, v, cached, nil)

			var limiting atomic.Bool
			limiting.Store(true)
			f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
				if !limiting.Load() {
					return false
				}
				if name, value := tc.header(c.Now()); name != "" {
					w.Header().Set(name, value)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"message":"Too many requests. Please try again later."}`))
				return true
			})
			_, err := v.Verify(context.Background(), cookieRequest(limited))
			if !errors.Is(err, ba.ErrUnavailable) || !errors.Is(err, remote.ErrRateLimited) {
				t.Fatalf("429: err %v", err)
			}
			wantRequests(t, f, 2)
			limiting.Store(false)
			// Logged once, when the pause starts, without the token.
			if n := logs.Count("rate-limiting this service"); n != 1 || strings.Contains(logs.String(), limited) {
				t.Fatalf("logged %d times: %s", n, logs)
			}

			// Backing off: no requests; cached answers still served, the rest
			// are unavailable (never "no session").
			c.Advance(tc.want - time.Millisecond)
			for _, tok := range []string{limited, other} {
				if _, err := v.Verify(context.Background(), cookieRequest(tok)); !errors.Is(err, ba.ErrUnavailable) || !errors.Is(err, remote.ErrRateLimited) {
					t.Fatalf("backing off: %v", err)
				}
			}
			mustVerify(t, v, cached, nil)
			wantRequests(t, f, 2)
			assertStatus(t, v, cookieRequest(other), http.StatusServiceUnavailable)

			c.Advance(time.Millisecond)
			mustVerify(t, v, limited, nil)
			wantRequests(t, f, 3)
		})
	}
}

func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*remote.Config)
		hook func(w http.ResponseWriter, r *http.Request) bool
	}{
		{"500", nil, status(http.StatusInternalServerError, `{"message":"Failed to get session","code":"FAILED_TO_GET_SESSION"}`)},
		{"502", nil, status(http.StatusBadGateway, "bad gateway")},
		{"503", nil, status(http.StatusServiceUnavailable, "")},
		{"404WrongBasePath", nil, status(http.StatusNotFound, "")},
		{"401", nil, status(http.StatusUnauthorized, `{"code":"UNAUTHORIZED"}`)},
		{"Redirect", nil, func(w http.ResponseWriter, r *http.Request) bool {
			http.Redirect(w, r, "/login", http.StatusFound)
			return true
		}},
		{"Timeout", func(cfg *remote.Config) { cfg.Timeout = 50 * time.Millisecond }, func(w http.ResponseWriter, r *http.Request) bool {
			<-r.Context().Done()
			return true
		}},
		{"HTML", nil, status(http.StatusOK, "<!doctype html><title>Sign in</title>")},
		{"Empty", nil, status(http.StatusOK, "")},
		{"SessionMissing", nil, status(http.StatusOK, `{"user":{"id":"u"}}`)},
		{"AnotherToken", nil, status(http.StatusOK, `{"session":{"id":"s","token":"somebodyElseAAAAAAAAAAAAAAAAAAAA","userId":"u"},"user":{"id":"u"}}`)},
		{"UserMismatch", nil, status(http.StatusOK, `{"session":{"id":"s","userId":"u1"},"user":{"id":"u2"}}`)},
		{"Oversized", nil, func(w http.ResponseWriter, r *http.Request) bool {
			_, _ = fmt.Fprintf(w, `{"session":{"id":"s","userId":"u"},"user":{"id":"u","name":"%s"}}`, strings.Repeat("x", remote.DefaultMaxBodyBytes))
			return true
		}},
		{"OversizedCustomLimit", func(cfg *remote.Config) { cfg.MaxBodyBytes = 1000 }, status(http.StatusOK, "null"+strings.Repeat(" ", 997))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			f := newFakeAuth(t)
			const token = "unavailableAAAAAAAAAAAAAAAAAAAAA"
			f.addSession(token, c.Now())
			f.setHook(tc.hook)
			v := newVerifier(t, newSource(t, f, c, tc.edit), c)
			_, err := v.Verify(context.Background(), cookieRequest(token))
			if !errors.Is(err, ba.ErrUnavailable) || errors.Is(err, ba.ErrSessionNotFound) {
				t.Fatalf("err %v, want ErrUnavailable", err)
			}
			if errors.Is(err, remote.ErrRateLimited) {
				t.Fatalf("err %v is not a rate limit", err)
			}
			if strings.Contains(err.Error(), ba.SignCookieValue(token, testSecret)) || strings.Contains(err.Error(), token) {
				t.Fatalf("error leaks the credential: %v", err)
			}
			// Failures are not cached; httpauth answers 503 with Retry-After.
			assertStatus(t, v, cookieRequest(token), http.StatusServiceUnavailable)
			wantRequests(t, f, 2)
			f.setHook(nil)
			mustVerify(t, v, token, nil)
		})
	}
	t.Run("ConnectionRefused", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		f.Close()
		v := newVerifier(t, newSource(t, f, c, nil), c)
		if _, err := v.Verify(context.Background(), cookieRequest("refusedAAAAAAAAAAAAAAAAAAAAAAAAA")); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("BodyAtLimit", func(t *testing.T) {
		c := newClock()
		f := newFakeAuth(t)
		f.setHook(status(http.StatusOK, "null"))
		v := newVerifier(t, newSource(t, f, c, func(cfg *remote.Config) { cfg.MaxBodyBytes = 4 }), c)
		mustVerify(t, v, "atlimitAAAAAAAAAAAAAAAAAAAAAAAAA", ba.ErrSessionNotFound)
	})
	t.Run("CallerGivesUp", func(t *testing.T) {
		// A caller whose context ends gets ErrUnavailable at once; the
		// lookup still completes and is cached for the next caller.
		c := newClock()
		f := newFakeAuth(t)
		const token = "givesupAAAAAAAAAAAAAAAAAAAAAAAAA"
		f.addSession(token, c.Now())
		release := make(chan struct{})
		f.setHook(func(http.ResponseWriter, *http.Request) bool { <-release; return false })
		src := newSource(t, f, c, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if _, _, err := src.GetSessionAndUser(ctx, token); !errors.Is(err, ba.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v", err)
		}
		close(release)
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, _, err := src.GetSessionAndUser(context.Background(), token); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
		wantRequests(t, f, 1)
	})
}

func status(code int, body string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, _ *http.Request) bool {
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
		return true
	}
}

func TestBoundedCache(t *testing.T) {
	c := newClock()
	f := newFakeAuth(t)
	tokens := []string{"lru1AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "lru2AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "lru3AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "lru4AAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	for _, tok := range tokens {
		f.addSession(tok, c.Now())
	}
	v := newVerifier(t, newSource(t, f, c, func(cfg *remote.Config) { cfg.MaxEntries = 3 }), c)
	for _, tok := range tokens[:3] {
		mustVerify(t, v, tok, nil)
	}
	mustVerify(t, v, tokens[0], nil) // lru1 is now the most recently used
	wantRequests(t, f, 3)
	mustVerify(t, v, tokens[3], nil) // evicts lru2, the least recently used
	wantRequests(t, f, 4)
	mustVerify(t, v, tokens[0], nil)
	mustVerify(t, v, tokens[2], nil)
	mustVerify(t, v, tokens[3], nil)
	wantRequests(t, f, 4)
	mustVerify(t, v, tokens[1], nil) // evicted: asked again
	wantRequests(t, f, 5)

	t.Run("ManyTokens", func(t *testing.T) {
		// Negative answers count against the bound too.
		f := newFakeAuth(t)
		src := newSource(t, f, c, func(cfg *remote.Config) { cfg.MaxEntries = 10 })
		for i := range 1000 {
			if _, _, err := src.GetSessionAndUser(context.Background(), fmt.Sprintf("many%028d", i)); !errors.Is(err, ba.ErrNotFound) {
				t.Fatal(err)
			}
		}
		for i := 990; i < 1000; i++ {
			_, _, _ = src.GetSessionAndUser(context.Background(), fmt.Sprintf("many%028d", i))
		}
		wantRequests(t, f, 1000)
		_, _, _ = src.GetSessionAndUser(context.Background(), fmt.Sprintf("many%028d", 0))
		wantRequests(t, f, 1001)
	})
}

func TestCopies(t *testing.T) {
	c := newClock()
	f := newFakeAuth(t)
	const token = "copiesAAAAAAAAAAAAAAAAAAAAAAAAAA"
	f.addSession(token, c.Now())
	src := newSource(t, f, c, nil)
	s1, u1, err := src.GetSessionAndUser(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	s1.ID, s1.Token, u1.Email = "changed", "changed", "changed"
	s2, u2, err := src.GetSessionAndUser(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if s2.ID != "sess-"+token || s2.Token != token || u2.Email == "changed" {
		t.Fatalf("cache changed through a returned value: %+v %+v", s2, u2)
	}
	wantRequests(t, f, 1)
}

func TestConfig(t *testing.T) {
	t.Setenv("BETTER_AUTH_SECRETS", "")
	t.Setenv("BETTER_AUTH_SECRET", "")
	t.Setenv("AUTH_SECRET", "")
	for _, tc := range []struct {
		name       string
		cfg        remote.Config
		endpoint   string
		cookieName string
		err        string
	}{
		{"HTTPSDefaults", remote.Config{BaseURL: "https://auth.example.com"},
			"https://auth.example.com/api/auth/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-better-auth.session_token", ""},
		{"TrailingSlash", remote.Config{BaseURL: "https://auth.example.com/"},
			"https://auth.example.com/api/auth/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-better-auth.session_token", ""},
		{"Loopback", remote.Config{BaseURL: "http://localhost:3000"},
			"http://localhost:3000/api/auth/get-session?disableCookieCache=true&disableRefresh=true", "better-auth.session_token", ""},
		{"IPv6Loopback", remote.Config{BaseURL: "http://[::1]:3000"},
			"http://[::1]:3000/api/auth/get-session?disableCookieCache=true&disableRefresh=true", "better-auth.session_token", ""},
		{"BasePath", remote.Config{BaseURL: "https://example.com", BasePath: "auth/"},
			"https://example.com/auth/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-better-auth.session_token", ""},
		{"BasePathNested", remote.Config{BaseURL: "https://example.com", BasePath: "/v1/auth-service/"},
			"https://example.com/v1/auth-service/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-better-auth.session_token", ""},
		{"PathInBaseURL", remote.Config{BaseURL: "https://example.com/custom/auth/", BasePath: "/ignored"},
			"https://example.com/custom/auth/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-better-auth.session_token", ""},
		{"QueryDropped", remote.Config{BaseURL: "https://example.com?x=1#f"},
			"https://example.com/api/auth/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-better-auth.session_token", ""},
		{"CookieName", remote.Config{BaseURL: "http://auth.internal:3000", AllowInsecureHTTP: true, CookieName: "__Secure-myapp.session_token"},
			"http://auth.internal:3000/api/auth/get-session?disableCookieCache=true&disableRefresh=true", "__Secure-myapp.session_token", ""},
		{"ErrNoBaseURL", remote.Config{}, "", "", "BaseURL is required"},
		{"ErrPlainHTTP", remote.Config{BaseURL: "http://auth.example.com"}, "", "", "plain http"},
		{"ErrScheme", remote.Config{BaseURL: "ftp://auth.example.com"}, "", "", "scheme"},
		{"ErrNoHost", remote.Config{BaseURL: "https:///api/auth"}, "", "", "no host"},
		{"ErrUserInfo", remote.Config{BaseURL: "https://u:p@auth.example.com"}, "", "", "credentials"},
		{"ErrCookieName", remote.Config{BaseURL: "https://auth.example.com", CookieName: "a;b"}, "", "", "cookie name"},
		{"ErrCookieNameSpace", remote.Config{BaseURL: "https://auth.example.com", CookieName: "my app.session_token"}, "", "", "cookie name"},
		{"ErrBasePathQuery", remote.Config{BaseURL: "https://example.com", BasePath: "/api/auth?x=1"}, "", "", "BasePath"},
		{"ErrBasePathFragment", remote.Config{BaseURL: "https://example.com", BasePath: "/api/auth#x"}, "", "", "BasePath"},
		{"ErrBasePathDotDot", remote.Config{BaseURL: "https://example.com", BasePath: "/api/../admin"}, "", "", "BasePath"},
		{"ErrBasePathDotDotEnd", remote.Config{BaseURL: "https://example.com", BasePath: "/api/.."}, "", "", "BasePath"},
		{"ErrBasePathSpace", remote.Config{BaseURL: "https://example.com", BasePath: "/api auth"}, "", "", "BasePath"},
		{"ErrBasePathControl", remote.Config{BaseURL: "https://example.com", BasePath: "/api\nauth"}, "", "", "BasePath"},
		{"ErrBasePathBackslash", remote.Config{BaseURL: "https://example.com", BasePath: "\\evil.example\\x"}, "", "", "BasePath"},
		{"ErrBasePathEmptySegment", remote.Config{BaseURL: "https://example.com", BasePath: "//evil.example/api/auth"}, "", "", "BasePath"},
		{"ErrBasePathDot", remote.Config{BaseURL: "https://example.com", BasePath: "/api/./auth"}, "", "", "BasePath"},
		{"ErrBasePathPercent", remote.Config{BaseURL: "https://example.com", BasePath: "/api/%2e%2e/admin"}, "", "", "BasePath"},
		{"ErrDefaultSecret", remote.Config{BaseURL: "https://auth.example.com", Secrets: []ba.Secret{{Value: ba.DefaultSecret}}}, "", "", "default secret"},
		{"ErrEmptySecret", remote.Config{BaseURL: "https://auth.example.com", Secrets: []ba.Secret{{Value: ""}}}, "", "", "empty secret"},
		{"ErrNoSecret", remote.Config{BaseURL: "https://auth.example.com", Secrets: nil}, "", "", "no secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Secrets == nil && tc.name != "ErrNoSecret" {
				tc.cfg.Secrets = testSecrets
			}
			src, err := remote.New(tc.cfg)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Endpoint() != tc.endpoint || src.CookieName() != tc.cookieName {
				t.Fatalf("endpoint %s cookie %s", src.Endpoint(), src.CookieName())
			}
		})
	}
	t.Run("SecretFromEnv", func(t *testing.T) {
		t.Setenv("BETTER_AUTH_SECRET", testSecret)
		if _, err := remote.New(remote.Config{BaseURL: "https://auth.example.com"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestHeader(t *testing.T) {
	c := newClock()
	f := newFakeAuth(t)
	const token = "headerAAAAAAAAAAAAAAAAAAAAAAAAAA"
	f.addSession(token, c.Now())
	src := newSource(t, f, c, func(cfg *remote.Config) {
		cfg.Header = http.Header{"X-Forwarded-For": {"10.1.2.3"}, "Cookie": {"evil=1"}}
	})
	if _, _, err := src.GetSessionAndUser(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	r := f.lastRequest()
	if r.Header.Get("X-Forwarded-For") != "10.1.2.3" || strings.Contains(r.Header.Get("Cookie"), "evil") {
		t.Fatalf("headers %v", r.Header)
	}
}

func mustVerify(t *testing.T, v *ba.Verifier, token string, want error) {
	t.Helper()
	res, err := v.Verify(context.Background(), cookieRequest(token))
	if want == nil {
		if err != nil {
			t.Fatalf("Verify(%s): %v", token, err)
		}
		if res.Session.Token != token {
			t.Fatalf("Verify(%s): session token %q", token, res.Session.Token)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("Verify(%s): err %v, want %v", token, err, want)
	}
}

func wantRequests(t *testing.T, f *fakeAuth, n int64) {
	t.Helper()
	if got := f.count(); got != n {
		t.Fatalf("%d requests to Better Auth, want %d", got, n)
	}
}

// assertStatus runs r through httpauth.Verify and Require and checks the
// status.
func assertStatus(t *testing.T, v *ba.Verifier, r *http.Request, want int) {
	t.Helper()
	h := httpauth.Verify(v)(httpauth.Require(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	})))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		t.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
	}
	if want == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
}

// TestMalformedAnswerErrorHoldsNoToken: when Better Auth's answer does not
// decode, the error (which serve logs with the 503) names what is wrong,
// never the token the answer carries nor a value of unbounded length.
func TestMalformedAnswerErrorHoldsNoToken(t *testing.T) {
	const token = "tokenMALFORMEDAAAAAAAAAAAAAAAAAA"
	c := newClock()
	f := newFakeAuth(t)
	v := newVerifier(t, newSource(t, f, c, nil), c)
	for name, body := range map[string]string{
		"TokenInDate":   `{"session":{"token":"` + token + `","expiresAt":"` + token + `"},"user":{"id":"u"}}`,
		"HugeNumber":    `{"session":{"token":"` + token + `","expiresAt":1` + strings.Repeat("0", 1<<16) + `},"user":{"id":"u"}}`,
		"HugeExtraKey":  `{"session":{"token":"` + token + `","` + strings.Repeat("k", 1<<16) + `":1e999},"user":{"id":"u"}}`,
		"TokenAsNumber": `{"session":{"token":"` + token + `","userId":5},"user":{"id":"u"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			f.setHook(func(w http.ResponseWriter, _ *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
				return true
			})
			_, err := v.Verify(context.Background(), cookieRequest(token))
			if !errors.Is(err, ba.ErrUnavailable) {
				t.Fatalf("err %v", err)
			}
			if msg := err.Error(); strings.Contains(msg, token[:12]) || len(msg) > 300 {
				t.Fatalf("error holds the token or is %d bytes: %.300q", len(msg), msg)
			}
		})
	}
}
