package jwt

import (
	"net/http"
	"strings"
)

// FromRequest returns the JWT in "Authorization: Bearer <jwt>", or "" when
// the header is absent, has another scheme, or holds something that is not
// shaped like a JWT (three dot-separated base64url parts). The bearer
// plugin's session token ("<token>.<signature>", one dot, standard base64)
// is therefore left for the session verifier, so both can read the same
// header.
func FromRequest(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	scheme, value, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	value = strings.TrimSpace(value)
	if !LooksLikeJWT(value) {
		return ""
	}
	return value
}

// LooksLikeJWT reports whether s has the shape of a compact JWS: three
// non-empty parts of base64url characters separated by dots. It checks
// nothing else.
func LooksLikeJWT(s string) bool {
	if len(s) > maxTokenBytes {
		return false
	}
	parts := 0
	runLen := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if runLen == 0 {
				return false
			}
			parts++
			runLen = 0
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			runLen++
		default:
			return false
		}
	}
	return parts == 2 && runLen > 0
}
