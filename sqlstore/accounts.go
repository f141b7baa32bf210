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
	sets = append(sets, set{c.col("updatedAt"), k.Time(s.nowUTC())})
	q, args := c.updateSQL(sets, c.col("id"))
	args[len(args)-1] = id
	if err := s.execExpectOne(ctx, "update account", s.account.table.Name, q, args...); err != nil {
		return nil, err
	}
	return s.GetAccount(ctx, id)
}

// DeleteAccount deletes the account with this id.
func (s *Store) DeleteAccount(ctx context.Context, id string) error {
	return s.execExpectOne(ctx, "delete account", s.account.table.Name, s.q.accountDelete, id)
}
