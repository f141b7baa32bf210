package betterauth

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/betterauth-go/betterauth/internal/jsjson"
)

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

// MarshalJSON writes the organization as Better Auth does.
func (g Organization) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", g.ID)
	o.String("name", g.Name)
	o.String("slug", g.Slug)
	o.OptString("logo", g.Logo)
	o.Date("createdAt", g.CreatedAt)
	o.OptString("metadata", g.Metadata)
	return o.Bytes(), nil
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

// MarshalJSON writes the member as Better Auth does.
func (m Member) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", m.ID)
	o.String("organizationId", m.OrganizationID)
	o.String("userId", m.UserID)
	o.String("role", m.Role)
	o.Date("createdAt", m.CreatedAt)
	return o.Bytes(), nil
}

// Invitation is a row of the organization plugin's invitation table.
type Invitation struct {
	ID             string  `json:"id"`
	OrganizationID string  `json:"organizationId"`
	Email          string  `json:"email"`
	Role           *string `json:"role"`
	// TeamID is one team id, or several joined by ",", as Better Auth
	// writes an invitation to more than one team.
	TeamID *string `json:"teamId,omitempty"`
	// TeamColumn says the table has the teamId column (teams enabled);
	// the stores set it on the rows they read. MarshalJSON then writes
	// teamId even when it is NULL, as Better Auth does; otherwise only
	// when set.
	TeamColumn bool      `json:"-"`
	Status     string    `json:"status"`
	ExpiresAt  time.Time `json:"expiresAt"`
	CreatedAt  time.Time `json:"createdAt"`
	InviterID  string    `json:"inviterId"`
}

// MarshalJSON writes the invitation as Better Auth does.
func (i Invitation) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", i.ID)
	o.String("organizationId", i.OrganizationID)
	o.String("email", i.Email)
	o.OptString("role", i.Role)
	if i.TeamID != nil || i.TeamColumn {
		o.OptString("teamId", i.TeamID)
	}
	o.String("status", i.Status)
	o.Date("expiresAt", i.ExpiresAt)
	o.Date("createdAt", i.CreatedAt)
	o.String("inviterId", i.InviterID)
	return o.Bytes(), nil
}

// Team is a row of the organization plugin's team table
// (organization({ teams: { enabled: true } })).
type Team struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	OrganizationID string     `json:"organizationId"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      *time.Time `json:"updatedAt"`
	// MemberCount is Better Auth's counter of the team's teamMember rows
	// (its seat limit check); Better Auth never returns it.
	MemberCount int64 `json:"-"`
}

// MarshalJSON writes the team as Better Auth's team routes do (no
// memberCount).
func (t Team) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", t.ID)
	o.String("name", t.Name)
	o.String("organizationId", t.OrganizationID)
	o.Date("createdAt", t.CreatedAt)
	o.OptDate("updatedAt", t.UpdatedAt)
	return o.Bytes(), nil
}

// TeamMember is a row of the organization plugin's teamMember table.
type TeamMember struct {
	ID     string `json:"id"`
	TeamID string `json:"teamId"`
	UserID string `json:"userId"`
	// MembershipKey is TeamMembershipKey(TeamID, UserID), the unique column
	// that keeps a user in a team once; Better Auth never returns it. Rows
	// from before better-auth 1.7 may have none.
	MembershipKey *string    `json:"-"`
	CreatedAt     *time.Time `json:"createdAt"`
}

// MarshalJSON writes the team member as Better Auth does (no
// membershipKey).
func (m TeamMember) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", m.ID)
	o.String("teamId", m.TeamID)
	o.String("userId", m.UserID)
	o.OptDate("createdAt", m.CreatedAt)
	return o.Bytes(), nil
}

// TeamMembershipKey is Better Auth's teamMember.membershipKey: base64url
// without padding of SHA-256 of JSON.stringify([teamId, userId]).
func TeamMembershipKey(teamID, userID string) string {
	b := append([]byte{'['}, jsjson.AppendString(nil, teamID)...)
	b = append(b, ',')
	b = append(jsjson.AppendString(b, userID), ']')
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// MemberWithUser is a member with the user it names, as Better Auth's
// list-members and get-full-organization return it (user: id, name, email,
// image).
type MemberWithUser struct {
	Member
	User User
}

// MarshalJSON writes the member and its user as Better Auth does.
func (m MemberWithUser) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", m.ID)
	o.String("organizationId", m.OrganizationID)
	o.String("userId", m.UserID)
	o.String("role", m.Role)
	o.Date("createdAt", m.CreatedAt)
	u := jsjson.NewObject()
	u.String("id", m.User.ID)
	u.String("name", m.User.Name)
	u.String("email", m.User.Email)
	u.OptString("image", m.User.Image)
	o.Raw("user", u.Bytes())
	return o.Bytes(), nil
}

// OrganizationRole is a row of the organization plugin's organizationRole
// table (dynamic access control): a role defined for one organization.
type OrganizationRole struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organizationId"`
	Role           string `json:"role"`
	// Permission is JSON text, {"resource":["action",…]}, as Better Auth
	// stores it.
	Permission string     `json:"permission"`
	CreatedAt  time.Time  `json:"createdAt"`
	UpdatedAt  *time.Time `json:"updatedAt"`
}

