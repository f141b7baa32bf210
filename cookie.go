package betterauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// ErrInvalidSignature means a signed value's signature is missing, malformed
// or does not match the secret.
var ErrInvalidSignature = errors.New("betterauth: invalid signature")

// signatureLength is the length of a standard-base64 HMAC-SHA256 with
// padding, the only signature form better-call accepts.
const signatureLength = 44

// Sign returns value + "." + base64std(HMAC-SHA256(secret, value)): a signed
// cookie value before URL encoding (also what Better Auth's bearer plugin
// sends in set-auth-token).
func Sign(value, secret string) string {
	return value + "." + signature(value, secret)
}

// SignCookieValue returns the cookie value Better Auth sets for a signed
// cookie: encodeURIComponent(Sign(value, secret)).
func SignCookieValue(value, secret string) string {
	return EncodeURIComponent(Sign(value, secret))
}

func signature(value, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(value))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifySigned checks a signed value as better-call's getSignedCookie does and
// returns the value without its signature. raw may be URL-encoded (it is
// decoded once, only when it contains '%'). The value is split at the last
// '.', the signature must be 44 characters of standard base64 ending in '=',
// and it is compared in constant time.
func VerifySigned(raw, secret string) (string, error) {
	if strings.Contains(raw, "%") {
		decoded, err := DecodeURIComponent(raw)
		if err != nil {
			return "", ErrInvalidSignature
		}
		raw = decoded
	}
	i := strings.LastIndexByte(raw, '.')
	if i < 1 {
		return "", ErrInvalidSignature
	}
	value, sig := raw[:i], raw[i+1:]
	if len(sig) != signatureLength || sig[signatureLength-1] != '=' {
		return "", ErrInvalidSignature
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return "", ErrInvalidSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(value))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return "", ErrInvalidSignature
	}
	return value, nil
}

// EncodeURIComponent escapes s as JavaScript's encodeURIComponent does: every
// byte except A–Z a–z 0–9 - _ . ! ~ * ' ( ) is percent-encoded.
func EncodeURIComponent(s string) string {
	const upperHex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

func uriUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-_.!~*'()", c) >= 0
}

// ErrBadEncoding is returned by DecodeURIComponent for malformed escapes.
var ErrBadEncoding = errors.New("betterauth: malformed percent-encoding")

// DecodeURIComponent reverses EncodeURIComponent. Like JavaScript's, it
// rejects a '%' not followed by two hex digits; unlike url.QueryUnescape it
// leaves '+' alone.
func DecodeURIComponent(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			out = append(out, c)
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", ErrBadEncoding
		}
		out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(out), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
