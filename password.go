package betterauth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf16"

	"golang.org/x/crypto/scrypt"
	"golang.org/x/text/unicode/norm"
)

// Better Auth's scrypt parameters (unchanged from 1.2 through 1.7).
const (
	scryptN      = 16384
	scryptR      = 16
	scryptP      = 1
	scryptKeyLen = 64
	saltBytes    = 16
)

// Password length limits Better Auth applies by default
// (emailAndPassword.minPasswordLength / maxPasswordLength). They count
// UTF-16 code units, as JavaScript's string.length does.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

// HashPassword hashes a password exactly as Better Auth does: scrypt
// (N=16384, r=16, p=1, 64-byte key) over the NFKC-normalised password,
// salted with the UTF-8 bytes of a 32-character lowercase hex string, stored
// as "hexsalt:hexkey". Better Auth verifies the result, and VerifyPassword
// verifies Better Auth's hashes.
//
// Each call needs about 16 MiB of memory and tens of milliseconds of CPU;
// servers should bound how many run at once.
func HashPassword(password string) (string, error) {
	raw := make([]byte, saltBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("betterauth: hash password: %w", err)
	}
	salt := hex.EncodeToString(raw)
	key, err := derivePasswordKey(password, salt)
	if err != nil {
		return "", fmt.Errorf("betterauth: hash password: %w", err)
	}
	return salt + ":" + hex.EncodeToString(key), nil
}

// VerifyPassword reports whether password matches a hash made by
// HashPassword or by Better Auth. The comparison is constant-time.
func VerifyPassword(hash, password string) (bool, error) {
	salt, keyHex, ok := strings.Cut(hash, ":")
	if !ok || salt == "" || keyHex == "" {
		return false, ErrMalformedHash
	}
	want, err := hex.DecodeString(keyHex)
	if err != nil || len(want) != scryptKeyLen {
		return false, ErrMalformedHash
	}
	got, err := derivePasswordKey(password, salt)
	if err != nil {
		return false, fmt.Errorf("betterauth: verify password: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func derivePasswordKey(password, salt string) ([]byte, error) {
	// The salt is the hex *string*, not the bytes it encodes: Better Auth
	// passes the string to scrypt, which takes its UTF-8 bytes.
	return scrypt.Key([]byte(norm.NFKC.String(password)), []byte(salt), scryptN, scryptR, scryptP, scryptKeyLen)
}

// PasswordLength returns the length of s as JavaScript counts it (UTF-16
// code units), which is what Better Auth's length limits compare.
func PasswordLength(s string) int { return jsLength(s) }

// jsLength is the length of s in UTF-16 code units, JavaScript's
// string.length (an invalid UTF-8 byte counts as the U+FFFD it decodes to).
func jsLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
