package server

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// The admin plugin's other refusals of the user routes.
var (
	errAdminUserExists    = newError(400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email.")
	errAdminBanSelf       = newError(400, "YOU_CANNOT_BAN_YOURSELF", "You cannot ban yourself")
	errAdminInvalidRole   = newError(400, "INVALID_ROLE_TYPE", "Invalid role type")
	errAdminNoData        = newError(400, "NO_DATA_TO_UPDATE", "No data to update")
	errAdminPasswordField = newError(400, "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER", "Password cannot be updated through update-user. Use the set-user-password endpoint instead")
	errAdminIDField       = newError(400, "USER_ID_CANNOT_BE_UPDATED", "User id cannot be updated")
	errUserNotFound       = newError(404, "USER_NOT_FOUND", "User not found")
)

// adminUserRoutes registers the admin plugin's user routes at Better Auth's
// paths (/api/auth/admin/list-users, get-user, create-user, update-user,
// set-role, set-user-password, ban-user, unban-user).
func (s *Server) adminUserRoutes(auth func(string, handlerFunc)) {
	auth("GET /api/auth/admin/list-users", s.adminListUsersRoute)
	auth("GET /api/auth/admin/get-user", s.adminGetUser)
	auth("POST /api/auth/admin/create-user", s.adminCreateUser)
	auth("POST /api/auth/admin/update-user", s.adminUpdateUser)
	auth("POST /api/auth/admin/set-role", s.adminSetRoleRoute)
	auth("POST /api/auth/admin/set-user-password", s.adminSetUserPassword)
	auth("POST /api/auth/admin/ban-user", s.adminBanUserRoute)
	auth("POST /api/auth/admin/unban-user", s.adminUnbanUserRoute)
}

// coerceStr reads a required z.coerce.string() member: String(value) in
// JavaScript (null is "null", [1,2] is "1,2").
func (b *body) coerceStr(field string) string {
	raw, ok := b.m[field]
	if !ok {
		b.issue(field, "Invalid input: expected nonoptional, received undefined")
		return ""
	}
	return jsStringOf(raw)
}

func jsStringOf(raw json.RawMessage) string {
	switch jsType(raw) {
	case "undefined":
		return "undefined"
	case "null":
		return "null"
	case "string":
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	case "boolean":
		return string(raw)
	case "number":
		var f float64
		if json.Unmarshal(raw, &f) != nil {
			return "Infinity"
		}
		return jsNumberString(f)
	case "array":
		var list []json.RawMessage
		_ = json.Unmarshal(raw, &list)
		parts := make([]string, len(list))
		for i, e := range list {
			if t := jsType(e); t != "null" && t != "undefined" {
				parts[i] = jsStringOf(e)
			}
		}
		return strings.Join(parts, ",")
	}
	return "[object Object]"
}

// jsNumberString is String(n) for the numbers a JSON body can hold.
func jsNumberString(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		if exp[0] == '+' {
			return mant + "e+" + strings.TrimLeft(exp[1:], "0")
		}
		return mant + "e-" + strings.TrimLeft(exp[1:], "0")
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// roles reads z.union([z.string(), z.array(z.string())]) (optional when
// optional is set): the roles, and whether the member was present.
func (b *body) roles(field string, optional bool) ([]string, bool) {
	raw, ok := b.m[field]
	if !ok && optional {
		return nil, false
	}
	switch jsType(raw) {
	case "string":
		var s string
		_ = json.Unmarshal(raw, &s)
		return []string{s}, true
	case "array":
		var list []json.RawMessage
		_ = json.Unmarshal(raw, &list)
		out := make([]string, 0, len(list))
		good := true
		for _, e := range list {
			var s string
			if jsType(e) != "string" || json.Unmarshal(e, &s) != nil {
				good = false
				break
			}
			out = append(out, s)
		}
		if good {
			return out, true
		}
	}
	b.issue(field, "Invalid input")
	return nil, false
}

// checkRoles is the routes' test of the roles about to be written: each a
// string (INVALID_ROLE_TYPE) and, with custom roles configured, one of
// them (YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE).
func (s *Server) checkRoles(raw json.RawMessage) (string, error) {
	var list []json.RawMessage
	if jsType(raw) == "array" {
		_ = json.Unmarshal(raw, &list)
	} else {
		list = []json.RawMessage{raw}
	}
	names := make([]string, len(list))
	for i, e := range list {
		if jsType(e) != "string" || json.Unmarshal(e, &names[i]) != nil {
			return "", errAdminInvalidRole
		}
		if err := s.roleExists(names[i]); err != nil {
			return "", err
		}
	}
	return strings.Join(names, ","), nil
}

func (s *Server) roleExists(role string) error {
	if s.cfg.Admin.Roles != nil {
		if _, ok := s.cfg.Admin.Roles[role]; !ok {
			return errAdminNonExistentRole
		}
	}
	return nil
}

// adminTarget finds the user a route names (404 USER_NOT_FOUND).
func (s *Server) adminTarget(r *http.Request, id string) (*ba.User, error) {
	u, err := s.store.GetUser(r.Context(), id)
	if errors.Is(err, ba.ErrNotFound) {
		return nil, errUserNotFound
	}
	return u, err
}

func (s *Server) writeUserObject(w http.ResponseWriter, u *ba.User) {
	writeJSON(w, 200, jsonObject("user", json.RawMessage(s.schema.UserJSON(u))))
}

// adminListUsersRoute is GET /admin/list-users.
func (s *Server) adminListUsersRoute(w http.ResponseWriter, r *http.Request) error {
	q, limit, offset, err := s.listUsersQuery(r)
	if err != nil {
		return err
	}
	res, err := s.adminGate(w, r, "user", "list", errAdminListUsers)
	if err != nil {
		return err
	}
	_ = res
	users, total, err := s.store.FindUsers(r.Context(), q)
	if errors.Is(err, ba.ErrUnavailable) {
		return err
	}
	if err != nil {
		// Better Auth answers any failure of its queries (an unknown
		// field, a value the column refuses) with an empty page.
		writeJSON(w, 200, json.RawMessage(`{"users":[],"total":0}`))
		return nil
	}
	list := append(make([]byte, 0, 512*len(users)+2), '[')
	for i := range users {
		if i > 0 {
			list = append(list, ',')
		}
		list = s.schema.AppendUserJSON(list, &users[i])
	}
	kv := []any{"users", json.RawMessage(append(list, ']')), "total", json.RawMessage(strconv.FormatInt(total, 10))}
	if limit != nil {
		kv = append(kv, "limit", json.RawMessage(jsNumberString(*limit)))
	}
	if offset != nil {
		kv = append(kv, "offset", json.RawMessage(jsNumberString(*offset)))
	}
	writeJSON(w, 200, jsonObject(kv...))
	return nil
}

var whereOperators = []string{"eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "starts_with", "ends_with"}

// listUsersQuery validates list-users' query as its zod schema does and
// builds the adapter's where clause: the search (when searchValue is not
// empty) and the filter (when filterValue is given, even empty).
func (s *Server) listUsersQuery(r *http.Request) (q sqlstore.UserFind, limit, offset *float64, err error) {
	var msgs []string
	str := func(name string) (string, bool) {
		v := queryValues(r, name)
		if len(v) > 1 {
			msgs = append(msgs, "[query."+name+"] Invalid input: expected string, received array")
		}
		if len(v) != 1 {
			return "", false
		}
		return v[0], true
	}
	enum := func(name string, options ...string) (string, bool) {
		v := queryValues(r, name)
		if len(v) == 0 {
			return "", false
		}
		if len(v) == 1 {
			for _, o := range options {
				if v[0] == o {
					return o, true
				}
			}
		}
		msgs = append(msgs, "[query."+name+"] Invalid option: expected one of "+quoteOptions(options))
		return "", false
	}
	union := func(name string) (string, bool) {
		v := queryValues(r, name)
		if len(v) > 1 {
			msgs = append(msgs, "[query."+name+"] Invalid input")
		}
		if len(v) != 1 {
			return "", false
		}
		return v[0], true
	}
	searchValue, _ := str("searchValue")
	searchField, hasField := enum("searchField", "email", "name")
	searchOperator, hasOp := enum("searchOperator", "contains", "starts_with", "ends_with")
	limitStr, hasLimit := union("limit")
	offsetStr, hasOffset := union("offset")
	sortBy, _ := str("sortBy")
	sortDirection, _ := enum("sortDirection", "asc", "desc")
	filterField, _ := str("filterField")
	filterValues := queryValues(r, "filterValue")
	filterOperator, hasFilterOp := enum("filterOperator", whereOperators...)
	if len(msgs) > 0 {
		return q, nil, nil, validationError(strings.Join(msgs, "; "), nil)
	}
	if searchValue != "" {
		if !hasField {
			searchField = "email"
		}
		if !hasOp {
			searchOperator = "contains"
		}
		q.Where = append(q.Where, sqlstore.UserFilter{Field: searchField, Operator: searchOperator, Value: searchValue})
	}
	if len(filterValues) > 0 {
		if filterField == "" {
			filterField = "email"
		}
		if !hasFilterOp {
			filterOperator = "eq"
		}
		var v any = filterValues[0]
		if len(filterValues) > 1 {
			v = filterValues
		}
		q.Where = append(q.Where, sqlstore.UserFilter{Field: filterField, Operator: filterOperator, Value: v})
	}
	// Number(query.limit) || undefined: NaN and 0 are no limit.
	page := func(s string, has bool) *float64 {
		if !has {
			return nil
		}
		n, ok := sqlstore.JSNumber(s)
		if !ok || n == 0 {
			return nil
		}
		return &n
	}
	q.Limit, q.Offset = page(limitStr, hasLimit), page(offsetStr, hasOffset)
	q.SortBy, q.SortDesc = sortBy, sortDirection == "desc"
	return q, q.Limit, q.Offset, nil
}

func quoteOptions(options []string) string {
	parts := make([]string, len(options))
	for i, o := range options {
		parts[i] = strconv.Quote(o)
	}
	return strings.Join(parts, "|")
}

// adminGetUser is GET /admin/get-user?id=: the user itself, not wrapped.
func (s *Server) adminGetUser(w http.ResponseWriter, r *http.Request) error {
	ids := queryValues(r, "id")
	if err := queryStringError("id", ids, false); err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "user", "get", errAdminGetUser); err != nil {
		return err
	}
	u, err := s.adminTarget(r, ids[0])
	if err != nil {
		return err
	}
	writeJSON(w, 200, json.RawMessage(s.schema.UserJSON(u)))
	return nil
}

// adminData is the part of a create-user or update-user data record that
// names the user table's fields; other keys are dropped, as Better Auth's
// adapter drops them.
type adminData struct {
	up     ba.UserUpdate
	fields ba.Fields
}

// readAdminData reads the data record's fields of the user table. Better
// Auth hands any value to the database; here each must have its field's
// JSON type (a VALIDATION_ERROR naming it otherwise).
func (s *Server) readAdminData(data map[string]json.RawMessage) (adminData, error) {
	var d adminData
	b := &body{kind: "object", m: data}
	d.up.Name = b.optStr("name")
	if v, set := b.nullableStr("image"); set {
		d.up.Image = ba.Nullable[string]{Set: true, Value: v}
	}
	d.up.EmailVerified = b.optBool("emailVerified")
	if s.schema.Table(ba.ModelUser).Has("banned") {
		d.up.Banned = b.optBool("banned")
		if v, set := b.nullableStr("banReason"); set {
			d.up.BanReason = ba.Nullable[string]{Set: true, Value: v}
		}
		if raw, ok := data["banExpires"]; ok {
			switch jsType(raw) {
			case "null":
				d.up.BanExpires = ba.Null[time.Time]()
			case "string":
				var str string
				_ = json.Unmarshal(raw, &str)
				t, err := ba.ParseTime(str)
				if err != nil {
					b.issue("banExpires", "Invalid input: expected date, received string")
				} else {
					d.up.BanExpires = ba.Value(t)
				}
			default:
				b.fail("banExpires", "date", raw)
			}
		}
	}
	if s.schema.HasPlugin(ba.PluginUsername) {
		if v, set := b.nullableStr("username"); set {
			d.up.Username = ba.Nullable[string]{Set: true, Value: v}
		}
		if v, set := b.nullableStr("displayUsername"); set {
			d.up.DisplayUsername = ba.Nullable[string]{Set: true, Value: v}
		}
	}
	for _, f := range s.schema.Table(ba.ModelUser).Additional() {
		raw, ok := data[f.Name]
		if !ok {
			continue
		}
		var v any
		if jsType(raw) != "null" {
			_ = json.Unmarshal(raw, &v)
		}
		nv, err := ba.NormalizeFieldValue(f.Type, v)
		if err != nil {
			b.fail(f.Name, string(f.Type), raw)
			continue
		}
		if d.fields == nil {
			d.fields = ba.Fields{}
		}
		d.fields[f.Name] = nv
	}
	return d, b.err()
}

// adminCreateUser is POST /admin/create-user. Without a session Better
// Auth answers 401 to an HTTP request; with one, the admin needs
// user:create, and user:set-role for a role, user:ban for ban fields.
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	email, password, name := b.str("email"), b.optStr("password"), b.str("name")
	_, _ = b.roles("role", true)
	var data map[string]json.RawMessage
	if raw, ok := b.m["data"]; ok {
		if jsType(raw) != "object" || json.Unmarshal(raw, &data) != nil {
			b.fail("data", "record", raw)
		}
	}
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.adminSession(w, r)
	if err != nil {
		return err
	}
	if !s.adminCan(res, "user", "create") {
		return errAdminCreateUsers
	}
	role, hasRole := b.m["role"]
	if dataRole, ok := data["role"]; ok && !hasRole {
		role, hasRole = dataRole, true
	}
	delete(data, "role")
	roleValue := ""
	if hasRole {
		if !s.adminCan(res, "user", "set-role") {
			return errAdminChangeRole
		}
		if roleValue, err = s.checkRoles(role); err != nil {
			return err
		}
	}
	for _, k := range []string{"banned", "banReason", "banExpires"} {
		if _, ok := data[k]; ok {
			if !s.adminCan(res, "user", "ban") {
				return errAdminBanUsers
			}
			break
		}
	}
	email = strings.ToLower(email)
	if !zodEmail.MatchString(email) {
		return errInvalidEmail
	}
	if password != nil && *password != "" && ba.PasswordLength(*password) > s.cfg.MaxPasswordLength {
		return errPasswordTooLong
	}
	d, err := s.readAdminData(data)
	if err != nil {
		return err
	}
	if _, err := s.store.GetUserByEmail(r.Context(), email); err == nil {
		return errAdminUserExists
	} else if !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	user := ba.NewUser(ba.UserCreate{Name: name, Email: email, Fields: d.fields}, s.now())
	if !hasRole {
		roleValue = s.cfg.Admin.DefaultRole
		if roleValue == "" {
			roleValue = "user"
		}
	}
	user.Role = &roleValue
	applyCreateData(user, d.up)
	if password != nil && *password != "" {
		hash, err := s.hashPassword(r.Context(), *password)
		if err != nil {
			return err
		}
		_, err = s.store.CreateUserWithPassword(r.Context(), user, hash)
		if errors.Is(err, ba.ErrDuplicate) {
			return errAdminUserExists
		}
		if err != nil {
			return err
		}
	} else if err := s.store.CreateUser(r.Context(), user); errors.Is(err, ba.ErrDuplicate) {
		return errAdminUserExists
	} else if err != nil {
		return err
	}
	s.writeUserObject(w, user)
	return nil
}

// applyCreateData sets the built-in fields of a create-user data record.
func applyCreateData(u *ba.User, up ba.UserUpdate) {
	if up.Image.Set {
		u.Image = up.Image.Value
	}
	if up.EmailVerified != nil {
		u.EmailVerified = *up.EmailVerified
	}
	if up.Banned != nil {
		u.Banned = up.Banned
	}
	if up.BanReason.Set {
		u.BanReason = up.BanReason.Value
	}
	if up.BanExpires.Set && up.BanExpires.Value != nil {
		t := ba.Truncate(*up.BanExpires.Value)
		u.BanExpires = &t
	}
	if up.Username.Set {
		u.Username = up.Username.Value
	}
	if up.DisplayUsername.Set {
		u.DisplayUsername = up.DisplayUsername.Value
	}
}

// adminUpdateUser is POST /admin/update-user: the updated user, not
// wrapped; a ban in the data ends the user's sessions.
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	userID := b.coerceStr("userId")
	var data map[string]json.RawMessage
	if raw := b.m["data"]; jsType(raw) != "object" || json.Unmarshal(raw, &data) != nil {
		b.fail("data", "record", raw)
	}
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.adminGate(w, r, "user", "update", errAdminUpdateUsers)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return errAdminNoData
	}
	has := func(k string) bool { _, ok := data[k]; return ok }
	if has("password") {
		return errAdminPasswordField
	}
	if has("id") {
		return errAdminIDField
	}
	var role *string
	if has("role") {
		if !s.adminCan(res, "user", "set-role") {
			return errAdminChangeRole
		}
		v, err := s.checkRoles(data["role"])
		if err != nil {
			return err
		}
		role = &v
	}
	banning := jsType(data["banned"]) == "boolean" && string(data["banned"]) == "true"
	if has("banned") || has("banReason") || has("banExpires") {
		if !s.adminCan(res, "user", "ban") {
			return errAdminBanUsers
		}
		if banning && userID == res.User.ID {
			return errAdminBanSelf
		}
	}
	var email *string
	if has("email") || has("emailVerified") {
		if !s.adminCan(res, "user", "set-email") {
			return errAdminSetEmail
		}
		if has("email") {
			e := strings.ToLower(jsStringOf(data["email"]))
			if !zodEmail.MatchString(e) {
				return errInvalidEmail
			}
			other, err := s.store.GetUserByEmail(r.Context(), e)
			if err == nil && other.ID != userID {
				return errAdminUserExists
			} else if err != nil && !errors.Is(err, ba.ErrNotFound) {
				return err
			}
			email = &e
		}
	}
	if has("phoneNumber") || has("phoneNumberVerified") {
		if !s.adminCan(res, "user", "set-phone") {
			return errAdminSetPhone
		}
	}
	delete(data, "email")
	delete(data, "role")
	d, err := s.readAdminData(data)
	if err != nil {
		return err
	}
	d.up.Email = email
	if role != nil {
		d.up.Role = ba.Value(*role)
	}
	d.up.Fields = d.fields
	if _, err := s.adminTarget(r, userID); err != nil {
		return err
	}
	var user *ba.User
	err = s.userTx(r.Context(), userID, func(store *sqlstore.Store, sessions SessionBackend) error {
		var err error
		if user, err = store.UpdateUser(r.Context(), userID, d.up); err != nil {
			return err
		}
		if banning {
			_, err = sessions.RevokeUserSessions(r.Context(), userID)
			return err
		}
		return sessions.UserChanged(r.Context(), user)
	})
	if errors.Is(err, ba.ErrDuplicate) {
		return errAdminUserExists
	}
	if err != nil {
		return err
	}
	writeJSON(w, 200, json.RawMessage(s.schema.UserJSON(user)))
	return nil
}

