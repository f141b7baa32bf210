package server

import (
	"errors"
	"net/http"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
)

// The admin plugin's refusals (ADMIN_ERROR_CODES in better-auth 1.7.25);
// each route names the one Better Auth throws when hasPermission says no.
var (
	errAdminChangeRole      = newError(403, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE", "You are not allowed to change users role")
	errAdminCreateUsers     = newError(403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS", "You are not allowed to create users")
	errAdminListUsers       = newError(403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS", "You are not allowed to list users")
	errAdminListSessions    = newError(403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS", "You are not allowed to list users sessions")
	errAdminBanUsers        = newError(403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS", "You are not allowed to ban users")
	errAdminImpersonate     = newError(403, "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS", "You are not allowed to impersonate users")
	errAdminRevokeSessions  = newError(403, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS", "You are not allowed to revoke users sessions")
	errAdminDeleteUsers     = newError(403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS", "You are not allowed to delete users")
	errAdminSetPassword     = newError(403, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD", "You are not allowed to set users password")
	errAdminGetUser         = newError(403, "YOU_ARE_NOT_ALLOWED_TO_GET_USER", "You are not allowed to get user")
	errAdminUpdateUsers     = newError(403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS", "You are not allowed to update users")
	errAdminSetEmail        = newError(403, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL", "You are not allowed to update users email")
	errAdminSetPhone        = newError(403, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER", "You are not allowed to update users phone number")
	errAdminNonExistentRole = newError(400, "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE", "You are not allowed to set a non-existent role value")
)

// adminSession is the admin plugin's adminMiddleware: the caller's session
// read authoritatively, as getAuthoritativeSessionFromCtx does (the cookie
// cache is not trusted: a role or ban changed since the cache was written
// counts), or a bare 401 without a body.
func (s *Server) adminSession(w http.ResponseWriter, r *http.Request) (*ba.Result, error) {
	res, err := s.verifyFresh(r)
	if errors.Is(err, ba.ErrUnavailable) {
		return nil, err
	}
	if err != nil {
		// Better Auth's APIError.fromStatus("UNAUTHORIZED"): no body.
		writeBareUnauthorized(w)
		return nil, errResponseWritten
	}
	// With the cookie cache on, Better Auth's authoritative getSession
	// writes a fresh session_data cookie on the way (unless dont_remember
	// is set), also when the route then refuses; impersonate-user's
	// success scrubs it again (dropSetCookies).
	if s.cfg.CookieCache.Enabled() && res.Session != nil && !s.dontRemember(r) {
		s.setCookieCache(w, r, res.Session, res.User, false)
	}
	return res, nil
}

// adminGate runs adminMiddleware and then the route's own hasPermission
// check of resource:action, refusing with the route's error (deny).
// A nil result with a nil error never happens.
func (s *Server) adminGate(w http.ResponseWriter, r *http.Request, resource, action string, deny error) (*ba.Result, error) {
	res, err := s.adminSession(w, r)
	if err != nil {
		return nil, err
	}
	if !s.adminAllowed(res, resource, action) {
		return nil, deny
	}
	return res, nil
}

// adminCan is hasPermission for one more resource:action of the signed-in
// admin, for the routes that check a second permission on some inputs
// (update-user's email and phone, impersonate-user's impersonate-admins).
func (s *Server) adminCan(res *ba.Result, resource, action string) bool {
	role := ""
	if res.User.Role != nil {
		role = *res.User.Role
	}
	return s.cfg.Admin.HasPermission(res.User.ID, role, access.Request{{Resource: resource, Actions: []string{action}, Connector: access.AND}})
}
