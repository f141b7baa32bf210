package betterauth

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"
)

// Nullable is an optional update of a nullable column: absent (Set false),
// set to a value, or set to NULL (Set true, Value nil). In JSON, a missing key
// is absent and `null` clears.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// Null returns a Nullable that clears the column.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true} }

// Value returns a Nullable that sets the column to v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// UnmarshalJSON marks the value as set; `null` sets it to NULL.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// FieldErrors maps a JSON field name to what is wrong with it. It wraps
// ErrInvalid, so errors.Is(err, ErrInvalid) holds.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap makes FieldErrors match ErrInvalid.
func (e FieldErrors) Unwrap() error { return ErrInvalid }

func (e FieldErrors) orNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// NormalizeEmail trims and lower-cases an email, as Better Auth stores it.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidEmail reports whether s is a plain address (no display name).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}

// UserCreate is the body that creates a user (Better Auth's sign-up shape).
type UserCreate struct {
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	Password *string `json:"password,omitempty"`
	Image    *string `json:"image,omitempty"`
	// Username is honoured when the username plugin is on; Validate
	// checks it against Better Auth's default UsernameRules.
	Username *string `json:"username,omitempty"`
	// Fields are custom fields (additionalFields).
	Fields Fields `json:"-"`
}

// Validate checks the shape: a name, a plain email, a password (when
// given) within Better Auth's default length limits, and a username (when
// given) that the username plugin's default rules accept.
func (c UserCreate) Validate() error {
	e := FieldErrors{}
	if strings.TrimSpace(c.Name) == "" {
		e["name"] = "is required"
	}
	if !ValidEmail(NormalizeEmail(c.Email)) {
		e["email"] = "is not a valid email address"
	}
	if c.Password != nil {
		switch n := PasswordLength(*c.Password); {
		case n < MinPasswordLength:
			e["password"] = fmt.Sprintf("must be at least %d characters", MinPasswordLength)
		case n > MaxPasswordLength:
			e["password"] = fmt.Sprintf("must be at most %d characters", MaxPasswordLength)
		}
	}
	if c.Username != nil {
		switch err := (UsernameRules{}).Check(*c.Username); err {
		case ErrUsernameTooShort:
			e["username"] = fmt.Sprintf("must be at least %d characters", DefaultMinUsernameLength)
		case ErrUsernameTooLong:
			e["username"] = fmt.Sprintf("must be at most %d characters", DefaultMaxUsernameLength)
		case ErrUsernameInvalid:
			e["username"] = "may hold only letters, digits, _ and ."
		}
	}
	return e.orNil()
}

// NewUser builds the row for c at now, as Better Auth's createUser does: new
// id, lower-cased email, emailVerified false, createdAt = updatedAt = now.
func NewUser(c UserCreate, now time.Time) *User {
	now = Truncate(now)
	u := &User{
		ID:        GenerateID(),
		Name:      c.Name,
		Email:     NormalizeEmail(c.Email),
		Image:     c.Image,
		CreatedAt: now,
		UpdatedAt: now,
		Fields:    c.Fields,
	}
	if c.Username != nil {
		lower := NormalizeUsername(*c.Username)
		display := *c.Username
		u.Username, u.DisplayUsername = &lower, &display
	}
	return u
}

// UserUpdate changes some columns of a user; unset fields are left alone.
// Stores set updatedAt. Which fields a caller may change is the HTTP layer's
// decision (a user may not change their own role).
type UserUpdate struct {
	Name             *string             `json:"name,omitempty"`
	Email            *string             `json:"email,omitempty"`
	EmailVerified    *bool               `json:"emailVerified,omitempty"`
	Image            Nullable[string]    `json:"image"`
	Role             Nullable[string]    `json:"role"`
	Banned           *bool               `json:"banned,omitempty"`
	BanReason        Nullable[string]    `json:"banReason"`
	BanExpires       Nullable[time.Time] `json:"banExpires"`
	Username         Nullable[string]    `json:"username"`
	DisplayUsername  Nullable[string]    `json:"displayUsername"`
	TwoFactorEnabled *bool               `json:"twoFactorEnabled,omitempty"`
	// Fields sets custom fields; a nil value sets the column to NULL.
	Fields Fields `json:"-"`
}

