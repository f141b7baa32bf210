package sqlstore

import (
	"context"
	"fmt"

	ba "github.com/betterauth-go/betterauth"
)

var errNoOrganizationPlugin = fmt.Errorf("%w: the organization plugin is not in the schema", ba.ErrInvalid)

// CreateOrganization inserts o (organization plugin).
func (s *Store) CreateOrganization(ctx context.Context, o *ba.Organization) error {
	if s.organization == nil {
		return s.wrap("create organization", errNoOrganizationPlugin)
	}
	if o.ID == "" {
		o.ID = ba.GenerateID()
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = s.nowUTC()
	}
	return insert(ctx, s, s.organization, "create organization", s.q.organizationInsert, o)
}

// GetOrganization returns the organization with this id.
func (s *Store) GetOrganization(ctx context.Context, id string) (*ba.Organization, error) {
	if s.organization == nil {
		return nil, s.wrap("get organization", errNoOrganizationPlugin)
	}
	return getOne(ctx, s, s.organization, "get organization", s.q.organizationByID, id)
}

// GetOrganizationBySlug returns the organization with this slug.
func (s *Store) GetOrganizationBySlug(ctx context.Context, slug string) (*ba.Organization, error) {
	if s.organization == nil {
		return nil, s.wrap("get organization by slug", errNoOrganizationPlugin)
	}
	return getOne(ctx, s, s.organization, "get organization by slug", s.q.organizationBySlug, slug)
}

// CreateMember inserts m; the role defaults to "member".
func (s *Store) CreateMember(ctx context.Context, m *ba.Member) error {
	if s.member == nil {
		return s.wrap("create member", errNoOrganizationPlugin)
	}
	if m.ID == "" {
		m.ID = ba.GenerateID()
	}
	if m.Role == "" {
		m.Role = "member"
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.nowUTC()
	}
	return insert(ctx, s, s.member, "create member", s.q.memberInsert, m)
}

// GetMember returns the membership of a user in an organization.
func (s *Store) GetMember(ctx context.Context, organizationID, userID string) (*ba.Member, error) {
	if s.member == nil {
		return nil, s.wrap("get member", errNoOrganizationPlugin)
	}
	return getOne(ctx, s, s.member, "get member", s.q.memberByOrgAndUser, organizationID, userID)
}

// ListMemberships returns every organization membership of a user.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]ba.Member, error) {
	if s.member == nil {
		return nil, s.wrap("list memberships", errNoOrganizationPlugin)
	}
	return getMany(ctx, s, s.member, "list memberships", s.q.membersByUser, userID)
}

// CreateJWK inserts a jwks row (jwt plugin).
func (s *Store) CreateJWK(ctx context.Context, j *ba.JWK) error {
	if s.jwks == nil {
		return s.wrap("create jwk", fmt.Errorf("%w: the jwt plugin is not in the schema", ba.ErrInvalid))
	}
	if j.ID == "" {
		j.ID = ba.GenerateID()
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = s.nowUTC()
	}
	return insert(ctx, s, s.jwks, "create jwk", s.q.jwksInsert, j)
}

// ListJWKs returns every jwks row, newest first.
func (s *Store) ListJWKs(ctx context.Context) ([]ba.JWK, error) {
	if s.jwks == nil {
		return nil, s.wrap("list jwks", fmt.Errorf("%w: the jwt plugin is not in the schema", ba.ErrInvalid))
	}
	return getMany(ctx, s, s.jwks, "list jwks", s.q.jwksAll)
}
