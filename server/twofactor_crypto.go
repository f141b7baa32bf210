package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	ba "github.com/betterauth-go/betterauth"
)

// This file holds unexported copies of Better Auth's crypto helpers that the
// two-factor routes need: symmetricEncrypt/symmetricDecrypt
// (crypto/index.mjs) and generateRandomString (crypto/random.mjs).

var errDecrypt = errors.New("server: cannot decrypt a two-factor value with the configured secrets")

// symmetricEncrypt and symmetricDecrypt are betterauth.SymmetricEncrypt
// and SymmetricDecrypt (Better Auth's symmetricEncrypt: XChaCha20-Poly1305
// under SHA-256 of the secret, hex, the "$ba$<version>$" envelope with
// versioned secrets); a failed decrypt is errDecrypt, never the value.
func symmetricEncrypt(secrets []ba.Secret, data string) (string, error) {
	return ba.SymmetricEncrypt(secrets, data)
}

func symmetricDecrypt(secrets []ba.Secret, data string) (string, error) {
	plain, err := ba.SymmetricDecrypt(secrets, data)
	if err != nil {
		return "", fmt.Errorf("%w: %w", errDecrypt, err)
	}
	return plain, nil
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
