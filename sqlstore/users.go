package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// CreateUser inserts u. Missing id and timestamps are filled in, the email is
// lower-cased, and plugin defaults (role "user", banned false,
// twoFactorEnabled false) and the additional fields' static defaults are
// applied to u, as Better Auth's createUser does (see Table.ApplyDefaults):
// the column of a field with a default has no database default, so the
// writer supplies it. A Required field without a default that u leaves
// unset fails with ErrInvalid, before anything is written.
func (s *Store) CreateUser(ctx context.Context, u *ba.User) error {
	s.prepareUser(u)
	return insert(ctx, s, s.user, "create user", s.q.userInsert, u)
}

func (s *Store) prepareUser(u *ba.User) {
	now := s.nowUTC()
	if u.ID == "" {
		u.ID = ba.GenerateID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	u.CreatedAt, u.UpdatedAt = ba.Truncate(u.CreatedAt), ba.Truncate(u.UpdatedAt)
	u.Email = ba.NormalizeEmail(u.Email)
	u.Fields = s.user.table.ApplyDefaults(u.Fields)
	if s.user.has("role") && u.Role == nil {
		role := "user"
		u.Role = &role
	}
	if s.user.has("banned") && u.Banned == nil {
		f := false
		u.Banned = &f
	}
	if s.user.has("twoFactorEnabled") && u.TwoFactorEnabled == nil {
		f := false
		u.TwoFactorEnabled = &f
	}
	if u.Username != nil && s.user.has("username") {
		// The username plugin's create hook: the username normalised,
		// displayUsername the username as given unless set.
		lower := ba.NormalizeUsername(*u.Username)
		if u.DisplayUsername == nil {
			display := *u.Username
			u.DisplayUsername = &display
		}
		u.Username = &lower
	}
}

// CreateUserWithPassword inserts u and its credential account (providerId
// "credential", accountId = user id, password = passwordHash) in one
// transaction, as Better Auth's sign-up does: either both rows exist or
// neither. passwordHash comes from betterauth.HashPassword.
func (s *Store) CreateUserWithPassword(ctx context.Context, u *ba.User, passwordHash string) (*ba.Account, error) {
	s.prepareUser(u)
	acct := &ba.Account{
		ID: ba.GenerateID(), AccountID: u.ID, ProviderID: ba.ProviderCredential, UserID: u.ID,
		Password: &passwordHash, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt,
	}
	err := s.WithTx(ctx, func(tx *Store) error {
		if err := insert(ctx, tx, tx.user, "create user", tx.q.userInsert, u); err != nil {
			return err
		}
		return insert(ctx, tx, tx.account, "create credential account", tx.q.accountInsert, acct)
	})
	if err != nil {
		return nil, s.wrap("create user with password", err)
	}
	return acct, nil
}

// GetUser returns the user with this id.
func (s *Store) GetUser(ctx context.Context, id string) (*ba.User, error) {
	return getOne(ctx, s, s.user, "get user", s.q.userByID, id)
}

// GetUserByEmail returns the user with this email. The email is
// lower-cased first, as Better Auth stores it.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (*ba.User, error) {
	return getOne(ctx, s, s.user, "get user by email", s.q.userByEmail, ba.NormalizeEmail(email))
}

// GetUserByUsername returns the user with this username (username
// plugin). The username is normalised first (lower case), as Better Auth
// stores and looks it up. Without the username plugin in the schema it
// fails with ErrInvalid.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (*ba.User, error) {
	if s.q.userByUsername == "" {
		return nil, s.wrap("get user by username", fmt.Errorf("%w: the schema has no username plugin", ba.ErrInvalid))
	}
	return getOne(ctx, s, s.user, "get user by username", s.q.userByUsername, ba.NormalizeUsername(username))
}

