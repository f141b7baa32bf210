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

// Better Auth 1.7.25's rules (api/rate-limiter getDefaultSpecialRules and
// the plugins' rateLimit arrays): 100 requests per 10 s per IP and path by
// default; 3 per 10 s for sign-in, sign-up, change-password and
// change-email; 3 per 60 s for password-reset and verification emails
// (and the email-otp plugin's sends, a default rule whether or not the
// plugin is on); and the two-factor plugin's 3 per 10 s on /two-factor/*,
// applied only with the plugin, after the default rules, as Better Auth
// lets a plugin's rule override them.
var (
	defaultRule     = rateRule{10 * time.Second, 100}
	credentialsRule = rateRule{10 * time.Second, 3}
	resetRule       = rateRule{60 * time.Second, 3}
	twoFactorRule   = rateRule{10 * time.Second, 3}
)

// rulePath is a request path as Better Auth's normalizePathname makes it
// before matching rules and building the key: the /api/auth base cut off
// and trailing slashes dropped.
func rulePath(path string) string {
	p := strings.TrimRight(path, "/")
	if p == "/api/auth" {
		return "/"
	}
	if strings.HasPrefix(p, "/api/auth/") {
		p = p[len("/api/auth"):]
	}
	if p == "" {
		p = "/"
	}
	return p
}

// ruleFor is the rule of a path (rulePath's form), twoFactor saying the
// two-factor plugin is on.
func ruleFor(p string, twoFactor bool) rateRule {
	rule := defaultRule
	switch {
	case strings.HasPrefix(p, "/sign-in"), strings.HasPrefix(p, "/sign-up"), strings.HasPrefix(p, "/change-password"), strings.HasPrefix(p, "/change-email"):
		rule = credentialsRule
	case p == "/request-password-reset", p == "/send-verification-email", strings.HasPrefix(p, "/forget-password"),
		p == "/email-otp/send-verification-otp", p == "/email-otp/request-password-reset":
		rule = resetRule
	}
	if twoFactor && strings.HasPrefix(p, "/two-factor/") {
		rule = twoFactorRule
	}
	return rule
}

// RateLimiter counts requests per key in fixed windows. The in-memory one
// serves a single instance; with several instances, use a shared one
// (Redis) so that they enforce one limit.
type RateLimiter interface {
	// Allow records a request for key and reports whether it is within max
	// per window, and if not, how long until it is.
	Allow(ctx context.Context, key string, window time.Duration, max int) (ok bool, retryAfter time.Duration, err error)
}

// MemoryRateLimiter is Better Auth 1.7.25's memory storage: each allowed
// request moves the key's last-request time to now; a request a whole
// window after the last allowed one starts a new count at 1; within it,
// the request past max is refused, with a retry after what is left of the
// window since the last allowed request (refusals move nothing).
type MemoryRateLimiter struct {
	mu      sync.Mutex
	entries map[string]*rateEntry
	now     func() time.Time
	sweeps  int
}

type rateEntry struct {
	count int
	last  time.Time // the last allowed request
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
			if now.Sub(e.last) >= e.ttl {
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
	if e == nil || now.Sub(e.last) >= window {
		m.entries[key] = &rateEntry{count: 1, last: now, ttl: window}
		return true, 0, nil
	}
	if e.count >= max {
		return false, e.last.Add(window).Sub(now), nil
	}
	e.count++
	e.last, e.ttl = now, window
	return true, 0, nil
}

func retryAfterSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return s
}
