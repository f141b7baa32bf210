package httpauth

import (
	"errors"
	"net/http"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
)

// RequirePermission answers 401 without a session and 403 (ErrForbidden)
// unless the admin plugin's access control lets the user do permissions
// (access.Admin.HasPermission: adminUserIds, then the user's role list
// split on "," without trimming, any role whose statements allow every
// action). A nil admin is Better Auth's default roles.
func RequirePermission(admin *access.Admin, permissions access.Statements) func(http.Handler) http.Handler {
	if admin == nil {
		admin = &access.Admin{}
	}
	req := access.Permissions(permissions)
	return func(next http.Handler) http.Handler {
		return Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := User(r.Context())
			role := ""
			if u.Role != nil {
				role = *u.Role
			}
			if !admin.HasPermission(u.ID, role, req) {
				WriteError(w, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

// RequireOrgPermission answers 401 without a session, 403
// ErrNoActiveOrganization when orgID(r) is empty (use ActiveOrganization
// for the session's active organization, or read it from the request), 403
// ErrNotMember unless the user is a member, and 403 ErrForbidden unless the
// member's roles (trimmed list; with dynamic access control the
// organization's organizationRole rows merged in) allow permissions. The
// member row and the role rows are read from store on every request
// (sqlstore.Store.Access()); activeOrganizationId alone proves nothing. A
// store failure is 503.
func RequireOrgPermission(org *access.Organization, store access.OrganizationStore, orgID func(*http.Request) string, permissions access.Statements) func(http.Handler) http.Handler {
	if store == nil || orgID == nil {
		panic("httpauth: RequireOrgPermission needs an OrganizationStore and an orgID function")
	}
	if org == nil {
		org = &access.Organization{}
	}
	req := access.Permissions(permissions)
	return func(next http.Handler) http.Handler {
		return Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := orgID(r)
			if id == "" {
				WriteError(w, ErrNoActiveOrganization)
				return
			}
			ok, err := org.HasPermission(r.Context(), store, id, User(r.Context()).ID, req)
			switch {
			case errors.Is(err, access.ErrNotMember):
				WriteError(w, ErrNotMember)
				return
			case errors.Is(err, access.ErrInvalidRolePermissions):
				WriteError(w, ba.ErrInternal)
				return
			case err != nil:
				WriteError(w, ba.ErrUnavailable)
				return
			case !ok:
				WriteError(w, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}
