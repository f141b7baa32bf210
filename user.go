package betterauth

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/jsjson"
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

// Clone returns a copy of u whose Fields map is its own, so that changing
// the copy's custom fields leaves u alone. Pointer fields are shared: they
// are replaced, never written through.
func (u *User) Clone() *User {
	c := *u
	c.Fields = maps.Clone(u.Fields)
	return &c
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

// MarshalJSON writes the user as Better Auth does: camelCase keys, dates as
// "YYYY-MM-DDTHH:MM:SS.mmmZ", custom fields inline. Plugin fields appear when
// set (they are nil when the plugin is not in the schema).
func (u User) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", u.ID)
	o.String("name", u.Name)
	o.String("email", u.Email)
	o.Bool("emailVerified", u.EmailVerified)
	o.OptString("image", u.Image)
	o.Date("createdAt", u.CreatedAt)
	o.Date("updatedAt", u.UpdatedAt)
	if u.Role != nil {
		o.String("role", *u.Role)
	}
	if u.Banned != nil {
		o.Bool("banned", *u.Banned)
	}
	if u.BanReason != nil {
		o.String("banReason", *u.BanReason)
	}
	if u.BanExpires != nil {
		o.Date("banExpires", *u.BanExpires)
	}
	if u.Username != nil {
		o.String("username", *u.Username)
	}
	if u.DisplayUsername != nil {
		o.String("displayUsername", *u.DisplayUsername)
	}
	if u.TwoFactorEnabled != nil {
		o.Bool("twoFactorEnabled", *u.TwoFactorEnabled)
	}
	writeFields(o, u.Fields, builtinFieldNames[ModelUser])
	return o.Bytes(), nil
}

// UnmarshalJSON reads a user as Better Auth sends it; keys that are not
// built-in fields go to Fields as decoded JSON values.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	extra, err := extraFields(b, builtinFieldNames[ModelUser])
	if err != nil {
		return err
	}
	p.Fields = extra
	*u = User(p)
	return nil
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
