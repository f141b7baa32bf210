package cookiecache

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// accountSalt is the HKDF salt of Better Auth's account_data cookie.
const accountSalt = "better-auth-account"

// DecodeAccountJWE decrypts an account_data value (Better Auth's
// getAccountCookie: symmetricDecodeJWT with the "better-auth-account"
// salt, jose's 15 s clock tolerance) and returns its claims as JSON: the
// account object Better Auth stored, plus iat, exp and jti. secrets are
// tried as DecodeJWE tries them.
func DecodeAccountJWE(token string, secrets []Secret, now time.Time) ([]byte, error) {
	return decryptJWE(token, secrets, accountSalt, now, func(header *value, plaintext []byte, now time.Time) ([]byte, error) {
		claims, err := parseJSON(plaintext)
		if err != nil || claims.kind != kindObject {
			return nil, fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
		}
		for _, name := range []string{"iss", "sub", "aud"} {
			if h := header.get(name); h != nil {
				if c := claims.get(name); c == nil || !replicatedEqual(h, c, name == "aud") {
					return nil, fmt.Errorf("%w: header %s differs from the claim", ErrMalformed, name)
				}
			}
		}
		if _, err := checkTimeClaims(claims, now, jweClockTolerance); err != nil {
			return nil, err
		}
		return plaintext, nil
	})
}

// EncodeAccountJWE produces the account_data value Better Auth's
// setAccountCookie writes: the account object (a JSON object) with iat
// (now), exp (now + maxAge, whole seconds) and a random jti replacing any
// it had, encrypted as EncodeJWE does under the "better-auth-account" key
// of secret (the current one).
func EncodeAccountJWE(account []byte, secret string, now time.Time, maxAge time.Duration) (string, error) {
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(account, &claims); err != nil || claims == nil {
		return "", errors.New("cookiecache: the account is not a JSON object")
	}
	jti, err := randomUUID()
	if err != nil {
		return "", err
	}
	claims["iat"] = json.RawMessage(fmt.Sprint(now.Unix()))
	claims["exp"] = json.RawMessage(fmt.Sprint(now.Add(maxAge).Unix()))
	claims["jti"], _ = json.Marshal(jti)
	plaintext, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("cookiecache: %w", err)
	}
	key := deriveKey(secret, accountSalt)
	enc, err := jose.NewEncrypter(jose.A256CBC_HS512, jose.Recipient{Algorithm: jose.DIRECT, Key: key, KeyID: keyID(key)}, nil)
	if err != nil {
		return "", fmt.Errorf("cookiecache: %w", err)
	}
	obj, err := enc.Encrypt(plaintext)
	if err != nil {
		return "", fmt.Errorf("cookiecache: %w", err)
	}
	return obj.CompactSerialize()
}
