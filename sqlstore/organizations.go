package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	ba "github.com/betterauth-go/betterauth"
)

var (
	errNoOrganizationPlugin = fmt.Errorf("%w: the organization plugin is not in the schema", ba.ErrInvalid)
	errNoTeams              = fmt.Errorf("%w: the organization plugin's teams are not in the schema (Schema.Teams)", ba.ErrInvalid)
)

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

// ListOrganizationsByUser returns the organizations the user is a member
// of (Better Auth's organization/list), oldest first.
func (s *Store) ListOrganizationsByUser(ctx context.Context, userID string) ([]ba.Organization, error) {
	if s.organization == nil {
		return nil, s.wrap("list organizations by user", errNoOrganizationPlugin)
	}
	return getMany(ctx, s, s.organization, "list organizations by user", s.q.organizationsByUser, userID)
}

// ListMembers returns an organization's members with their users (Better
// Auth's list-members and get-full-organization), oldest first.
func (s *Store) ListMembers(ctx context.Context, organizationID string) ([]ba.MemberWithUser, error) {
	const op = "list members"
	if s.member == nil {
		return nil, s.wrap(op, errNoOrganizationPlugin)
	}
	ctx, t := s.trace(ctx, op, s.member.table.Name)
	var out []ba.MemberWithUser
	err := s.queryRows(ctx, s.q.membersWithUsersByOrganization, []any{organizationID}, func(r Rows) error {
		var m ba.MemberWithUser
		if err := r.Scan(append(s.member.targets(&m.Member), s.user.targets(&m.User)...)...); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, t.end(ctx, s.wrap(op, err))
	}
	return out, t.end(ctx, nil)
}

// ActiveMember returns the membership of the session's user in the
// session's active organization (Better Auth's get-active-member):
// ErrNotFound when there is no active organization or the user is no
// longer a member of it. It reads the member row on every call, so a
// removed member is not trusted from activeOrganizationId.
func (s *Store) ActiveMember(ctx context.Context, sess *ba.Session) (*ba.Member, error) {
	if s.member == nil {
		return nil, s.wrap("get active member", errNoOrganizationPlugin)
	}
	if sess == nil || sess.ActiveOrganizationID == nil || *sess.ActiveOrganizationID == "" {
		return nil, s.wrap("get active member", ba.ErrNotFound)
	}
	return s.GetMember(ctx, *sess.ActiveOrganizationID, sess.UserID)
}

// CreateInvitation inserts i; the status defaults to "pending". TeamID is
// one team id or, as Better Auth writes several, a comma-joined list.
func (s *Store) CreateInvitation(ctx context.Context, i *ba.Invitation) error {
	if s.invitation == nil {
		return s.wrap("create invitation", errNoOrganizationPlugin)
	}
	if i.TeamID != nil && s.team == nil {
		return s.wrap("create invitation", errNoTeams)
	}
	if i.ID == "" {
		i.ID = ba.GenerateID()
	}
	if i.Status == "" {
		i.Status = "pending"
	}
	if i.CreatedAt.IsZero() {
		i.CreatedAt = s.nowUTC()
	}
	if i.ExpiresAt.IsZero() {
		return s.wrap("create invitation", fmt.Errorf("%w: expiresAt is required", ba.ErrInvalid))
	}
	return insert(ctx, s, s.invitation, "create invitation", s.q.invitationInsert, i)
}

// GetInvitation returns the invitation with this id.
func (s *Store) GetInvitation(ctx context.Context, id string) (*ba.Invitation, error) {
	if s.invitation == nil {
		return nil, s.wrap("get invitation", errNoOrganizationPlugin)
	}
	return getOne(ctx, s, s.invitation, "get invitation", s.q.invitationByID, id)
}

// ListInvitations returns every invitation of an organization, whatever
// its status (Better Auth's list-invitations), oldest first.
func (s *Store) ListInvitations(ctx context.Context, organizationID string) ([]ba.Invitation, error) {
	if s.invitation == nil {
		return nil, s.wrap("list invitations", errNoOrganizationPlugin)
	}
	return getMany(ctx, s, s.invitation, "list invitations", s.q.invitationsByOrg, organizationID)
}

// ListPendingInvitations returns an organization's invitations that can
// still be accepted: status "pending" and not expired (Better Auth's
// findPendingInvitations), oldest first.
func (s *Store) ListPendingInvitations(ctx context.Context, organizationID string) ([]ba.Invitation, error) {
	if s.invitation == nil {
		return nil, s.wrap("list pending invitations", errNoOrganizationPlugin)
	}
	return getMany(ctx, s, s.invitation, "list pending invitations", s.q.invitationsPendingByOrg, organizationID, s.kind.Time(s.nowUTC()))
}

// CreateTeam inserts t with memberCount 0 (teams enabled).
func (s *Store) CreateTeam(ctx context.Context, t *ba.Team) error {
	if s.team == nil {
		return s.wrap("create team", errNoTeams)
	}
	if t.ID == "" {
		t.ID = ba.GenerateID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.nowUTC()
	}
	if t.UpdatedAt == nil {
		now := t.CreatedAt
		t.UpdatedAt = &now
	}
	t.MemberCount = 0
	return insert(ctx, s, s.team, "create team", s.q.teamInsert, t)
}

// GetTeam returns the team with this id.
func (s *Store) GetTeam(ctx context.Context, id string) (*ba.Team, error) {
	if s.team == nil {
		return nil, s.wrap("get team", errNoTeams)
	}
	return getOne(ctx, s, s.team, "get team", s.q.teamByID, id)
}

// ListTeams returns an organization's teams (Better Auth's list-teams),
// oldest first.
func (s *Store) ListTeams(ctx context.Context, organizationID string) ([]ba.Team, error) {
	if s.team == nil {
		return nil, s.wrap("list teams", errNoTeams)
	}
	return getMany(ctx, s, s.team, "list teams", s.q.teamsByOrg, organizationID)
}

// ListTeamsByUser returns the teams the user is in (Better Auth's
// list-user-teams), oldest first.
func (s *Store) ListTeamsByUser(ctx context.Context, userID string) ([]ba.Team, error) {
	if s.team == nil {
		return nil, s.wrap("list teams by user", errNoTeams)
	}
	return getMany(ctx, s, s.team, "list teams by user", s.q.teamsByUser, userID)
}

// AddTeamMember inserts m as Better Auth's add-team-member does: with its
// membershipKey (TeamMembershipKey), and the team's memberCount brought
// raised as Better Auth raises it, in one transaction. A user already in the
// team is ErrDuplicate (the unique membershipKey). It does not check that
// the user is a member of the team's organization, nor the team's seat
// limit: that is the caller's rule, as it is Better Auth's route's.
func (s *Store) AddTeamMember(ctx context.Context, m *ba.TeamMember) error {
	if s.teamMember == nil {
		return s.wrap("add team member", errNoTeams)
	}
	if m.ID == "" {
		m.ID = ba.GenerateID()
	}
	if m.CreatedAt == nil {
		now := s.nowUTC()
		m.CreatedAt = &now
	}
	key := ba.TeamMembershipKey(m.TeamID, m.UserID)
	m.MembershipKey = &key
	const op = "add team member"
	return s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, op, tx.team.table.Name, tx.q.teamMemberCountSync, m.TeamID, m.TeamID, m.TeamID); err != nil {
			return err
		}
		if err := insert(ctx, tx, tx.teamMember, op, tx.q.teamMemberInsert, m); err != nil {
			return err
		}
		return tx.execExpectOne(ctx, op, tx.team.table.Name, tx.q.teamMemberCountIncrement, m.TeamID)
	})
}

