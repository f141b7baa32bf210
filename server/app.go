package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// getMe returns the signed-in user as Better Auth serialises it for the
// schema (ResolvedSchema.UserJSON: get-session's "user").
func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireUser(r)
	if err != nil {
		return err
	}
	b := getResponseBuffer()
	*b = s.schema.AppendUserJSON(*b, res.User)
	writeJSON(w, 200, *b)
	putResponseBuffer(b)
	return nil
}

// patchMe updates the signed-in user: name, image, username and custom
// fields. Role, ban and verification fields are not self-editable.
func (s *Server) patchMe(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireUser(r)
	if err != nil {
		return err
	}
	b, err := s.readBody(w, r, bodySpec{schema: recordSchema})
	if err != nil {
		return err
	}
	if err := s.checkUsernameUpdate(r, b, res); err != nil {
		return err
	}
	user, err := s.applyUserUpdate(r, res.User.ID, b)
	if err != nil {
		return err
	}
	writeJSON(w, 200, json.RawMessage(s.schema.UserJSON(user)))
	return nil
}

func (s *Server) mySessions(w http.ResponseWriter, r *http.Request) error {
	res, list, err := s.callerSessions(r)
	if err != nil {
		return err
	}
	out := make([]ba.SessionResponse, len(list))
	for i := range list {
		out[i] = list[i].Response(sameToken(list[i].Token, res.Token))
	}
	writeJSON(w, 200, out)
	return nil
}

// deleteMySession revokes one of the caller's sessions by id; another
// user's session id answers 404 like an unknown one.
func (s *Server) deleteMySession(w http.ResponseWriter, r *http.Request) error {
	res, list, err := s.callerSessions(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	for _, sess := range list {
		if sess.ID != id {
			continue
		}
		if err := s.endSession(w, r, res, sess.Token); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return newError(404, "SESSION_NOT_FOUND", "Session not found")
}

func (s *Server) myAccounts(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireUser(r)
	if err != nil {
		return err
	}
	return s.writeAccounts(w, r, res.User.ID)
}

// writeAccounts answers the user's accounts as Better Auth's list-accounts
// does: never tokens or the password hash, scope split into scopes.
func (s *Server) writeAccounts(w http.ResponseWriter, r *http.Request, userID string) error {
	list, err := s.store.ListAccounts(r.Context(), userID)
	if err != nil {
		return err
	}
	out := make([]ba.AccountResponse, len(list))
	for i := range list {
		out[i] = list[i].Response()
	}
	writeJSON(w, 200, out)
	return nil
}

// getUser returns a user's public profile to any signed-in user.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.requireUser(r); err != nil {
		return err
	}
	u, err := s.store.GetUser(r.Context(), r.PathValue("id"))
	if errors.Is(err, ba.ErrNotFound) {
		return errUserNotFound
	}
	if err != nil {
		return err
	}
	writeJSON(w, 200, u.Public())
	return nil
}

// admin wraps a handler for users the admin plugin's access control
// (Config.Admin: roles, defaultRole, adminUserIds) allows resource:action.
func (s *Server) admin(resource, action string, h func(http.ResponseWriter, *http.Request, *ba.Result) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		res, err := s.requireSession(r)
		if err != nil {
			return err
		}
		if !s.adminAllowed(res, resource, action) {
			return errForbidden
		}
		return h(w, r, res)
	}
}

func (s *Server) adminListUsers(w http.ResponseWriter, r *http.Request, _ *ba.Result) error {
	q := r.URL.Query()
	limit, offset := 20, 0
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 100 {
			return validationError("limit must be a number from 1 to 100", map[string]string{"limit": "must be a number from 1 to 100"})
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return validationError("offset must be a number ≥ 0", map[string]string{"offset": "must be a number ≥ 0"})
		}
	}
	users, total, err := s.store.ListUsers(r.Context(), sqlstore.UserQuery{Search: q.Get("search"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, len(users))
	for i := range users {
		out[i] = s.schema.UserJSON(&users[i])
	}
	writeJSON(w, 200, map[string]any{"users": out, "total": total, "limit": limit, "offset": offset})
	return nil
}

func (s *Server) targetUser(r *http.Request) (*ba.User, error) {
	u, err := s.store.GetUser(r.Context(), r.PathValue("id"))
	if errors.Is(err, ba.ErrNotFound) {
		return nil, errUserNotFound
	}
	return u, err
}

// adminBan is the app API's ban: the user named in the path, the body's
// banReason (or reason; null is none) and a positive banExpiresIn, then
// the admin plugin's ban-user (adminBanUser).
func (s *Server) adminBan(w http.ResponseWriter, r *http.Request, res *ba.Result) error {
	target, err := s.targetUser(r)
	if err != nil {
		return err
	}
	b, err := s.readBody(w, r, bodySpec{schema: optionalObjectSchema})
	if err != nil {
		return err
	}
	reason, _ := b.nullableStr("banReason") // null: no reason
	if reason == nil {
		reason, _ = b.nullableStr("reason")
	}
	expiresIn := b.optNumber("banExpiresIn")
	if err := b.err(); err != nil {
		return err
	}
	if target.ID == res.User.ID {
		return errAdminBanSelf
	}
	if expiresIn != nil && (*expiresIn <= 0 || *expiresIn > 100*365*24*3600) {
		return validationError("banExpiresIn must be a positive number of seconds", map[string]string{"banExpiresIn": "must be a positive number of seconds"})
	}
	return s.adminBanUser(w, r, res, target.ID, reason, expiresIn)
}

func (s *Server) adminUnban(w http.ResponseWriter, r *http.Request, _ *ba.Result) error {
	return s.adminUnbanUser(w, r, r.PathValue("id"))
}

// appAdminSetRole is the app API's role change: one role of 1–255
// characters, which must exist when custom roles are configured.
func (s *Server) appAdminSetRole(w http.ResponseWriter, r *http.Request, _ *ba.Result) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	role := b.str("role")
	if err := b.err(); err != nil {
		return err
	}
	if role == "" || len(role) > 255 {
		return validationError("role must be 1–255 characters", map[string]string{"role": "must be 1–255 characters"})
	}
	if err := s.roleExists(role); err != nil {
		return err
	}
	return s.adminSetRole(w, r, r.PathValue("id"), role)
}

func (s *Server) adminRevokeSessions(w http.ResponseWriter, r *http.Request, _ *ba.Result) error {
	target, err := s.targetUser(r)
	if err != nil {
		return err
	}
	n, err := s.sessions.RevokeUserSessions(r.Context(), target.ID)
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]int64{"count": n})
	return nil
}
