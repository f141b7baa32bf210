package cookiecache

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// Errors returned by the decoders, wrapped with detail; test with errors.Is.
var (
	// ErrMalformed means the value is not a cookie cache of the expected
	// strategy, or its payload fails Better Auth's schema.
	ErrMalformed = errors.New("cookiecache: malformed cookie")
	// ErrSignature means the value is not authentic under the given
	// secret(s): bad HMAC, failed decryption, unknown key id, or a
	// disallowed algorithm.
	ErrSignature = errors.New("cookiecache: bad signature")
	// ErrExpired means the cookie cache itself has expired (compact
	// expiresAt, jwt/jwe exp). The session inside may still be valid.
	ErrExpired = errors.New("cookiecache: expired")
	// ErrNotYetValid means a jwt/jwe nbf claim lies in the future.
	// Better Auth never sets nbf.
	ErrNotYetValid = errors.New("cookiecache: not yet valid")
)

// Secret is one of Better Auth's secrets. Version is empty for a single
// secret (BETTER_AUTH_SECRET) and the version number for rotation
// (BETTER_AUTH_SECRETS); only Value enters the crypto.
type Secret struct {
	Version string
	Value   string
}

// Payload is the sessionData Better Auth caches: what setCookieCache puts in
// the cookie, the same for every strategy.
type Payload struct {
	// Session and User are the raw JSON objects exactly as they appear in
	// the cookie (JSON.stringify text: schema key order, ISO dates with
	// milliseconds, the session token included).
	Session json.RawMessage
	User    json.RawMessage
	// UpdatedAt is when Better Auth wrote the cache, in Unix milliseconds.
	UpdatedAt int64
	// Version is session.cookieCache.version; empty when the payload has
	// none, which Better Auth reads as "1". Encoders write "1" for empty.
	Version string
	// Expires is when the cache expires: compact expiresAt (milliseconds)
	// or the jwt/jwe exp claim (seconds).
	Expires time.Time
}

// payloadFromObject reads sessionData ({session, user, updatedAt, version})
// after checking it against Better Auth's cookieCachePayloadSchema.
func payloadFromObject(src []byte, v *value) (*Payload, error) {
	if err := checkPayloadSchema(v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	p := &Payload{
		Session:   json.RawMessage(append([]byte(nil), v.get("session").raw(src)...)),
		User:      json.RawMessage(append([]byte(nil), v.get("user").raw(src)...)),
		UpdatedAt: int64(max(-maxSafeInteger, min(maxSafeInteger, v.get("updatedAt").number))),
	}
	if ver := v.get("version"); ver != nil {
		p.Version = ver.goString()
	}
	return p, nil
}

// checkPayloadSchema mirrors the zod schema Better Auth validates the cache
// with (cookies/cache.ts, core/db/schema), after its date reviver: a
// string that revives to a Date no longer passes as a string.
func checkPayloadSchema(v *value) error {
	if v.kind != kindObject {
		return errors.New("payload is not an object")
	}
	type field struct {
		name  string
		check func(*value) bool
		need  bool
	}
	isString := func(x *value) bool { return x.kind == kindString && !isDate(x) }
	nullishString := func(x *value) bool { return x.kind == kindNull || isString(x) }
	isBool := func(x *value) bool { return x.kind == kindBool }
	anything := func(*value) bool { return true }
	object := func(name string, fields []field) func(*value) error {
		return func(x *value) error {
			if x == nil || x.kind != kindObject {
				return fmt.Errorf("%s is not an object", name)
			}
			for _, f := range fields {
				m := x.get(f.name)
				if m == nil {
					if f.need {
						return fmt.Errorf("%s.%s is missing", name, f.name)
					}
					continue
				}
				if !f.check(m) {
					return fmt.Errorf("%s.%s has the wrong type", name, f.name)
				}
			}
			return nil
		}
	}
	session := object("session", []field{
		{"id", isString, true},
		{"createdAt", isDate, false}, // z.date().default(now)
		{"updatedAt", isDate, false},
		{"userId", anything, false}, // z.coerce.string()
		{"expiresAt", isDate, true},
		{"token", isString, true},
		{"ipAddress", nullishString, false},
		{"userAgent", nullishString, false},
	})
	user := object("user", []field{
		{"id", isString, true},
		{"createdAt", isDate, false},
		{"updatedAt", isDate, false},
		{"email", isString, true},
		{"emailVerified", isBool, false}, // z.boolean().default(false)
		{"name", isString, true},
		{"image", nullishString, false},
	})
	if err := session(v.get("session")); err != nil {
		return err
	}
	if err := user(v.get("user")); err != nil {
		return err
	}
	if u := v.get("updatedAt"); u == nil || u.kind != kindNumber || math.IsInf(u.number, 0) {
		return errors.New("updatedAt is not a number")
	}
	if ver := v.get("version"); ver != nil && !isString(ver) {
		return errors.New("version is not a string")
	}
	return nil
}

func isDate(x *value) bool {
	if x.kind != kindString {
		return false
	}
	_, ok := reviveDate(x.str)
	return ok
}

// decodeBetterAuthBase64 decodes like @better-auth/utils base64.decode,
// which Better Auth uses for the compact cookie and its signature: the URL
// alphabet when the text contains '-' or '_', else the standard one;
// decoding stops at the first '='; leftover bits are dropped.
func decodeBetterAuthBase64(s string) ([]byte, error) {
	table := &stdDecode
	if strings.ContainsAny(s, "-_") {
		table = &urlDecode
	}
	if i := strings.IndexByte(s, '='); i >= 0 {
		s = s[:i]
	}
	out := make([]byte, 0, len(s)*3/4)
	var buf uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		d := table[s[i]]
		if d == 0xff {
			return nil, fmt.Errorf("invalid base64 character %q", s[i])
		}
		buf = buf<<6 | uint32(d)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(buf>>bits))
		}
	}
	return out, nil
}

