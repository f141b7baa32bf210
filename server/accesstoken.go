package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/oauthtoken"
)

// OAuthTokensConfig serves Better Auth's POST /api/auth/get-access-token
// and POST /api/auth/refresh-token: a signed-in user's tokens at an OAuth
// provider, read from the account table (or the account_data cookie) and
// refreshed at the provider when they expire, as Better Auth 1.7.25 does.
type OAuthTokensConfig struct {
	// Providers are the app's social and generic-oauth providers whose
	// tokens can be refreshed (oauthtoken.FromEnv builds one from the
	// app's client id and <PROVIDERID>_CLIENT_SECRET). An account of any
	// other provider is Better Auth's 400 PROVIDER_NOT_SUPPORTED. None
	// is allowed: every account then gets that answer.
	Providers []oauthtoken.Provider
	// EncryptOAuthTokens is the app's account.encryptOAuthTokens: tokens
	// are stored encrypted with the secrets (read either way).
	EncryptOAuthTokens bool
	// StoreAccountCookie is the app's account.storeAccountCookie: the
	// account_data cookie is read for {"useAccountCookie": true} and
	// written again after a refresh. Off: such a body is
	// ACCOUNT_NOT_FOUND, as in Better Auth.
	StoreAccountCookie bool
	// HTTPClient calls the providers; default a client with a 30 s
	// timeout. Redirects are never followed.
	HTTPClient *http.Client
}

var (
	errFailedToGetAccessToken = newError(400, "FAILED_TO_GET_ACCESS_TOKEN", "Failed to get a valid access token")
	errFailedToRefreshToken   = newError(400, "FAILED_TO_REFRESH_ACCESS_TOKEN", "Failed to refresh access token")
	errRefreshTokenNotFound   = newError(400, "REFRESH_TOKEN_NOT_FOUND", "Refresh token not found")
)

func errProviderNotSupported(providerID string) error {
	return newError(400, "PROVIDER_NOT_SUPPORTED", "Provider "+providerID+" is not supported.")
}

// initOAuthTokens builds the token Manager when Config.OAuthTokens is set.
func (s *Server) initOAuthTokens() error {
	c := s.cfg.OAuthTokens
	if c == nil {
		return nil
	}
	m, err := oauthtoken.New(oauthtoken.Options{Store: s.store, Secrets: s.cfg.Secrets, EncryptOAuthTokens: c.EncryptOAuthTokens,
		Providers: c.Providers, HTTPClient: c.HTTPClient, Now: s.now})
	if err != nil {
		return err
	}
	s.oauthTokens = m
	return nil
}

// oauthTokenRoutes registers the two routes when Config.OAuthTokens is
// set. Without it they are the empty 404 of an unknown route: the server
// knows no provider to refresh with.
func (s *Server) oauthTokenRoutes(auth func(pattern string, h handlerFunc)) {
	if s.oauthTokens == nil {
		return
	}
	auth("POST /api/auth/get-access-token", s.getAccessToken)
	auth("POST /api/auth/refresh-token", s.refreshToken)
}

// accountSelection is Better Auth's accountSelectionSchema:
// z.union([z.strictObject({accountId: z.string(), userId:
// z.string().optional()}), z.strictObject({useAccountCookie:
// z.literal(true), userId: z.string().optional()})]).
type accountSelection struct {
	accountID string // empty: useAccountCookie
}

func (s *Server) readAccountSelection(w http.ResponseWriter, r *http.Request) (accountSelection, error) {
	b, err := s.readBody(w, r, bodySpec{schema: noSchema})
	if err != nil {
		return accountSelection{}, err
	}
	if msg := accountSelectionIssue(b); msg != "" {
		return accountSelection{}, validationError(msg, nil)
	}
	var sel accountSelection
	if raw, ok := b.m["accountId"]; ok {
		_ = json.Unmarshal(raw, &sel.accountID)
	}
	return sel, nil
}

// accountSelectionIssue is zod 4's message for a body the union refuses,
// or "" when one of its options accepts it. A union whose options all
// fail reports "Invalid input" at the root; a single option failing only
// on unrecognized keys … (see unionIssue).
func accountSelectionIssue(b *body) string {
	if b.kind != "object" {
		return "[body] Invalid input"
	}
	userOK := true
	if raw, ok := b.m["userId"]; ok && jsType(raw) != "string" {
		userOK = false
	}
	extra := func(allowed ...string) bool {
	next:
		for k := range b.m {
			for _, a := range allowed {
				if k == a {
					continue next
				}
			}
			return true
		}
		return false
	}
	if raw, ok := b.m["accountId"]; ok && jsType(raw) == "string" && userOK && !extra("accountId", "userId") {
		return ""
	}
	if raw, ok := b.m["useAccountCookie"]; ok && string(raw) == "true" && userOK && !extra("useAccountCookie", "userId") {
		return ""
	}
	return "[body] Invalid input"
}

