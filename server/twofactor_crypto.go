package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"

	ba "github.com/betterauth-go/betterauth"
)

// This file holds unexported copies of Better Auth's crypto helpers that the
// two-factor routes need: symmetricEncrypt/symmetricDecrypt
// (crypto/index.mjs) and generateRandomString (crypto/random.mjs).

var errDecrypt = errors.New("server: cannot decrypt a two-factor value with the configured secrets")

// symmetricEncrypt is Better Auth's symmetricEncrypt: XChaCha20-Poly1305
// with key SHA-256(secret), nonce(24) ‖ ciphertext ‖ tag as lowercase hex;
// with versioned secrets (BETTER_AUTH_SECRETS) the "$ba$<version>$" envelope
// of the current one.
func symmetricEncrypt(secrets []ba.Secret, data string) (string, error) {
	cur := secrets[0]
	out, err := rawEncrypt(cur.Value, data)
	if err != nil {
		return "", err
	}
	if cur.Version == "" {
		return out, nil
	}
	v, err := strconv.Atoi(cur.Version)
	if err != nil {
		return "", err
	}
	return "$ba$" + strconv.Itoa(v) + "$" + out, nil
}

// symmetricDecrypt is Better Auth's symmetricDecrypt: an envelope names its
// secret's version; a bare hex value is from a single (unversioned) secret.
func symmetricDecrypt(secrets []ba.Secret, data string) (string, error) {
	if rest, ok := strings.CutPrefix(data, "$ba$"); ok {
		ver, ct, ok := strings.Cut(rest, "$")
		if ok {
			if v, err := strconv.Atoi(ver); err == nil && v >= 0 {
				for _, s := range secrets {
					if sv, err := strconv.Atoi(s.Version); err == nil && sv == v {
						return rawDecrypt(s.Value, ct)
					}
				}
				return "", errDecrypt
			}
		}
	}
	for _, s := range secrets {
		if s.Version == "" {
			return rawDecrypt(s.Value, data)
		}
	}
	return "", errDecrypt
}

func rawEncrypt(secret, data string) (string, error) {
	key := sha256.Sum256([]byte(secret))
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return "", err
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(data)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return hex.EncodeToString(aead.Seal(nonce, nonce, []byte(data), nil)), nil
}

func rawDecrypt(secret, data string) (string, error) {
	raw, err := hex.DecodeString(data)
	if err != nil || len(raw) < chacha20poly1305.NonceSizeX {
		return "", errDecrypt
	}
	key := sha256.Sum256([]byte(secret))
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return "", err
	}
	plain, err := aead.Open(nil, raw[:chacha20poly1305.NonceSizeX], raw[chacha20poly1305.NonceSizeX:], nil)
	if err != nil {
		return "", errDecrypt
	}
	return string(plain), nil
}

const (
	alphabetURL    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
	alphabetAlnum  = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	alphabetDigits = "0123456789"
)

// randomString draws n characters uniformly from alphabet with crypto/rand
// (Better Auth's generateRandomString).
func randomString(n int, alphabet string) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	buf := make([]byte, n+16)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// trustDeviceToken is createHMAC("SHA-256", "base64urlnopad").sign(secret,
// userID + "!" + trustID).
func trustDeviceToken(secret, userID, trustID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(userID + "!" + trustID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// hashOTP is the two-factor plugin's defaultKeyHasher: base64url (no
// padding) of SHA-256.
func hashOTP(otp string) string {
	sum := sha256.Sum256([]byte(otp))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
