package server

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// ImpersonationConfig is the admin plugin's impersonate-user options.
type ImpersonationConfig struct {
	// SessionDuration is impersonationSessionDuration: how long an
	// impersonation session lasts. Zero is Better Auth's 1 hour.
	SessionDuration time.Duration
	// AllowAdmins is allowImpersonatingAdmins: admins (AdminRoles,
	// AdminUserIDs) may be impersonated by anyone with user:impersonate.
	// False by default: then only the user:impersonate-admins permission
	// allows it.
	AllowAdmins bool
}

// The admin plugin's session-route refusals besides the permission ones.
var (
	errAdminRemoveSelf        = newError(400, "YOU_CANNOT_REMOVE_YOURSELF", "You cannot remove yourself")
	errAdminImpersonateAdmins = newError(403, "YOU_CANNOT_IMPERSONATE_ADMINS", "You cannot impersonate admins")
	errNotImpersonating       = newError(400, "", "You are not impersonating anyone")
	// Better Auth answers these two with a 500; both are the client's
	// stale or missing cookie (or an admin deleted meanwhile), not a
	// server fault, so serve answers 400 with Better Auth's body: a
	// deliberate difference (README), pinned by
	// TestAdminSessionRoutesMatchBetterAuth.
	errImpersonatorMissing     = newError(400, "", "Failed to find user")
	errImpersonatorSessionGone = newError(400, "", "Failed to find admin session")
)

// adminSessionRoutes registers the admin plugin's session routes at Better
// Auth's paths (/api/auth/admin/list-user-sessions, revoke-user-session,
// revoke-user-sessions, remove-user, impersonate-user, stop-impersonating).
func (s *Server) adminSessionRoutes(auth func(string, handlerFunc)) {
	auth("POST /api/auth/admin/list-user-sessions", s.adminListUserSessions)
	auth("POST /api/auth/admin/revoke-user-session", s.adminRevokeUserSession)
	auth("POST /api/auth/admin/revoke-user-sessions", s.adminRevokeUserSessions)
	auth("POST /api/auth/admin/remove-user", s.adminRemoveUser)
	auth("POST /api/auth/admin/impersonate-user", s.adminImpersonateUser)
	auth("POST /api/auth/admin/stop-impersonating", s.adminStopImpersonating)
}

// deleteSessionCookies is Better Auth's deleteSessionCookie: clearCookies
// (session_token, session_data, dont_remember expired) with, before
// dont_remember, one more expiry for each session_data cookie or chunk
// the request carries (its session store's clean()).
func (s *Server) deleteSessionCookies(w http.ResponseWriter, r *http.Request) {
	s.clearCookies(w)
	name := s.verifier.CookieName("session_data")
	var extra []string
	for _, c := range r.Cookies() {
		if c.Name == name || (strings.HasPrefix(c.Name, name+".") && len(c.Name) > len(name)+1 && strings.Trim(c.Name[len(name)+1:], "0123456789") == "") {
			extra = append(extra, ba.SerializeCookie(c.Name, "", 0, s.secure, s.cookieAttrs()))
		}
	}
	if lines := w.Header()["Set-Cookie"]; len(extra) > 0 && len(lines) > 0 {
		last := lines[len(lines)-1]
		w.Header()["Set-Cookie"] = append(append(lines[:len(lines)-1:len(lines)-1], extra...), last)
	}
}

// dropSetCookies removes the Set-Cookie lines already added for the
// cookie name or its chunks (name.0, name.1, …), as Better Auth's
// removeSetCookieEntries does before it expires a cookie.
func (s *Server) dropSetCookies(w http.ResponseWriter, name string) {
	lines := w.Header().Values("Set-Cookie")
	kept := lines[:0:0]
	for _, l := range lines {
		n, _, _ := strings.Cut(l, "=")
		if n == name || (strings.HasPrefix(n, name+".") && len(n) > len(name)+1 && strings.Trim(n[len(name)+1:], "0123456789") == "") {
			continue
		}
		kept = append(kept, l)
	}
	w.Header()["Set-Cookie"] = kept
}

// adminUserIDBody reads the {userId} body the admin routes share
// (z.object({userId: z.coerce.string()})).
func (s *Server) adminUserIDBody(w http.ResponseWriter, r *http.Request) (string, error) {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return "", err
	}
	if !b.has("userId") {
		// zod 4's coerce marks the key required ("nonoptional").
		b.issue("userId", "Invalid input: expected nonoptional, received undefined")
		return "", b.err()
	}
	return jsString(b.m["userId"]), b.err()
}

