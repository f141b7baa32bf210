package jwt

import "errors"

// ErrTokenInvalid matches every verdict on a token: errors.Is(err,
// ErrTokenInvalid) is true for ErrTokenMalformed, ErrAlgorithmNotAllowed,
// ErrUnknownKey, ErrBadSignature, ErrTokenExpired, ErrTokenNotYetValid,
// ErrWrongIssuer and ErrWrongAudience, so an HTTP layer answers 401 for it. Failures to obtain keys match
// betterauth.ErrUnavailable instead (503): they say nothing about the token.
var ErrTokenInvalid = errors.New("betterauth/jwt: invalid token")

// Verdicts returned by Verifier.Verify, wrapped with detail. Each also
// matches ErrTokenInvalid.
var (
	// ErrTokenMalformed: not a compact JWS, bad base64url or JSON, a missing
	// or mistyped claim (exp, sub, …), or a header this package refuses
	// (crit, b64, the cookie-cache typ).
	ErrTokenMalformed error = &verdict{"betterauth/jwt: malformed token"}
	// ErrAlgorithmNotAllowed: the header's alg is not in Config.Algorithms
	// (always the case for "none" and HMAC algorithms), or differs from the
	// algorithm of the key named by kid.
	ErrAlgorithmNotAllowed error = &verdict{"betterauth/jwt: algorithm not allowed"}
	// ErrUnknownKey: no key has the token's kid, even after refetching the
	// key set (or the token has no kid).
	ErrUnknownKey error = &verdict{"betterauth/jwt: unknown signing key"}
	// ErrBadSignature: the signature does not verify with the key.
	ErrBadSignature error = &verdict{"betterauth/jwt: bad signature"}
	// ErrTokenExpired: exp is at or before now (minus Leeway).
	ErrTokenExpired error = &verdict{"betterauth/jwt: token expired"}
	// ErrTokenNotYetValid: nbf is after now (plus Leeway).
	ErrTokenNotYetValid error = &verdict{"betterauth/jwt: token not valid yet"}
	// ErrWrongIssuer: iss is missing or differs from Config.Issuer.
	ErrWrongIssuer error = &verdict{"betterauth/jwt: wrong issuer"}
	// ErrWrongAudience: aud is missing or names none of Config.Audience.
	ErrWrongAudience error = &verdict{"betterauth/jwt: wrong audience"}
)

// ErrNoToken means there was no token to verify (an empty string). It is
// not a verdict on a token, so it does not match ErrTokenInvalid.
var ErrNoToken = errors.New("betterauth/jwt: no token")

type verdict struct{ msg string }

func (v *verdict) Error() string        { return v.msg }
func (v *verdict) Is(target error) bool { return target == ErrTokenInvalid }
