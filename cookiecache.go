package betterauth

import (
	"fmt"
	"net/http"
	"time"
)

// CookieCacheStrategy is Better Auth's session.cookieCache.strategy.
type CookieCacheStrategy string

// Strategies.
const (
	CacheCompact CookieCacheStrategy = "compact"
	CacheJWT     CookieCacheStrategy = "jwt"
	CacheJWE     CookieCacheStrategy = "jwe"
)

// CookieCacheConfig configures the session_data cookie cache. The zero
// value is off: every request reads the session store.
type CookieCacheConfig struct {
	// Strategy is compact, jwt or jwe; empty turns the cache off.
	Strategy CookieCacheStrategy
	// MaxAge is session.cookieCache.maxAge; 5 minutes by default.
	MaxAge time.Duration
	// Version is session.cookieCache.version; "1" by default. A cache of
	// another version is ignored.
	Version string
}

// Enabled reports whether a strategy is set.
func (c CookieCacheConfig) Enabled() bool { return c.Strategy != "" }

func (c *CookieCacheConfig) validate() error {
	switch c.Strategy {
	case "", CacheCompact, CacheJWT, CacheJWE:
	default:
		return fmt.Errorf("betterauth: unknown cookie cache strategy %q (want compact, jwt or jwe)", c.Strategy)
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 5 * time.Minute
	}
	if c.Version == "" {
		c.Version = "1"
	}
	return nil
}

// fromCookieCache is filled in with the cookie cache decoder.
func (v *Verifier) fromCookieCache(r *http.Request, token string) (*Result, bool) {
	return nil, false
}
