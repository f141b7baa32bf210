// Package jsjson writes JSON exactly as JavaScript's JSON.stringify does:
// strings escaped as JavaScript escapes them (no HTML escaping, U+2028 and
// U+2029 left alone, lowercase \u00xx), numbers as Number.prototype.toString
// writes them, dates as Date.prototype.toISOString, object keys in the order
// they are written.
//
// Better Auth signs such text (the compact cookie cache) and stores it
// (Redis secondary storage), so the bytes matter, and encoding/json cannot
// produce them. This is the one writer of such JSON in the module: the
// root package's user and session JSON, the cookie cache and the Redis
// entries all use it.
package jsjson

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Object builds a JSON object, keys in the order they are added.
type Object struct {
	buf   []byte
	empty bool
}

// NewObject starts an object in a buffer of 512 bytes, which holds a user
// or a session without growing.
func NewObject() *Object { return AppendObject(make([]byte, 0, 512)) }

// AppendObject starts an object at the end of dst.
func AppendObject(dst []byte) *Object { return &Object{buf: append(dst, '{'), empty: true} }

// Key writes a key; the value written next belongs to it.
func (o *Object) Key(k string) {
	if !o.empty {
		o.buf = append(o.buf, ',')
	}
	o.empty = false
	o.buf = AppendString(o.buf, k)
	o.buf = append(o.buf, ':')
}

// String writes k: v.
func (o *Object) String(k, v string) { o.Key(k); o.buf = AppendString(o.buf, v) }

// Bool writes k: v.
func (o *Object) Bool(k string, v bool) { o.Key(k); o.buf = strconv.AppendBool(o.buf, v) }

// Date writes k: v as toISOString.
func (o *Object) Date(k string, t time.Time) { o.Key(k); o.buf = AppendDate(o.buf, t) }

// Raw writes k: v, v being JSON text already.
func (o *Object) Raw(k string, v []byte) { o.Key(k); o.buf = append(o.buf, v...) }

// Null writes k: null.
func (o *Object) Null(k string) { o.Key(k); o.buf = append(o.buf, "null"...) }

// Value writes k: v for the Go values AppendValue knows.
func (o *Object) Value(k string, v any) { o.Key(k); o.buf = AppendValue(o.buf, v) }

// OptString writes k: null when v is nil, else k: *v.
func (o *Object) OptString(k string, v *string) {
	if v == nil {
		o.Null(k)
		return
	}
	o.String(k, *v)
}

// OptBool writes k: null when v is nil, else k: *v. (The three Opt
// methods are written out, not one generic helper over a func value: the
// func value would make every Object escape to the heap.)
func (o *Object) OptBool(k string, v *bool) {
	if v == nil {
		o.Null(k)
		return
	}
	o.Bool(k, *v)
}

// OptDate writes k: null when v is nil, else k: *v.
func (o *Object) OptDate(k string, v *time.Time) {
	if v == nil {
		o.Null(k)
		return
	}
	o.Date(k, *v)
}

// Bytes closes the object and returns its text.
func (o *Object) Bytes() []byte { return append(o.buf, '}') }

// AppendDate appends t as JSON.stringify writes a Date: its toISOString in
// quotes (the text needs no escaping).
func AppendDate(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	return append(AppendISOTime(dst, t), '"')
}

// AppendISOTime appends t as Date.prototype.toISOString writes it: UTC,
// milliseconds, "Z"; years outside 0000–9999 as a sign and six digits
// (+010000, -000001). It is written out by hand because every response
// carries dates, and time.Format re-reads its layout each call.
func AppendISOTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	switch {
	case year < 0:
		dst = append(dst, '-')
		dst = appendPadded(dst, -year, 6)
	case year > 9999:
		dst = append(dst, '+')
		dst = appendPadded(dst, year, 6)
	default:
		dst = append(dst, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10))
	}
	hour, min, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(dst, '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

func appendPadded(dst []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// AppendValue appends v, a value of one of the Go types a Better Auth
// field holds (string, bool, int, int64, float64, time.Time, []string,
// []float64, []any, map[string]any with keys sorted, nil, or raw JSON as
// json.RawMessage). Anything else goes through encoding/json (null when
// that fails).
func AppendValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return AppendString(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case float64:
		return AppendNumber(dst, x)
	case time.Time:
		return AppendDate(dst, x)
	case json.RawMessage:
		return append(dst, x...)
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, s)
		}
		return append(dst, ']')
	case []float64:
		dst = append(dst, '[')
		for i, f := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendNumber(dst, f)
		}
		return append(dst, ']')
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendValue(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := AppendObject(dst)
		for _, k := range keys {
			o.Value(k, x[k])
		}
		return o.Bytes()
	}
	enc, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, enc...)
}

// AppendNumber appends f as JSON.stringify does (Number::toString, with
// non-finite numbers as null): plain digits from 1e-6 up to 1e21, the
// exponent form outside, shortest round-trip digits as ECMAScript requires.
func AppendNumber(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		return append(dst, '0') // also -0, as JavaScript writes it
	}
	if abs := math.Abs(f); abs >= 1e-6 && abs < 1e21 {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1e+21, 1.5e-07
	i := 0
	for s[i] != 'e' {
		i++
	}
	dst = append(dst, s[:i]...)
	// JavaScript writes the exponent without leading zeros: 1.5e-7.
	sign, digits := s[i+1], s[i+2:]
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	dst = append(dst, 'e', sign)
	return append(dst, digits...)
}

const hexDigits = "0123456789abcdef"

// plainByte marks the bytes JSON.stringify copies as they are: ASCII from
// space on (DEL included) except '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendString quotes s as JSON.stringify does. Invalid UTF-8 bytes become
// U+FFFD (JavaScript strings cannot hold them).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		// A run of bytes that need no escaping is copied at once: names,
		// emails, ids and dates are nothing else.
		j := i
		for j < len(s) && plainByte[s[j]] {
			j++
		}
		if j > i {
			dst = append(dst, s[i:j]...)
			if i = j; i == len(s) {
				break
			}
		}
		if c := s[i]; c < utf8.RuneSelf {
			dst = appendEscapedASCII(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// AppendUTF16 quotes a JavaScript string given as UTF-16 code units, as
// JSON.stringify does: lone surrogates are written as \udxxx (well-formed
// JSON.stringify, ES2019), everything else as in AppendString.
func AppendUTF16(dst []byte, units []uint16) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u < utf8.RuneSelf:
			if plainByte[u] {
				dst = append(dst, byte(u))
			} else {
				dst = appendEscapedASCII(dst, byte(u))
			}
		case utf16.IsSurrogate(rune(u)):
			if u < 0xdc00 && i+1 < len(units) && units[i+1] >= 0xdc00 && units[i+1] <= 0xdfff {
				dst = utf8.AppendRune(dst, utf16.DecodeRune(rune(u), rune(units[i+1])))
				i++
				continue
			}
			dst = append(dst, '\\', 'u', hexDigits[u>>12], hexDigits[u>>8&0xf], hexDigits[u>>4&0xf], hexDigits[u&0xf])
		default:
			dst = utf8.AppendRune(dst, rune(u))
		}
	}
	return append(dst, '"')
}

// appendEscapedASCII writes an ASCII byte that is not plain: '"', '\\' or
// a control character.
func appendEscapedASCII(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, '\\', '"')
	case '\\':
		return append(dst, '\\', '\\')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	if c < 0x20 {
		return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, c)
}
