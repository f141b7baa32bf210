// Package oauthtoken reads and refreshes a user's tokens at an OAuth
// provider from Better Auth's account table, the way Better Auth's
// getAccessToken and refresh-token do, and offers them as a
// golang.org/x/oauth2 TokenSource.
//
// Tokens are read whether or not the app sets account.encryptOAuthTokens
// (see betterauth.DecryptOAuthToken) and written back the same way. A
// token is refreshed when under five seconds of its life remain; the new
// refresh token is stored only when the provider rotated it, and scope is
// never written back.
//
// Refresh tokens are often single-use, and Better Auth itself has no
// refresh lock: two of its requests for one account may both refresh, and
// the later write wins. A Manager makes one provider call per account at a
// time in its process (singleflight), and writes with
// sqlstore.Store.UpdateAccountIf, which only succeeds while the row still
// holds the tokens the refresh started from, so a second Go process (or
// Better Auth) that refreshed first is never overwritten with older tokens;
// the loser returns the winner's tokens.
package oauthtoken

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	ba "github.com/betterauth-go/betterauth"
)

// RefreshWindow is how close to expiry a token is refreshed (Better Auth's
// five seconds).
const RefreshWindow = 5 * time.Second

// Store is the part of sqlstore.Store a Manager uses.
type Store interface {
	GetAccount(ctx context.Context, id string) (*ba.Account, error)
	UpdateAccountIf(ctx context.Context, id string, oldAccess, oldRefresh *string, up ba.AccountUpdate) (*ba.Account, bool, error)
}

// Options configure a Manager.
type Options struct {
	Store Store
	// Secrets are the app's secrets (betterauth.SymmetricSecretsFromEnv).
	Secrets []ba.Secret
	// EncryptOAuthTokens is the app's account.encryptOAuthTokens
	// (AppConfig.Account.EncryptOAuthTokens).
	EncryptOAuthTokens bool
	Providers          []Provider
	// HTTPClient calls the providers; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Manager reads, refreshes and caches account tokens. It is safe for
// concurrent use.
type Manager struct {
	store     Store
	secrets   []ba.Secret
	encrypt   bool
	providers map[string]Provider
	client    *http.Client
	now       func() time.Time
	group     singleflight.Group
	mu        sync.Mutex
	cache     map[string]*Token
}

// Errors of Token and Refresh; each is also a *betterauth.Error-free
// sentinel the server maps to Better Auth's codes.
var (
	ErrProviderNotSupported = errors.New("oauthtoken: provider not configured")
	ErrNoRefreshToken       = errors.New("oauthtoken: the account has no refresh token")
)

// New returns a Manager.
func New(o Options) (*Manager, error) {
	if o.Store == nil {
		return nil, errors.New("oauthtoken: Options.Store is nil")
	}
	if o.EncryptOAuthTokens && len(o.Secrets) == 0 {
		return nil, errors.New("oauthtoken: encryptOAuthTokens needs the app's secrets")
	}
	m := &Manager{store: o.Store, secrets: o.Secrets, encrypt: o.EncryptOAuthTokens, providers: map[string]Provider{},
		client: o.HTTPClient, now: o.Now, cache: map[string]*Token{}}
	if m.client == nil {
		m.client = &http.Client{Timeout: 30 * time.Second}
	}
	if m.now == nil {
		m.now = time.Now
	}
	for _, p := range o.Providers {
		if p.ID == "" || p.TokenURL == "" {
			return nil, fmt.Errorf("oauthtoken: provider %q needs an id and a token URL", p.ID)
		}
		m.providers[p.ID] = p
	}
	return m, nil
}

// Token is Better Auth's get-access-token answer.
type Token struct {
	AccessToken          string     `json:"accessToken"`
	AccessTokenExpiresAt *time.Time `json:"accessTokenExpiresAt,omitempty"`
	Scopes               []string   `json:"scopes"`
	IDToken              string     `json:"idToken,omitempty"`
}

// Refreshed is Better Auth's refresh-token answer.
type Refreshed struct {
	AccessToken          string     `json:"accessToken"`
	RefreshToken         string     `json:"refreshToken"`
	AccessTokenExpiresAt *time.Time `json:"accessTokenExpiresAt,omitempty"`
	// RefreshTokenExpiresAt, Scope and IDToken are null, not omitted, when
	// the account has none: Better Auth answers with the row's values
	// (tokens.idToken || account.idToken and the like).
	RefreshTokenExpiresAt *time.Time `json:"refreshTokenExpiresAt"`
	Scope                 *string    `json:"scope"`
	IDToken               *string    `json:"idToken"`
	ProviderID            string     `json:"providerId"`
	AccountID             string     `json:"accountId"`
}

func (m *Manager) expiring(at *time.Time) bool {
	return at != nil && at.Sub(m.now()) < RefreshWindow
}

// AccessToken returns a valid access token of the account, as Better
// Auth's get-access-token: read from the database, refreshed first when
// under five seconds remain and there is a refresh token (one provider call
// per account at a time in this process).
func (m *Manager) AccessToken(ctx context.Context, accountID string) (*Token, error) {
	return m.load(ctx, accountID)
}

// load reads the row and refreshes it when it is expiring, inside one
// singleflight call per account, and caches the result.
func (m *Manager) load(ctx context.Context, accountID string) (*Token, error) {
	v, err := m.flight(ctx, accountID, func(ctx context.Context) (any, error) {
		a, err := m.store.GetAccount(ctx, accountID)
		if err != nil {
			return nil, err
		}
		p, ok := m.providers[a.ProviderID]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrProviderNotSupported, a.ProviderID)
		}
		if a.RefreshToken != nil && *a.RefreshToken != "" && m.expiring(a.AccessTokenExpiresAt) {
			a, _, err = m.refreshRow(ctx, p, a)
			if err != nil {
				return nil, err
			}
		}
		t, err := m.token(a)
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		m.cache[accountID] = t
		m.mu.Unlock()
		return t, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Token), nil
}

