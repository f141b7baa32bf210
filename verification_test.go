package betterauth_test

import (
	"errors"
	"slices"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

func TestIdentifierStorage(t *testing.T) {
	// node -e "crypto.createHash('sha256').update('reset-password:abc').digest('base64url')"
	const hashed = "IMUqJ3lXuvod79AbI4EdsWmdAkZeIP5syfKs7-d5fQQ"
	if got := ba.HashIdentifier("reset-password:abc"); got != hashed {
		t.Fatalf("HashIdentifier = %q, want %q", got, hashed)
	}
	cases := []struct {
		name       string
		s          ba.IdentifierStorage
		identifier string
		stored     string
		candidates []string
	}{
		{"ZeroIsPlain", ba.IdentifierStorage{}, "reset-password:abc", "reset-password:abc", []string{"reset-password:abc"}},
		{"Plain", ba.IdentifierStorage{Default: ba.IdentifierPlain}, "reset-password:abc", "reset-password:abc", []string{"reset-password:abc"}},
		{"Hashed", ba.IdentifierStorage{Default: ba.IdentifierHashed}, "reset-password:abc", hashed, []string{hashed, "reset-password:abc"}},
		{"OverridePlain", ba.IdentifierStorage{Default: ba.IdentifierHashed, Overrides: []ba.IdentifierOverride{{Prefix: "reset-password:", Mode: ba.IdentifierPlain}}}, "reset-password:abc", "reset-password:abc", []string{"reset-password:abc"}},
		{"OverrideHashed", ba.IdentifierStorage{Overrides: []ba.IdentifierOverride{{Prefix: "reset", Mode: ba.IdentifierHashed}}}, "reset-password:abc", hashed, []string{hashed, "reset-password:abc"}},
		{"FirstOverrideWins", ba.IdentifierStorage{Overrides: []ba.IdentifierOverride{{Prefix: "reset", Mode: ba.IdentifierPlain}, {Prefix: "reset-password:", Mode: ba.IdentifierHashed}}}, "reset-password:abc", "reset-password:abc", []string{"reset-password:abc"}},
		{"NoOverrideMatches", ba.IdentifierStorage{Default: ba.IdentifierHashed, Overrides: []ba.IdentifierOverride{{Prefix: "otp-", Mode: ba.IdentifierPlain}}}, "reset-password:abc", hashed, []string{hashed, "reset-password:abc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.s.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := c.s.Stored(c.identifier); got != c.stored {
				t.Errorf("Stored = %q, want %q", got, c.stored)
			}
			if got := c.s.Candidates(c.identifier); !slices.Equal(got, c.candidates) {
				t.Errorf("Candidates = %q, want %q", got, c.candidates)
			}
		})
	}
	t.Run("ErrCustomMode", func(t *testing.T) {
		if _, err := ba.ParseIdentifierMode("custom"); !errors.Is(err, ba.ErrInvalid) {
			t.Fatalf("ParseIdentifierMode(custom): %v", err)
		}
		bad := ba.IdentifierStorage{Overrides: []ba.IdentifierOverride{{Prefix: "x", Mode: "sha1"}}}
		if err := bad.Validate(); !errors.Is(err, ba.ErrInvalid) {
			t.Fatalf("Validate: %v", err)
		}
	})
}

// With secondaryStorage, Better Auth's getAuthTables has neither session nor
// verification, unless their storeInDatabase options keep them.
func TestSchemaSecondaryStorage(t *testing.T) {
	names := func(r *ba.ResolvedSchema) []string {
		var out []string
		for _, t := range r.Tables {
			out = append(out, t.Model)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		schema ba.Schema
		tables []string
	}{
		{"Default", ba.Schema{}, []string{"user", "session", "account", "verification"}},
		{"SecondaryStorage", ba.Schema{SecondaryStorage: true}, []string{"user", "account"}},
		{"StoreSessionInDatabase", ba.Schema{SecondaryStorage: true, StoreSessionInDatabase: true}, []string{"user", "session", "account"}},
		{"StoreVerificationInDatabase", ba.Schema{SecondaryStorage: true, StoreVerificationInDatabase: true}, []string{"user", "account", "verification"}},
		{"StoreInDatabaseWithoutSecondaryStorage", ba.Schema{StoreSessionInDatabase: true}, []string{"user", "session", "account", "verification"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := c.schema.Resolve()
			if err != nil {
				t.Fatal(err)
			}
			if got := names(r); !slices.Equal(got, c.tables) {
				t.Fatalf("tables %v, want %v", got, c.tables)
			}
			for _, m := range []string{ba.ModelSession, ba.ModelVerification} {
				if r.Table(m) == nil {
					t.Errorf("Table(%q) is nil: its fields still shape JSON", m)
				}
				if r.InDatabase(m) != slices.Contains(c.tables, m) {
					t.Errorf("InDatabase(%q) = %v", m, r.InDatabase(m))
				}
			}
			if r.SecondaryStorage() != c.schema.SecondaryStorage {
				t.Errorf("SecondaryStorage() = %v", r.SecondaryStorage())
			}
		})
	}
}
