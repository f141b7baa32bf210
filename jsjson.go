package betterauth

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// jsObject writes a JSON object the way JavaScript's JSON.stringify does:
// keys in insertion order, strings escaped as JavaScript escapes them (no
// HTML escaping, U+2028/U+2029 left alone, lowercase \u00xx), dates as
// toISOString. Better Auth signs such text (the compact cookie cache), so the
// bytes matter, and encoding/json cannot produce them.
type jsObject struct {
	buf   []byte
	empty bool
}

func newJSObject() *jsObject {
	// 512 bytes hold a user or a session without growing.
	return &jsObject{buf: append(make([]byte, 0, 512), '{'), empty: true}
}

func (o *jsObject) key(k string) {
	if !o.empty {
		o.buf = append(o.buf, ',')
	}
	o.empty = false
	o.buf = appendJSString(o.buf, k)
	o.buf = append(o.buf, ':')
}

func (o *jsObject) str(k, v string) { o.key(k); o.buf = appendJSString(o.buf, v) }
func (o *jsObject) boolean(k string, v bool) {
	o.key(k)
	o.buf = strconv.AppendBool(o.buf, v)
}
func (o *jsObject) date(k string, t time.Time) { o.key(k); o.buf = appendJSDate(o.buf, t) }
func (o *jsObject) raw(k string, v []byte)     { o.key(k); o.buf = append(o.buf, v...) }
func (o *jsObject) null(k string)              { o.key(k); o.buf = append(o.buf, "null"...) }

func (o *jsObject) optStr(k string, v *string) {
	if v == nil {
		o.null(k)
		return
	}
	o.str(k, *v)
}

func (o *jsObject) optBool(k string, v *bool) {
	if v == nil {
		o.null(k)
		return
	}
	o.boolean(k, *v)
}

func (o *jsObject) optDate(k string, v *time.Time) {
	if v == nil {
		o.null(k)
		return
	}
	o.date(k, *v)
}

// value writes a custom field value of any canonical Go type (see Fields).
func (o *jsObject) value(k string, v any) { o.key(k); o.buf = appendJSValue(o.buf, v) }

func (o *jsObject) bytes() []byte { return append(o.buf, '}') }

// appendJSDate appends t as JSON.stringify writes a Date: its toISOString
// in quotes (the text needs no escaping).
func appendJSDate(b []byte, t time.Time) []byte {
	b = append(b, '"')
	return append(AppendTime(b, t), '"')
}

func appendJSValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return appendJSNumber(b, x)
	case time.Time:
		return appendJSDate(b, x)
	case json.RawMessage:
		return append(b, x...)
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSString(b, s)
		}
		return append(b, ']')
	case []float64:
		b = append(b, '[')
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSNumber(b, f)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := newJSObject()
		for _, k := range keys {
			o.value(k, x[k])
		}
		return append(b, o.bytes()...)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSValue(b, e)
		}
		return append(b, ']')
	default:
		enc, err := json.Marshal(x)
		if err != nil {
			return append(b, "null"...)
		}
		return append(b, enc...)
	}
}

// appendJSNumber formats f as JavaScript's Number.prototype.toString does for
// the values Better Auth stores (non-finite numbers become null, as in JSON).
func appendJSNumber(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == 0 {
		return append(b, '0')
	}
	abs := math.Abs(f)
	if abs >= 1e-6 && abs < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1e+21, 1.5e-07
	mant, exp, _ := cutByte(s, 'e')
	// JavaScript writes the exponent without leading zeros: 1.5e-7.
	sign := exp[0]
	digits := exp[1:]
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	b = append(b, mant...)
	b = append(b, 'e', sign)
	return append(b, digits...)
}

func cutByte(s string, c byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

const hexDigits = "0123456789abcdef"

// jsPlainByte marks the bytes JSON.stringify copies as they are: ASCII
// from space on (DEL included) except '"' and '\\'.
var jsPlainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSString quotes s as JSON.stringify does. Invalid UTF-8 bytes become
// U+FFFD (JavaScript strings cannot hold them).
func appendJSString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		// A run of bytes that need no escaping is copied at once: names,
		// emails, ids and dates are nothing else.
		j := i
		for j < len(s) && jsPlainByte[s[j]] {
			j++
		}
		if j > i {
			b = append(b, s[i:j]...)
			if i = j; i == len(s) {
				break
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				if c < 0x20 {
					b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
				} else {
					b = append(b, c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// AppendJSONString appends s quoted exactly as JavaScript's JSON.stringify
// quotes it (no HTML escaping, U+2028/U+2029 as they are, invalid UTF-8 as
// U+FFFD), for writers of Better-Auth-identical JSON outside this package.
func AppendJSONString(b []byte, s string) []byte { return appendJSString(b, s) }
