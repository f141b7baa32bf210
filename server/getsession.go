package server

import (
	"errors"
	"net/http"

	ba "github.com/betterauth-go/betterauth"
)

// queryFlag is a get-session query flag (disableCookieCache,
// disableRefresh) as Better Auth's z.coerce.boolean() reads it:
// JavaScript's Boolean(value), so any non-empty value is true ("false"
// too), an empty one false, and a repeated parameter (an array) true.
func queryFlag(r *http.Request, name string) bool {
	v := queryValues(r, name)
	return len(v) > 1 || len(v) == 1 && v[0] != ""
}

// getSession is GET /get-session.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	return s.getSessionRead(w, r, false)
}

// getSessionRead is Better Auth's get-session. post is a POST, which only
// Config.DeferSessionRefresh serves. The query's disableCookieCache reads
// the session store even when the cookie cache holds the session, and
// disableRefresh (or a dont_remember session) answers without extending
// the session. With DeferSessionRefresh a GET writes nothing to the
// session store — no refresh, no cleanup of an expired session — and
// says {"needsRefresh":bool} instead: the POST does the refresh.
func (s *Server) getSessionRead(w http.ResponseWriter, r *http.Request, post bool) error {
	deferred := s.cfg.DeferSessionRefresh && !post
	verify := s.verify
	if queryFlag(r, "disableCookieCache") {
		verify = s.verifyFresh
	}
	res, err := verify(r)
	switch {
	case errors.Is(err, ba.ErrUnavailable):
		return err
	case errors.Is(err, ba.ErrSessionExpired), errors.Is(err, ba.ErrSessionNotFound):
		if errors.Is(err, ba.ErrSessionExpired) && !deferred {
			// Better Auth deletes the expired session it found.
			if token := s.cookieToken(r); token != "" {
				if err := s.sessions.DeleteSessionByToken(r.Context(), token); err != nil && !errors.Is(err, ba.ErrNotFound) {
					return err
				}
			}
		}
		s.clearCookies(w)
		writeJSON(w, 200, []byte("null"))
		return nil
	case err != nil:
		writeJSON(w, 200, []byte("null"))
		return nil
	}
	if err := s.setJWTHeader(w, r, res.User); err != nil {
		return err
	}
	if res.Credential == ba.CredentialCookieCache || queryFlag(r, "disableRefresh") || s.dontRemember(r) {
		return s.writeSession(w, res, nil)
	}
	now := s.now()
	needsRefresh := !s.cfg.DisableSessionRefresh && !res.Session.ExpiresAt.Add(-s.cfg.SessionExpiresIn).Add(s.cfg.SessionUpdateAge).After(now)
	if deferred {
		if s.cfg.CookieCache.Enabled() {
			s.setCookieCache(w, r, res.Session, res.User, false)
		}
		return s.writeSession(w, res, &needsRefresh)
	}
	if needsRefresh {
		expires := ba.Truncate(now.Add(s.cfg.SessionExpiresIn))
		if err := s.sessions.RefreshSession(r.Context(), res.Token, expires); err != nil && !errors.Is(err, ba.ErrNotFound) {
			return err
		}
		res.Session.ExpiresAt, res.Session.UpdatedAt = expires, ba.Truncate(now)
		s.setSessionCookies(w, r, res.Session, res.User, false)
	}
	return s.writeSession(w, res, nil)
}

// writeSession writes get-session's {"session":…,"user":…}, with
// "needsRefresh" last when given (deferSessionRefresh's GET).
func (s *Server) writeSession(w http.ResponseWriter, res *ba.Result, needsRefresh *bool) error {
	b := getResponseBuffer()
	*b = s.schema.AppendGetSessionJSON(*b, res.Session, res.User)
	if needsRefresh != nil && len(*b) > 0 && (*b)[len(*b)-1] == '}' {
		*b = append((*b)[:len(*b)-1], `,"needsRefresh":`...)
		if *needsRefresh {
			*b = append(*b, "true}"...)
		} else {
			*b = append(*b, "false}"...)
		}
	}
	writeJSON(w, 200, *b)
	putResponseBuffer(b)
	return nil
}

// cookieToken is the session token of the request's signed session
// cookie, "" when there is none or its signature does not verify.
func (s *Server) cookieToken(r *http.Request) string {
	c, err := r.Cookie(s.verifier.SessionCookieName())
	if err != nil {
		return ""
	}
	for _, sec := range s.cfg.Secrets {
		if token, err := ba.VerifySigned(c.Value, sec.Value); err == nil {
			return token
		}
	}
	return ""
}
