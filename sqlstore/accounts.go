package sqlstore

import (
	"context"

	ba "github.com/betterauth-go/betterauth"
)

// CreateAccount inserts a; missing id and timestamps are filled in.
func (s *Store) CreateAccount(ctx context.Context, a *ba.Account) error {
	now := s.nowUTC()
	if a.ID == "" {
		a.ID = ba.GenerateID()
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	if a.ProviderID == ba.ProviderCredential && a.AccountID == "" {
		a.AccountID = a.UserID
	}
	a.CreatedAt, a.UpdatedAt = ba.Truncate(a.CreatedAt), ba.Truncate(a.UpdatedAt)
	return insert(ctx, s, s.account, "create account", s.q.accountInsert, a)
}

// GetAccount returns the account with this id.
func (s *Store) GetAccount(ctx context.Context, id string) (*ba.Account, error) {
	return getOne(ctx, s, s.account, "get account", s.q.accountByID, id)
}

// ListAccounts returns the user's accounts, oldest first.
func (s *Store) ListAccounts(ctx context.Context, userID string) ([]ba.Account, error) {
	return getMany(ctx, s, s.account, "list accounts", s.q.accountsByUser, userID)
}

// GetAccountByProvider returns the account of a provider's subject, e.g.
// ("google", "1098…").
func (s *Store) GetAccountByProvider(ctx context.Context, providerID, accountID string) (*ba.Account, error) {
	return getOne(ctx, s, s.account, "get account by provider", s.q.accountByProvider, providerID, accountID)
}

// GetCredentialAccount returns the user's password account the way Better
// Auth 1.7 looks it up: providerId "credential" and accountId = user id.
func (s *Store) GetCredentialAccount(ctx context.Context, userID string) (*ba.Account, error) {
	return getOne(ctx, s, s.account, "get credential account", s.q.credentialAccount, userID, ba.ProviderCredential, userID)
}

// UpdateAccount applies the set fields of up, sets updatedAt and returns the
// updated account.
func (s *Store) UpdateAccount(ctx context.Context, id string, up ba.AccountUpdate) (*ba.Account, error) {
	q, args := s.account.updateSQL(s.accountSets(up), s.account.col("id"))
	args[len(args)-1] = id
	if err := s.execExpectOne(ctx, "update account", s.account.table.Name, q, args...); err != nil {
		return nil, err
	}
	return s.GetAccount(ctx, id)
}

// UpdateAccountIf is UpdateAccount guarded by the row's current tokens: it
// writes only while accessToken and refreshToken still hold the stored
// values oldAccess and oldRefresh (nil: NULL), compared in the same UPDATE
// statement. It reports false, and writes nothing, when another writer
// changed them first or the row is gone, so two processes refreshing one
// account never overwrite a newer token with an older one.
func (s *Store) UpdateAccountIf(ctx context.Context, id string, oldAccess, oldRefresh *string, up ba.AccountUpdate) (*ba.Account, bool, error) {
	c := s.account
	q, args := c.updateSQL(s.accountSets(up), c.col("id"))
	args[len(args)-1] = id
	for _, g := range []struct {
		col string
		v   *string
	}{{c.col("accessToken"), oldAccess}, {c.col("refreshToken"), oldRefresh}} {
		if g.v == nil {
			q += " AND " + g.col + " IS NULL"
			continue
		}
		args = append(args, *g.v)
		q += " AND " + g.col + " = " + s.kind.Placeholder(len(args))
	}
	n, err := s.exec(ctx, "update account if unchanged", c.table.Name, q, args...)
	if err != nil || n == 0 {
		return nil, false, err
	}
	a, err := s.GetAccount(ctx, id)
	return a, err == nil, err
}

func (s *Store) accountSets(up ba.AccountUpdate) []set {
	k, c := s.kind, s.account
	var sets []set
	for _, f := range []struct {
		name string
		v    ba.Nullable[string]
	}{{"accessToken", up.AccessToken}, {"refreshToken", up.RefreshToken}, {"idToken", up.IDToken}, {"scope", up.Scope}, {"password", up.Password}} {
		if f.v.Set {
			var val any
			if f.v.Value != nil {
				val = *f.v.Value
			}
			sets = append(sets, set{c.col(f.name), val})
		}
	}
	for _, f := range []struct {
		name string
		v    ba.Nullable[timeValue]
	}{{"accessTokenExpiresAt", up.AccessTokenExpiresAt}, {"refreshTokenExpiresAt", up.RefreshTokenExpiresAt}} {
		if f.v.Set {
			var val any
			if f.v.Value != nil {
				val = k.Time(*f.v.Value)
			}
			sets = append(sets, set{c.col(f.name), val})
		}
	}
	return append(sets, set{c.col("updatedAt"), k.Time(s.nowUTC())})
}

// DeleteAccount deletes the account with this id.
func (s *Store) DeleteAccount(ctx context.Context, id string) error {
	return s.execExpectOne(ctx, "delete account", s.account.table.Name, s.q.accountDelete, id)
}
