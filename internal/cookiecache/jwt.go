package cookiecache

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// jwtHeader is the protected header jose's SignJWT writes for Better Auth.
const jwtHeader = `{"alg":"HS256"}`

// DecodeJWT verifies and decodes a "jwt" session_data value: a compact
// HS256 JWS keyed by the UTF-8 bytes of the current secret, whose claims are
// sessionData plus iat and exp (Better Auth's signJWT, verified with jose's
// jwtVerify and no clock tolerance).
//
// Only alg HS256 is accepted ("none" and every other algorithm are refused
// with ErrSignature); jose, given a raw key and no algorithm list, would
// also take HS384 and HS512, which Better Auth never writes. Any "crit"
// header is refused. exp is required (jose would accept a token without
// one; Better Auth always sets it); the cache is expired when exp <= now in
// whole seconds. The HMAC is computed here rather than with go-jose, which
// refuses HMAC keys shorter than 32 bytes, a length Better Auth only warns
// about.
func DecodeJWT(token, secret string, now time.Time) (*Payload, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: a JWT has 3 parts, got %d", ErrMalformed, len(parts))
	}
	headerJSON, err := decodeJoseBase64(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	header, err := parseJSON(headerJSON)
	if err != nil || header.kind != kindObject {
		return nil, fmt.Errorf("%w: header is not a JSON object", ErrMalformed)
	}
	alg := header.get("alg")
	if alg == nil || alg.kind != kindString || len(alg.str) == 0 {
		return nil, fmt.Errorf("%w: header has no alg", ErrMalformed)
	}
	if alg.goString() != "HS256" {
		return nil, fmt.Errorf("%w: alg %s not allowed", ErrSignature, errtext.Quote(alg.goString()))
	}
	if header.get("crit") != nil {
		return nil, fmt.Errorf("%w: crit header not supported", ErrMalformed)
	}
	sig, err := decodeJoseBase64(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(parts[0]))
	m.Write([]byte{'.'})
	m.Write([]byte(parts[1]))
	if !hmac.Equal(sig, m.Sum(nil)) {
		return nil, fmt.Errorf("%w: JWT HMAC mismatch", ErrSignature)
	}
	payload, err := decodeJoseBase64(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	claims, err := parseJSON(payload)
	if err != nil || claims.kind != kindObject {
		return nil, fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
	}
	return claimsPayload(payload, claims, now, 0)
}

// claimsPayload checks a verified or decrypted claims set and reads the
// sessionData out of it.
func claimsPayload(src []byte, claims *value, now time.Time, tolerance float64) (*Payload, error) {
	expires, err := checkTimeClaims(claims, now, tolerance)
	if err != nil {
		return nil, err
	}
	p, err := payloadFromObject(src, claims)
	if err != nil {
		return nil, err
	}
	p.Expires = expires
	return p, nil
}

// decodeJoseBase64 decodes base64url as jose does on Node (atob after
// mapping the URL alphabet): '+' and '/' are refused, and '=' padding is
// accepted only where atob accepts it.
func decodeJoseBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "+/") {
		return nil, errors.New("invalid base64url")
	}
	if len(s)%4 == 0 {
		s = strings.TrimSuffix(s, "=")
		s = strings.TrimSuffix(s, "=")
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// EncodeJWT produces the "jwt" session_data value Better Auth would write
// for p: claims sessionData + iat (now) + exp (p.Expires, whole seconds),
// HS256 with the current secret. Better Auth parses the claims before use,
// so unlike EncodeCompact the session and user JSON need not be in
// JSON.stringify form; they must still pass Better Auth's schema.
func EncodeJWT(p Payload, secret string, now time.Time) (string, error) {
	claims, err := jwtClaims(p, now, "")
	if err != nil {
		return "", err
	}
	signingInput := base64.RawURLEncoding.EncodeToString([]byte(jwtHeader)) + "." + base64.RawURLEncoding.EncodeToString(claims)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signingInput))
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// jwtClaims is JSON.stringify of sessionData + iat + exp (+ jti when not
// empty), in the order jose's builders add them.
func jwtClaims(p Payload, now time.Time, jti string) ([]byte, error) {
	if err := checkEncodable(p, false); err != nil {
		return nil, err
	}
	if p.Expires.IsZero() {
		return nil, errors.New("cookiecache: Expires is not set")
	}
	b := sessionDataJSON(p)
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, `,"exp":`...)
	b = strconv.AppendInt(b, p.Expires.Unix(), 10)
	if jti != "" {
		b = append(b, `,"jti":`...)
		b = jsjson.AppendString(b, jti)
	}
	return append(b, '}'), nil
}

// DecodeClaims reads the sessionData out of JWT claims whose signature the
// caller has already verified: the jwt plugin's sessionCookieCache, signed
// with its asymmetric JWKS keys rather than the secret. exp is required,
// and exp and nbf are checked with tolerance seconds of clock skew (jose's
// clockTolerance; Better Auth passes 15 for these caches).
func DecodeClaims(claims []byte, now time.Time, tolerance float64) (*Payload, error) {
	v, err := parseJSON(claims)
	if err != nil || v.kind != kindObject {
		return nil, fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
	}
	return claimsPayload(claims, v, now, tolerance)
}

// SessionData is JSON.stringify of p's sessionData ({session, user,
// updatedAt, version}), the object an asymmetric signer (the jwt plugin's
// sessionCookieCache) puts its claims around. The session and user must
// pass Better Auth's schema.
func SessionData(p Payload) ([]byte, error) {
	if err := checkEncodable(p, false); err != nil {
		return nil, err
	}
	return append(sessionDataJSON(p), '}'), nil
}
