package server

import (
	"net/http"
	"strings"

	"github.com/betterauth-go/betterauth/httpauth"
)

var varyOrigin = []string{"Origin"}

// cors lets a frontend on a trusted origin call the API with credentials
// (the browser's Better Auth cookies): the exact origin is echoed with
// Access-Control-Allow-Credentials — never "*" — and preflights are answered
// and cached for 10 minutes. Other origins get no CORS headers, so the
// browser keeps their scripts from reading responses.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		if _, ok := h["Vary"]; ok {
			h.Add("Vary", "Origin")
		} else {
			h["Vary"] = varyOrigin // shared: see jsonContentType
		}
		if origin == "" || !httpauth.OriginTrusted(origin, s.trusted) {
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Expose-Headers", "set-auth-token, set-auth-jwt, X-Request-Id, Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS")
			allowed := "Content-Type, Authorization, X-Request-Id"
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" && validHeaderList(req) {
				allowed = req
			}
			h.Set("Access-Control-Allow-Headers", allowed)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// validHeaderList accepts a comma-separated list of header names.
func validHeaderList(s string) bool {
	if len(s) > 512 {
		return false
	}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return false
		}
		for _, c := range name {
			if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}
