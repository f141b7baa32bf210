package oauthtoken

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// HasProvider reports whether the Manager can refresh tokens of
// providerID (Better Auth's "Provider … is not supported" otherwise).
func (m *Manager) HasProvider(providerID string) bool {
	_, ok := m.providers[providerID]
	return ok
}

// AccountTokens is the outcome of AccessTokenOf and RefreshAccount.
type AccountTokens struct {
	// Token is get-access-token's answer.
	Token *Token
	// Account is the row after the call: refreshed and stored, the row
	// another writer stored first, or the row given when nothing was
	// refreshed. Its tokens are as stored (encrypted when the app
	// encrypts them).
	Account *ba.Account
	// Refreshed reports a refresh (by this call or the writer that got
	// there first): the account cookie should then be written again.
	Refreshed bool
	// The rest is refresh-token's answer: the provider's new tokens, the
	// refresh token refreshed from when the provider did not rotate it,
	// the provider's expiries (AccessTokenExpiresAt nil when it gave
	// none), the stored refresh expiry and id token otherwise.
	AccessToken           string
	RefreshToken          string
	AccessTokenExpiresAt  *time.Time
	RefreshTokenExpiresAt *time.Time
	IDToken               *string
}

// AccessTokenOf is AccessToken for a row the caller already read (from
// the database, or from Better Auth's account cookie, which saves the
// read): refreshed first when under five seconds of its access token
// remain and it has a refresh token, one provider call per account at a
// time in this process. The refresh is written guarded by a's tokens, so a
// stale row (an old cookie) never overwrites newer tokens.
func (m *Manager) AccessTokenOf(ctx context.Context, a *ba.Account) (*AccountTokens, error) {
	p, ok := m.providers[a.ProviderID]
	if !ok {
		return nil, ErrProviderNotSupported
	}
	if a.RefreshToken == nil || *a.RefreshToken == "" || !m.expiring(a.AccessTokenExpiresAt) {
		t, err := m.token(a)
		if err != nil {
			return nil, err
		}
		return &AccountTokens{Token: t, Account: a}, nil
	}
	v, err, _ := m.group.Do(a.ID, func() (any, error) {
		// a was read before this flight: a flight that just ended may
		// have refreshed it already. The stored row decides.
		cur, err := m.store.GetAccount(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if !sameTokens(cur, a) {
			if cur.RefreshToken == nil || *cur.RefreshToken == "" || !m.expiring(cur.AccessTokenExpiresAt) {
				t, err := m.token(cur)
				if err != nil {
					return nil, err
				}
				return &AccountTokens{Token: t, Account: cur, Refreshed: true}, nil
			}
			a = cur
		}
		return m.refreshAccount(ctx, p, a)
	})
	if err != nil {
		return nil, err
	}
	return v.(*AccountTokens), nil
}

func sameTokens(a, b *ba.Account) bool {
	eq := func(x, y *string) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return eq(a.AccessToken, b.AccessToken) && eq(a.RefreshToken, b.RefreshToken)
}

// RefreshAccount is Refresh for a row the caller already read (its owner
// and provider checked): the provider is called whatever the expiry, with
// the refresh token stored now (ErrNoRefreshToken without one).
func (m *Manager) RefreshAccount(ctx context.Context, a *ba.Account) (*AccountTokens, error) {
	p, ok := m.providers[a.ProviderID]
	if !ok {
		return nil, ErrProviderNotSupported
	}
	if a.RefreshToken == nil || *a.RefreshToken == "" {
		return nil, ErrNoRefreshToken
	}
	v, err, _ := m.group.Do("refresh\x00"+a.ID, func() (any, error) {
		// Refresh from the stored row: a's refresh token (an old account
		// cookie's) may have been rotated and spent since.
		cur, err := m.store.GetAccount(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if cur.RefreshToken == nil || *cur.RefreshToken == "" {
			return nil, ErrNoRefreshToken
		}
		return m.refreshAccount(ctx, p, cur)
	})
	if err != nil {
		return nil, err
	}
	return v.(*AccountTokens), nil
}

func (m *Manager) refreshAccount(ctx context.Context, p Provider, a *ba.Account) (*AccountTokens, error) {
	rt, err := ba.DecryptOAuthToken(m.secrets, m.encrypt, *a.RefreshToken)
	if err != nil {
		return nil, err
	}
	nt, err := refresh(ctx, m.client, p, rt, m.now())
	if err != nil {
		return nil, err
	}
	up, err := m.update(nt)
	if err != nil {
		return nil, err
	}
	updated, won, err := m.store.UpdateAccountIf(ctx, a.ID, a.AccessToken, a.RefreshToken, up)
	if err != nil {
		return nil, err
	}
	if !won {
		if updated, err = m.store.GetAccount(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	t, err := m.token(updated)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.cache[a.ID] = t
	m.mu.Unlock()
	out := &AccountTokens{Token: t, Account: updated, Refreshed: true, AccessToken: t.AccessToken,
		RefreshTokenExpiresAt: updated.RefreshTokenExpiresAt, IDToken: updated.IDToken}
	if won {
		out.AccessTokenExpiresAt = nt.AccessTokenExpiresAt
		if nt.AccessTokenExpiresAt != nil {
			at := ba.Truncate(*nt.AccessTokenExpiresAt)
			out.AccessTokenExpiresAt = &at
		}
	} else {
		out.AccessTokenExpiresAt = updated.AccessTokenExpiresAt
	}
	if updated.RefreshToken != nil {
		if out.RefreshToken, err = ba.DecryptOAuthToken(m.secrets, m.encrypt, *updated.RefreshToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// update is the row change of a provider's refresh answer: scope is never
// written, a refresh token only when the provider rotated it.
func (m *Manager) update(nt *tokens) (ba.AccountUpdate, error) {
	access, err := ba.EncryptOAuthToken(m.secrets, m.encrypt, nt.AccessToken)
	if err != nil {
		return ba.AccountUpdate{}, err
	}
	up := ba.AccountUpdate{AccessToken: ba.Value(access)}
	if nt.AccessTokenExpiresAt != nil {
		up.AccessTokenExpiresAt = ba.Value(ba.Truncate(*nt.AccessTokenExpiresAt))
	}
	if nt.RefreshToken != "" {
		enc, err := ba.EncryptOAuthToken(m.secrets, m.encrypt, nt.RefreshToken)
		if err != nil {
			return ba.AccountUpdate{}, err
		}
		up.RefreshToken = ba.Value(enc)
	}
	if nt.RefreshTokenExpiresAt != nil {
		up.RefreshTokenExpiresAt = ba.Value(ba.Truncate(*nt.RefreshTokenExpiresAt))
	}
	if nt.IDToken != "" {
		up.IDToken = ba.Value(nt.IDToken)
	}
	return up, nil
}