// jsString is JavaScript's String(value) of a JSON member, which zod's
// z.coerce.string() applies: an absent member is "undefined", null
// "null", a number its Number::toString, an array its elements joined by
// ",", an object "[object Object]". It never fails.
func jsString(raw json.RawMessage) string {
	switch jsType(raw) {
	case "string":
		var v string
		_ = json.Unmarshal(raw, &v)
		return v
	case "number":
		f, err := strconv.ParseFloat(string(raw), 64)
		if math.IsInf(f, 0) {
			if f > 0 {
				return "Infinity"
			}
			return "-Infinity"
		}
		if err != nil {
			return "NaN"
		}
		return string(jsjson.AppendNumber(nil, f))
	case "array":
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		parts := make([]string, len(items))
		for i, it := range items {
			if t := jsType(it); t != "null" && t != "undefined" {
				parts[i] = jsString(it)
			}
		}
		return strings.Join(parts, ",")
	case "object":
		return "[object Object]"
	}
	return string(raw) // true, false, null
}

// POST /api/auth/admin/list-user-sessions {userId}: the user's sessions.
// With sessions in the database Better Auth lists every row, expired ones
// too, in the database's order; from secondary storage only the active
// ones.
func (s *Server) adminListUserSessions(w http.ResponseWriter, r *http.Request) error {
	userID, err := s.adminUserIDBody(w, r)
	if err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "session", "list", errAdminListSessions); err != nil {
		return err
	}
	var list []ba.Session
	if s.txSessions {
		list, err = s.store.ListAllUserSessions(r.Context(), userID)
	} else {
		list, err = s.sessions.ListUserSessions(r.Context(), userID)
	}
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, len(list))
	for i := range list {
		out[i] = s.schema.SessionJSON(&list[i])
	}
	writeJSON(w, 200, jsonObject("sessions", out))
	return nil
}

// POST /api/auth/admin/revoke-user-session {sessionToken}: deletes that
// session, whoever's it is; an unknown token is still a success.
func (s *Server) adminRevokeUserSession(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	token := b.str("sessionToken")
	if err := b.err(); err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "session", "revoke", errAdminRevokeSessions); err != nil {
		return err
	}
	if err := s.sessions.DeleteSessionByToken(r.Context(), token); err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	writeJSON(w, 200, map[string]bool{"success": true})
	return nil
}

// POST /api/auth/admin/revoke-user-sessions {userId}: deletes every
// session of the user (in Redis too when sessions live there).
func (s *Server) adminRevokeUserSessions(w http.ResponseWriter, r *http.Request) error {
	userID, err := s.adminUserIDBody(w, r)
	if err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "session", "revoke", errAdminRevokeSessions); err != nil {
		return err
	}
	if _, err := s.sessions.RevokeUserSessions(r.Context(), userID); err != nil {
		return err
	}
	writeJSON(w, 200, map[string]bool{"success": true})
	return nil
}

// POST /api/auth/admin/remove-user {userId}: deletes the user with their
// sessions and accounts. With sessions in the database it is one
// transaction; with sessions in Redis they go first, so a failure part-way
// leaves a user who is signed out rather than sessions without a user.
func (s *Server) adminRemoveUser(w http.ResponseWriter, r *http.Request) error {
	userID, err := s.adminUserIDBody(w, r)
	if err != nil {
		return err
	}
	res, err := s.adminGate(w, r, "user", "delete", errAdminDeleteUsers)
	if err != nil {
		return err
	}
	if userID == res.User.ID {
		return errAdminRemoveSelf
	}
	ctx := r.Context()
	if _, err := s.store.GetUser(ctx, userID); errors.Is(err, ba.ErrNotFound) {
		return errUserNotFound
	} else if err != nil {
		return err
	}
	if !s.txSessions {
		if _, err := s.sessions.RevokeUserSessions(ctx, userID); err != nil {
			return err
		}
	}
	// DeleteUser is one transaction over the user's sessions (when the
	// table holds them), accounts, memberships and the user row.
	err = s.store.DeleteUser(ctx, userID)
	if s.txSessions {
		s.txForget(userID)
	}
	if err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	writeJSON(w, 200, map[string]bool{"success": true})
	return nil
}

// impersonationDuration is impersonationSessionDuration (1 hour).
func (s *Server) impersonationDuration() time.Duration {
	if d := s.cfg.Impersonation.SessionDuration; d > 0 {
		return d
	}
	return time.Hour
}

