package cookiecache

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const (
	// sessionSalt is the HKDF salt of the session_data cookie; Better Auth
	// uses "better-auth-account" for account_data.
	sessionSalt = "better-auth-session"
	// hkdfInfo is the HKDF info of every Better Auth JWE key.
	hkdfInfo = "BetterAuth.js Generated Encryption Key"
	// jweClockTolerance is the clockTolerance Better Auth passes to
	// jose's jwtDecrypt, in seconds.
	jweClockTolerance = 15
)

// deriveKey is Better Auth's deriveEncryptionSecret: 64 bytes of
// HKDF-SHA256(ikm = secret, salt, info), the A256CBC-HS512 key (MAC key
// first, AES key second).
func deriveKey(secret, salt string) []byte {
	key, err := hkdf.Key(sha256.New, []byte(secret), []byte(salt), hkdfInfo, 64)
	if err != nil {
		panic("cookiecache: hkdf: " + err.Error()) // only for lengths above 255*32
	}
	return key
}

// keyID is the RFC 7638 SHA-256 thumbprint of {"kty":"oct","k":key}, the
// kid Better Auth puts in the JWE header.
func keyID(key []byte) string {
	sum := sha256.Sum256([]byte(`{"k":"` + base64.RawURLEncoding.EncodeToString(key) + `","kty":"oct"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// DecodeJWE decrypts and decodes a "jwe" session_data value: compact JWE,
// alg "dir", enc A256CBC-HS512, key derived from a secret with HKDF, claims
// sessionData + iat + exp + jti, checked with jose's 15 s clock tolerance
// (expired when exp <= now - 15 s).
//
// secrets are tried as Better Auth's symmetricDecodeJWT tries them: when
// the header has a kid, only the secret whose derived key has that
// thumbprint (none matching is ErrSignature); without a kid, each secret in
// order. Pass every secret Better Auth knows, current first, including the
// legacy BETTER_AUTH_SECRET it appends in rotation mode.
//
// enc A256GCM is allowed by Better Auth's options but can never decrypt:
// the derived key is 64 bytes and A256GCM needs 32, so jose fails, and so
// does this (ErrSignature). Better Auth's get-session also drops a cache
// whose exp*1000 is before now, without tolerance; callers wanting that
// compare Payload.Expires themselves.
func DecodeJWE(token string, secrets []Secret, now time.Time) (*Payload, error) {
	return decodeJWE(token, secrets, sessionSalt, now)
}

func decodeJWE(token string, secrets []Secret, salt string, now time.Time) (*Payload, error) {
	return decryptJWE(token, secrets, salt, now, jweClaims)
}

// decryptJWE is symmetricDecodeJWT: it finds the key (by kid, or each
// secret in turn), decrypts, and hands the header and plaintext to claims.
func decryptJWE[T any](token string, secrets []Secret, salt string, now time.Time, claims func(header *value, plaintext []byte, now time.Time) (T, error)) (T, error) {
	var zero T
	parts := strings.Split(token, ".")
	if len(parts) != 5 {
		return zero, fmt.Errorf("%w: a compact JWE has 5 parts, got %d", ErrMalformed, len(parts))
	}
	if parts[1] != "" {
		return zero, fmt.Errorf("%w: alg dir takes no encrypted key", ErrMalformed)
	}
	headerJSON, err := decodeJoseBase64(parts[0])
	if err != nil {
		return zero, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	header, err := parseJSON(headerJSON)
	if err != nil || header.kind != kindObject {
		return zero, fmt.Errorf("%w: header is not a JSON object", ErrMalformed)
	}
	obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A256CBC_HS512, jose.A256GCM})
	if err != nil {
		// Not go-jose's text: it quotes the header's alg and enc whole.
		return zero, fmt.Errorf("%w: not a compact JWE with alg dir and enc A256CBC-HS512 or A256GCM", ErrMalformed)
	}
	if len(secrets) == 0 {
		return zero, fmt.Errorf("%w: no secrets given", ErrSignature)
	}

	attempt := func(key []byte) (p T, decrypted bool, err error) {
		plaintext, err := obj.Decrypt(key)
		if err != nil {
			return zero, false, fmt.Errorf("%w: JWE decryption failed", ErrSignature)
		}
		p, err = claims(header, plaintext, now)
		return p, true, err
	}

	if kid := header.get("kid"); kid != nil {
		if kid.kind == kindString {
			want := kid.goString()
			for _, s := range secrets {
				if key := deriveKey(s.Value, salt); keyID(key) == want {
					p, _, err := attempt(key)
					return p, err
				}
			}
		}
		return zero, fmt.Errorf("%w: no secret matches the JWE kid", ErrSignature)
	}
	var firstErr error
	for _, s := range secrets {
		p, decrypted, err := attempt(deriveKey(s.Value, salt))
		if err == nil {
			return p, nil
		}
		// Report why a decryptable token failed (say, expired) rather
		// than the other secrets' decryption failures.
		if firstErr == nil || decrypted && errors.Is(firstErr, ErrSignature) {
			firstErr = err
		}
	}
	return zero, firstErr
}

// jweClaims applies jwtDecrypt's checks to the plaintext: a JSON object,
// header copies of iss/sub/aud equal to the claims, time claims.
func jweClaims(header *value, plaintext []byte, now time.Time) (*Payload, error) {
	claims, err := parseJSON(plaintext)
	if err != nil || claims.kind != kindObject {
		return nil, fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
	}
	for _, name := range []string{"iss", "sub", "aud"} {
		h := header.get(name)
		if h == nil {
			continue
		}
		if c := claims.get(name); c == nil || !replicatedEqual(h, c, name == "aud") {
			return nil, fmt.Errorf("%w: header %s differs from the claim", ErrMalformed, name)
		}
	}
	return claimsPayload(plaintext, claims, now, jweClockTolerance)
}

// replicatedEqual is jose's comparison of a replicated header claim: ===
// for iss and sub (objects never equal), JSON.stringify equality for aud.
func replicatedEqual(a, b *value, stringify bool) bool {
	if stringify {
		return string(jsCanonical(a, false)) == string(jsCanonical(b, false))
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kindNull:
		return true
	case kindBool:
		return a.boolean == b.boolean
	case kindNumber:
		return a.number == b.number
	case kindString:
		return unitsKey(a.str) == unitsKey(b.str)
	default:
		return false
	}
}

// EncodeJWE produces the "jwe" session_data value Better Auth would write
// for p: claims sessionData + iat (now) + exp (p.Expires, whole seconds) +
// jti (a random UUID), encrypted with header
// {"alg":"dir","enc":"A256CBC-HS512","kid":<thumbprint>} under the key
// derived from secret, which should be the current one (secrets[0]).
func EncodeJWE(p Payload, secret string, now time.Time) (string, error) {
	jti, err := randomUUID()
	if err != nil {
		return "", err
	}
	claims, err := jwtClaims(p, now, jti)
	if err != nil {
		return "", err
	}
	key := deriveKey(secret, sessionSalt)
	enc, err := jose.NewEncrypter(jose.A256CBC_HS512, jose.Recipient{Algorithm: jose.DIRECT, Key: key, KeyID: keyID(key)}, nil)
	if err != nil {
		return "", fmt.Errorf("cookiecache: %w", err)
	}
	obj, err := enc.Encrypt(claims)
	if err != nil {
		return "", fmt.Errorf("cookiecache: %w", err)
	}
	return obj.CompactSerialize()
}

// randomUUID is crypto.randomUUID(): a version 4 UUID, lowercase.
func randomUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
