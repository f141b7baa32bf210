package httpauth

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// CheckOrigin applies Better Auth's origin check: a state-changing request
// (any method but GET, HEAD, OPTIONS) that carries cookies must come from a
// trusted origin, taken from the Origin header or, without one, from the
// Referer. Otherwise it answers 403 with Better Auth's INVALID_ORIGIN or
// MISSING_OR_NULL_ORIGIN. Requests without cookies pass (they cannot ride
// on a browser's session).
//
// Trusted origins are exact ("https://app.example.com") or wildcard
// patterns ("https://*.example.com", "*.example.com"), as in Better Auth's
// trustedOrigins.
func CheckOrigin(trusted []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				next.ServeHTTP(w, r)
				return
			}
			if r.Header.Get("Cookie") == "" {
				next.ServeHTTP(w, r)
				return
			}
			origin := r.Header.Get("Origin")
			if origin == "" {
				if ref := r.Header.Get("Referer"); ref != "" {
					if u, err := url.Parse(ref); err == nil && u.Scheme != "" && u.Host != "" {
						origin = u.Scheme + "://" + u.Host
					}
				}
			}
			if origin == "" || origin == "null" {
				WriteError(w, ErrMissingOrigin)
				return
			}
			if !OriginTrusted(origin, trusted) {
				WriteError(w, ErrInvalidOrigin)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// OriginTrusted reports whether origin matches one of the trusted origins
// or patterns.
func OriginTrusted(origin string, trusted []string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return false
	}
	norm := strings.ToLower(u.Scheme + "://" + u.Host)
	for _, t := range trusted {
		t = strings.ToLower(strings.TrimRight(strings.TrimSpace(t), "/"))
		if t == "" {
			continue
		}
		if !strings.Contains(t, "*") {
			if tu, err := url.Parse(t); err == nil && tu.Scheme != "" && strings.ToLower(tu.Scheme+"://"+tu.Host) == norm {
				return true
			}
			continue
		}
		pattern := t
		target := norm
		if !strings.Contains(pattern, "://") {
			target = strings.ToLower(u.Host)
		}
		if ok, _ := path.Match(pattern, target); ok {
			return true
		}
	}
	return false
}