// MarshalJSON writes the row as the adapter returns it (permission as
// the stored text; Better Auth's list-org-roles parses it).
func (r OrganizationRole) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", r.ID)
	o.String("organizationId", r.OrganizationID)
	o.String("role", r.Role)
	o.String("permission", r.Permission)
	o.Date("createdAt", r.CreatedAt)
	o.OptDate("updatedAt", r.UpdatedAt)
	return o.Bytes(), nil
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

// MarshalJSON writes the jwks row without its private key.
func (j JWK) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", j.ID)
	o.String("publicKey", j.PublicKey)
	o.Date("createdAt", j.CreatedAt)
	o.OptDate("expiresAt", j.ExpiresAt)
	o.OptString("alg", j.Alg)
	o.OptString("crv", j.Crv)
	return o.Bytes(), nil
}

// APIKey is a row of the apikey table of Better Auth's apiKey plugin
// (@better-auth/api-key 1.7.x). Nullable columns are pointers; numbers are
// milliseconds or counts. Key is what the table stores: by default
// base64url (no padding) of SHA-256 of the plaintext key, never the key
// itself, which Better Auth shows only once, when the key is created.
type APIKey struct {
	ID string `json:"id"`
	// ConfigID names the plugin configuration the key belongs to;
	// "default" unless the plugin is given several configurations.
	ConfigID string  `json:"configId"`
	Name     *string `json:"name"`
	// Start is the first characters of the plaintext key (6 by default,
	// prefix included), kept so that a UI can tell keys apart.
	Start *string `json:"start"`
	// ReferenceID is the owner: a user id, or an organization id when the
	// configuration has references: "organization".
	ReferenceID string  `json:"referenceId"`
	Prefix      *string `json:"prefix"`
	Key         string  `json:"key"`

	RefillInterval *int64     `json:"refillInterval"` // ms
	RefillAmount   *int64     `json:"refillAmount"`
	LastRefillAt   *time.Time `json:"lastRefillAt"`

	Enabled             *bool      `json:"enabled"`
	RateLimitEnabled    *bool      `json:"rateLimitEnabled"`
	RateLimitTimeWindow *int64     `json:"rateLimitTimeWindow"` // ms
	RateLimitMax        *int64     `json:"rateLimitMax"`
	RequestCount        *int64     `json:"requestCount"`
	Remaining           *int64     `json:"remaining"` // nil: unlimited
	LastRequest         *time.Time `json:"lastRequest"`
	ExpiresAt           *time.Time `json:"expiresAt"`
	CreatedAt           time.Time  `json:"createdAt"`
	UpdatedAt           time.Time  `json:"updatedAt"`

	// Permissions is JSON text such as {"files":["read"]}.
	Permissions *string `json:"permissions"`
	// Metadata is JSON text. Better Auth writes the text "null" when a key
	// is created without metadata.
	Metadata *string `json:"metadata"`
}