// UserResponse is the public view of a user, safe to show to anyone.
type UserResponse struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Image           *string  `json:"image"`
	Username        *string  `json:"username,omitempty"`
	DisplayUsername *string  `json:"displayUsername,omitempty"`
	CreatedAt       jsonTime `json:"createdAt"`
}

// Public returns the public view of u.
func (u *User) Public() UserResponse {
	return UserResponse{ID: u.ID, Name: u.Name, Image: u.Image, Username: u.Username, DisplayUsername: u.DisplayUsername, CreatedAt: jsonTime(u.CreatedAt)}
}

// SessionCreate describes a new session.
type SessionCreate struct {
	UserID    string
	ExpiresIn time.Duration // 0 means DefaultSessionExpiresIn
	IPAddress string
	UserAgent string
	Fields    Fields
}

// DefaultSessionExpiresIn is Better Auth's session.expiresIn default (7 days).
const DefaultSessionExpiresIn = 7 * 24 * time.Hour

// NewSession builds the row for c at now, as Better Auth's createSession
// does: new id and 32-character token, expiresAt = now + expiresIn,
// ipAddress/userAgent "" when unknown.
func NewSession(c SessionCreate, now time.Time) *Session {
	now = Truncate(now)
	if c.ExpiresIn <= 0 {
		c.ExpiresIn = DefaultSessionExpiresIn
	}
	ip, ua := c.IPAddress, c.UserAgent
	return &Session{
		ID:        GenerateID(),
		Token:     GenerateToken(),
		UserID:    c.UserID,
		ExpiresAt: Truncate(now.Add(c.ExpiresIn)),
		CreatedAt: now,
		UpdatedAt: now,
		IPAddress: &ip,
		UserAgent: &ua,
		Fields:    c.Fields,
	}
}

// SessionResponse is a session as shown to its user: never the token.
type SessionResponse struct {
	ID        string   `json:"id"`
	ExpiresAt jsonTime `json:"expiresAt"`
	CreatedAt jsonTime `json:"createdAt"`
	UpdatedAt jsonTime `json:"updatedAt"`
	IPAddress *string  `json:"ipAddress"`
	UserAgent *string  `json:"userAgent"`
	// Current marks the session the request was made with.
	Current bool `json:"current"`
}

// Response returns the user-facing view of s; current marks the caller's own.
func (s *Session) Response(current bool) SessionResponse {
	return SessionResponse{ID: s.ID, ExpiresAt: jsonTime(s.ExpiresAt), CreatedAt: jsonTime(s.CreatedAt), UpdatedAt: jsonTime(s.UpdatedAt), IPAddress: s.IPAddress, UserAgent: s.UserAgent, Current: current}
}

// SessionUpdate changes some columns of a session; stores set updatedAt.
type SessionUpdate struct {
	ExpiresAt            *time.Time
	IPAddress            Nullable[string]
	UserAgent            Nullable[string]
	ImpersonatedBy       Nullable[string]
	ActiveOrganizationID Nullable[string]
	ActiveTeamID         Nullable[string]
	Fields               Fields
}

// AccountCreate describes a new account: a linked provider, or a credential
// account when ProviderID is "credential" and Password is set (plaintext; it
// is hashed by NewAccount).
type AccountCreate struct {
	UserID                string
	ProviderID            string
	AccountID             string
	AccessToken           *string
	RefreshToken          *string
	IDToken               *string
	AccessTokenExpiresAt  *time.Time
	RefreshTokenExpiresAt *time.Time
	Scope                 *string
	Password              *string
}

