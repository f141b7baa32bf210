package server

import (
	"encoding/json"
	"errors"
	"net/http"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
)

var (
	errNoPermissionsPassed  = newError(400, "", "invalid permission check. no permission(s) were passed.")
	errNoActiveOrganization = newError(400, "NO_ACTIVE_ORGANIZATION", "No active organization")
	errNotOrgMember         = newError(401, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION", "User is not a member of the organization")
)

// hasPermissionBody validates Better Auth's has-permission body: exactly
// one of permission (deprecated) and permissions, each a record of string
// lists (z.xor of two z.object). It returns the permissions (nil when only
// permission was given).
func hasPermissionBody(b *body) (access.Request, error) {
	_, hasOld := b.m["permission"]
	rawNew, hasNew := b.m["permissions"]
	for _, f := range []string{"permission", "permissions"} {
		if raw, ok := b.m[f]; ok && !isStringListRecord(raw) {
			return nil, validationError("[body] Invalid input", nil)
		}
	}
	if hasOld && hasNew {
		return nil, validationError("[body] Invalid input: more than one option matched", nil)
	}
	if !hasOld && !hasNew {
		return nil, validationError("[body] Invalid input", nil)
	}
	if !hasNew {
		return nil, nil
	}
	var req access.Request
	if err := json.Unmarshal(rawNew, &req); err != nil {
		return nil, validationError("[body] Invalid input", nil)
	}
	return req, nil
}

func isStringListRecord(raw json.RawMessage) bool {
	if jsType(raw) != "object" {
		return false
	}
	var m map[string][]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, list := range m {
		if list == nil {
			return false
		}
		for _, v := range list {
			if jsType(v) != "string" {
				return false
			}
		}
	}
	return true
}

// adminHasPermission is the admin plugin's POST /admin/has-permission over
// HTTP: a session is required and its user is checked, whatever userId or
// role the body names.
func (s *Server) adminHasPermission(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	if raw, ok := b.m["role"]; ok && jsType(raw) != "string" {
		b.fail("role", "string", raw)
	}
	if err := b.err(); err != nil {
		return err
	}
	perms, err := hasPermissionBody(b)
	if err != nil {
		return err
	}
	if perms == nil {
		return errNoPermissionsPassed
	}
	res, err := s.session(r)
	if err != nil {
		return err
	}
	if res == nil {
		// Better Auth's APIError("UNAUTHORIZED") with no message: 401 and
		// an empty body.
		writeBareUnauthorized(w)
		return nil
	}
	role := ""
	if res.User.Role != nil {
		role = *res.User.Role
	}
	writeJSON(w, 200, map[string]any{"error": nil, "success": s.cfg.Admin.HasPermission(res.User.ID, role, perms)})
	return nil
}

// organizationHasPermission is the organization plugin's POST
// /organization/has-permission: the body's organizationId or else the
// session's active organization, the member row read fresh, the roles of
// the organization (organizationRole rows with dynamic access control).
func (s *Server) organizationHasPermission(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	orgID := b.optStr("organizationId")
	if err := b.err(); err != nil {
		return err
	}
	perms, err := hasPermissionBody(b)
	if err != nil {
		return err
	}
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	org := ""
	if orgID != nil {
		org = *orgID
	}
	if org == "" && res.Session.ActiveOrganizationID != nil {
		org = *res.Session.ActiveOrganizationID
	}
	if org == "" {
		return errNoActiveOrganization
	}
	ok, err := s.cfg.Organization.HasPermission(r.Context(), s.cfg.Store.Access(), org, res.User.ID, perms)
	if errors.Is(err, access.ErrNotMember) {
		return errNotOrgMember
	}
	if errors.Is(err, access.ErrInvalidRolePermissions) {
		return newError(500, "INTERNAL_SERVER_ERROR", "Invalid permissions for role")
	}
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"error": nil, "success": ok})
	return nil
}

// adminAllowed is the admin plugin's check of the signed-in user for one
// permission, as Better Auth's own admin routes do.
func (s *Server) adminAllowed(res *ba.Result, resource, action string) bool {
	role := ""
	if res.User.Role != nil {
		role = *res.User.Role
	}
	return s.cfg.Admin.HasPermission(res.User.ID, role, access.Request{{Resource: resource, Actions: []string{action}, Connector: access.AND}})
}
