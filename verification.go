package betterauth

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
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

// IdentifierMode is how a verification identifier is stored: one of the
// static values of Better Auth's verification.storeIdentifier.
type IdentifierMode string

const (
	// IdentifierPlain stores the identifier as it is ("plain", Better Auth's
	// default).
	IdentifierPlain IdentifierMode = "plain"
	// IdentifierHashed stores base64url (no padding) of the SHA-256 of the
	// identifier ("hashed"), so a database or Redis dump holds no reset
	// token.
	IdentifierHashed IdentifierMode = "hashed"
)

// ParseIdentifierMode reads "plain" or "hashed" ("" is plain). Better Auth
// also takes {hash: fn}, a function of the app's own: it cannot be
// mirrored here, and whoever reads an app's configuration must refuse it
// rather than store identifiers Better Auth would never find.
func ParseIdentifierMode(s string) (IdentifierMode, error) {
	switch IdentifierMode(s) {
	case "", IdentifierPlain:
		return IdentifierPlain, nil
	case IdentifierHashed:
		return IdentifierHashed, nil
	}
	return "", fmt.Errorf("%w: verification identifier storage %q is neither plain nor hashed (a custom hash function cannot be mirrored outside Better Auth)", ErrInvalid, s)
}

// IdentifierOverride applies Mode to identifiers that start with Prefix
// ("reset-password:").
type IdentifierOverride struct {
	Prefix string
	Mode   IdentifierMode
}

// IdentifierStorage is Better Auth's verification.storeIdentifier, in its
// static forms: "plain", "hashed", or {default, overrides: {prefix: mode}}.
// It decides the identifier a verification value is stored under: the
// identifier column in SQL, the "verification:<identifier>" key in
// secondary storage. The zero value is Better Auth's default, plain.
//
// Better Auth (db/verification-token-storage.ts, db/internal-adapter.ts)
// hashes on every write, and on every read and consume tries the stored
// form first, then — when the mode is not plain — the plain identifier, so
// that values written before hashing was turned on still work. Deletes use
// the stored form only. The stores in this module do the same.
type IdentifierStorage struct {
	// Default is the mode of identifiers no override matches; "" is plain.
	Default IdentifierMode
	// Overrides are checked in order and the first whose prefix the
	// identifier starts with wins, as Better Auth walks
	// Object.entries(overrides).
	Overrides []IdentifierOverride
}

// Validate reports a mode that is neither plain nor hashed.
func (s IdentifierStorage) Validate() error {
	if _, err := ParseIdentifierMode(string(s.Default)); err != nil {
		return err
	}
	for _, o := range s.Overrides {
		if _, err := ParseIdentifierMode(string(o.Mode)); err != nil {
			return fmt.Errorf("override %q: %w", o.Prefix, err)
		}
	}
	return nil
}

// Mode returns the mode that applies to identifier (getStorageOption).
func (s IdentifierStorage) Mode(identifier string) IdentifierMode {
	for _, o := range s.Overrides {
		if strings.HasPrefix(identifier, o.Prefix) {
			return orPlain(o.Mode)
		}
	}
	return orPlain(s.Default)
}

func orPlain(m IdentifierMode) IdentifierMode {
	if m == "" {
		return IdentifierPlain
	}
	return m
}

// Stored returns the identifier as it is stored (processIdentifier).
func (s IdentifierStorage) Stored(identifier string) string {
	if s.Mode(identifier) == IdentifierHashed {
		return HashIdentifier(identifier)
	}
	return identifier
}

// Candidates returns the identifiers a read or consume tries, in order: the
// stored form, then the plain identifier when the two differ (Better
// Auth's identifiersToTry).
func (s IdentifierStorage) Candidates(identifier string) []string {
	stored := s.Stored(identifier)
	if stored == identifier {
		return []string{identifier}
	}
	return []string{stored, identifier}
}

// HashIdentifier is Better Auth's "hashed" identifier: base64url without
// padding of SHA-256 of the identifier's UTF-8 bytes.
func HashIdentifier(identifier string) string {
	sum := sha256.Sum256([]byte(identifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
