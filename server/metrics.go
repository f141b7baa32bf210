package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// metrics are the Prometheus series GET /metrics exposes (Config.Metrics).
// Each server has its own registry, so tests and embedders can run several.
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	verifications *prometheus.CounterVec
	store         *prometheus.HistogramVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "betterauth_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "betterauth_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	m.verifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "betterauth_session_verifications_total", Help: "Session verifications by outcome (ok, cookie_cache, jwt, no_session, invalid_signature, not_found, expired, banned, unavailable).",
	}, []string{"outcome"})
	m.store = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "betterauth_session_store_duration_seconds", Help: "Latency of session lookups by backend (database, redis).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .5},
	}, []string{"backend", "result"})
	m.registry.MustRegister(m.requests, m.duration, m.verifications, m.store,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if _, ok := s.store.PoolStats(); ok {
		gauge := func(name, help string, value func() float64) {
			m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, value))
		}
		stat := func(f func(p sqlstore.PoolStats) float64) func() float64 {
			return func() float64 { st, _ := s.store.PoolStats(); return f(st) }
		}
		gauge("betterauth_db_pool_open_connections", "Open database connections.", stat(func(p sqlstore.PoolStats) float64 { return float64(p.Open) }))
		gauge("betterauth_db_pool_in_use_connections", "Database connections in use.", stat(func(p sqlstore.PoolStats) float64 { return float64(p.InUse) }))
		gauge("betterauth_db_pool_idle_connections", "Idle database connections.", stat(func(p sqlstore.PoolStats) float64 { return float64(p.Idle) }))
		gauge("betterauth_db_pool_max_connections", "Maximum database connections.", stat(func(p sqlstore.PoolStats) float64 { return float64(p.MaxOpen) }))
		gauge("betterauth_db_pool_waits", "Times a request waited for a database connection.", stat(func(p sqlstore.PoolStats) float64 { return float64(p.WaitCount) }))
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// outcome names a verification result for the metrics: betterauth's
// Outcome, with the credentials that read no store told apart.
func outcome(res *ba.Result, err error) string {
	switch {
	case err == nil && res != nil && res.Credential == ba.CredentialCookieCache:
		return "cookie_cache"
	case err == nil && res != nil && res.Credential == ba.CredentialJWT:
		return "jwt"
	}
	return string(ba.OutcomeOf(err))
}

// verify runs the Verifier and counts the outcome.
func (s *Server) verify(r *http.Request) (*ba.Result, error) {
	res, err := s.verifier.Verify(r.Context(), r)
	if s.metrics != nil {
		s.metrics.verifications.WithLabelValues(outcome(res, err)).Inc()
	}
	return res, err
}

// verifyFresh is verify past the cookie cache: the session store is read
// (Better Auth's disableCookieCache / authoritative getSession).
func (s *Server) verifyFresh(r *http.Request) (*ba.Result, error) {
	res, err := s.verifier.VerifyFresh(r.Context(), r)
	if s.metrics != nil {
		s.metrics.verifications.WithLabelValues(outcome(res, err)).Inc()
	}
	return res, err
}

// timedSessions measures session lookups for the store-latency histogram.
type timedSessions struct {
	SessionBackend
	backend string
	hist    *prometheus.HistogramVec
}

func (t timedSessions) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	start := time.Now()
	sess, user, err := t.SessionBackend.GetSessionAndUser(ctx, token)
	result := "ok"
	switch {
	case errors.Is(err, ba.ErrNotFound):
		result = "not_found"
	case err != nil:
		result = "error"
	}
	t.hist.WithLabelValues(t.backend, result).Observe(time.Since(start).Seconds())
	return sess, user, err
}

// withPattern records the matched pattern on the request's
// *statusRecorder (reached through the ResponseWriter, not the context, so
// no request copy is made), so metrics label by pattern, never by raw path
// (which would let clients create unbounded series).
func withPattern(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec := recorderOf(w); rec != nil {
			rec.route = pattern
		}
		h.ServeHTTP(w, r)
	})
}

// recorderOf finds logRequests' *statusRecorder in w or under the writers
// wrapping it (any middleware between them may wrap w, as long as it
// offers Unwrap, as http.ResponseController expects).
func recorderOf(w http.ResponseWriter) *statusRecorder {
	for {
		switch x := w.(type) {
		case *statusRecorder:
			return x
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return nil
		}
	}
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, metricMethod(method), strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// metricMethod is method when it is one of the standard methods, else
// OTHER: a client may send any token as its method, and a label taken from
// it would carry the client's text and let it create unbounded series.
func metricMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "OTHER"
}
