package betterauth

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

// appendOutputJSON appends the object of u, or else s, with t's fields.
// The field writers are called directly (not through a func value), so
// the object under construction stays on the stack.
func appendOutputJSON(dst []byte, t *Table, u *User, s *Session) []byte {
	o := jsObject{buf: append(dst, '{'), empty: true}
	field := func(name string) {
		if u != nil {
			appendUserField(&o, u, name)
		} else {
			appendSessionField(&o, s, name)
		}
	}
	for _, f := range t.Fields {
		if f.Name == "id" || f.NotReturned {
			continue
		}
		field(f.Name)
	}
	field("id")
	return o.bytes()
}

// appendUserField writes the user's field name, typed fields without
// boxing them in an interface (this runs for every response).
func appendUserField(o *jsObject, u *User, name string) {
	switch name {
	case "id":
		o.str(name, u.ID)
	case "name":
		o.str(name, u.Name)
	case "email":
		o.str(name, u.Email)
	case "emailVerified":
		o.boolean(name, u.EmailVerified)
	case "image":
		o.optStr(name, u.Image)
	case "createdAt":
		o.date(name, u.CreatedAt)
	case "updatedAt":
		o.date(name, u.UpdatedAt)
	case "role":
		o.optStr(name, u.Role)
	case "banned":
		o.optBool(name, u.Banned)
	case "banReason":
		o.optStr(name, u.BanReason)
	case "banExpires":
		o.optDate(name, u.BanExpires)
	case "username":
		o.optStr(name, u.Username)
	case "displayUsername":
		o.optStr(name, u.DisplayUsername)
	case "twoFactorEnabled":
		o.optBool(name, u.TwoFactorEnabled)
	default:
		o.value(name, u.Fields[name])
	}
}

func appendSessionField(o *jsObject, s *Session, name string) {
	switch name {
	case "id":
		o.str(name, s.ID)
	case "token":
		o.str(name, s.Token)
	case "userId":
		o.str(name, s.UserID)
	case "expiresAt":
		o.date(name, s.ExpiresAt)
	case "createdAt":
		o.date(name, s.CreatedAt)
	case "updatedAt":
		o.date(name, s.UpdatedAt)
	case "ipAddress":
		o.optStr(name, s.IPAddress)
	case "userAgent":
		o.optStr(name, s.UserAgent)
	case "impersonatedBy":
		o.optStr(name, s.ImpersonatedBy)
	case "activeOrganizationId":
		o.optStr(name, s.ActiveOrganizationID)
	case "activeTeamId":
		o.optStr(name, s.ActiveTeamID)
	default:
		o.value(name, s.Fields[name])
	}
}
