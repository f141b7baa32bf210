package sessioncache_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sessioncache"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const secret = "sessioncache-test-secret-0123456789abcdef"

// TestRevocationReachesEveryInstance runs two Verifiers, each with its own
// cache and its own pool, on one database. A revocation made through one
// instance is seen there at once and by the other within the TTL — never
// later; a revocation made by a third party (Better Auth itself) is seen by
// both within the TTL.
func TestRevocationReachesEveryInstance(t *testing.T) {
	// Each "instance" has its own connection pool on one database, as two
	// processes would have.
	for _, kind := range []sqlstore.Kind{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(kind.String(), func(t *testing.T) {
			ctx := context.Background()
			const ttl = 5 * time.Second
			clock := storetest.NewClock()
			opts := sqlstore.Options{Now: clock.Now}
			newStore := storetest.NewDatabase(t, kind).Open
			third := newStore(t, opts) // Better Auth, or any other writer
			if _, err := third.Migrate(ctx); err != nil {
				t.Fatal(err)
			}

			type instance struct {
				name     string
				backend  *sessioncache.CachedBackend
				verifier *ba.Verifier
			}
			var instances []instance
			for _, n := range []string{"A", "B"} {
				b, err := sessioncache.WrapBackend(newStore(t, opts), sessioncache.Options{TTL: ttl, Now: clock.Now})
				if err != nil {
					t.Fatal(err)
				}
				v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: b, Now: clock.Now, BaseURL: "http://localhost:3000"})
				if err != nil {
					t.Fatal(err)
				}
				instances = append(instances, instance{n, b, v})
			}
			a, b := instances[0], instances[1]

			user := &ba.User{Name: "Ada", Email: "ada@example.com"}
			if err := third.CreateUser(ctx, user); err != nil {
				t.Fatal(err)
			}
			newSession := func() string {
				s := &ba.Session{UserID: user.ID}
				if err := third.CreateSession(ctx, s, nil); err != nil {
					t.Fatal(err)
				}
				return s.Token
			}
			verify := func(in instance, token string) error {
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Cookie", "better-auth.session_token="+ba.SignCookieValue(token, secret))
				_, err := in.verifier.Verify(ctx, r)
				return err
			}
			mustAccept := func(in instance, token, when string) {
				t.Helper()
				if err := verify(in, token); err != nil {
					t.Fatalf("%s %s: refused: %v", in.name, when, err)
				}
			}
			mustRefuse := func(in instance, token, when string) {
				t.Helper()
				if err := verify(in, token); !errors.Is(err, ba.ErrSessionNotFound) {
					t.Fatalf("%s %s: got %v, want ErrSessionNotFound", in.name, when, err)
				}
			}

			// Sign-out through A.
			token := newSession()
			mustAccept(a, token, "before sign-out")
			mustAccept(b, token, "before sign-out") // both have it cached now
			if err := a.backend.DeleteSessionByToken(ctx, token); err != nil {
				t.Fatal(err)
			}
			mustRefuse(a, token, "right after its own sign-out")
			mustAccept(b, token, "within the TTL (documented staleness)")
			clock.Advance(ttl)
			mustRefuse(b, token, "one TTL after the sign-out on A")

			// Revoke-sessions (or a ban) through B.
			t1, t2 := newSession(), newSession()
			for _, in := range instances {
				mustAccept(in, t1, "before revoke-sessions")
				mustAccept(in, t2, "before revoke-sessions")
			}
			if _, err := b.backend.RevokeUserSessions(ctx, user.ID); err != nil {
				t.Fatal(err)
			}
			mustRefuse(b, t1, "right after its own revoke-sessions")
			mustRefuse(b, t2, "right after its own revoke-sessions")
			clock.Advance(ttl)
			mustRefuse(a, t1, "one TTL after revoke-sessions on B")
			mustRefuse(a, t2, "one TTL after revoke-sessions on B")

			// Sign-out by a third party (Better Auth deleting the row).
			token = newSession()
			mustAccept(a, token, "before the outside sign-out")
			mustAccept(b, token, "before the outside sign-out")
			clock.Advance(ttl / 2)
			if err := third.DeleteSessionByToken(ctx, token); err != nil {
				t.Fatal(err)
			}
			clock.Advance(ttl / 2)
			mustRefuse(a, token, "one TTL after the row was cached")
			mustRefuse(b, token, "one TTL after the row was cached")

			// The database is read once per instance and TTL, not per request.
			token = newSession()
			before := a.backend.Stats().Misses
			for range 100 {
				mustAccept(a, token, "repeatedly")
			}
			if n := a.backend.Stats().Misses - before; n != 1 {
				t.Fatalf("100 requests within the TTL read the store %d times, want 1", n)
			}
		})
	}
}

// TestTwoServersSignOut runs two full servers (real clock, 300 ms TTL) on
// one SQLite file: a sign-out on A ends the session on A at once and on B
// within the TTL.
func TestTwoServersSignOut(t *testing.T) {
	const ttl = 300 * time.Millisecond
	path := t.TempDir() + "/shared.db"
	var servers []*httptest.Server
	for range 2 {
		db, err := sqlite.OpenWAL(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		st, err := sqlite.New(db, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		backend, err := sessioncache.WrapBackend(st, sessioncache.Options{TTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewUnstartedServer(nil)
		srv, err := server.New(server.Config{
			Store: st, Sessions: backend, Secrets: []ba.Secret{{Value: secret}},
			BaseURL: "http://" + hs.Listener.Addr().String(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		hs.Config.Handler = srv
		hs.Start()
		t.Cleanup(hs.Close)
		servers = append(servers, hs)
	}
	a, b := servers[0], servers[1]

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	do := func(method, url, body string) int {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Origin", a.URL)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := do("POST", a.URL+"/api/auth/sign-up/email", `{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}`); st != 200 {
		t.Fatalf("sign-up: %d", st)
	}
	// The jar keys cookies by host, and both servers are on 127.0.0.1.
	cookie := jar.Cookies(mustURL(t, a.URL))
	getMe := func(srv *httptest.Server) int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/me", nil)
		for _, c := range cookie {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if getMe(a) != 200 || getMe(b) != 200 {
		t.Fatal("the session is not accepted by both servers")
	}
	if st := do("POST", a.URL+"/api/auth/sign-out", "{}"); st != 200 {
		t.Fatalf("sign-out: %d", st)
	}
	signedOut := time.Now()
	if st := getMe(a); st != 401 {
		t.Fatalf("A after its own sign-out: %d, want 401 at once", st)
	}
	for getMe(b) == 200 {
		if time.Since(signedOut) > ttl+200*time.Millisecond {
			t.Fatalf("B still accepts the session %s after the sign-out (TTL %s)", time.Since(signedOut), ttl)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("B refused the signed-out session %s after the sign-out on A (TTL %s)", time.Since(signedOut).Round(time.Millisecond), ttl)
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
