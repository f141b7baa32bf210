package server

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"
)

// rateRule is a window (seconds) and the requests allowed in it.
type rateRule struct {
	window time.Duration
	max    int
}

// Better Auth 1.7's rules (api/rate-limiter): 100 requests per 10 s per IP
// and path, 3 per 10 s for sign-in, sign-up and password changes, 3 per
// 60 s for password-reset requests.
var (
	defaultRule     = rateRule{10 * time.Second, 100}
	credentialsRule = rateRule{10 * time.Second, 3}
	resetRule       = rateRule{60 * time.Second, 3}
)

func ruleFor(path string) rateRule {
	p := strings.TrimPrefix(path, "/api/auth")
	switch {
	case strings.HasPrefix(p, "/sign-in"), strings.HasPrefix(p, "/sign-up"), strings.HasPrefix(p, "/change-password"), strings.HasPrefix(p, "/change-email"):
		return credentialsRule
	case strings.HasPrefix(p, "/two-factor/"):
		// The two-factor plugin's rule: 3 per 10 s.
		return credentialsRule
	case p == "/request-password-reset", p == "/send-verification-email", strings.HasPrefix(p, "/forget-password"):
		return resetRule
	}
	return defaultRule
}

// RateLimiter counts requests per key in fixed windows. The in-memory one
// serves a single instance; with several instances, use a shared one
// (Redis) so that they enforce one limit.
type RateLimiter interface {
	// Allow records a request for key and reports whether it is within max
	// per window, and if not, how long until it is.
	Allow(ctx context.Context, key string, window time.Duration, max int) (ok bool, retryAfter time.Duration, err error)
}

// MemoryRateLimiter is Better Auth's memory storage: a window starts with a
// key's first request; the count resets when the window has passed.
type MemoryRateLimiter struct {
	mu      sync.Mutex
	entries map[string]*rateEntry
	now     func() time.Time
	sweeps  int
}

type rateEntry struct {
	count int
	start time.Time
	ttl   time.Duration
}

// NewMemoryRateLimiter returns an empty in-memory limiter.
func NewMemoryRateLimiter(now func() time.Time) *MemoryRateLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryRateLimiter{entries: map[string]*rateEntry{}, now: now}
}

// maxRateEntries bounds memory use under a flood of distinct keys.
const maxRateEntries = 100_000

func (m *MemoryRateLimiter) Allow(_ context.Context, key string, window time.Duration, max int) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if m.sweeps++; m.sweeps >= 1000 || len(m.entries) >= maxRateEntries {
		m.sweeps = 0
		for k, e := range m.entries {
			if now.Sub(e.start) >= e.ttl {
				delete(m.entries, k)
			}
		}
		if len(m.entries) >= maxRateEntries {
			// Still full of live windows: forget the lot rather than grow
			// without bound (Better Auth prunes the same way).
			m.entries = map[string]*rateEntry{}
		}
	}
	e := m.entries[key]
	if e == nil || now.Sub(e.start) >= window {
		m.entries[key] = &rateEntry{count: 1, start: now, ttl: window}
		return true, 0, nil
	}
	if e.count >= max {
		return false, e.start.Add(window).Sub(now), nil
	}
	e.count++
	return true, 0, nil
}

func retryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return s
}
