package jwt

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"

	ba "github.com/betterauth-go/betterauth"
)

// This file is Better Auth's symmetricEncrypt / symmetricDecrypt (its
// crypto/index.mjs), which the jwt plugin uses for the privateKey column:
// XChaCha20-Poly1305 keyed with SHA-256(secret), written as hex of
// nonce ‖ ciphertext ‖ tag. With versioned secrets (BETTER_AUTH_SECRETS)
// the hex is wrapped as "$ba$<version>$<hex>"; with one secret it is bare.
//
// It is unexported on purpose: the same primitive is needed for OAuth
// tokens elsewhere and the two copies are meant to be unified.

const envelopePrefix = "$ba$"

// secretRing is Better Auth's secretConfig: either one secret (a plain
// string in Better Auth) or versioned secrets with an optional legacy
// secret for bare-hex payloads.
type secretRing struct {
	single    string         // set when there is one unversioned secret
	current   int            // versioned: the current version
	keys      map[int]string // versioned: every version
	legacy    string         // versioned: BETTER_AUTH_SECRET, for bare hex
	versioned bool
}

// newSecretRing builds the ring from secrets, current first. A single
// secret without a version is Better Auth's string secretConfig.
func newSecretRing(secrets []ba.Secret, legacy string) (*secretRing, error) {
	if len(secrets) == 0 {
		return nil, errors.New("no secret")
	}
	if len(secrets) == 1 && secrets[0].Version == "" {
		return &secretRing{single: secrets[0].Value}, nil
	}
	r := &secretRing{versioned: true, keys: map[int]string{}}
	if legacy != ba.DefaultSecret {
		r.legacy = legacy
	}
	for i, s := range secrets {
		v, err := strconv.Atoi(strings.TrimSpace(s.Version))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("secret version %q is not a non-negative integer", s.Version)
		}
		if i == 0 {
			r.current = v
		}
		r.keys[v] = s.Value
	}
	return r, nil
}

func (r *secretRing) encrypt(plain string) (string, error) {
	if !r.versioned {
		return rawEncrypt(r.single, plain)
	}
	c, err := rawEncrypt(r.keys[r.current], plain)
	if err != nil {
		return "", err
	}
	return envelopePrefix + strconv.Itoa(r.current) + "$" + c, nil
}

func (r *secretRing) decrypt(data string) (string, error) {
	if !r.versioned {
		return rawDecrypt(r.single, data)
	}
	if version, hexText, ok := parseEnvelope(data); ok {
		secret, found := r.keys[version]
		if !found {
			return "", fmt.Errorf("secret version %d not found (it may have been retired)", version)
		}
		return rawDecrypt(secret, hexText)
	}
	if r.legacy != "" {
		return rawDecrypt(r.legacy, data)
	}
	return "", errors.New("cannot decrypt a bare-hex payload without a legacy secret (BETTER_AUTH_SECRET)")
}

// parseEnvelope reads "$ba$<version>$<rest>" as Better Auth's parseEnvelope
// does (parseInt of the version, which must be a non-negative integer).
func parseEnvelope(data string) (int, string, bool) {
	if !strings.HasPrefix(data, envelopePrefix) {
		return 0, "", false
	}
	rest := data[len(envelopePrefix):]
	end := strings.IndexByte(rest, '$')
	if end < 0 {
		return 0, "", false
	}
	v, ok := jsParseInt(rest[:end])
	if !ok || v < 0 {
		return 0, "", false
	}
	return v, rest[end+1:], true
}

// jsParseInt is JavaScript's parseInt(s, 10) for the envelope's version:
// leading spaces, an optional sign, then the leading digits.
func jsParseInt(s string) (int, bool) {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n, digits := 0, 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		if n > 1<<40 {
			return 0, false
		}
		n = n*10 + int(s[digits]-'0')
		digits++
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func rawEncrypt(secret, plain string) (string, error) {
	key := sha256.Sum256([]byte(secret))
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return "", err
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return hex.EncodeToString(aead.Seal(nonce, nonce, []byte(plain), nil)), nil
}

func rawDecrypt(secret, hexText string) (string, error) {
	data, err := hex.DecodeString(hexText)
	if err != nil {
		return "", errors.New("not hex")
	}
	if len(data) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return "", errors.New("too short")
	}
	key := sha256.Sum256([]byte(secret))
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return "", err
	}
	plain, err := aead.Open(nil, data[:chacha20poly1305.NonceSizeX], data[chacha20poly1305.NonceSizeX:], nil)
	if err != nil {
		return "", errors.New("wrong secret or corrupted data")
	}
	return string(plain), nil
}