// NewAccount builds the row for c at now. A credential account gets
// accountId = userId and the password hashed as Better Auth hashes it.
func NewAccount(c AccountCreate, now time.Time) (*Account, error) {
	now = Truncate(now)
	a := &Account{
		ID: GenerateID(), AccountID: c.AccountID, ProviderID: c.ProviderID, UserID: c.UserID,
		AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, IDToken: c.IDToken,
		AccessTokenExpiresAt: c.AccessTokenExpiresAt, RefreshTokenExpiresAt: c.RefreshTokenExpiresAt,
		Scope: c.Scope, CreatedAt: now, UpdatedAt: now,
	}
	if c.ProviderID == ProviderCredential && a.AccountID == "" {
		a.AccountID = c.UserID
	}
	if c.Password != nil {
		hash, err := HashPassword(*c.Password)
		if err != nil {
			return nil, err
		}
		a.Password = &hash
	}
	e := FieldErrors{}
	if a.UserID == "" {
		e["userId"] = "is required"
	}
	if a.ProviderID == "" {
		e["providerId"] = "is required"
	}
	if a.AccountID == "" {
		e["accountId"] = "is required"
	}
	return a, e.orNil()
}

// AccountUpdate changes some columns of an account; stores set updatedAt.
type AccountUpdate struct {
	AccessToken           Nullable[string]
	RefreshToken          Nullable[string]
	IDToken               Nullable[string]
	AccessTokenExpiresAt  Nullable[time.Time]
	RefreshTokenExpiresAt Nullable[time.Time]
	Scope                 Nullable[string]
	// Password is a hash (HashPassword), never plaintext.
	Password Nullable[string]
}

// AccountResponse is a linked account as shown to its user: never tokens or
// the password hash.
type AccountResponse struct {
	ID         string   `json:"id"`
	ProviderID string   `json:"providerId"`
	AccountID  string   `json:"accountId"`
	UserID     string   `json:"userId"`
	Scopes     []string `json:"scopes"`
	CreatedAt  jsonTime `json:"createdAt"`
	UpdatedAt  jsonTime `json:"updatedAt"`
}

// Response returns the user-facing view of a; scopes are split as Better
// Auth's list-accounts does.
func (a *Account) Response() AccountResponse {
	scopes := []string{}
	if a.Scope != nil && *a.Scope != "" {
		for _, s := range strings.Split(*a.Scope, ",") {
			if s = strings.TrimSpace(s); s != "" {
				scopes = append(scopes, s)
			}
		}
	}
	return AccountResponse{ID: a.ID, ProviderID: a.ProviderID, AccountID: a.AccountID, UserID: a.UserID, Scopes: scopes, CreatedAt: jsonTime(a.CreatedAt), UpdatedAt: jsonTime(a.UpdatedAt)}
}

// VerificationCreate describes a new verification value.
type VerificationCreate struct {
	Identifier string
	Value      string
	ExpiresAt  time.Time
}

// NewVerification builds the row for c at now.
func NewVerification(c VerificationCreate, now time.Time) *Verification {
	now = Truncate(now)
	return &Verification{ID: GenerateID(), Identifier: c.Identifier, Value: c.Value, ExpiresAt: Truncate(c.ExpiresAt), CreatedAt: now, UpdatedAt: now}
}

// FillDefaults completes a session about to be stored as Better Auth's
// createSession does: a new id and token when missing, createdAt =
// updatedAt = now, expiresAt = createdAt + expiresIn (DefaultSessionExpiresIn
// when 0), ipAddress/userAgent "" when unknown, every date truncated to
// milliseconds.
func (s *Session) FillDefaults(now time.Time, expiresIn time.Duration) {
	if expiresIn <= 0 {
		expiresIn = DefaultSessionExpiresIn
	}
	if s.ID == "" {
		s.ID = GenerateID()
	}
	if s.Token == "" {
		s.Token = GenerateToken()
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	if s.ExpiresAt.IsZero() {
		s.ExpiresAt = s.CreatedAt.Add(expiresIn)
	}
	if s.IPAddress == nil {
		empty := ""
		s.IPAddress = &empty
	}
	if s.UserAgent == nil {
		empty := ""
		s.UserAgent = &empty
	}
	s.CreatedAt, s.UpdatedAt, s.ExpiresAt = Truncate(s.CreatedAt), Truncate(s.UpdatedAt), Truncate(s.ExpiresAt)
}
