package betterauth

import (
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/jsjson"
)

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

// MarshalJSON writes the account without its tokens and password hash
// (Better Auth's returned:false fields).
func (a Account) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", a.ID)
	o.String("accountId", a.AccountID)
	o.String("providerId", a.ProviderID)
	o.String("userId", a.UserID)
	o.OptString("scope", a.Scope)
	o.Date("createdAt", a.CreatedAt)
	o.Date("updatedAt", a.UpdatedAt)
	return o.Bytes(), nil
}
