package httpauth

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/betterauth-go/betterauth/internal/weburl"
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
// or patterns. http and https origins are compared as WHATWG origins
// (internal/weburl, what Better Auth's new URL(…).origin gives: lower case,
// no default port, canonical IP addresses); other schemes (an app's
// "myapp://") by their lower-cased scheme and host.
func OriginTrusted(origin string, trusted []string) bool {
	norm, host, ok := originOf(origin)
	if !ok {
		return false
	}
	for _, t := range trusted {
		t = strings.ToLower(strings.TrimRight(strings.TrimSpace(t), "/"))
		if t == "" {
			continue
		}
		if !strings.Contains(t, "*") {
			if tn, _, ok := originOf(t); ok && tn == norm {
				return true
			}
			continue
		}
		pattern := t
		target := norm
		if !strings.Contains(pattern, "://") {
			target = host
		}
		if ok, _ := path.Match(pattern, target); ok {
			return true
		}
	}
	return false
}

// originOf returns raw's origin ("scheme://host[:port]") and its host part
// as OriginTrusted compares them: weburl.Origin for http and https, the
// lower-cased scheme and host otherwise.
func originOf(raw string) (origin, host string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", "", false
	}
	if o, err := weburl.Origin(raw); err == nil {
		return o, o[strings.Index(o, "://")+3:], true
	}
	if s := strings.ToLower(u.Scheme); s == "http" || s == "https" {
		return "", "", false // an http(s) URL that is no origin (a bad port, a non-ASCII host)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), strings.ToLower(u.Host), true
}
