package server_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sessioncache"
)

// discardWriter is the cheapest http.ResponseWriter that still keeps the
// status and a header map, so that the benchmarks below measure the
// server's own work per request, not a recorder's.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int)   { w.status = s }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	w.n += len(p)
	return len(p), nil
}

// benchRoute serves GET path with the cookies of a signed-in user, in
// process, and reports allocations: the per-request cost of the server
// itself (routing, middleware, verification, JSON) without the network.
func benchRoute(b *testing.B, mod func(*server.Config), path string) {
	// Request logging off, as in bench/run.sh (--log-level warn): the test
	// log buffer would otherwise be most of what is measured.
	e := newEnv(b, func(c *server.Config) {
		c.Log = slog.New(slog.DiscardHandler)
		if mod != nil {
			mod(c)
		}
	})
	c := e.client()
	c.signUp("bench@example.com", "correct horse battery")
	var cookies []string
	for _, ck := range c.hc.Jar.Cookies(mustURL(b, e.srv.URL)) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Cookie", strings.Join(cookies, "; "))
	req.RemoteAddr = "127.0.0.1:40000"
	h := e.srv.Config.Handler
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status != 200 {
		b.Fatalf("GET %s: %d", path, w.status)
	}
	if sc := w.h.Values("Set-Cookie"); len(sc) > 0 {
		b.Logf("GET %s sets %d cookies", path, len(sc))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, req)
	}
	b.StopTimer()
	if w.status != 200 {
		b.Fatalf("GET %s: %d", path, w.status)
	}
}

func BenchmarkServe(b *testing.B) {
	cookieCache := func(c *server.Config) {
		// With the memo, as serve runs it (--cookie-cache-memo 1024).
		c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact, Memo: 1024}
	}
	sessionCache := func(c *server.Config) {
		var err error
		if c.Sessions, err = sessioncache.WrapBackend(c.Store, sessioncache.Options{TTL: 5 * time.Second}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("me/cookie-cache", func(b *testing.B) { benchRoute(b, cookieCache, "/api/me") })
	b.Run("get-session/cookie-cache", func(b *testing.B) { benchRoute(b, cookieCache, "/api/auth/get-session") })
	b.Run("me/session-cache", func(b *testing.B) { benchRoute(b, sessionCache, "/api/me") })
	b.Run("me/sqlite", func(b *testing.B) { benchRoute(b, nil, "/api/me") })
}

func mustURL(tb testing.TB, raw string) *url.URL {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
