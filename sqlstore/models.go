package sqlstore

import (
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// The functions below map each Better Auth field name to the model field
// that holds it. Fields not listed are custom fields (see codec.custom).

func userAccessor(name string) (accessor[ba.User], bool) {
	switch name {
	case "id":
		return str(func(u *ba.User) *string { return &u.ID }), true
	case "name":
		return str(func(u *ba.User) *string { return &u.Name }), true
	case "email":
		return str(func(u *ba.User) *string { return &u.Email }), true
	case "emailVerified":
		return boolean(func(u *ba.User) *bool { return &u.EmailVerified }), true
	case "image":
		return nullStr(func(u *ba.User) **string { return &u.Image }), true
	case "createdAt":
		return date(func(u *ba.User) *time.Time { return &u.CreatedAt }), true
	case "updatedAt":
		return date(func(u *ba.User) *time.Time { return &u.UpdatedAt }), true
	case "role":
		return nullStr(func(u *ba.User) **string { return &u.Role }), true
	case "banned":
		return nullBool(func(u *ba.User) **bool { return &u.Banned }), true
	case "banReason":
		return nullStr(func(u *ba.User) **string { return &u.BanReason }), true
	case "banExpires":
		return nullDate(func(u *ba.User) **time.Time { return &u.BanExpires }), true
	case "username":
		return nullStr(func(u *ba.User) **string { return &u.Username }), true
	case "displayUsername":
		return nullStr(func(u *ba.User) **string { return &u.DisplayUsername }), true
	case "twoFactorEnabled":
		return nullBool(func(u *ba.User) **bool { return &u.TwoFactorEnabled }), true
	}
	return accessor[ba.User]{}, false
}

func userFields(u *ba.User) *ba.Fields { return &u.Fields }

func sessionAccessor(name string) (accessor[ba.Session], bool) {
	switch name {
	case "id":
		return str(func(s *ba.Session) *string { return &s.ID }), true
	case "token":
		return str(func(s *ba.Session) *string { return &s.Token }), true
	case "userId":
		return str(func(s *ba.Session) *string { return &s.UserID }), true
	case "expiresAt":
		return date(func(s *ba.Session) *time.Time { return &s.ExpiresAt }), true
	case "createdAt":
		return date(func(s *ba.Session) *time.Time { return &s.CreatedAt }), true
	case "updatedAt":
		return date(func(s *ba.Session) *time.Time { return &s.UpdatedAt }), true
	case "ipAddress":
		return nullStr(func(s *ba.Session) **string { return &s.IPAddress }), true
	case "userAgent":
		return nullStr(func(s *ba.Session) **string { return &s.UserAgent }), true
	case "impersonatedBy":
		return nullStr(func(s *ba.Session) **string { return &s.ImpersonatedBy }), true
	case "activeOrganizationId":
		return nullStr(func(s *ba.Session) **string { return &s.ActiveOrganizationID }), true
	case "activeTeamId":
		return nullStr(func(s *ba.Session) **string { return &s.ActiveTeamID }), true
	}
	return accessor[ba.Session]{}, false
}

func sessionFields(s *ba.Session) *ba.Fields { return &s.Fields }

func accountAccessor(name string) (accessor[ba.Account], bool) {
	switch name {
	case "id":
		return str(func(a *ba.Account) *string { return &a.ID }), true
	case "accountId":
		return str(func(a *ba.Account) *string { return &a.AccountID }), true
	case "providerId":
		return str(func(a *ba.Account) *string { return &a.ProviderID }), true
	case "userId":
		return str(func(a *ba.Account) *string { return &a.UserID }), true
	case "accessToken":
		return nullStr(func(a *ba.Account) **string { return &a.AccessToken }), true
	case "refreshToken":
		return nullStr(func(a *ba.Account) **string { return &a.RefreshToken }), true
	case "idToken":
		return nullStr(func(a *ba.Account) **string { return &a.IDToken }), true
	case "accessTokenExpiresAt":
		return nullDate(func(a *ba.Account) **time.Time { return &a.AccessTokenExpiresAt }), true
	case "refreshTokenExpiresAt":
		return nullDate(func(a *ba.Account) **time.Time { return &a.RefreshTokenExpiresAt }), true
	case "scope":
		return nullStr(func(a *ba.Account) **string { return &a.Scope }), true
	case "password":
		return nullStr(func(a *ba.Account) **string { return &a.Password }), true
	case "createdAt":
		return date(func(a *ba.Account) *time.Time { return &a.CreatedAt }), true
	case "updatedAt":
		return date(func(a *ba.Account) *time.Time { return &a.UpdatedAt }), true
	}
	return accessor[ba.Account]{}, false
}

func verificationAccessor(name string) (accessor[ba.Verification], bool) {
	switch name {
	case "id":
		return str(func(v *ba.Verification) *string { return &v.ID }), true
	case "identifier":
		return str(func(v *ba.Verification) *string { return &v.Identifier }), true
	case "value":
		return str(func(v *ba.Verification) *string { return &v.Value }), true
	case "expiresAt":
		return date(func(v *ba.Verification) *time.Time { return &v.ExpiresAt }), true
	case "createdAt":
		return date(func(v *ba.Verification) *time.Time { return &v.CreatedAt }), true
	case "updatedAt":
		return date(func(v *ba.Verification) *time.Time { return &v.UpdatedAt }), true
	}
	return accessor[ba.Verification]{}, false
}

func organizationAccessor(name string) (accessor[ba.Organization], bool) {
	switch name {
	case "id":
		return str(func(o *ba.Organization) *string { return &o.ID }), true
	case "name":
		return str(func(o *ba.Organization) *string { return &o.Name }), true
	case "slug":
		return str(func(o *ba.Organization) *string { return &o.Slug }), true
	case "logo":
		return nullStr(func(o *ba.Organization) **string { return &o.Logo }), true
	case "createdAt":
		return date(func(o *ba.Organization) *time.Time { return &o.CreatedAt }), true
	case "metadata":
		return nullStr(func(o *ba.Organization) **string { return &o.Metadata }), true
	}
	return accessor[ba.Organization]{}, false
}

func memberAccessor(name string) (accessor[ba.Member], bool) {
	switch name {
	case "id":
		return str(func(m *ba.Member) *string { return &m.ID }), true
	case "organizationId":
		return str(func(m *ba.Member) *string { return &m.OrganizationID }), true
	case "userId":
		return str(func(m *ba.Member) *string { return &m.UserID }), true
	case "role":
		return str(func(m *ba.Member) *string { return &m.Role }), true
	case "createdAt":
		return date(func(m *ba.Member) *time.Time { return &m.CreatedAt }), true
	}
	return accessor[ba.Member]{}, false
}

func jwkAccessor(name string) (accessor[ba.JWK], bool) {
	switch name {
	case "id":
		return str(func(j *ba.JWK) *string { return &j.ID }), true
	case "publicKey":
		return str(func(j *ba.JWK) *string { return &j.PublicKey }), true
	case "privateKey":
		return str(func(j *ba.JWK) *string { return &j.PrivateKey }), true
	case "createdAt":
		return date(func(j *ba.JWK) *time.Time { return &j.CreatedAt }), true
	case "expiresAt":
		return nullDate(func(j *ba.JWK) **time.Time { return &j.ExpiresAt }), true
	case "alg":
		return nullStr(func(j *ba.JWK) **string { return &j.Alg }), true
	case "crv":
		return nullStr(func(j *ba.JWK) **string { return &j.Crv }), true
	}
	return accessor[ba.JWK]{}, false
}

func invitationAccessor(name string) (accessor[ba.Invitation], bool) {
	switch name {
	case "id":
		return str(func(i *ba.Invitation) *string { return &i.ID }), true
	case "organizationId":
		return str(func(i *ba.Invitation) *string { return &i.OrganizationID }), true
	case "email":
		return str(func(i *ba.Invitation) *string { return &i.Email }), true
	case "role":
		return nullStr(func(i *ba.Invitation) **string { return &i.Role }), true
	case "teamId":
		a := nullStr(func(i *ba.Invitation) **string { return &i.TeamID })
		a.scan = func(i *ba.Invitation) any { i.TeamColumn = true; return nullStringScanner{&i.TeamID} }
		return a, true
	case "status":
		return str(func(i *ba.Invitation) *string { return &i.Status }), true
	case "expiresAt":
		return date(func(i *ba.Invitation) *time.Time { return &i.ExpiresAt }), true
	case "createdAt":
		return date(func(i *ba.Invitation) *time.Time { return &i.CreatedAt }), true
	case "inviterId":
		return str(func(i *ba.Invitation) *string { return &i.InviterID }), true
	}
	return accessor[ba.Invitation]{}, false
}

func teamAccessor(name string) (accessor[ba.Team], bool) {
	switch name {
	case "id":
		return str(func(t *ba.Team) *string { return &t.ID }), true
	case "name":
		return str(func(t *ba.Team) *string { return &t.Name }), true
	case "organizationId":
		return str(func(t *ba.Team) *string { return &t.OrganizationID }), true
	case "createdAt":
		return date(func(t *ba.Team) *time.Time { return &t.CreatedAt }), true
	case "updatedAt":
		return nullDate(func(t *ba.Team) **time.Time { return &t.UpdatedAt }), true
	case "memberCount":
		return accessor[ba.Team]{
			get:  func(_ Kind, t *ba.Team) (any, error) { return t.MemberCount, nil },
			scan: func(t *ba.Team) any { return int64Scanner{&t.MemberCount} },
		}, true
	}
	return accessor[ba.Team]{}, false
}

func teamMemberAccessor(name string) (accessor[ba.TeamMember], bool) {
	switch name {
	case "id":
		return str(func(m *ba.TeamMember) *string { return &m.ID }), true
	case "teamId":
		return str(func(m *ba.TeamMember) *string { return &m.TeamID }), true
	case "userId":
		return str(func(m *ba.TeamMember) *string { return &m.UserID }), true
	case "membershipKey":
		return nullStr(func(m *ba.TeamMember) **string { return &m.MembershipKey }), true
	case "createdAt":
		return nullDate(func(m *ba.TeamMember) **time.Time { return &m.CreatedAt }), true
	}
	return accessor[ba.TeamMember]{}, false
}

func organizationRoleAccessor(name string) (accessor[ba.OrganizationRole], bool) {
	switch name {
	case "id":
		return str(func(r *ba.OrganizationRole) *string { return &r.ID }), true
	case "organizationId":
		return str(func(r *ba.OrganizationRole) *string { return &r.OrganizationID }), true
	case "role":
		return str(func(r *ba.OrganizationRole) *string { return &r.Role }), true
	case "permission":
		return str(func(r *ba.OrganizationRole) *string { return &r.Permission }), true
	case "createdAt":
		return date(func(r *ba.OrganizationRole) *time.Time { return &r.CreatedAt }), true
	case "updatedAt":
		return nullDate(func(r *ba.OrganizationRole) **time.Time { return &r.UpdatedAt }), true
	}
	return accessor[ba.OrganizationRole]{}, false
}
