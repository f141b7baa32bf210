package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
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

// errUnauthorizedNoBody: no session; answered with an empty 401.
var errUnauthorizedNoBody = errors.New("server: no session")

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
	// The raw text is kept for the order of its keys, which zod's
	// "Unrecognized keys" message follows; readBody reads it again.
	var raw []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		raw, err = io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if err != nil {
			return accountSelection{}, errInvalidJSON
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
	}
	b, err := s.readBody(w, r, bodySpec{schema: noSchema})
	if err != nil {
		return accountSelection{}, err
	}
	if msg := accountSelectionIssue(b, raw); msg != "" {
		return accountSelection{}, validationError(msg, nil)
	}
	var sel accountSelection
	if raw, ok := b.m["accountId"]; ok {
		_ = json.Unmarshal(raw, &sel.accountID)
	}
	return sel, nil
}

// accountSelectionIssue is zod 4's message for a body the union refuses,
// or "" when one of its options accepts it. zod tries both strict
// objects; when every option fails it reports "Invalid input" at the
// root, except that an option failing only on keys it does not know (an
// issue that does not abort) is reported alone when it is the only such
// option: "Unrecognized key(s): "a", "b"" in the keys' JavaScript order.
func accountSelectionIssue(b *body, raw []byte) string {
	if b.kind != "object" {
		return "[body] Invalid input"
	}
	type option struct {
		key   string
		valid func(json.RawMessage) bool
	}
	options := []option{
		{"accountId", func(v json.RawMessage) bool { return jsType(v) == "string" }},
		{"useAccountCookie", func(v json.RawMessage) bool { return string(v) == "true" }},
	}
	var unaborted [][]string
	for _, o := range options {
		v, ok := b.m[o.key]
		aborted := !ok || !o.valid(v)
		if u, ok := b.m["userId"]; ok && jsType(u) != "string" {
			aborted = true
		}
		if aborted {
			continue
		}
		var unknown []string
		for _, k := range jsKeyOrder(raw) {
			if k != o.key && k != "userId" {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) == 0 {
			return ""
		}
		unaborted = append(unaborted, unknown)
	}
	if len(unaborted) != 1 {
		return "[body] Invalid input"
	}
	keys := unaborted[0]
	msg := "[body] Unrecognized key"
	if len(keys) > 1 {
		msg += "s"
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = `"` + k + `"`
	}
	return msg + ": " + strings.Join(quoted, ", ")
}

// jsKeyOrder lists the keys of a JSON object as JavaScript's for…in
// visits the object JSON.parse builds: array-index keys first in numeric
// order, then the others in order of first appearance.
func jsKeyOrder(raw []byte) []string {
	d := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	seen := map[string]bool{}
	var index []uint64
	indexKey := map[uint64]string{}
	var names []string
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil
		}
		k, _ := t.(string)
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return nil
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if n, err := strconv.ParseUint(k, 10, 32); err == nil && n < 1<<32-1 && strconv.FormatUint(n, 10) == k {
			index = append(index, n)
			indexKey[n] = k
			continue
		}
		names = append(names, k)
	}
	slices.Sort(index)
	out := make([]string, 0, len(index)+len(names))
	for _, n := range index {
		out = append(out, indexKey[n])
	}
	return append(out, names...)
}

// requireFreshSession is requireSession reading the session store, never
// the cookie cache (Better Auth's resolveUserId: disableCookieCache).
func (s *Server) requireFreshSession(r *http.Request) (*ba.Result, error) {
	res, err := s.verifyFresh(r)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, ba.ErrUnavailable):
		return nil, err
	case errors.Is(err, ba.ErrUserBanned):
		return nil, errBanned
	}
	return nil, errUnauthorizedNoBody
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
	if errors.Is(err, errUnauthorizedNoBody) {
		// Better Auth's ctx.error("UNAUTHORIZED"): no body.
		writeBareUnauthorized(w)
		return nil, false, errResponseWritten
	}
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

// clearAccountCookie expires account_data with the session cookies, as
// Better Auth's deleteSessionCookie does when the app stores it.
func (s *Server) clearAccountCookie(w http.ResponseWriter) {
	if c := s.cfg.OAuthTokens; c != nil && c.StoreAccountCookie {
		w.Header().Add("Set-Cookie", ba.SerializeCookie(s.verifier.AccountCookieName(), "", 0, s.secure, s.cookieAttrs()))
	}
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := ba.FormatTime(*t)
	return &v
}

// setCookieCache writes the session_data cookie, and then, as Better
// Auth's setCookieCache does with account.storeAccountCookie, carries the
// request's account_data cookie along: set again (a fresh Max-Age) when
// it belongs to the session's user, expired when it belongs to someone
// else (serve always has an account table, so the cookie is bound to the
// session's user), left alone when this response already sets it.
func (s *Server) setCookieCache(w http.ResponseWriter, r *http.Request, sess *ba.Session, user *ba.User, dontRemember bool) {
	if err := s.verifier.SetCookieCache(w, s.schema, sess, user, dontRemember, s.cookieAttrs()); err != nil {
		s.log.Error("cookie cache not set", "error", err.Error())
	}
	if s.cfg.OAuthTokens == nil || !s.cfg.OAuthTokens.StoreAccountCookie || r == nil {
		return
	}
	name := s.verifier.AccountCookieName()
	for _, line := range w.Header().Values("Set-Cookie") {
		if n, _, _ := strings.Cut(line, "="); n == name || strings.HasPrefix(n, name+".") {
			return
		}
	}
	a, err := s.verifier.AccountCookie(r)
	if err != nil {
		return
	}
	if a.UserID == user.ID {
		if err := s.verifier.SetAccountCookie(w, r, a, s.accountCookieMaxAge(), s.cookieAttrs()); err != nil {
			s.log.Error("account cookie not set", "error", err.Error())
		}
		return
	}
	for _, c := range r.Cookies() {
		if c.Name == name || strings.HasPrefix(c.Name, name+".") {
			w.Header().Add("Set-Cookie", ba.SerializeCookie(c.Name, "", 0, s.secure, s.cookieAttrs()))
		}
	}
}
