package betterauth

// UserJSON returns the user as Better Auth serialises it for this schema —
// the body of get-session's "user", and the exact bytes inside a compact
// cookie cache: fields in schema order with id last, every field of the
// schema present (NULL as null), returned:false fields left out, dates as
// toISOString, strings escaped as JSON.stringify escapes them.
func (r *ResolvedSchema) UserJSON(u *User) []byte {
	return outputJSON(r.Table(ModelUser), func(name string) any { return userFieldValue(u, name) })
}

// SessionJSON returns the session as Better Auth serialises it for this
// schema (see UserJSON).
func (r *ResolvedSchema) SessionJSON(s *Session) []byte {
	return outputJSON(r.Table(ModelSession), func(name string) any { return sessionFieldValue(s, name) })
}

func outputJSON(t *Table, value func(name string) any) []byte {
	o := newJSObject()
	for _, f := range t.Fields {
		if f.Name == "id" || f.NotReturned {
			continue
		}
		o.value(f.Name, value(f.Name))
	}
	o.value("id", value("id"))
	return o.bytes()
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func userFieldValue(u *User, name string) any {
	switch name {
	case "id":
		return u.ID
	case "name":
		return u.Name
	case "email":
		return u.Email
	case "emailVerified":
		return u.EmailVerified
	case "image":
		return deref(u.Image)
	case "createdAt":
		return u.CreatedAt
	case "updatedAt":
		return u.UpdatedAt
	case "role":
		return deref(u.Role)
	case "banned":
		return deref(u.Banned)
	case "banReason":
		return deref(u.BanReason)
	case "banExpires":
		return deref(u.BanExpires)
	case "username":
		return deref(u.Username)
	case "displayUsername":
		return deref(u.DisplayUsername)
	case "twoFactorEnabled":
		return deref(u.TwoFactorEnabled)
	}
	return u.Fields[name]
}

func sessionFieldValue(s *Session, name string) any {
	switch name {
	case "id":
		return s.ID
	case "token":
		return s.Token
	case "userId":
		return s.UserID
	case "expiresAt":
		return s.ExpiresAt
	case "createdAt":
		return s.CreatedAt
	case "updatedAt":
		return s.UpdatedAt
	case "ipAddress":
		return deref(s.IPAddress)
	case "userAgent":
		return deref(s.UserAgent)
	case "impersonatedBy":
		return deref(s.ImpersonatedBy)
	case "activeOrganizationId":
		return deref(s.ActiveOrganizationID)
	case "activeTeamId":
		return deref(s.ActiveTeamID)
	}
	return s.Fields[name]
}
