package betterauth

import (
	"maps"
	"time"
)

// User is a row of Better Auth's user table. Plugin fields are nil when their
// plugin is not part of the schema; custom fields (additionalFields) are in
// Fields.
type User struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Email         string    `json:"email"` // stored lower-cased, as Better Auth does
	EmailVerified bool      `json:"emailVerified"`
	Image         *string   `json:"image"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`

	// admin plugin
	Role       *string    `json:"role,omitempty"`
	Banned     *bool      `json:"banned,omitempty"`
	BanReason  *string    `json:"banReason,omitempty"`
	BanExpires *time.Time `json:"banExpires,omitempty"`

	// username plugin
	Username        *string `json:"username,omitempty"`
	DisplayUsername *string `json:"displayUsername,omitempty"`

	// twoFactor plugin
	TwoFactorEnabled *bool `json:"twoFactorEnabled,omitempty"`

	// Fields holds custom fields (Better Auth's user.additionalFields) by
	// logical name. See Fields and FieldValue for typed access.
	Fields Fields `json:"-"`
}

// IsBanned reports whether the admin plugin's ban is in force at now: banned
// and either without an expiry or with one still in the future. An expired
// ban no longer blocks, as in Better Auth.
func (u *User) IsBanned(now time.Time) bool {
	if u.Banned == nil || !*u.Banned {
		return false
	}
	return u.BanExpires == nil || u.BanExpires.After(now)
}

// Session is a row of Better Auth's session table.
type Session struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	UserID    string    `json:"userId"`
	ExpiresAt time.Time `json:"expiresAt"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// IPAddress and UserAgent are "" when unknown (Better Auth writes "",
	// not NULL); nil only for rows written by other tools with NULL.
	IPAddress *string `json:"ipAddress"`
	UserAgent *string `json:"userAgent"`

	// admin plugin
	ImpersonatedBy *string `json:"impersonatedBy,omitempty"`
	// organization plugin
	ActiveOrganizationID *string `json:"activeOrganizationId,omitempty"`
	ActiveTeamID         *string `json:"activeTeamId,omitempty"`

	// Fields holds custom session fields (session.additionalFields).
	Fields Fields `json:"-"`
}

// IsExpired reports whether the session has expired at now. Both instants are
// compared as absolute times, so the time zone a driver returns does not
// matter. A session expiring exactly at now is expired.
func (s *Session) IsExpired(now time.Time) bool { return !s.ExpiresAt.After(now) }

// Account is a row of Better Auth's account table: a credential (password)
// or a linked OAuth provider.
type Account struct {
	ID                    string     `json:"id"`
	AccountID             string     `json:"accountId"`
	ProviderID            string     `json:"providerId"`
	UserID                string     `json:"userId"`
	AccessToken           *string    `json:"-"`
	RefreshToken          *string    `json:"-"`
	IDToken               *string    `json:"-"`
	AccessTokenExpiresAt  *time.Time `json:"-"`
	RefreshTokenExpiresAt *time.Time `json:"-"`
	Scope                 *string    `json:"scope"`
	// Password is the scrypt hash (HashPassword) on credential accounts.
	Password  *string   `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// ProviderCredential is the providerId of email/password accounts.
const ProviderCredential = "credential"

// Verification is a row of Better Auth's verification table (password reset
// tokens, OTPs, magic links, …).
type Verification struct {
	ID         string    `json:"id"`
	Identifier string    `json:"identifier"`
	Value      string    `json:"value"`
	ExpiresAt  time.Time `json:"expiresAt"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// IsExpired reports whether the verification value has expired at now.
func (v *Verification) IsExpired(now time.Time) bool { return !v.ExpiresAt.After(now) }

// Organization is a row of the organization plugin's organization table.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	Logo      *string   `json:"logo"`
	CreatedAt time.Time `json:"createdAt"`
	// Metadata is JSON text, as Better Auth stores it.
	Metadata *string `json:"metadata"`
}

// Member is a row of the organization plugin's member table.
type Member struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organizationId"`
	UserID         string `json:"userId"`
	// Role is one role or a comma-separated list ("owner", "admin,member").
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"createdAt"`
}

// Invitation is a row of the organization plugin's invitation table.
type Invitation struct {
	ID             string    `json:"id"`
	OrganizationID string    `json:"organizationId"`
	Email          string    `json:"email"`
	Role           *string   `json:"role"`
	TeamID         *string   `json:"teamId,omitempty"`
	Status         string    `json:"status"`
	ExpiresAt      time.Time `json:"expiresAt"`
	CreatedAt      time.Time `json:"createdAt"`
	InviterID      string    `json:"inviterId"`
}

// JWK is a row of the jwt plugin's jwks table.
type JWK struct {
	ID string `json:"id"`
	// PublicKey is the JSON of the public JWK.
	PublicKey string `json:"publicKey"`
	// PrivateKey is the encrypted private JWK as Better Auth stores it.
	PrivateKey string     `json:"-"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	Alg        *string    `json:"alg"`
	Crv        *string    `json:"crv"`
}

// Clone returns a copy of u whose Fields map is its own, so that changing
// the copy's custom fields leaves u alone. Pointer fields are shared: they
// are replaced, never written through.
func (u *User) Clone() *User {
	c := *u
	c.Fields = maps.Clone(u.Fields)
	return &c
}

// Clone returns a copy of s whose Fields map is its own (see User.Clone).
func (s *Session) Clone() *Session {
	c := *s
	c.Fields = maps.Clone(s.Fields)
	return &c
}
