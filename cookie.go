package betterauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
	"sync"
	"sync/atomic"
)

// signatureLength is the length of a standard-base64 HMAC-SHA256 with
// padding, the only signature form better-call accepts.
const signatureLength = 44

// Sign returns value + "." + base64std(HMAC-SHA256(secret, value)): a signed
// cookie value before URL encoding (also what Better Auth's bearer plugin
// sends in set-auth-token).
func Sign(value, secret string) string {
	m, pool := getMAC(secret)
	defer putMAC(m, pool)
	m.sign(value)
	var b strings.Builder
	b.Grow(len(value) + 1 + signatureLength)
	b.WriteString(value)
	b.WriteByte('.')
	b.Write(m.enc[:])
	return b.String()
}

// SignCookieValue returns the cookie value Better Auth sets for a signed
// cookie: encodeURIComponent(Sign(value, secret)).
func SignCookieValue(value, secret string) string {
	return EncodeURIComponent(Sign(value, secret))
}

// VerifySigned checks a signed value as better-call's getSignedCookie does and
// returns the value without its signature. raw may be URL-encoded (it is
// decoded once, only when it contains '%'). The value is split at the last
// '.', the signature must be 44 characters of standard base64 ending in '=',
// and it is compared in constant time.
//
// It runs on every request, so it allocates nothing in the usual case (a
// browser's cookie, whose only escapes are in the signature): the keyed
// HMAC state and the scratch space come from a pool per secret.
func VerifySigned(raw, secret string) (string, error) {
	m, pool := getMAC(secret)
	defer putMAC(m, pool)
	value, ok := m.split(raw)
	if !ok || m.enc[signatureLength-1] != '=' {
		return "", ErrInvalidSignature
	}
	n, err := base64.StdEncoding.Decode(m.got[:], m.enc[:])
	if err != nil || n != sha256.Size {
		return "", ErrInvalidSignature
	}
	m.sum(value)
	if !hmac.Equal(m.got[:n], m.digest[:]) {
		return "", ErrInvalidSignature
	}
	return value, nil
}

// macState is a keyed HMAC-SHA256 with scratch space for one signature.
type macState struct {
	mac    hash.Hash
	digest [sha256.Size]byte
	got    [sha256.Size + 1]byte // a 44-character signature decodes to 32 or 33 bytes
	enc    [signatureLength]byte // the signature text
	value  []byte
}

// sum computes HMAC(secret, value) into m.digest.
func (m *macState) sum(value string) {
	m.value = append(m.value[:0], value...)
	m.mac.Write(m.value)
	m.mac.Sum(m.digest[:0])
}

// sign computes the base64 signature of value into m.enc.
func (m *macState) sign(value string) {
	m.sum(value)
	base64.StdEncoding.Encode(m.enc[:], m.digest[:])
}

// split is better-call's parsing: decode raw once when it holds a '%',
// split at the last '.', and keep a signature of exactly 44 characters in
// m.enc. It returns the value part. When the part before the last '.' has
// no escape — a browser's cookie, where encodeURIComponent escaped only
// the signature's '+', '/' and '=' — only the signature is decoded and the
// value is a substring of raw; anything else takes the general path.
func (m *macState) split(raw string) (string, bool) {
	i := strings.LastIndexByte(raw, '.')
	if strings.IndexByte(raw, '%') < 0 {
		if i < 1 || len(raw)-i-1 != signatureLength {
			return "", false
		}
		copy(m.enc[:], raw[i+1:])
		return raw[:i], true
	}
	if i >= 1 && strings.IndexByte(raw[:i], '%') < 0 {
		n, ok, general := decodeSignature(&m.enc, raw[i+1:])
		if !general {
			return raw[:i], ok && n == signatureLength
		}
	}
	decoded, err := DecodeURIComponent(raw)
	if err != nil {
		return "", false
	}
	i = strings.LastIndexByte(decoded, '.')
	if i < 1 || len(decoded)-i-1 != signatureLength {
		return "", false
	}
	copy(m.enc[:], decoded[i+1:])
	return decoded[:i], true
}

// decodeSignature percent-decodes s into dst and returns its decoded
// length. ok is false on a malformed escape (DecodeURIComponent of the whole
// value would fail too). general is true when the fast path cannot decide
// as the whole decoding would: s decodes to more than 44 bytes or holds an
// escaped '.', which moves the split.
func decodeSignature(dst *[signatureLength]byte, s string) (n int, ok, general bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return 0, false, false
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
			if c == '.' {
				return 0, false, true
			}
		}
		if n == signatureLength {
			return 0, false, true
		}
		dst[n] = c
		n++
	}
	return n, true, false
}

// maxMACSecrets bounds the pools kept: a process uses one or two secrets
// (current and previous); anything beyond this many gets a fresh HMAC.
const maxMACSecrets = 16

var (
	macPools     sync.Map // secret → *sync.Pool of *macState
	macPoolCount atomic.Int32
)

// getMAC returns a keyed state for secret and the pool to return it to
// (nil when it must not be returned).
func getMAC(secret string) (*macState, *sync.Pool) {
	if p, ok := macPools.Load(secret); ok {
		pool := p.(*sync.Pool)
		return pool.Get().(*macState), pool
	}
	newState := func() any { return &macState{mac: hmac.New(sha256.New, []byte(secret))} }
	if macPoolCount.Load() >= maxMACSecrets {
		return newState().(*macState), nil
	}
	p, loaded := macPools.LoadOrStore(secret, &sync.Pool{New: newState})
	if !loaded {
		macPoolCount.Add(1)
	}
	pool := p.(*sync.Pool)
	return pool.Get().(*macState), pool
}

func putMAC(m *macState, pool *sync.Pool) {
	if pool == nil {
		return
	}
	m.mac.Reset()
	if cap(m.value) > 4096 {
		m.value = nil // do not keep a huge value's buffer
	}
	pool.Put(m)
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
