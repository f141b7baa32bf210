package server

import (
	"net/http"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// The jwt plugin's routes (Config.JWTSigner).

func (s *Server) jwksPath() string {
	if p := s.cfg.JWKSPath; p != "" {
		return p
	}
	return "/jwks"
}

// jwtToken is GET /api/auth/token: {"token": <JWT of the caller's user>}.
func (s *Server) jwtToken(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	tok, err := s.cfg.JWTSigner.Token(r.Context(), s.schema.UserJSON(res.User))
	if err != nil {
		return err
	}
	o := jsjson.NewObject()
	o.String("token", tok)
	writeJSON(w, 200, o.Bytes())
	return nil
}

// jwks is GET /api/auth/jwks: Better Auth's JSON Web Key Set.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) error {
	body, err := s.cfg.JWTSigner.JWKS(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, 200, body)
	return nil
}

// setJWTHeader is the jwt plugin's after-hook on get-session: a JWT for
// the user in set-auth-jwt, and set-auth-jwt added to
// Access-Control-Expose-Headers.
func (s *Server) setJWTHeader(w http.ResponseWriter, r *http.Request, user *ba.User) error {
	if s.cfg.JWTSigner == nil || s.cfg.DisableJWTHeader {
		return nil
	}
	tok, err := s.cfg.JWTSigner.Token(r.Context(), s.schema.UserJSON(user))
	if err != nil {
		return err
	}
	h := w.Header()
	var names []string
	seen := map[string]bool{}
	for _, v := range h.Values("Access-Control-Expose-Headers") {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	if !seen["set-auth-jwt"] {
		names = append(names, "set-auth-jwt")
	}
	h.Set("set-auth-jwt", tok)
	h.Set("Access-Control-Expose-Headers", strings.Join(names, ", "))
	return nil
}
