package sqlstore

import (
	"context"
	"errors"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
)

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
	rows, err := a.s.ListOrganizationRoles(ctx, organizationID)
	if err != nil {
		return nil, err
	}
	out := make([]access.OrganizationRole, len(rows))
	for i, r := range rows {
		out[i] = access.OrganizationRole{ID: r.ID, OrganizationID: r.OrganizationID, Role: r.Role, Permission: r.Permission}
	}
	return out, nil
}
