package server_test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/server"
)

func scrape(t *testing.T, e *env) string {
	t.Helper()
	r, err := http.Get(e.srv.URL + "/metrics")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("scrape: %v %v", r, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	re := regexp.MustCompile("(?m)^" + regexp.QuoteMeta(series) + ` ([0-9.e+]+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.Metrics = true })
	c := e.client()
	c.signUp("m@example.com", "password123")
	before := scrape(t, e)
	for i := 0; i < 3; i++ {
		c.do("GET", "/api/me", nil)
	}
	e.client().do("GET", "/api/me", nil)
	e.client().do("GET", "/api/users/"+strings.Repeat("x", 10), nil) // pattern, not raw path
	after := scrape(t, e)
	for series, delta := range map[string]float64{
		`betterauth_http_requests_total{method="GET",route="GET /api/me",status="200"}`: 3,
		`betterauth_http_requests_total{method="GET",route="GET /api/me",status="401"}`: 1,
		`betterauth_session_verifications_total{outcome="ok"}`:                          3,
	} {
		if got := metricValue(t, after, series) - metricValue(t, before, series); got != delta {
			t.Errorf("%s moved by %v, want %v", series, got, delta)
		}
	}
	if !strings.Contains(after, `betterauth_session_store_duration_seconds_count{backend="database",result="ok"}`) {
		t.Error("no session-store latency histogram")
	}
	if !strings.Contains(after, "betterauth_db_pool_open_connections") {
		t.Error("no pool stats")
	}
	if strings.Contains(after, `route="/api/users/xxxxxxxxxx"`) {
		t.Error("raw paths used as labels")
	}
	// Off by default.
	plain := newEnv(t, nil)
	if r := plain.client().do("GET", "/metrics", nil); r.status != 404 {
		t.Errorf("/metrics without --metrics: %d", r.status)
	}
}

func TestCORS(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.TrustedOrigins = []string{"http://app.example.com"} })
	pre, _ := http.NewRequest("OPTIONS", e.srv.URL+"/api/me", nil)
	pre.Header.Set("Origin", "http://app.example.com")
	pre.Header.Set("Access-Control-Request-Method", "PATCH")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	r, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	h := r.Header
	if r.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "http://app.example.com" || h.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "PATCH") || h.Get("Access-Control-Max-Age") != "600" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Fatalf("preflight: %d %v", r.StatusCode, h)
	}
	evil, _ := http.NewRequest("GET", e.srv.URL+"/api/auth/ok", nil)
	evil.Header.Set("Origin", "http://evil.example")
	r, _ = http.DefaultClient.Do(evil)
	r.Body.Close()
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("untrusted origin allowed: %v", r.Header)
	}
	for _, v := range r.Header.Values("Access-Control-Allow-Origin") {
		if v == "*" {
			t.Fatal("wildcard origin")
		}
	}
}

// TestMetricsMethodLabelBounded: the method label takes the standard
// methods only; any other method a client sends (its text, its length) is
// counted as OTHER rather than becoming a series of its own.
func TestMetricsMethodLabelBounded(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.Metrics = true })
	const odd = "XTOKENtokVALUEAAAAAAAAAAAAAAAAAAAAAA"
	for _, m := range []string{odd, strings.Repeat("M", 4000)} {
		req, _ := http.NewRequest(m, e.srv.URL+"/api/me", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	// The server counts a request after its handler has written the
	// answer, so the client can hold the answer (here: closing its
	// connection without reading the body) before the count is made. Wait
	// for both counts, a bounded time; a request that is never counted
	// still fails.
	var text string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		text = scrape(t, e)
		if metricValue(t, text, `betterauth_http_requests_total{method="OTHER",route="unmatched",status="405"}`)+
			metricValue(t, text, `betterauth_http_requests_total{method="OTHER",route="unmatched",status="404"}`) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests with other methods not counted as OTHER:\n%s", text)
		}
	}
	if strings.Contains(text, odd) || strings.Contains(text, "MMMMMMMM") {
		t.Error("a client's method became a metric label")
	}
}
