package betterauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// DefaultAccountCookieMaxAge is the account_data cookie's lifetime when
// session.cookieCache.maxAge is not set (Better Auth's 300 seconds).
const DefaultAccountCookieMaxAge = 5 * time.Minute

// ErrNoAccountCookie means the request has no usable account_data cookie
// (absent, not decryptable with any secret, expired, or not an account).
var ErrNoAccountCookie = errors.New("betterauth: no valid account cookie")

// accountCookieJSON is the account object Better Auth keeps in its
// account_data cookie: the account row as its adapter returns it, tokens
// as stored (encrypted when account.encryptOAuthTokens is on), dates as
// ISO strings.
type accountCookieJSON struct {
	ID                    string  `json:"id"`
	AccountID             string  `json:"accountId"`
	ProviderID            string  `json:"providerId"`
	UserID                string  `json:"userId"`
	AccessToken           *string `json:"accessToken"`
	RefreshToken          *string `json:"refreshToken"`
	IDToken               *string `json:"idToken"`
	AccessTokenExpiresAt  *string `json:"accessTokenExpiresAt"`
	RefreshTokenExpiresAt *string `json:"refreshTokenExpiresAt"`
	Scope                 *string `json:"scope"`
	CreatedAt             *string `json:"createdAt"`
	UpdatedAt             *string `json:"updatedAt"`
}

// AccountCookieName is the name of the account_data cookie for this
// configuration ("better-auth.account_data", __Secure- on https).
func (v *Verifier) AccountCookieName() string { return v.cookieName("account_data") }

// AccountCookie reads Better Auth's account_data cookie (account.
// storeAccountCookie): joined from its chunks, decrypted as a JWE with the
// "better-auth-account" key of any of the secrets. The account's tokens
// are as stored (DecryptOAuthToken reads them). It does not check whose
// account it is: Better Auth, with a database, uses it only for the
// session's user.
func (v *Verifier) AccountCookie(r *http.Request) (*Account, error) {
	name := v.AccountCookieName()
	cookies := cookiecache.Parse(nil, r.Header, func(n string) bool { return len(n) >= len(name) && n[:len(name)] == name })
	raw, ok := cookiecache.JoinParsed(cookies, name)
	if !ok || raw == "" {
		return nil, ErrNoAccountCookie
	}
	return DecodeAccountCookie(raw, v.secrets, v.now())
}

// DecodeAccountCookie decrypts an account_data value (joined from its
// chunks) with any of secrets at now.
func DecodeAccountCookie(value string, secrets []Secret, now time.Time) (*Account, error) {
	cs := make([]cookiecache.Secret, len(secrets))
	for i, s := range secrets {
		cs[i] = cookiecache.Secret{Version: s.Version, Value: s.Value}
	}
	plaintext, err := cookiecache.DecodeAccountJWE(value, cs, now)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoAccountCookie, err)
	}
	var j accountCookieJSON
	if err := json.Unmarshal(plaintext, &j); err != nil || j.ID == "" || j.ProviderID == "" || j.UserID == "" {
		return nil, fmt.Errorf("%w: not an account", ErrNoAccountCookie)
	}
	a := &Account{ID: j.ID, AccountID: j.AccountID, ProviderID: j.ProviderID, UserID: j.UserID,
		AccessToken: j.AccessToken, RefreshToken: j.RefreshToken, IDToken: j.IDToken, Scope: j.Scope}
	dates := []struct {
		in  *string
		out **time.Time
	}{{j.AccessTokenExpiresAt, &a.AccessTokenExpiresAt}, {j.RefreshTokenExpiresAt, &a.RefreshTokenExpiresAt}}
	for _, d := range dates {
		if d.in == nil {
			continue
		}
		t, err := ParseTime(*d.in)
		if err != nil {
			return nil, fmt.Errorf("%w: bad date", ErrNoAccountCookie)
		}
		*d.out = &t
	}
	if j.CreatedAt != nil {
		a.CreatedAt, _ = ParseTime(*j.CreatedAt)
	}
	if j.UpdatedAt != nil {
		a.UpdatedAt, _ = ParseTime(*j.UpdatedAt)
	}
	return a, nil
}

