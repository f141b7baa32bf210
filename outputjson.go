package betterauth

// UserJSON returns the user as Better Auth serialises it for this schema —
// the body of get-session's "user", and the exact bytes inside a compact
// cookie cache: fields in schema order with id last, every field of the
// schema present (NULL as null), returned:false fields left out, dates as
// toISOString, strings escaped as JSON.stringify escapes them.
func (r *ResolvedSchema) UserJSON(u *User) []byte {
	return outputJSON(r.Table(ModelUser), func(o *jsObject, name string) { appendUserField(o, u, name) })
}

// SessionJSON returns the session as Better Auth serialises it for this
// schema (see UserJSON).
func (r *ResolvedSchema) SessionJSON(s *Session) []byte {
	return outputJSON(r.Table(ModelSession), func(o *jsObject, name string) { appendSessionField(o, s, name) })
}

func outputJSON(t *Table, field func(o *jsObject, name string)) []byte {
	o := newJSObject()
	for _, f := range t.Fields {
		if f.Name == "id" || f.NotReturned {
			continue
		}
		field(o, f.Name)
	}
	field(o, "id")
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
