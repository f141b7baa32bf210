package access

import (
	"strings"
	"time"
)

// AdminStatements are the admin plugin's default statements.
func AdminStatements() Statements {
	return Statements{
		"user":    {"create", "list", "set-role", "ban", "impersonate", "impersonate-admins", "delete", "set-password", "set-email", "set-phone", "get", "update"},
		"session": {"list", "revoke", "delete"},
	}
}

// AdminDefaultRoles are the admin plugin's default roles: admin (every user
// action except impersonate-admins, every session action) and user
// (nothing).
func AdminDefaultRoles() Roles {
	return Roles{
		"admin": {Statements: Statements{
			"user":    {"create", "list", "set-role", "ban", "impersonate", "delete", "set-password", "set-email", "set-phone", "get", "update"},
			"session": {"list", "revoke", "delete"},
		}},
		"user": {Statements: Statements{"user": {}, "session": {}}},
	}
}

var adminDefaults = AdminDefaultRoles()

// Admin is the admin plugin's permission rules.
type Admin struct {
	// Roles replaces the default roles when set (Better Auth does not merge
	// them with admin/user).
	Roles Roles
	// DefaultRole is the role of a user whose role is empty ("user").
	DefaultRole string
	// AdminRoles are the roles IsAdmin counts as admin (["admin"]).
	AdminRoles []string
	// AdminUserIDs may do everything, whatever their role.
	AdminUserIDs []string
	// DefaultBanReason is ban-user's reason when the body gives none
	// ("No reason").
	DefaultBanReason string
	// DefaultBanExpiresIn is how long a ban lasts when the body gives no
	// banExpiresIn; 0 bans for good.
	DefaultBanExpiresIn time.Duration
}

// HasPermission is the admin plugin's hasPermission: a user in
// AdminUserIDs may do everything; otherwise the role (or DefaultRole, or
// "user") is split on "," without trimming and one role whose authorize
// succeeds is enough. A nil request is false.
func (a *Admin) HasPermission(userID, role string, permissions Request) bool {
	if userID != "" && contains(a.AdminUserIDs, userID) {
		return true
	}
	if permissions == nil {
		return false
	}
	if role == "" {
		role = a.DefaultRole
		if role == "" {
			role = "user"
		}
	}
	roles := a.Roles
	if roles == nil {
		roles = adminDefaults
	}
	for {
		name, rest, more := strings.Cut(role, ",")
		if r, ok := roles[name]; ok && r.allows(permissions) {
			return true
		}
		if !more {
			break
		}
		role = rest
	}
	return false
}

// IsAdmin is the admin plugin's "is this user an admin" rule (used to guard
// impersonating admins): the user's role (or DefaultRole, or "user") split
// on "," without trimming, against AdminRoles trimmed, or the user in
// AdminUserIDs.
func (a *Admin) IsAdmin(userID, role string) bool {
	if role == "" {
		role = a.DefaultRole
		if role == "" {
			role = "user"
		}
	}
	adminRoles := a.AdminRoles
	if adminRoles == nil {
		adminRoles = []string{"admin"}
	}
	for _, r := range strings.Split(role, ",") {
		for _, ar := range adminRoles {
			if strings.TrimSpace(ar) == r {
				return true
			}
		}
	}
	return userID != "" && contains(a.AdminUserIDs, userID)
}