// FlightTimeout bounds one shared read-and-refresh of an account. The
// flight runs detached from the cancellation of the caller that started
// it, so that a caller who gives up does not fail the others waiting on
// the same account; each caller still returns when its own context ends.
const FlightTimeout = time.Minute

// flight runs fn once per key at a time (singleflight) under a context
// that keeps ctx's values but not its cancellation, bounded by
// FlightTimeout, and returns fn's result or ctx's error, whichever comes
// first.
func (m *Manager) flight(ctx context.Context, key string, fn func(context.Context) (any, error)) (any, error) {
	ch := m.group.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), FlightTimeout)
		defer cancel()
		return fn(fctx)
	})
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Refresh refreshes the account's token now, as Better Auth's
// refresh-token endpoint, whatever its expiry.
func (m *Manager) Refresh(ctx context.Context, accountID string) (*Refreshed, error) {
	// Its own flight key: a call joined to an AccessToken flight would be
	// handed a *Token (and might not refresh at all).
	v, err := m.flight(ctx, "refresh\x00"+accountID, func(ctx context.Context) (any, error) {
		a, err := m.store.GetAccount(ctx, accountID)
		if err != nil {
			return nil, err
		}
		p, ok := m.providers[a.ProviderID]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrProviderNotSupported, a.ProviderID)
		}
		if a.RefreshToken == nil || *a.RefreshToken == "" {
			return nil, ErrNoRefreshToken
		}
		a, _, err = m.refreshRow(ctx, p, a)
		if err != nil {
			return nil, err
		}
		t, err := m.token(a)
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		m.cache[accountID] = t
		m.mu.Unlock()
		r := &Refreshed{AccessToken: t.AccessToken, AccessTokenExpiresAt: t.AccessTokenExpiresAt,
			RefreshTokenExpiresAt: a.RefreshTokenExpiresAt, Scope: a.Scope, IDToken: a.IDToken,
			ProviderID: a.ProviderID, AccountID: a.ID}
		if a.RefreshToken != nil {
			if r.RefreshToken, err = ba.DecryptOAuthToken(m.secrets, m.encrypt, *a.RefreshToken); err != nil {
				return nil, err
			}
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Refreshed), nil
}

