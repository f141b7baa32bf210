package redis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
	"github.com/betterauth-go/betterauth/internal/sessionorder"
)

// jsonObject is a JSON object kept as its members in their original order,
// with every value as the raw text it was read from. Rewriting one member
// (the user of a session entry, or its expiresAt) then leaves everything else
// byte for byte as Better Auth wrote it, including fields this package does
// not know, which is what Better Auth's own object spread does.
type jsonObject []jsonMember

type jsonMember struct {
	key   string
	value json.RawMessage
}

var errNotObject = errors.New("not a JSON object")

// parseJSONObject reads b, which must be exactly one JSON object.
func parseJSONObject(b []byte) (jsonObject, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	var o jsonObject
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errNotObject
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		o.set(key, raw)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return o, nil
}

// get returns the value of key, or nil.
func (o jsonObject) get(key string) json.RawMessage {
	for _, m := range o {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// set replaces the value of key in place, or appends it. A repeated key
// keeps its first position and its last value, as JSON.parse does.
func (o *jsonObject) set(key string, value json.RawMessage) {
	for i := range *o {
		if (*o)[i].key == key {
			(*o)[i].value = value
			return
		}
	}
	*o = append(*o, jsonMember{key, value})
}

func (o jsonObject) bytes() []byte {
	b := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsjson.AppendString(b, m.key)
		b = append(b, ':')
		b = append(b, m.value...)
	}
	return append(b, '}')
}

// jsonDate is t as JSON.stringify writes a Date.
func jsonDate(t time.Time) json.RawMessage { return jsjson.AppendDate(nil, t) }

// entry is a decoded `<token>` value: {"session":{…},"user":{…}}.
type entry struct {
	raw        jsonObject // the whole value, for rewriting one member
	rawSession jsonObject
	session    ba.Session
	user       ba.User
}

// decodeEntry parses a session entry. Both members must be objects and the
// session must name its user (the revocation marker is per user).
func decodeEntry(b []byte) (*entry, error) {
	top, err := parseJSONObject(b)
	if err != nil {
		return nil, fmt.Errorf("not a JSON object: %s", errtext.JSON(err))
	}
	e := &entry{raw: top}
	rawSession := top.get("session")
	if !isObject(rawSession) {
		return nil, errors.New(`"session" is missing or not an object`)
	}
	if e.rawSession, err = parseJSONObject(rawSession); err != nil {
		return nil, fmt.Errorf("session: %s", errtext.JSON(err))
	}
	if err := json.Unmarshal(rawSession, &e.session); err != nil {
		return nil, fmt.Errorf("session: %s", errtext.JSON(err))
	}
	if e.session.UserID == "" {
		return nil, errors.New("session has no userId")
	}
	// Better Auth answers this session with the stored object's keys.
	keys := make([]string, len(e.rawSession))
	for i, m := range e.rawSession {
		keys[i] = m.key
	}
	sessionorder.Set(&e.session, keys)
	rawUser := top.get("user")
	if !isObject(rawUser) {
		return nil, errors.New(`"user" is missing or not an object`)
	}
	if err := json.Unmarshal(rawUser, &e.user); err != nil {
		return nil, fmt.Errorf("user: %s", errtext.JSON(err))
	}
	return e, nil
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// encodeEntry writes a new entry as Better Auth's createSession does with
// secondary storage: {"session":…,"user":…}, the session's fields in the
// order createSession builds them (id, ipAddress, userAgent, any other field
// set, then expiresAt, userId, token, createdAt, updatedAt) and the user as
// the database adapter returns it (schema.UserJSON: schema order, id last).
// For a default configuration the bytes equal Better Auth's.
func encodeEntry(sess *ba.Session, user *ba.User, schema *ba.ResolvedSchema) ([]byte, error) {
	sb, err := sess.MarshalJSON()
	if err != nil {
		return nil, err
	}
	fields, err := parseJSONObject(sb)
	if err != nil {
		return nil, err
	}
	head := []string{"id", "ipAddress", "userAgent"}
	tail := []string{"expiresAt", "userId", "token", "createdAt", "updatedAt"}
	var ordered jsonObject
	for _, k := range head {
		if v := fields.get(k); v != nil {
			ordered.set(k, v)
		}
	}
	for _, m := range fields {
		if !slices.Contains(head, m.key) && !slices.Contains(tail, m.key) {
			ordered.set(m.key, m.value)
		}
	}
	for _, k := range tail {
		if v := fields.get(k); v != nil {
			ordered.set(k, v)
		}
	}
	o := jsonObject{{"session", ordered.bytes()}, {"user", schema.UserJSON(user)}}
	return o.bytes(), nil
}

// sessionRef is one element of active-sessions-<userId>.
type sessionRef struct {
	Token string
	// ExpiresAt is epoch milliseconds, a JSON number.
	ExpiresAt float64
}

// decodeRefs parses an active-sessions list. Elements that are not
// {token: string, expiresAt: number} make the whole list malformed.
func decodeRefs(b []byte) ([]sessionRef, error) {
	var raw []struct {
		Token     *string  `json:"token"`
		ExpiresAt *float64 `json:"expiresAt"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON array of {token, expiresAt}: %s", errtext.JSON(err))
	}
	refs := make([]sessionRef, 0, len(raw))
	for i, r := range raw {
		if r.Token == nil || r.ExpiresAt == nil {
			return nil, fmt.Errorf("element %d lacks token or expiresAt", i)
		}
		refs = append(refs, sessionRef{Token: *r.Token, ExpiresAt: *r.ExpiresAt})
	}
	return refs, nil
}

// encodeRefs writes the list as JSON.stringify does: [{"token":…,"expiresAt":…}].
func encodeRefs(refs []sessionRef) []byte {
	b := []byte{'['}
	for i, r := range refs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"token":`...)
		b = jsjson.AppendString(b, r.Token)
		b = append(b, `,"expiresAt":`...)
		b = append(b, formatMarker(r.ExpiresAt)...)
		b = append(b, '}')
	}
	return append(b, ']')
}

// normalizeRefs is Better Auth's setActiveSessionReferences input rule:
// drop references that have expired at now, sort by expiresAt ascending
// (stable, like Array.prototype.sort), and return the TTL of the list in
// seconds: until the latest expiry. A zero TTL means the key is deleted.
func normalizeRefs(refs []sessionRef, now time.Time) ([]sessionRef, int64) {
	nowMs := float64(now.UnixMilli())
	out := make([]sessionRef, 0, len(refs))
	for _, r := range refs {
		if r.ExpiresAt > nowMs {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b sessionRef) int {
		switch {
		case a.ExpiresAt < b.ExpiresAt:
			return -1
		case a.ExpiresAt > b.ExpiresAt:
			return 1
		}
		return 0
	})
	if len(out) == 0 {
		return out, 0
	}
	last := out[len(out)-1].ExpiresAt
	return out, int64(math.Floor((last - nowMs) / 1000))
}

// withoutToken returns refs minus every reference to token.
func withoutToken(refs []sessionRef, token string) []sessionRef {
	return slices.DeleteFunc(slices.Clone(refs), func(r sessionRef) bool { return r.Token == token })
}