// EncodeAccountCookie is the account_data value Better Auth's
// setAccountCookie writes for a: a JWE under the current secret's
// "better-auth-account" key, expiring maxAge after now.
func EncodeAccountCookie(a *Account, secret string, now time.Time, maxAge time.Duration) (string, error) {
	iso := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := FormatTime(*t)
		return &s
	}
	created, updated := FormatTime(a.CreatedAt), FormatTime(a.UpdatedAt)
	b, err := json.Marshal(accountCookieJSON{ID: a.ID, AccountID: a.AccountID, ProviderID: a.ProviderID, UserID: a.UserID,
		AccessToken: a.AccessToken, RefreshToken: a.RefreshToken, IDToken: a.IDToken,
		AccessTokenExpiresAt: iso(a.AccessTokenExpiresAt), RefreshTokenExpiresAt: iso(a.RefreshTokenExpiresAt),
		Scope: a.Scope, CreatedAt: &created, UpdatedAt: &updated})
	if err != nil {
		return "", err
	}
	return cookiecache.EncodeAccountJWE(b, secret, now, maxAge)
}

// SetAccountCookie writes the account_data cookie for a as Better Auth's
// setAccountCookie does: Max-Age maxAge (DefaultAccountCookieMaxAge when
// 0; Better Auth uses session.cookieCache.maxAge), split into
// account_data.0, .1, … when too large, and expiring the chunks the
// request carried that the new value does not reuse.
func (v *Verifier) SetAccountCookie(w http.ResponseWriter, r *http.Request, a *Account, maxAge time.Duration, attrs CookieAttributes) error {
	if maxAge <= 0 {
		maxAge = DefaultAccountCookieMaxAge
	}
	value, err := EncodeAccountCookie(a, v.currentSecret(), v.now(), maxAge)
	if err != nil {
		return fmt.Errorf("betterauth: encode account cookie: %w", err)
	}
	name := v.AccountCookieName()
	c := &http.Cookie{Name: name, Value: value, Path: "/", Domain: attrs.Domain, HttpOnly: true, Secure: v.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge / time.Second)}
	chunks, err := cookiecache.Split(c)
	if err != nil {
		return nil // too large even for 100 chunks: Better Auth skips it too
	}
	written := map[string]bool{}
	var stale []string
	if r != nil {
		for _, old := range r.Cookies() {
			if old.Name == name || len(old.Name) > len(name) && old.Name[:len(name)+1] == name+"." {
				stale = append(stale, old.Name)
			}
		}
	}
	for _, ch := range chunks {
		written[ch.Name] = true
	}
	// Better Auth expires the request's chunks first, then sets the new
	// ones; a name set again keeps only its new value.
	for _, n := range stale {
		if !written[n] {
			w.Header().Add("Set-Cookie", SerializeCookie(n, "", 0, v.secure, attrs))
		}
	}
	for _, ch := range chunks {
		w.Header().Add("Set-Cookie", SerializeCookie(ch.Name, ch.Value, maxAge, v.secure, attrs))
	}
	return nil
}

// VerifyFresh is Verify without the cookie cache: the session store is
// always read, as Better Auth's get-access-token and refresh-token read
// it (disableCookieCache), so that a revoked session cannot mint provider
// tokens until its cached cookie expires.
func (v *Verifier) VerifyFresh(ctx context.Context, r *http.Request) (*Result, error) {
	var buf [16]cookiecache.Cookie
	cookies := cookiecache.Parse(buf[:0], r.Header, v.readsCookie)
	token, cred, err := v.credential(r, cookies)
	if err != nil {
		return nil, err
	}
	return v.verifyToken(ctx, token, cred)
}