// refreshRow calls the provider with a's refresh token and writes the new
// tokens guarded by a's stored ones. When another writer got there first
// it returns the row as that writer left it (and false).
func (m *Manager) refreshRow(ctx context.Context, p Provider, a *ba.Account) (*ba.Account, bool, error) {
	rt, err := ba.DecryptOAuthToken(m.secrets, m.encrypt, *a.RefreshToken)
	if err != nil {
		return nil, false, err
	}
	nt, err := refresh(ctx, m.client, p, rt, m.now())
	if err != nil {
		return nil, false, err
	}
	up, err := m.update(nt)
	if err != nil {
		return nil, false, err
	}
	updated, ok, err := m.store.UpdateAccountIf(ctx, a.ID, a.AccessToken, a.RefreshToken, up)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		updated, err = m.store.GetAccount(ctx, a.ID)
		if err != nil {
			return nil, false, err
		}
	}
	return updated, ok, nil
}

func (m *Manager) token(a *ba.Account) (*Token, error) {
	t := &Token{Scopes: []string{}, AccessTokenExpiresAt: a.AccessTokenExpiresAt}
	if a.AccessToken != nil {
		var err error
		if t.AccessToken, err = ba.DecryptOAuthToken(m.secrets, m.encrypt, *a.AccessToken); err != nil {
			return nil, err
		}
	}
	if a.Scope != nil {
		for _, s := range strings.Split(*a.Scope, ",") {
			if s = strings.TrimSpace(s); s != "" {
				t.Scopes = append(t.Scopes, s)
			}
		}
	}
	if a.IDToken != nil {
		t.IDToken = *a.IDToken
	}
	return t, nil
}

// cached returns the cached token of the account while it has more than
// RefreshWindow left (or no expiry).
func (m *Manager) cached(accountID string) *Token {
	m.mu.Lock()
	t := m.cache[accountID]
	m.mu.Unlock()
	if t == nil || m.expiring(t.AccessTokenExpiresAt) {
		return nil
	}
	return t
}

// Forget drops the cached token of the account (after unlinking it, say).
func (m *Manager) Forget(accountID string) {
	m.mu.Lock()
	delete(m.cache, accountID)
	m.mu.Unlock()
}

// TokenSource returns an oauth2.TokenSource for the account. A token with
// more than five seconds left is served from memory without a database
// read; otherwise the row is read and, when it is expiring, refreshed.
// ctx is used for those reads and refreshes.
func (m *Manager) TokenSource(ctx context.Context, accountID string) oauth2.TokenSource {
	return &source{m: m, ctx: ctx, id: accountID}
}

type source struct {
	m   *Manager
	ctx context.Context
	id  string
}

func (s *source) Token() (*oauth2.Token, error) {
	t := s.m.cached(s.id)
	if t == nil {
		var err error
		if t, err = s.m.load(s.ctx, s.id); err != nil {
			return nil, err
		}
	}
	o := &oauth2.Token{AccessToken: t.AccessToken, TokenType: "Bearer"}
	if t.AccessTokenExpiresAt != nil {
		o.Expiry = *t.AccessTokenExpiresAt
	}
	if t.IDToken != "" {
		o = o.WithExtra(map[string]any{"id_token": t.IDToken})
	}
	return o, nil
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ba.FormatTime(*t)
	return &s
}

// MarshalJSON writes Better Auth's answer: dates as ISO strings with
// milliseconds, idToken only when there is one.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessToken          string   `json:"accessToken"`
		AccessTokenExpiresAt *string  `json:"accessTokenExpiresAt,omitempty"`
		Scopes               []string `json:"scopes"`
		IDToken              string   `json:"idToken,omitempty"`
	}{t.AccessToken, isoTime(t.AccessTokenExpiresAt), t.Scopes, t.IDToken})
}

// MarshalJSON writes Better Auth's refresh-token answer: accessTokenExpiresAt
// omitted when the provider gave none (undefined there), refreshTokenExpiresAt,
// scope and idToken null when the account has none (the row's null there).
func (r Refreshed) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessToken           string  `json:"accessToken"`
		RefreshToken          string  `json:"refreshToken"`
		AccessTokenExpiresAt  *string `json:"accessTokenExpiresAt,omitempty"`
		RefreshTokenExpiresAt *string `json:"refreshTokenExpiresAt"`
		Scope                 *string `json:"scope"`
		IDToken               *string `json:"idToken"`
		ProviderID            string  `json:"providerId"`
		AccountID             string  `json:"accountId"`
	}{r.AccessToken, r.RefreshToken, isoTime(r.AccessTokenExpiresAt), isoTime(r.RefreshTokenExpiresAt), r.Scope, r.IDToken, r.ProviderID, r.AccountID})
}