// requireFreshSession is requireSession reading the session store, never
// the cookie cache (Better Auth's resolveUserId: disableCookieCache).
func (s *Server) requireFreshSession(r *http.Request) (*ba.Result, error) {
	res, err := s.verifier.VerifyFresh(r.Context(), r)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, ba.ErrUnavailable):
		return nil, err
	case errors.Is(err, ba.ErrUserBanned):
		return nil, errBanned
	}
	return nil, errUnauthorized
}

// resolveAccount is Better Auth's resolveUserAccount: the user's account
// with that id from the database, or the account_data cookie's account
// when the body asks for it, the app stores one and it is the user's.
func (s *Server) resolveAccount(r *http.Request, userID string, sel accountSelection) (a *ba.Account, fromCookie bool, err error) {
	if sel.accountID != "" {
		list, err := s.store.ListAccounts(r.Context(), userID)
		if err != nil {
			return nil, false, err
		}
		for i := range list {
			if list[i].ID == sel.accountID {
				return &list[i], false, nil
			}
		}
		return nil, false, errAccountNotFound
	}
	if !s.cfg.OAuthTokens.StoreAccountCookie {
		return nil, false, errAccountNotFound
	}
	a, err = s.verifier.AccountCookie(r)
	if err != nil || a.UserID != userID {
		return nil, false, errAccountNotFound
	}
	return a, true, nil
}

// accountCookieMaxAge is Better Auth's session.cookieCache.maxAge || 300.
func (s *Server) accountCookieMaxAge() time.Duration {
	if s.cfg.CookieCache.MaxAge > 0 {
		return s.cfg.CookieCache.MaxAge
	}
	return ba.DefaultAccountCookieMaxAge
}

func (s *Server) oauthPrologue(w http.ResponseWriter, r *http.Request) (*ba.Account, bool, error) {
	sel, err := s.readAccountSelection(w, r)
	if err != nil {
		return nil, false, err
	}
	res, err := s.requireFreshSession(r)
	if err != nil {
		return nil, false, err
	}
	a, fromCookie, err := s.resolveAccount(r, res.User.ID, sel)
	if err != nil {
		return nil, false, err
	}
	if !s.oauthTokens.HasProvider(a.ProviderID) {
		return nil, false, errProviderNotSupported(a.ProviderID)
	}
	return a, fromCookie, nil
}

// getAccessToken is POST /api/auth/get-access-token: the account's access
// token, refreshed first when under five seconds of it remain (one
// provider call per account at a time in this process).
func (s *Server) getAccessToken(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.oauthPrologue(w, r)
	if err != nil {
		return err
	}
	out, err := s.oauthTokens.AccessTokenOf(r.Context(), a)
	if err != nil {
		if errors.Is(err, ba.ErrUnavailable) {
			return err
		}
		return errFailedToGetAccessToken
	}
	if out.Refreshed && s.cfg.OAuthTokens.StoreAccountCookie {
		if err := s.verifier.SetAccountCookie(w, r, out.Account, s.accountCookieMaxAge(), s.cookieAttrs()); err != nil {
			return err
		}
	}
	t := out.Token
	writeJSON(w, 200, struct {
		AccessToken          string   `json:"accessToken"`
		AccessTokenExpiresAt *string  `json:"accessTokenExpiresAt,omitempty"`
		Scopes               []string `json:"scopes"`
		IDToken              *string  `json:"idToken,omitempty"`
	}{t.AccessToken, isoTime(t.AccessTokenExpiresAt), t.Scopes, out.Account.IDToken})
	return nil
}

// refreshToken is POST /api/auth/refresh-token: a refresh at the provider
// whatever the expiry. The account cookie is written again when the
// account came from it, as Better Auth does.
func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) error {
	a, fromCookie, err := s.oauthPrologue(w, r)
	if err != nil {
		return err
	}
	if a.RefreshToken == nil || *a.RefreshToken == "" {
		return errRefreshTokenNotFound
	}
	out, err := s.oauthTokens.RefreshAccount(r.Context(), a)
	if err != nil {
		if errors.Is(err, ba.ErrUnavailable) {
			return err
		}
		return errFailedToRefreshToken
	}
	if fromCookie && s.cfg.OAuthTokens.StoreAccountCookie {
		if err := s.verifier.SetAccountCookie(w, r, out.Account, s.accountCookieMaxAge(), s.cookieAttrs()); err != nil {
			return err
		}
	}
	writeJSON(w, 200, struct {
		AccessToken           string  `json:"accessToken"`
		RefreshToken          string  `json:"refreshToken"`
		AccessTokenExpiresAt  *string `json:"accessTokenExpiresAt,omitempty"`
		RefreshTokenExpiresAt *string `json:"refreshTokenExpiresAt"`
		Scope                 *string `json:"scope"`
		IDToken               *string `json:"idToken"`
		ProviderID            string  `json:"providerId"`
		AccountID             string  `json:"accountId"`
	}{out.AccessToken, out.RefreshToken, isoTime(out.AccessTokenExpiresAt), isoTime(out.RefreshTokenExpiresAt),
		out.Account.Scope, out.IDToken, out.Account.ProviderID, out.Account.ID})
	return nil
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := ba.FormatTime(*t)
	return &v
}
