package jwt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// SessionCacheAudience is the aud of every cookie-cache JWT Better Auth
// signs, and its iss when it has no base URL.
const SessionCacheAudience = "better-auth:session-cache"

// SessionCacheType is the typ header of the session_data cookie Better
// Auth's jwt plugin signs when its sessionCookieCache option is on.
const SessionCacheType = sessionCacheType

// sessionCacheTolerance is the clockTolerance (seconds) Better Auth 1.7.25
// verifies these caches with.
const sessionCacheTolerance = 15

// VerifySessionCache checks the session_data cookie value that Better
// Auth's jwt plugin signs when jwt({ sessionCookieCache: true }) and
// session.cookieCache.strategy "jwt" are set, and returns its claims (the
// cache's session, user, updatedAt and version, with sid, sub, iat, exp,
// iss and aud) as JSON. It needs no secret and no database read beyond the
// key source's cached keys.
//
// The checks are Better Auth's: header typ exactly
// "better-auth.session-cache+jwt" (an access token from /token is not a
// cookie cache), alg among Config.Algorithms and the key's own, a known kid
// whose key verifies the signature, aud "better-auth:session-cache", iss
// the origin of Config.BaseURL ("better-auth:session-cache" when there is
// none; any non-empty string with SkipIssuerCheck), exp present and nbf,
// both with Better Auth's 15 s clock tolerance, and sub and sid equal to
// the user id and session token inside. Config.Issuer and Config.Audience,
// which are the access tokens' jwt.issuer and jwt.audience, play no part.
// Unlike Better Auth, a key past its expiresAt plus grace period is
// refused here as for access tokens; Better Auth's plugin warns when
// cookieCache.maxAge exceeds the grace period for that reason.
//
// Errors match ErrNoToken, ErrTokenInvalid (with the verdict:
// ErrTokenMalformed, ErrAlgorithmNotAllowed, ErrUnknownKey,
// ErrBadSignature, ErrTokenExpired, ErrTokenNotYetValid, ErrWrongIssuer,
// ErrWrongAudience) or betterauth.ErrUnavailable.
//
// A Verifier is a betterauth.CookieCacheJWTVerifier: set it as
// betterauth.CookieCacheConfig.JWTKeys and the session Verifier trusts
// these caches.
func (v *Verifier) VerifySessionCache(ctx context.Context, value string) ([]byte, error) {
	payload, now, err := v.verifySignature(ctx, value, true)
	if err != nil {
		return nil, err
	}
	raw, err := jsonObject(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrTokenMalformed, err)
	}
	var iss, sub, sid string
	for name, dst := range map[string]*string{"iss": &iss, "sub": &sub, "sid": &sid} {
		if err := stringMember(raw, name, dst); err != nil {
			return nil, fmt.Errorf("%w: %s is not a string", ErrTokenMalformed, name)
		}
	}
	aud, err := audience(raw["aud"])
	if err != nil {
		return nil, err
	}
	if _, _, err := numericDate(raw, "iat"); err != nil {
		return nil, err
	}
	nbf, hasNbf, err := numericDate(raw, "nbf")
	if err != nil {
		return nil, err
	}
	exp, hasExp, err := numericDate(raw, "exp")
	if err != nil {
		return nil, err
	}
	// jose's order: iss, aud, then the times.
	if want := v.sessionIssuer(); want != "" && iss != want {
		return nil, fmt.Errorf("%w: %s, want %q", ErrWrongIssuer, errtext.Quote(iss), want)
	}
	if !slices.Contains(aud, SessionCacheAudience) {
		return nil, fmt.Errorf("%w: %s, want %q", ErrWrongAudience, errtext.List(aud), SessionCacheAudience)
	}
	nowSec := float64(now.Unix())
	if hasNbf && nbf > nowSec+sessionCacheTolerance {
		return nil, fmt.Errorf("%w: nbf %s is after now %s", ErrTokenNotYetValid, secondsTime(nbf).Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if !hasExp {
		return nil, fmt.Errorf("%w: no exp claim", ErrTokenMalformed)
	}
	if exp <= nowSec-sessionCacheTolerance {
		return nil, fmt.Errorf("%w: exp %s is not after now %s", ErrTokenExpired, secondsTime(exp).Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if iss == "" {
		return nil, fmt.Errorf("%w: no iss claim", ErrWrongIssuer)
	}
	// Better Auth's parseSessionCookieJwtPayload: the signed sub and sid
	// must name the user and the session inside.
	var inner struct {
		Session struct {
			Token *string `json:"token"`
		} `json:"session"`
		User struct {
			ID *string `json:"id"`
		} `json:"user"`
	}
	if json.Unmarshal(payload, &inner) != nil || inner.Session.Token == nil || inner.User.ID == nil {
		return nil, fmt.Errorf("%w: claims have no session.token or user.id string", ErrTokenMalformed)
	}
	if sub != *inner.User.ID || sid != *inner.Session.Token {
		return nil, fmt.Errorf("%w: sub and sid do not name the user and session inside", ErrTokenMalformed)
	}
	return payload, nil
}

// sessionIssuer is the iss Better Auth gives cookie-cache JWTs: its
// baseURL's origin, or SessionCacheAudience without one. "" when
// SkipIssuerCheck.
func (v *Verifier) sessionIssuer() string {
	if v.skipIssuer {
		return ""
	}
	if v.origin != "" {
		return v.origin
	}
	return SessionCacheAudience
}

// SignSessionCache signs a session_data cookie cache as Better Auth's jwt
// plugin does with sessionCookieCache: sessionData is the cache's JSON
// object ({"session":…,"user":…,"updatedAt":…,"version":…}); the claims
// are its members, then sid (the session token), iat (now), exp (expires,
// whole seconds), iss (the origin of SignerConfig.BaseURL, or
// "better-auth:session-cache" without one), aud
// "better-auth:session-cache" and sub (the user id), signed with the key
// Token would use under the header typ "better-auth.session-cache+jwt".
// SignerConfig.Issuer, Audience and ExpirationTime (the access tokens')
// play no part.
//
// A Signer is a betterauth.CookieCacheJWTSigner: set it as
// betterauth.CookieCacheConfig.JWTSigner and the session Verifier's
// SetCookieCache writes these caches, which Better Auth trusts.
func (s *Signer) SignSessionCache(ctx context.Context, sessionData []byte, expires time.Time) (string, error) {
	fields, err := objectFields(sessionData)
	if err != nil {
		return "", fmt.Errorf("betterauth/jwt: session data: %w", err)
	}
	var inner struct {
		Session struct {
			Token string `json:"token"`
		} `json:"session"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := json.Unmarshal(sessionData, &inner); err != nil || inner.Session.Token == "" || inner.User.ID == "" {
		return "", errors.New("betterauth/jwt: session data has no session.token or user.id")
	}
	var payload orderedObject
	for _, f := range fields {
		payload.set(f.key, f.value)
	}
	iss := s.origin
	if iss == "" {
		iss = SessionCacheAudience
	}
	payload.set("sid", jsjson.AppendString(nil, inner.Session.Token))
	payload.set("iat", []byte(strconv.FormatInt(s.now().Unix(), 10)))
	payload.set("exp", []byte(strconv.FormatInt(expires.Unix(), 10)))
	payload.set("iss", jsjson.AppendString(nil, iss))
	payload.set("aud", jsjson.AppendString(nil, SessionCacheAudience))
	payload.set("sub", jsjson.AppendString(nil, inner.User.ID))
	return s.signTyped(ctx, payload, sessionCacheType)
}