// ListTeamMembers returns a team's members (Better Auth's
// list-team-members), oldest first.
func (s *Store) ListTeamMembers(ctx context.Context, teamID string) ([]ba.TeamMember, error) {
	if s.teamMember == nil {
		return nil, s.wrap("list team members", errNoTeams)
	}
	return getMany(ctx, s, s.teamMember, "list team members", s.q.teamMembersByTeam, teamID)
}

var errNoDynamicAccessControl = fmt.Errorf("%w: the organizationRole table is not in the schema (Schema.DynamicAccessControl)", ba.ErrInvalid)

// CreateOrganizationRole inserts r (dynamic access control). Permission
// must be a JSON object of resource → actions, as Better Auth's
// create-role stores it.
func (s *Store) CreateOrganizationRole(ctx context.Context, r *ba.OrganizationRole) error {
	const op = "create organization role"
	if s.orgRole == nil {
		return s.wrap(op, errNoDynamicAccessControl)
	}
	var perm map[string][]string
	if err := json.Unmarshal([]byte(r.Permission), &perm); err != nil || perm == nil {
		return s.wrap(op, fmt.Errorf("%w: permission must be a JSON object of resource to actions", ba.ErrInvalid))
	}
	if r.ID == "" {
		r.ID = ba.GenerateID()
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.nowUTC()
	}
	return insert(ctx, s, s.orgRole, op, s.q.orgRoleInsert, r)
}

// ListOrganizationRoles returns the roles defined for an organization
// (Better Auth's list-org-roles), oldest first.
func (s *Store) ListOrganizationRoles(ctx context.Context, organizationID string) ([]ba.OrganizationRole, error) {
	if s.orgRole == nil {
		return nil, s.wrap("list organization roles", errNoDynamicAccessControl)
	}
	return getMany(ctx, s, s.orgRole, "list organization roles", s.q.orgRolesByOrg, organizationID)
}

// GetOrganizationRole returns the organization's role with this name.
func (s *Store) GetOrganizationRole(ctx context.Context, organizationID, role string) (*ba.OrganizationRole, error) {
	if s.orgRole == nil {
		return nil, s.wrap("get organization role", errNoDynamicAccessControl)
	}
	return getOne(ctx, s, s.orgRole, "get organization role", s.q.orgRoleByOrgAndName, organizationID, role)
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
