package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
)

// ListOrganizationRoles returns an organization's organizationRole rows
// (the organization plugin's dynamic access control), read on every call.
// It reads Better Auth's default table and column names (organizationRole:
// id, organizationId, role, permission); a database without the table is
// an error.
func (s *Store) ListOrganizationRoles(ctx context.Context, organizationID string) ([]access.OrganizationRole, error) {
	k := s.kind
	q := "SELECT " + k.Quote("id") + ", " + k.Quote("organizationId") + ", " + k.Quote("role") + ", " + k.Quote("permission") +
		" FROM " + k.Quote("organizationRole") + " WHERE " + k.Quote("organizationId") + " = " + k.Placeholder(1)
	ctx, t := s.trace(ctx, "list organization roles", "organizationRole")
	var out []access.OrganizationRole
	err := s.queryRows(ctx, q, []any{organizationID}, func(r Rows) error {
		var row access.OrganizationRole
		var perm sql.NullString
		if err := r.Scan(&row.ID, &row.OrganizationID, &row.Role, &perm); err != nil {
			return err
		}
		row.Permission = perm.String
		if !perm.Valid {
			row.Permission = "null"
		}
		out = append(out, row)
		return nil
	})
	if err != nil {
		return nil, t.end(ctx, s.wrap("list organization roles", err))
	}
	return out, t.end(ctx, nil)
}

// Access returns the store as access.OrganizationStore: the member row and
// the organizationRole rows, both read fresh on every call.
func (s *Store) Access() access.OrganizationStore { return accessStore{s} }

type accessStore struct{ s *Store }

func (a accessStore) FindMember(ctx context.Context, organizationID, userID string) (access.Member, bool, error) {
	m, err := a.s.GetMember(ctx, organizationID, userID)
	if errors.Is(err, ba.ErrNotFound) {
		return access.Member{}, false, nil
	}
	if err != nil {
		return access.Member{}, false, err
	}
	return access.Member{ID: m.ID, OrganizationID: m.OrganizationID, UserID: m.UserID, Role: m.Role}, true, nil
}

func (a accessStore) ListOrganizationRoles(ctx context.Context, organizationID string) ([]access.OrganizationRole, error) {
	return a.s.ListOrganizationRoles(ctx, organizationID)
}
