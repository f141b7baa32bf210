package betterauth

import "github.com/betterauth-go/betterauth/internal/jsjson"

// UserJSON returns the user as Better Auth serialises it for this schema —
// the body of get-session's "user", and the exact bytes inside a compact
// cookie cache: fields in schema order with id last, every field of the
// schema present (NULL as null), returned:false fields left out, dates as
// toISOString, strings escaped as JSON.stringify escapes them.
func (r *ResolvedSchema) UserJSON(u *User) []byte {
	return r.AppendUserJSON(make([]byte, 0, 512), u)
}

// AppendUserJSON appends UserJSON(u) to dst and returns the extended
// buffer, for callers that reuse one (a server writing a response per
// request).
func (r *ResolvedSchema) AppendUserJSON(dst []byte, u *User) []byte {
	return appendOutputJSON(dst, r.Table(ModelUser), u, nil)
}

// SessionJSON returns the session as Better Auth serialises it for this
// schema (see UserJSON).
func (r *ResolvedSchema) SessionJSON(s *Session) []byte {
	return r.AppendSessionJSON(make([]byte, 0, 512), s)
}

// AppendSessionJSON appends SessionJSON(s) to dst (see AppendUserJSON).
func (r *ResolvedSchema) AppendSessionJSON(dst []byte, s *Session) []byte {
	return appendOutputJSON(dst, r.Table(ModelSession), nil, s)
}

// GetSessionJSON returns the body of Better Auth's get-session for this
// schema, {"session":…,"user":…}, byte for byte: what `betterauth serve`
// answers, and what a Go handler should write to answer as Better Auth
// does. UserJSON alone is the body of serve's GET /api/me.
func (r *ResolvedSchema) GetSessionJSON(s *Session, u *User) []byte {
	return r.AppendGetSessionJSON(make([]byte, 0, 1024), s, u)
}

// AppendGetSessionJSON appends GetSessionJSON(s, u) to dst (see
// AppendUserJSON).
func (r *ResolvedSchema) AppendGetSessionJSON(dst []byte, s *Session, u *User) []byte {
	dst = r.AppendSessionJSON(append(dst, `{"session":`...), s)
	dst = r.AppendUserJSON(append(dst, `,"user":`...), u)
	return append(dst, '}')
}

// appendOutputJSON appends the object of u, or else s, with t's fields.
// The field writers are called directly (not through a func value), so
// the object under construction stays on the stack.
func appendOutputJSON(dst []byte, t *Table, u *User, s *Session) []byte {
	o := jsjson.AppendObject(dst)
	if s != nil && u == nil && s.outputKeys != nil {
		// Read from secondaryStorage: the stored object's keys, in order.
		for _, k := range s.outputKeys {
			if f, ok := t.Field(k); !ok || !f.NotReturned {
				appendSessionField(o, s, k)
			}
		}
		return o.Bytes()
	}
	field := func(name string) {
		if u != nil {
			appendUserField(o, u, name)
		} else {
			appendSessionField(o, s, name)
		}
	}
	for _, f := range t.Fields {
		if f.Name == "id" || f.NotReturned {
			continue
		}
		field(f.Name)
	}
	field("id")
	return o.Bytes()
}

// appendUserField writes the user's field name, typed fields without
// boxing them in an interface (this runs for every response).
func appendUserField(o *jsjson.Object, u *User, name string) {
	switch name {
	case "id":
		o.String(name, u.ID)
	case "name":
		o.String(name, u.Name)
	case "email":
		o.String(name, u.Email)
	case "emailVerified":
		o.Bool(name, u.EmailVerified)
	case "image":
		o.OptString(name, u.Image)
	case "createdAt":
		o.Date(name, u.CreatedAt)
	case "updatedAt":
		o.Date(name, u.UpdatedAt)
	case "role":
		o.OptString(name, u.Role)
	case "banned":
		o.OptBool(name, u.Banned)
	case "banReason":
		o.OptString(name, u.BanReason)
	case "banExpires":
		o.OptDate(name, u.BanExpires)
	case "username":
		o.OptString(name, u.Username)
	case "displayUsername":
		o.OptString(name, u.DisplayUsername)
	case "twoFactorEnabled":
		o.OptBool(name, u.TwoFactorEnabled)
	default:
		o.Value(name, u.Fields[name])
	}
}

func appendSessionField(o *jsjson.Object, s *Session, name string) {
	switch name {
	case "id":
		o.String(name, s.ID)
	case "token":
		o.String(name, s.Token)
	case "userId":
		o.String(name, s.UserID)
	case "expiresAt":
		o.Date(name, s.ExpiresAt)
	case "createdAt":
		o.Date(name, s.CreatedAt)
	case "updatedAt":
		o.Date(name, s.UpdatedAt)
	case "ipAddress":
		o.OptString(name, s.IPAddress)
	case "userAgent":
		o.OptString(name, s.UserAgent)
	case "impersonatedBy":
		o.OptString(name, s.ImpersonatedBy)
	case "activeOrganizationId":
		o.OptString(name, s.ActiveOrganizationID)
	case "activeTeamId":
		o.OptString(name, s.ActiveTeamID)
	default:
		o.Value(name, s.Fields[name])
	}
}
