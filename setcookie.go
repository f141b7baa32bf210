package betterauth

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CookieAttributes are the attributes Better Auth gives its cookies:
// Path=/, HttpOnly, SameSite=Lax, Secure with the __Secure- prefix, and a
// Domain when crossSubDomainCookies is on.
type CookieAttributes struct {
	// Domain is set for cross-subdomain cookies (Better Auth's
	// advanced.crossSubDomainCookies.domain).
	Domain string
	// SameSite defaults to Lax.
	SameSite http.SameSite
}

// SerializeCookie writes a Set-Cookie value in Better Auth's (better-call's)
// attribute order: name=value; Max-Age; Domain; Path; HttpOnly; Secure;
// SameSite. maxAge < 0 omits Max-Age (a browser-session cookie); 0 deletes.
func SerializeCookie(name, value string, maxAge time.Duration, secure bool, attrs CookieAttributes) string {
	var b strings.Builder
	b.WriteString(name + "=" + value)
	if maxAge >= 0 {
		b.WriteString("; Max-Age=" + strconv.FormatInt(int64(maxAge/time.Second), 10))
	}
	if attrs.Domain != "" {
		b.WriteString("; Domain=" + attrs.Domain)
	}
	b.WriteString("; Path=/; HttpOnly")
	if secure || strings.HasPrefix(name, "__Secure-") || attrs.SameSite == http.SameSiteNoneMode {
		b.WriteString("; Secure")
	}
	switch attrs.SameSite {
	case http.SameSiteStrictMode:
		b.WriteString("; SameSite=Strict")
	case http.SameSiteNoneMode:
		b.WriteString("; SameSite=None")
	default:
		b.WriteString("; SameSite=Lax")
	}
	return b.String()
}

// SetSessionCookie adds the signed session_token cookie for token, as Better
// Auth's setSessionCookie does: Max-Age = maxAge (session.expiresIn, 7 days
// by default), or no Max-Age when dontRemember (rememberMe: false), in
// which case the signed dont_remember cookie is set too.
func (v *Verifier) SetSessionCookie(w http.ResponseWriter, token string, maxAge time.Duration, dontRemember bool, attrs CookieAttributes) {
	if maxAge <= 0 {
		maxAge = DefaultSessionExpiresIn
	}
	if dontRemember {
		maxAge = -1
	}
	w.Header().Add("Set-Cookie", SerializeCookie(v.SessionCookieName(), SignCookieValue(token, v.currentSecret()), maxAge, v.secure, attrs))
	if dontRemember {
		w.Header().Add("Set-Cookie", SerializeCookie(v.cookieName("dont_remember"), SignCookieValue("true", v.currentSecret()), -1, v.secure, attrs))
	}
}

// ClearSessionCookies expires session_token, session_data and
// dont_remember, as Better Auth's sign-out does.
func (v *Verifier) ClearSessionCookies(w http.ResponseWriter, attrs CookieAttributes) {
	for _, name := range []string{v.SessionCookieName(), v.dataNames[0], v.cookieName("dont_remember")} {
		w.Header().Add("Set-Cookie", SerializeCookie(name, "", 0, v.secure, attrs))
	}
}

func (v *Verifier) cookieName(suffix string) string {
	return secureName(v.cookiePrefx+"."+suffix, v.secure)
}

// CookieName returns the full name of one of Better Auth's cookies for this
// configuration, e.g. CookieName("dont_remember") is
// "better-auth.dont_remember" (with __Secure- when secure).
func (v *Verifier) CookieName(suffix string) string { return v.cookieName(suffix) }