// GetUserWithSessions returns a user and their active sessions in two
// queries.
func (s *Store) GetUserWithSessions(ctx context.Context, id string) (*ba.User, []ba.Session, error) {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sessions, err := s.ListUserSessions(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return u, sessions, nil
}

// UpdateUser applies the set fields of up, sets updatedAt, and returns the
// updated user.
func (s *Store) UpdateUser(ctx context.Context, id string, up ba.UserUpdate) (*ba.User, error) {
	const op = "update user"
	k, c := s.kind, s.user
	var sets []set
	str := func(name string, v *string) {
		if v != nil {
			sets = append(sets, set{c.col(name), *v})
		}
	}
	nstr := func(name string, v ba.Nullable[string]) error {
		if !v.Set {
			return nil
		}
		if !c.has(name) {
			return fmt.Errorf("%w: %s needs its plugin in the schema", ba.ErrInvalid, name)
		}
		var val any
		if v.Value != nil {
			val = *v.Value
		}
		sets = append(sets, set{c.col(name), val})
		return nil
	}
	boolean := func(name string, v *bool) error {
		if v == nil {
			return nil
		}
		if !c.has(name) {
			return fmt.Errorf("%w: %s needs its plugin in the schema", ba.ErrInvalid, name)
		}
		sets = append(sets, set{c.col(name), k.Bool(*v)})
		return nil
	}
	if up.Name != nil && strings.TrimSpace(*up.Name) == "" {
		return nil, s.wrap(op, ba.FieldErrors{"name": "must not be empty"})
	}
	str("name", up.Name)
	if up.Email != nil {
		e := ba.NormalizeEmail(*up.Email)
		if !ba.ValidEmail(e) {
			return nil, s.wrap(op, ba.FieldErrors{"email": "is not a valid email address"})
		}
		sets = append(sets, set{c.col("email"), e})
	}
	if err := boolean("emailVerified", up.EmailVerified); err != nil {
		return nil, s.wrap(op, err)
	}
	if up.Username.Set && up.Username.Value != nil {
		// The username plugin's update hook normalises the username and,
		// unlike its create hook, leaves displayUsername alone.
		up.Username = ba.Value(ba.NormalizeUsername(*up.Username.Value))
	}
	for _, f := range []struct {
		name string
		v    ba.Nullable[string]
	}{{"image", up.Image}, {"role", up.Role}, {"banReason", up.BanReason}, {"username", up.Username}, {"displayUsername", up.DisplayUsername}} {
		if err := nstr(f.name, f.v); err != nil {
			return nil, s.wrap(op, err)
		}
	}
	if err := boolean("banned", up.Banned); err != nil {
		return nil, s.wrap(op, err)
	}
	if err := boolean("twoFactorEnabled", up.TwoFactorEnabled); err != nil {
		return nil, s.wrap(op, err)
	}
	if up.BanExpires.Set {
		if !c.has("banExpires") {
			return nil, s.wrap(op, fmt.Errorf("%w: banExpires needs the admin plugin in the schema", ba.ErrInvalid))
		}
		var val any
		if up.BanExpires.Value != nil {
			val = k.Time(*up.BanExpires.Value)
		}
		sets = append(sets, set{c.col("banExpires"), val})
	}
	for _, name := range sortedFieldNames(up.Fields) {
		i, ok := c.byName[name]
		if !ok || !ba.IsCustomField(ba.ModelUser, name) {
			return nil, s.wrap(op, ba.FieldErrors{name: "is not a custom field of user"})
		}
		v, err := k.encodeField(c.cols[i].Field, up.Fields[name])
		if err != nil {
			return nil, s.wrap(op, ba.FieldErrors{name: err.Error()})
		}
		if v == nil && c.cols[i].Required {
			return nil, s.wrap(op, ba.FieldErrors{name: "is required"})
		}
		sets = append(sets, set{c.cols[i].quoted, v})
	}
	sets = append(sets, set{c.col("updatedAt"), k.Time(s.nowUTC())})
	q, args := c.updateSQL(sets, c.col("id"))
	args[len(args)-1] = id
	if err := s.execExpectOne(ctx, op, c.table.Name, q, args...); err != nil {
		return nil, err
	}
	return s.GetUser(ctx, id)
}

// DeleteUser deletes a user and, first, their sessions (unless sessions
// live in secondary storage only: revoke those there) and accounts in the
// same transaction. Better Auth deletes them explicitly too, because MySQL
// ignores inline REFERENCES … ON DELETE CASCADE.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	err := s.WithTx(ctx, func(tx *Store) error {
		if !tx.noSessions {
			if _, err := tx.drv.DB.Exec(ctx, tx.q.sessionsDeleteByUser, id); err != nil {
				return err
			}
		}
		if _, err := tx.drv.DB.Exec(ctx, tx.q.accountsDeleteByUser, id); err != nil {
			return err
		}
		if tx.member != nil {
			q := "DELETE FROM " + tx.member.name + " WHERE " + tx.member.col("userId") + " = " + tx.kind.Placeholder(1)
			if _, err := tx.drv.DB.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		return tx.execExpectOne(ctx, "delete user", tx.user.table.Name, tx.q.userDelete, id)
	})
	return s.wrap("delete user", err)
}

func sortedFieldNames(f ba.Fields) []string {
	return slices.Sorted(maps.Keys(f))
}

// TwoFactorMethods returns the second factors Better Auth's sign-in lists
// for a two-factor user (twoFactorRedirect's twoFactorMethods): "totp"
// when the user has a twoFactor row whose verified is not false, as the
// twoFactor plugin checks. Without the twoFactor table the list is empty.
// (Better Auth adds "otp" when the app configures sendOTP, which only the
// TypeScript app can do.)
func (s *Store) TwoFactorMethods(ctx context.Context, userID string) ([]string, error) {
	t := s.schema.Table(ba.ModelTwoFactor)
	if t == nil {
		return []string{}, nil
	}
	uid, ok1 := t.Field("userId")
	verified, ok2 := t.Field("verified")
	if !ok1 || !ok2 {
		return []string{}, nil
	}
	q := "SELECT " + s.kind.Quote(verified.Column) + " FROM " + s.kind.Quote(t.Name) + " WHERE " + s.kind.Quote(uid.Column) + " = " + s.kind.Placeholder(1)
	var v any
	err := s.queryOne(ctx, q, []any{userID}, []any{&v})
	if errors.Is(err, ba.ErrNotFound) {
		return []string{}, nil
	}
	if err != nil {
		return nil, s.wrap("two-factor methods", err)
	}
	switch x := v.(type) {
	case bool:
		if !x {
			return []string{}, nil
		}
	case int64:
		if x == 0 {
			return []string{}, nil
		}
	case []byte:
		if string(x) == "0" || string(x) == "false" {
			return []string{}, nil
		}
	case string:
		if x == "0" || x == "false" {
			return []string{}, nil
		}
	}
	return []string{"totp"}, nil
}
