package betterauth

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// envelopePrefix starts Better Auth's versioned ciphertext "$ba$<version>$<hex>".
const envelopePrefix = "$ba$"

// ErrDecrypt means a value could not be decrypted with the secrets given:
// a wrong or retired secret, or a value that is not Better Auth's ciphertext.
var ErrDecrypt = errors.New("betterauth: cannot decrypt value")

// SymmetricEncrypt encrypts data as Better Auth's symmetricEncrypt
// (better-auth/crypto): XChaCha20-Poly1305 under SHA-256 of the secret, a
// random 24-byte nonce, and lowercase hex of nonce ‖ ciphertext ‖ tag.
//
// secrets is what SymmetricSecretsFromEnv returns. With one unversioned
// secret (BETTER_AUTH_SECRET) the result is the bare hex; with versioned
// secrets (BETTER_AUTH_SECRETS) it is "$ba$<version>$<hex>" under the
// current (first) secret.
func SymmetricEncrypt(secrets []Secret, data string) (string, error) {
	if len(secrets) == 0 {
		return "", ErrNoSecret
	}
	cur := secrets[0]
	if cur.Version == "" {
		return rawEncrypt(cur.Value, data)
	}
	v, ok := secretVersion(cur.Version)
	if !ok {
		return "", fmt.Errorf("betterauth: secret version %q is not a non-negative integer", cur.Version)
	}
	ct, err := rawEncrypt(cur.Value, data)
	if err != nil {
		return "", err
	}
	return envelopePrefix + strconv.Itoa(v) + "$" + ct, nil
}

// SymmetricDecrypt decrypts what SymmetricEncrypt (or Better Auth's
// symmetricEncrypt) wrote. With one unversioned secret the value must be
// bare hex. With versioned secrets an envelope is decrypted with the
// secret of its version, and bare hex (written before BETTER_AUTH_SECRETS)
// with the unversioned legacy secret in the list, as Better Auth does. It
// returns an error wrapping ErrDecrypt when that fails; the error never
// holds the value or a secret.
func SymmetricDecrypt(secrets []Secret, data string) (string, error) {
	if len(secrets) == 0 {
		return "", ErrNoSecret
	}
	if secrets[0].Version == "" {
		return rawDecrypt(secrets[0].Value, data)
	}
	if version, hexData, ok := parseEnvelope(data); ok {
		for _, s := range secrets {
			if v, ok := secretVersion(s.Version); ok && s.Version != "" && v == version {
				return rawDecrypt(s.Value, hexData)
			}
		}
		return "", fmt.Errorf("%w: secret version %d not found (it may have been retired)", ErrDecrypt, version)
	}
	for _, s := range secrets {
		if s.Version == "" && s.Value != DefaultSecret {
			return rawDecrypt(s.Value, data)
		}
	}
	return "", fmt.Errorf("%w: a bare-hex value needs the legacy secret (BETTER_AUTH_SECRET) next to BETTER_AUTH_SECRETS", ErrDecrypt)
}

// SymmetricSecretsFromEnv returns the secrets Better Auth 1.7 encrypts
// with: BETTER_AUTH_SECRETS (current first) followed by BETTER_AUTH_SECRET
// or AUTH_SECRET as the unversioned legacy secret when set; without
// BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET or AUTH_SECRET alone.
func SymmetricSecretsFromEnv() ([]Secret, error) {
	return symmetricSecretsFrom(os.Getenv)
}

func symmetricSecretsFrom(getenv func(string) string) ([]Secret, error) {
	secrets, err := secretsFrom(getenv)
	if err != nil || secrets[0].Version == "" {
		return secrets, err
	}
	for _, name := range []string{"BETTER_AUTH_SECRET", "AUTH_SECRET"} {
		if v := getenv(name); v != "" {
			if v != DefaultSecret {
				secrets = append(secrets, Secret{Value: v})
			}
			break
		}
	}
	return secrets, nil
}

// LooksEncrypted is Better Auth's isLikelyEncrypted: an envelope, or an
// even-length hex string. With account.encryptOAuthTokens on, Better Auth
// returns any other stored token as it is (a plaintext token written before
// the option was turned on).
func LooksEncrypted(token string) bool {
	if strings.HasPrefix(token, envelopePrefix) {
		return true
	}
	if token == "" || len(token)%2 != 0 {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// DecryptOAuthToken reads a stored account.accessToken or refreshToken as
// Better Auth's decryptOAuthToken: as is when encrypt (the app's
// account.encryptOAuthTokens) is off, or when the value does not look
// encrypted; otherwise SymmetricDecrypt.
func DecryptOAuthToken(secrets []Secret, encrypt bool, stored string) (string, error) {
	if stored == "" || !encrypt || !LooksEncrypted(stored) {
		return stored, nil
	}
	return SymmetricDecrypt(secrets, stored)
}

// EncryptOAuthToken is Better Auth's setTokenUtil: SymmetricEncrypt when
// encrypt is on and token is not empty, else token unchanged. idToken is
// never encrypted by Better Auth.
func EncryptOAuthToken(secrets []Secret, encrypt bool, token string) (string, error) {
	if !encrypt || token == "" {
		return token, nil
	}
	return SymmetricEncrypt(secrets, token)
}

func symmetricAEAD(secret string) (cipher.AEAD, error) {
	key := sha256.Sum256([]byte(secret))
	return chacha20poly1305.NewX(key[:])
}

func rawEncrypt(secret, data string) (string, error) {
	aead, err := symmetricAEAD(secret)
	if err != nil {
		return "", err
	}
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(data)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return "", err
	}
	out = aead.Seal(out, out, []byte(data), nil)
	return hex.EncodeToString(out), nil
}

func rawDecrypt(secret, data string) (string, error) {
	raw, err := hex.DecodeString(data)
	if err != nil {
		return "", fmt.Errorf("%w: not hex", ErrDecrypt)
	}
	aead, err := symmetricAEAD(secret)
	if err != nil {
		return "", err
	}
	if len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", fmt.Errorf("%w: too short", ErrDecrypt)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("%w: authentication failed", ErrDecrypt)
	}
	return string(plain), nil
}

// parseEnvelope splits "$ba$<version>$<hex>"; the version is read as
// JavaScript's parseInt reads it (leading decimal digits).
func parseEnvelope(data string) (version int, hexData string, ok bool) {
	if !strings.HasPrefix(data, envelopePrefix) {
		return 0, "", false
	}
	rest := data[len(envelopePrefix):]
	sep := strings.IndexByte(rest, '$')
	if sep < 0 {
		return 0, "", false
	}
	v, ok := jsParseUint(rest[:sep])
	if !ok {
		return 0, "", false
	}
	return v, rest[sep+1:], true
}

// secretVersion is parseInt of a BETTER_AUTH_SECRETS version.
func secretVersion(s string) (int, bool) { return jsParseUint(strings.TrimSpace(s)) }

func jsParseUint(s string) (int, bool) {
	s = strings.TrimLeft(s, " \t\n\r")
	s = strings.TrimPrefix(s, "+")
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	if n == 0 {
		return 0, false
	}
	v, err := strconv.Atoi(s[:n])
	return v, err == nil
}