// stdDecode and urlDecode map a byte to its 6-bit value, 0xff for none.
var stdDecode, urlDecode = decodeTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
	decodeTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

func decodeTable(alphabet string) [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}

// numericDate reads a jwt/jwe NumericDate claim (iat, nbf, exp), which jose
// requires to be a number when present.
func numericDate(claims *value, name string) (float64, bool, error) {
	c := claims.get(name)
	if c == nil {
		return 0, false, nil
	}
	if c.kind != kindNumber {
		return 0, false, fmt.Errorf("%w: %q claim is not a number", ErrMalformed, name)
	}
	return c.number, true, nil
}

// checkTimeClaims applies jose's validateClaimsSet rules: reject when
// nbf > now + tolerance or exp <= now - tolerance, with now in whole
// seconds. Unlike jose it requires exp, which Better Auth always sets.
func checkTimeClaims(claims *value, now time.Time, tolerance float64) (time.Time, error) {
	nowSec := float64(now.Unix())
	if _, _, err := numericDate(claims, "iat"); err != nil {
		return time.Time{}, err
	}
	nbf, ok, err := numericDate(claims, "nbf")
	if err != nil {
		return time.Time{}, err
	}
	if ok && nbf > nowSec+tolerance {
		return time.Time{}, fmt.Errorf("%w: nbf %v", ErrNotYetValid, nbf)
	}
	exp, ok, err := numericDate(claims, "exp")
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, fmt.Errorf("%w: no exp claim", ErrMalformed)
	}
	expires := secondsToTime(exp)
	if exp <= nowSec-tolerance {
		return expires, fmt.Errorf("%w: exp %s", ErrExpired, expires.UTC().Format(time.RFC3339))
	}
	return expires, nil
}

func secondsToTime(s float64) time.Time {
	if math.IsInf(s, 0) || math.Abs(s) > 1<<53 {
		if s < 0 {
			return time.Unix(-1<<53, 0)
		}
		return time.Unix(1<<53, 0)
	}
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// checkEncodable checks what an encoder is given: session and user must be
// JSON objects that pass Better Auth's schema, and with canonical set they
// must also be byte-identical to JSON.stringify's output after Better
// Auth's date reviver, because Better Auth re-serializes the compact
// payload before checking its signature.
func checkEncodable(p Payload, canonical bool) error {
	if p.UpdatedAt > maxSafeInteger || p.UpdatedAt < -maxSafeInteger {
		return fmt.Errorf("cookiecache: updatedAt %d is not a safe JavaScript integer", p.UpdatedAt)
	}
	session, err := parseJSON(p.Session)
	if err != nil {
		return fmt.Errorf("cookiecache: session is not valid JSON: %w", err)
	}
	user, err := parseJSON(p.User)
	if err != nil {
		return fmt.Errorf("cookiecache: user is not valid JSON: %w", err)
	}
	version := p.Version
	if version == "" {
		version = "1"
	}
	data := &value{kind: kindObject, members: []member{
		{key: utf16.Encode([]rune("session")), val: session},
		{key: utf16.Encode([]rune("user")), val: user},
		{key: utf16.Encode([]rune("updatedAt")), val: &value{kind: kindNumber, number: float64(p.UpdatedAt)}},
		{key: utf16.Encode([]rune("version")), val: &value{kind: kindString, str: utf16.Encode([]rune(version))}},
	}}
	if err := checkPayloadSchema(data); err != nil {
		return fmt.Errorf("cookiecache: payload would fail Better Auth's schema: %w", err)
	}
	if canonical {
		for _, part := range []struct {
			name string
			raw  []byte
			v    *value
		}{{"session", p.Session, session}, {"user", p.User, user}} {
			if want := jsCanonical(part.v, true); string(want) != string(part.raw) {
				// The offset, not the text: the session holds its token.
				return fmt.Errorf("cookiecache: %s is not in JSON.stringify form (Better Auth would re-serialize it differently from byte %d)", part.name, firstDifference(want, part.raw))
			}
		}
	}
	return nil
}

// firstDifference is the offset of the first byte where a and b differ.
func firstDifference(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// maxSafeInteger is Number.MAX_SAFE_INTEGER.
const maxSafeInteger = 1<<53 - 1

// sessionDataJSON is JSON.stringify(sessionData) minus its closing brace:
// {"session":…,"user":…,"updatedAt":N,"version":"…". Callers append more
// members and the brace.
func sessionDataJSON(p Payload) []byte {
	version := p.Version
	if version == "" {
		version = "1"
	}
	b := make([]byte, 0, len(p.Session)+len(p.User)+64)
	b = append(b, `{"session":`...)
	b = append(b, p.Session...)
	b = append(b, `,"user":`...)
	b = append(b, p.User...)
	b = append(b, `,"updatedAt":`...)
	b = strconv.AppendInt(b, p.UpdatedAt, 10)
	b = append(b, `,"version":`...)
	b = jsjson.AppendString(b, version)
	return b
}