// adminSetRoleRoute is POST /admin/set-role.
func (s *Server) adminSetRoleRoute(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	userID := b.coerceStr("userId")
	roles, _ := b.roles("role", false)
	if err := b.err(); err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "user", "set-role", errAdminChangeRole); err != nil {
		return err
	}
	for _, role := range roles {
		if err := s.roleExists(role); err != nil {
			return err
		}
	}
	return s.adminSetRole(w, r, userID, strings.Join(roles, ","))
}

// adminSetRole writes a checked role and answers {user}; the app API's
// POST /api/admin/users/{id}/role shares it.
func (s *Server) adminSetRole(w http.ResponseWriter, r *http.Request, userID, role string) error {
	if _, err := s.adminTarget(r, userID); err != nil {
		return err
	}
	user, err := s.store.UpdateUser(r.Context(), userID, ba.UserUpdate{Role: ba.Value(role)})
	if err != nil {
		return err
	}
	if err := s.sessions.UserChanged(r.Context(), user); err != nil {
		return err
	}
	s.writeUserObject(w, user)
	return nil
}

// adminSetUserPassword is POST /admin/set-user-password: the credential
// account's password, or a new credential account.
func (s *Server) adminSetUserPassword(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	newPassword := b.str("newPassword")
	if raw := b.m["newPassword"]; jsType(raw) == "string" && newPassword == "" {
		b.issue("newPassword", "newPassword cannot be empty")
	}
	userID := b.coerceStr("userId")
	if userID == "" {
		b.issue("userId", "userId cannot be empty")
	}
	if err := b.err(); err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "user", "set-password", errAdminSetPassword); err != nil {
		return err
	}
	if err := s.checkPasswordLength(newPassword); err != nil {
		return err
	}
	if _, err := s.adminTarget(r, userID); err != nil {
		return err
	}
	hash, err := s.hashPassword(r.Context(), newPassword)
	if err != nil {
		return err
	}
	err = s.store.WithTx(r.Context(), func(tx *sqlstore.Store) error {
		acct, err := tx.GetCredentialAccount(r.Context(), userID)
		if errors.Is(err, ba.ErrNotFound) {
			return tx.CreateAccount(r.Context(), &ba.Account{UserID: userID, ProviderID: ba.ProviderCredential, AccountID: userID, Password: &hash})
		}
		if err != nil {
			return err
		}
		_, err = tx.UpdateAccount(r.Context(), acct.ID, ba.AccountUpdate{Password: ba.Value(hash)})
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

// adminBanUserRoute is POST /admin/ban-user.
func (s *Server) adminBanUserRoute(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	userID := b.coerceStr("userId")
	reason := b.optStr("banReason")
	var expiresIn *float64
	if raw, ok := b.m["banExpiresIn"]; ok {
		var f float64
		if jsType(raw) != "number" || json.Unmarshal(raw, &f) != nil {
			b.fail("banExpiresIn", "number", raw)
		} else {
			expiresIn = &f
		}
	}
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.adminGate(w, r, "user", "ban", errAdminBanUsers)
	if err != nil {
		return err
	}
	return s.adminBanUser(w, r, res, userID, reason, expiresIn)
}

// maxBanSeconds keeps banExpiresIn inside a JavaScript Date (±8.64e15 ms);
// Better Auth fails on more with a 500.
const maxBanSeconds = 8.64e12 - 1e10

// adminBanUser bans as Better Auth's banUser does: the reason (or
// Admin.DefaultBanReason, or "No reason"), the expiry (banExpiresIn
// seconds, or Admin.DefaultBanExpiresIn, or none), and every session of
// the user deleted. An admin cannot ban themself.
func (s *Server) adminBanUser(w http.ResponseWriter, r *http.Request, res *ba.Result, userID string, reason *string, expiresIn *float64) error {
	if _, err := s.adminTarget(r, userID); err != nil {
		return err
	}
	if userID == res.User.ID {
		return errAdminBanSelf
	}
	if expiresIn != nil && math.Abs(*expiresIn) > maxBanSeconds {
		return validationError("[body.banExpiresIn] Too big: expected number to be <="+jsNumberString(maxBanSeconds), nil)
	}
	yes := true
	up := ba.UserUpdate{Banned: &yes, BanExpires: ba.Null[time.Time]()}
	switch {
	case reason != nil && *reason != "":
		up.BanReason = ba.Value(*reason)
	case s.cfg.Admin.DefaultBanReason != "":
		up.BanReason = ba.Value(s.cfg.Admin.DefaultBanReason)
	default:
		up.BanReason = ba.Value("No reason")
	}
	switch {
	case expiresIn != nil && *expiresIn != 0:
		up.BanExpires = ba.Value(s.now().Add(time.Duration(*expiresIn * float64(time.Second))))
	case s.cfg.Admin.DefaultBanExpiresIn != 0:
		up.BanExpires = ba.Value(s.now().Add(s.cfg.Admin.DefaultBanExpiresIn))
	}
	// Ban, then revoke: one transaction with SQL sessions. With Redis
	// sessions the ban commits first — sign-in refuses a banned user, so no
	// new session can appear — and a failed revocation answers 503; the
	// admin's retry bans again (no change) and revokes.
	var user *ba.User
	err := s.userTx(r.Context(), userID, func(store *sqlstore.Store, sessions SessionBackend) error {
		var err error
		if user, err = store.UpdateUser(r.Context(), userID, up); err != nil {
			return err
		}
		_, err = sessions.RevokeUserSessions(r.Context(), userID)
		return err
	})
	if err != nil {
		return err
	}
	s.writeUserObject(w, user)
	return nil
}

// adminUnbanUserRoute is POST /admin/unban-user.
func (s *Server) adminUnbanUserRoute(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	userID := b.coerceStr("userId")
	if err := b.err(); err != nil {
		return err
	}
	if _, err := s.adminGate(w, r, "user", "ban", errAdminBanUsers); err != nil {
		return err
	}
	return s.adminUnbanUser(w, r, userID)
}

// adminUnbanUser lifts a ban: banned false, reason and expiry cleared.
func (s *Server) adminUnbanUser(w http.ResponseWriter, r *http.Request, userID string) error {
	if _, err := s.adminTarget(r, userID); err != nil {
		return err
	}
	no := false
	user, err := s.store.UpdateUser(r.Context(), userID, ba.UserUpdate{Banned: &no, BanReason: ba.Null[string](), BanExpires: ba.Null[time.Time]()})
	if err != nil {
		return err
	}
	if err := s.sessions.UserChanged(r.Context(), user); err != nil {
		return err
	}
	s.writeUserObject(w, user)
	return nil
}
