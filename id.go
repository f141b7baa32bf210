package betterauth

import (
	"crypto/rand"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// IDLength is the length of ids and session tokens Better Auth generates.
const IDLength = 32

// GenerateID returns a new 32-character id from [a-zA-Z0-9], generated the
// way Better Auth's generateId does (crypto/rand with rejection sampling, so
// every character is equally likely). Session tokens use the same generator.
func GenerateID() string { return RandomString(IDLength) }

// GenerateToken returns a new session token. It is an alias of GenerateID
// kept for readability at call sites.
func GenerateToken() string { return RandomString(IDLength) }

// RandomString returns n characters drawn uniformly from [a-zA-Z0-9] using
// crypto/rand. Bytes ≥ 248 are rejected so that byte % 62 has no bias,
// as in Better Auth's createRandomStringGenerator.
func RandomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			// crypto/rand.Read never fails on supported platforms (Go 1.24+
			// crashes the program instead); keep the compiler honest.
			panic("betterauth: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if b >= 248 {
				continue
			}
			out = append(out, idAlphabet[int(b)%len(idAlphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}
