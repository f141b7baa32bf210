package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// OrganizationStatements are the organization plugin's default statements.
func OrganizationStatements() Statements {
	return Statements{
		"organization": {"update", "delete"},
		"member":       {"create", "update", "delete"},
		"invitation":   {"create", "cancel"},
		"team":         {"create", "update", "delete"},
		"ac":           {"create", "read", "update", "delete"},
	}
}

// OrganizationDefaultRoles are the organization plugin's default roles:
// owner (everything), admin (everything but organization:delete) and member
// (ac:read).
func OrganizationDefaultRoles() Roles {
	return Roles{
		"owner": {Statements: OrganizationStatements()},
		"admin": {Statements: Statements{
			"organization": {"update"},
			"invitation":   {"create", "cancel"},
			"member":       {"create", "update", "delete"},
			"team":         {"create", "update", "delete"},
			"ac":           {"create", "read", "update", "delete"},
		}},
		"member": {Statements: Statements{
			"organization": {}, "member": {}, "invitation": {}, "team": {}, "ac": {"read"},
		}},
	}
}

var organizationDefaults = OrganizationDefaultRoles()

// ParseRoleList is the organization plugin's parseRoleList: a role value
// split on ",", each name trimmed, empty names dropped.
func ParseRoleList(role string) []string {
	parts := strings.Split(role, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// OrganizationRole is one organizationRole row (dynamic access control):
// the role's name in one organization and its permissions as stored, a JSON
// object resource → actions.
type OrganizationRole struct {
	ID             string
	OrganizationID string
	Role           string
	Permission     string
}

// Member is one member row as the permission check needs it.
type Member struct {
	ID             string
	OrganizationID string
	UserID         string
	Role           string
}

// OrganizationStore reads what an organization's permission check needs,
// fresh on every call: the user's member row (ok false when the user is not
// a member) and, for dynamic access control, the organization's
// organizationRole rows.
type OrganizationStore interface {
	FindMember(ctx context.Context, organizationID, userID string) (m Member, ok bool, err error)
	ListOrganizationRoles(ctx context.Context, organizationID string) ([]OrganizationRole, error)
}

// Organization is the organization plugin's permission rules.
type Organization struct {
	// Roles replaces the default roles (owner, admin, member) when set.
	Roles Roles
	// AccessControl is the ac option's statements; dynamic access control
	// only applies when it is set, as in Better Auth.
	AccessControl Statements
	// CreatorRole is the role created with an organization ("owner").
	CreatorRole string
	// DynamicAccessControl is dynamicAccessControl.enabled.
	DynamicAccessControl bool
}

// ErrNotMember is returned when the user is not a member of the
// organization (Better Auth's 401 USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION).
var ErrNotMember = errors.New("access: user is not a member of the organization")

// ErrInvalidRolePermissions is wrapped when an organizationRole row's
// permission is not a JSON object of string lists (Better Auth's 500
// "Invalid permissions for role …").
var ErrInvalidRolePermissions = errors.New("access: invalid permissions for role")

// Creator reports whether a role value holds the creator role.
func (o *Organization) Creator(role string) bool {
	c := o.CreatorRole
	if c == "" {
		c = "owner"
	}
	return contains(ParseRoleList(role), c)
}

// Dynamic reports whether organizationRole rows take part in checks.
func (o *Organization) Dynamic() bool {
	return o.DynamicAccessControl && o.AccessControl != nil
}

func (o *Organization) staticRoles() Roles {
	if o.Roles != nil {
		return o.Roles
	}
	return organizationDefaults
}

// RolesWith returns the role set for an organization with its
// organizationRole rows merged in as Better Auth does: for each row, the
// static role's statements (or none) ∪ the row's permissions, action lists
// deduplicated in order. Rows are only merged when Dynamic() is true.
func (o *Organization) RolesWith(rows []OrganizationRole) (Roles, error) {
	static := o.staticRoles()
	if !o.Dynamic() || len(rows) == 0 {
		return static, nil
	}
	roles := make(Roles, len(static)+len(rows))
	for k, v := range static {
		roles[k] = v
	}
	for _, row := range rows {
		perms, err := ParseRolePermissions(row.Permission)
		if err != nil {
			return nil, fmt.Errorf("%w %s", ErrInvalidRolePermissions, row.Role)
		}
		merged := copyStatements(roles[row.Role].Statements)
		for res, acts := range perms {
			cur := merged[res]
			for _, a := range acts {
				if !contains(cur, a) {
					cur = append(cur, a)
				}
			}
			if cur == nil {
				cur = []string{}
			}
			merged[res] = dedupe(cur)
		}
		roles[row.Role] = Role{Statements: merged}
	}
	return roles, nil
}

func dedupe(list []string) []string {
	out := list[:0:0]
	for _, a := range list {
		if !contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// ParseRolePermissions reads an organizationRole row's permission column:
// a JSON object whose values are lists of strings (anything else, null
// included, is an error, as Better Auth's schema check).
func ParseRolePermissions(s string) (Statements, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil || raw == nil {
		return nil, errors.New("access: permission is not a JSON object")
	}
	out := make(Statements, len(raw))
	for k, v := range raw {
		var vals []json.RawMessage
		if err := json.Unmarshal(v, &vals); err != nil || vals == nil {
			return nil, errors.New("access: permission values must be string lists")
		}
		acts := make([]string, 0, len(vals))
		for _, e := range vals {
			var a string
			if len(e) == 0 || e[0] != '"' || json.Unmarshal(e, &a) != nil {
				return nil, errors.New("access: permission values must be string lists")
			}
			acts = append(acts, a)
		}
		out[k] = acts
	}
	return out, nil
}

// Check is hasPermissionFn: the role value's trimmed role list, any role
// whose authorize (AND) succeeds; with allowCreator the creator role may do
// everything. A nil request is false.
func Check(roles Roles, role string, permissions Request, creatorRole string, allowCreator bool) bool {
	if permissions == nil {
		return false
	}
	list := ParseRoleList(role)
	if allowCreator {
		if creatorRole == "" {
			creatorRole = "owner"
		}
		if contains(list, creatorRole) {
			return true
		}
	}
	for _, name := range list {
		if r, ok := roles[name]; ok && r.allows(permissions) {
			return true
		}
	}
	return false
}

// RoleHasPermission checks a member's role value against the static roles
// (no store read).
func (o *Organization) RoleHasPermission(role string, permissions Request) bool {
	return Check(o.staticRoles(), role, permissions, o.CreatorRole, false)
}

// HasPermission is the organization plugin's has-permission for one user
// in one organization: the member row is read from the store on every call
// (ErrNotMember when there is none), the organization's organizationRole
// rows are merged when dynamic access control is on, and the member's role
// list is checked.
func (o *Organization) HasPermission(ctx context.Context, store OrganizationStore, organizationID, userID string, permissions Request) (bool, error) {
	m, ok, err := store.FindMember(ctx, organizationID, userID)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, ErrNotMember
	}
	return o.MemberHasPermission(ctx, store, m, permissions)
}

// MemberHasPermission checks a member row already read.
func (o *Organization) MemberHasPermission(ctx context.Context, store OrganizationStore, m Member, permissions Request) (bool, error) {
	roles := o.staticRoles()
	if o.Dynamic() {
		rows, err := store.ListOrganizationRoles(ctx, m.OrganizationID)
		if err != nil {
			return false, err
		}
		if roles, err = o.RolesWith(rows); err != nil {
			return false, err
		}
	}
	return Check(roles, m.Role, permissions, o.CreatorRole, false), nil
}
