package betterauth

import (
	"time"

	"github.com/betterauth-go/betterauth/internal/jsjson"
)

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

// MarshalJSON writes the verification row as Better Auth does (dates as
// toISOString).
func (v Verification) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", v.ID)
	o.String("identifier", v.Identifier)
	o.String("value", v.Value)
	o.Date("expiresAt", v.ExpiresAt)
	o.Date("createdAt", v.CreatedAt)
	o.Date("updatedAt", v.UpdatedAt)
	return o.Bytes(), nil
}
