package betterauth

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

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

// MarshalJSON writes the session as Better Auth does (see User.MarshalJSON).
func (s Session) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", s.ID)
	o.String("token", s.Token)
	o.String("userId", s.UserID)
	o.Date("expiresAt", s.ExpiresAt)
	o.Date("createdAt", s.CreatedAt)
	o.Date("updatedAt", s.UpdatedAt)
	o.OptString("ipAddress", s.IPAddress)
	o.OptString("userAgent", s.UserAgent)
	if s.ImpersonatedBy != nil {
		o.String("impersonatedBy", *s.ImpersonatedBy)
	}
	if s.ActiveOrganizationID != nil {
		o.String("activeOrganizationId", *s.ActiveOrganizationID)
	}
	if s.ActiveTeamID != nil {
		o.String("activeTeamId", *s.ActiveTeamID)
	}
	writeFields(o, s.Fields, builtinFieldNames[ModelSession])
	return o.Bytes(), nil
}

// UnmarshalJSON reads a session as Better Auth sends it.
func (s *Session) UnmarshalJSON(b []byte) error {
	type plain Session
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	extra, err := extraFields(b, builtinFieldNames[ModelSession])
	if err != nil {
		return err
	}
	p.Fields = extra
	*s = Session(p)
	return nil
}

func writeFields(o *jsjson.Object, f Fields, builtin map[string]bool) {
	for _, k := range sortedKeys(f) {
		if !builtin[k] {
			o.Value(k, f[k])
		}
	}
}

func extraFields(b []byte, builtin map[string]bool) (Fields, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	var out Fields
	for k, raw := range all {
		if builtin[k] {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			// Neither the key nor the decoder's text whole: both come from
			// the decoded JSON, which can be long or hold a token.
			return nil, fmt.Errorf("field %s: %s", errtext.Quote(k), errtext.JSON(err))
		}
		if v == nil {
			continue
		}
		if out == nil {
			out = Fields{}
		}
		out[k] = v
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// jsonTime is a time that marshals as JavaScript's toISOString.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	return jsjson.AppendDate(nil, time.Time(t)), nil
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

// MarshalJSON writes the invitation as Better Auth does.
func (i Invitation) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", i.ID)
	o.String("organizationId", i.OrganizationID)
	o.String("email", i.Email)
	o.OptString("role", i.Role)
	if i.TeamID != nil {
		o.String("teamId", *i.TeamID)
	}
	o.String("status", i.Status)
	o.Date("expiresAt", i.ExpiresAt)
	o.Date("createdAt", i.CreatedAt)
	o.String("inviterId", i.InviterID)
	return o.Bytes(), nil
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
