package betterauth

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
)

// MarshalJSON writes the user as Better Auth does: camelCase keys, dates as
// "YYYY-MM-DDTHH:MM:SS.mmmZ", custom fields inline. Plugin fields appear when
// set (they are nil when the plugin is not in the schema).
func (u User) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", u.ID)
	o.str("name", u.Name)
	o.str("email", u.Email)
	o.boolean("emailVerified", u.EmailVerified)
	o.optStr("image", u.Image)
	o.date("createdAt", u.CreatedAt)
	o.date("updatedAt", u.UpdatedAt)
	if u.Role != nil {
		o.str("role", *u.Role)
	}
	if u.Banned != nil {
		o.boolean("banned", *u.Banned)
	}
	if u.BanReason != nil {
		o.str("banReason", *u.BanReason)
	}
	if u.BanExpires != nil {
		o.date("banExpires", *u.BanExpires)
	}
	if u.Username != nil {
		o.str("username", *u.Username)
	}
	if u.DisplayUsername != nil {
		o.str("displayUsername", *u.DisplayUsername)
	}
	if u.TwoFactorEnabled != nil {
		o.boolean("twoFactorEnabled", *u.TwoFactorEnabled)
	}
	writeFields(o, u.Fields, builtinFieldNames[ModelUser])
	return o.bytes(), nil
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
	o := newJSObject()
	o.str("id", s.ID)
	o.str("token", s.Token)
	o.str("userId", s.UserID)
	o.date("expiresAt", s.ExpiresAt)
	o.date("createdAt", s.CreatedAt)
	o.date("updatedAt", s.UpdatedAt)
	o.optStr("ipAddress", s.IPAddress)
	o.optStr("userAgent", s.UserAgent)
	if s.ImpersonatedBy != nil {
		o.str("impersonatedBy", *s.ImpersonatedBy)
	}
	if s.ActiveOrganizationID != nil {
		o.str("activeOrganizationId", *s.ActiveOrganizationID)
	}
	if s.ActiveTeamID != nil {
		o.str("activeTeamId", *s.ActiveTeamID)
	}
	writeFields(o, s.Fields, builtinFieldNames[ModelSession])
	return o.bytes(), nil
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

func writeFields(o *jsObject, f Fields, builtin map[string]bool) {
	for _, k := range sortedKeys(f) {
		if !builtin[k] {
			o.value(k, f[k])
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
	return appendJSString(nil, FormatTime(time.Time(t))), nil
}

// MarshalJSON writes the verification row as Better Auth does (dates as
// toISOString).
func (v Verification) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", v.ID)
	o.str("identifier", v.Identifier)
	o.str("value", v.Value)
	o.date("expiresAt", v.ExpiresAt)
	o.date("createdAt", v.CreatedAt)
	o.date("updatedAt", v.UpdatedAt)
	return o.bytes(), nil
}

// MarshalJSON writes the account without its tokens and password hash
// (Better Auth's returned:false fields).
func (a Account) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", a.ID)
	o.str("accountId", a.AccountID)
	o.str("providerId", a.ProviderID)
	o.str("userId", a.UserID)
	o.optStr("scope", a.Scope)
	o.date("createdAt", a.CreatedAt)
	o.date("updatedAt", a.UpdatedAt)
	return o.bytes(), nil
}

// MarshalJSON writes the organization as Better Auth does.
func (g Organization) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", g.ID)
	o.str("name", g.Name)
	o.str("slug", g.Slug)
	o.optStr("logo", g.Logo)
	o.date("createdAt", g.CreatedAt)
	o.optStr("metadata", g.Metadata)
	return o.bytes(), nil
}

// MarshalJSON writes the member as Better Auth does.
func (m Member) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", m.ID)
	o.str("organizationId", m.OrganizationID)
	o.str("userId", m.UserID)
	o.str("role", m.Role)
	o.date("createdAt", m.CreatedAt)
	return o.bytes(), nil
}

// MarshalJSON writes the invitation as Better Auth does.
func (i Invitation) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", i.ID)
	o.str("organizationId", i.OrganizationID)
	o.str("email", i.Email)
	o.optStr("role", i.Role)
	if i.TeamID != nil {
		o.str("teamId", *i.TeamID)
	}
	o.str("status", i.Status)
	o.date("expiresAt", i.ExpiresAt)
	o.date("createdAt", i.CreatedAt)
	o.str("inviterId", i.InviterID)
	return o.bytes(), nil
}

// MarshalJSON writes the jwks row without its private key.
func (j JWK) MarshalJSON() ([]byte, error) {
	o := newJSObject()
	o.str("id", j.ID)
	o.str("publicKey", j.PublicKey)
	o.date("createdAt", j.CreatedAt)
	o.optDate("expiresAt", j.ExpiresAt)
	o.optStr("alg", j.Alg)
	o.optStr("crv", j.Crv)
	return o.bytes(), nil
}