// POST /api/auth/admin/impersonate-user {userId}: a session of the user
// made by the admin (impersonatedBy), short-lived and not remembered. The
// admin's own session token rides along in the signed admin_session
// cookie ("<token>:<dont_remember value>"), for stop-impersonating.
func (s *Server) adminImpersonateUser(w http.ResponseWriter, r *http.Request) error {
	userID, err := s.adminUserIDBody(w, r)
	if err != nil {
		return err
	}
	res, err := s.adminGate(w, r, "user", "impersonate", errAdminImpersonate)
	if err != nil {
		return err
	}
	ctx := r.Context()
	target, err := s.store.GetUser(ctx, userID)
	if errors.Is(err, ba.ErrNotFound) {
		return errUserNotFound
	} else if err != nil {
		return err
	}
	role := ""
	if target.Role != nil {
		role = *target.Role
	}
	if s.cfg.Admin.IsAdmin(target.ID, role) && !s.cfg.Impersonation.AllowAdmins && !s.adminCan(res, "user", "impersonate-admins") {
		return errAdminImpersonateAdmins
	}
	// The admin plugin's session.create hook: no session for a banned
	// user; a ban that has run out is lifted first. Better Auth answers
	// (and caches in session_data) the user as it read it before the
	// hook, still banned; Redis gets the lifted one with the session.
	stored := target
	if target.Banned != nil && *target.Banned {
		if target.BanExpires == nil || !target.BanExpires.Before(s.now()) {
			return errBanned
		}
		unbanned, err := s.store.UpdateUser(ctx, target.ID, ba.UserUpdate{Banned: new(bool), BanReason: ba.Null[string](), BanExpires: ba.Null[time.Time]()})
		if err != nil {
			return err
		}
		if err := s.sessions.UserChanged(ctx, unbanned); err != nil {
			return err
		}
		stored = unbanned
	}
	sess := ba.NewSession(ba.SessionCreate{UserID: target.ID, ExpiresIn: s.impersonationDuration(), IPAddress: sessionIP(r), UserAgent: r.UserAgent()}, s.now())
	adminID := res.User.ID
	sess.ImpersonatedBy = &adminID
	if err := s.sessions.CreateSession(ctx, sess, stored); err != nil {
		return err
	}
	dontRemember := s.signedCookie(r, "dont_remember")
	// Better Auth's expireCookie scrubs the session_data the middleware set.
	s.dropSetCookies(w, s.verifier.CookieName("session_data"))
	s.deleteSessionCookies(w, r)
	s.setSignedCookie(w, "admin_session", res.Token+":"+dontRemember, s.cfg.SessionExpiresIn)
	s.setSessionCookies(w, r, sess, target, true)
	writeJSON(w, 200, jsonObject("session", json.RawMessage(s.schema.SessionJSON(sess)), "user", json.RawMessage(s.schema.UserJSON(target))))
	return nil
}

// POST /api/auth/admin/stop-impersonating: ends the impersonation session
// and signs the admin back in with the session kept in admin_session.
// Better Auth answers a missing or stale admin_session with a 500; this
// answers 400 with the same body (never a 5xx for a client's bad cookie).
func (s *Server) adminStopImpersonating(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.readBody(w, r, bodySpec{schema: noSchema}); err != nil {
		return err
	}
	res, err := s.session(r)
	if err != nil {
		return err
	}
	if res == nil || res.Session == nil {
		writeBareUnauthorized(w)
		return errResponseWritten
	}
	if res.Session.ImpersonatedBy == nil {
		return errNotImpersonating
	}
	ctx := r.Context()
	admin, err := s.store.GetUser(ctx, *res.Session.ImpersonatedBy)
	if errors.Is(err, ba.ErrNotFound) {
		return errImpersonatorMissing
	} else if err != nil {
		return err
	}
	kept := s.signedCookie(r, "admin_session")
	if kept == "" {
		return errImpersonatorSessionGone
	}
	adminToken, dontRemember, _ := strings.Cut(kept, ":")
	adminSession, adminUser, err := s.sessions.GetSessionAndUser(ctx, adminToken)
	switch {
	case errors.Is(err, ba.ErrNotFound):
		return errImpersonatorSessionGone
	case err != nil:
		return err
	case adminSession == nil || adminUser == nil || adminSession.UserID != admin.ID:
		return errImpersonatorSessionGone
	}
	if err := s.sessions.DeleteSessionByToken(ctx, res.Token); err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	s.setSessionCookies(w, r, adminSession, adminUser, dontRemember != "")
	s.expireCookie(w, "admin_session")
	writeJSON(w, 200, jsonObject("session", json.RawMessage(s.schema.SessionJSON(adminSession)), "user", json.RawMessage(s.schema.UserJSON(adminUser))))
	return nil
}

// withoutImpersonations drops the sessions an admin made by impersonating,
// as the admin plugin's after-hook on /list-sessions does.
func withoutImpersonations(list []ba.Session) []ba.Session {
	out := list[:0:0]
	for _, sess := range list {
		if sess.ImpersonatedBy == nil || *sess.ImpersonatedBy == "" {
			out = append(out, sess)
		}
	}
	return out
}
