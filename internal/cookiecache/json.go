package cookiecache

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// This file is a small JSON reader that keeps what encoding/json throws
// away and Better Auth depends on: the exact bytes of every value (the
// compact signature covers raw text), member order and duplicates (JSON.parse
// keeps the last value at the first position), strings as UTF-16 code units
// (a lone surrogate is legal JSON and survives JSON.stringify), and numbers as
// IEEE doubles. jsCanonical re-serializes a value exactly as
// JSON.stringify(JSON.parse(text, dateReviver)) would.

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
// Better Auth's cookies nest three levels deep.
const maxDepth = 512

type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// value is one parsed JSON value and its byte span in the source.
type value struct {
	kind       kind
	start, end int      // src[start:end] is the value's raw text
	boolean    bool     // kindBool
	number     float64  // kindNumber; ±Inf when the literal overflows, as in JS
	str        []uint16 // kindString: UTF-16 code units, escapes resolved
	members    []member // kindObject, in source order, duplicates kept
	elems      []*value // kindArray
}

type member struct {
	key []uint16
	val *value
}

var errSyntax = errors.New("invalid JSON")

// parseJSON parses src as one JSON text (RFC 8259, as JSON.parse accepts
// it). src must be valid UTF-8.
func parseJSON(src []byte) (*value, error) {
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("%w: not UTF-8", errSyntax)
	}
	p := parser{src: src}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(src) {
		return nil, fmt.Errorf("%w: trailing data at offset %d", errSyntax, p.pos)
	}
	return v, nil
}

type parser struct {
	src []byte
	pos int
}

func (p *parser) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", errSyntax, what, p.pos)
}

func (p *parser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*value, error) {
	if depth > maxDepth {
		return nil, p.fail("nesting too deep")
	}
	if p.pos >= len(p.src) {
		return nil, p.fail("unexpected end")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return &value{kind: kindString, start: start, end: p.pos, str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.numberValue()
	default:
		for _, lit := range [...]struct {
			text string
			v    value
		}{{"true", value{kind: kindBool, boolean: true}}, {"false", value{kind: kindBool}}, {"null", value{kind: kindNull}}} {
			if len(p.src)-p.pos >= len(lit.text) && string(p.src[p.pos:p.pos+len(lit.text)]) == lit.text {
				p.pos += len(lit.text)
				v := lit.v
				v.start, v.end = start, p.pos
				return &v, nil
			}
		}
		return nil, p.fail("unexpected character")
	}
}

func (p *parser) object(depth int) (*value, error) {
	v := &value{kind: kindObject, start: p.pos}
	p.pos++ // {
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		v.end = p.pos
		return v, nil
	}
	for {
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return nil, p.fail("expected member name")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.pos++
		p.space()
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.members = append(v.members, member{key: key, val: val})
		p.space()
		if p.pos >= len(p.src) {
			return nil, p.fail("unterminated object")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v.end = p.pos
			return v, nil
		default:
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

func (p *parser) array(depth int) (*value, error) {
	v := &value{kind: kindArray, start: p.pos}
	p.pos++ // [
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		v.end = p.pos
		return v, nil
	}
	for {
		p.space()
		el, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, el)
		p.space()
		if p.pos >= len(p.src) {
			return nil, p.fail("unterminated array")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v.end = p.pos
			return v, nil
		default:
			return nil, p.fail("expected ',' or ']'")
		}
	}
}

// string reads a string literal into UTF-16 code units, resolving escapes
// without the U+FFFD substitution encoding/json applies to lone surrogates.
func (p *parser) string() ([]uint16, error) {
	p.pos++ // opening quote
	// Fast path: plain ASCII up to the closing quote.
	for i := p.pos; i < len(p.src); i++ {
		c := p.src[i]
		if c == '"' {
			out := make([]uint16, i-p.pos)
			for j := range out {
				out[j] = uint16(p.src[p.pos+j])
			}
			p.pos = i + 1
			return out, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	out := []uint16{}
	for {
		if p.pos >= len(p.src) {
			return nil, p.fail("unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return out, nil
		case c < 0x20:
			return nil, p.fail("control character in string")
		case c == '\\':
			if p.pos+1 >= len(p.src) {
				return nil, p.fail("unterminated escape")
			}
			e := p.src[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, uint16(e))
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				if p.pos+4 > len(p.src) {
					return nil, p.fail("short \\u escape")
				}
				n, err := strconv.ParseUint(string(p.src[p.pos:p.pos+4]), 16, 16)
				if err != nil || !isHex4(p.src[p.pos:p.pos+4]) {
					return nil, p.fail("bad \\u escape")
				}
				out = append(out, uint16(n))
				p.pos += 4
			default:
				return nil, p.fail("bad escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, uint16(c))
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.src[p.pos:])
			out = utf16.AppendRune(out, r)
			p.pos += size
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (p *parser) numberValue() (*value, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.src[p.pos] == '-' {
		p.pos++
	}
	if p.pos < len(p.src) && p.src[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.fail("bad number")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.fail("bad fraction")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail("bad exponent")
		}
	}
	// ParseFloat rounds correctly like JS; on overflow it returns ±Inf
	// with ErrRange, which is what JSON.parse yields (Infinity).
	f, err := strconv.ParseFloat(string(p.src[start:p.pos]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, p.fail("bad number")
	}
	return &value{kind: kindNumber, start: start, end: p.pos, number: f}, nil
}

// get returns the member named name, the last one when it repeats (as
// JSON.parse does), or nil. v must be an object.
func (v *value) get(name string) *value {
	for i := len(v.members) - 1; i >= 0; i-- {
		if unitsEqual(v.members[i].key, name) {
			return v.members[i].val
		}
	}
	return nil
}

func unitsEqual(units []uint16, s string) bool {
	if len(units) != len(s) { // names we look up are ASCII
		return false
	}
	for i := range units {
		if units[i] != uint16(s[i]) {
			return false
		}
	}
	return true
}

// raw returns the value's source text.
func (v *value) raw(src []byte) []byte { return src[v.start:v.end] }

// goString converts the string's code units to a Go string; lone
// surrogates become U+FFFD.
func (v *value) goString() string { return string(utf16.Decode(v.str)) }

// jsCanonical returns JSON.stringify(JSON.parse(text, reviver)) for the
// value, where reviver is Better Auth's safeJSONParse date reviver when
// revive is true. Differences from the input show that Better Auth, which
// re-serializes before checking a compact signature, would see other bytes.
func jsCanonical(v *value, revive bool) []byte {
	return appendCanonical(nil, v, revive)
}

func appendCanonical(dst []byte, v *value, revive bool) []byte {
	switch v.kind {
	case kindNull:
		return append(dst, "null"...)
	case kindBool:
		return strconv.AppendBool(dst, v.boolean)
	case kindNumber:
		return jsjson.AppendNumber(dst, v.number)
	case kindString:
		if revive {
			if t, ok := reviveDate(v.str); ok {
				dst = append(dst, '"')
				dst = jsjson.AppendISOTime(dst, t)
				return append(dst, '"')
			}
		}
		return jsjson.AppendUTF16(dst, v.str)
	case kindArray:
		dst = append(dst, '[')
		for i, el := range v.elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCanonical(dst, el, revive)
		}
		return append(dst, ']')
	default:
		dst = append(dst, '{')
		for i, m := range jsPropertyOrder(v.members) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsjson.AppendUTF16(dst, m.key)
			dst = append(dst, ':')
			dst = appendCanonical(dst, m.val, revive)
		}
		return append(dst, '}')
	}
}

// jsPropertyOrder returns the members in the order a JavaScript object built
// by JSON.parse enumerates them: array-index keys ascending, then the other
// keys by first appearance, each with its last value.
func jsPropertyOrder(members []member) []member {
	index := make(map[string]int, len(members))
	var out []member
	for _, m := range members {
		k := unitsKey(m.key)
		if i, ok := index[k]; ok {
			out[i].val = m.val
			continue
		}
		index[k] = len(out)
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, aIdx := arrayIndex(out[i].key)
		b, bIdx := arrayIndex(out[j].key)
		switch {
		case aIdx && bIdx:
			return a < b
		default:
			return aIdx && !bIdx
		}
	})
	return out
}

func unitsKey(units []uint16) string {
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

// arrayIndex reports whether key is a canonical array index (0 to 2³²−2),
// which JavaScript orders before all other property names.
func arrayIndex(key []uint16) (uint64, bool) {
	if len(key) == 0 || len(key) > 10 || (key[0] == '0' && len(key) > 1) {
		return 0, false
	}
	var n uint64
	for _, u := range key {
		if u < '0' || u > '9' {
			return 0, false
		}
		n = n*10 + uint64(u-'0')
	}
	return n, n < math.MaxUint32
}

// reviveDate is Better Auth's date reviver (core/utils/json.ts): a string
// matching ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$ that V8's Date
// parser accepts becomes a Date. V8 accepts months 1–12, days 1–31 (rolling
// over into the next month), hours up to 24:00:00.000, and truncates the
// fraction to milliseconds.
func reviveDate(units []uint16) (time.Time, bool) {
	const fixed = len("2006-01-02T15:04:05")
	if len(units) < fixed+1 || units[len(units)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for _, u := range units[from:to] {
			if u < '0' || u > '9' {
				return 0, false
			}
			n = n*10 + int(u-'0')
		}
		return n, true
	}
	if units[4] != '-' || units[7] != '-' || units[10] != 'T' || units[13] != ':' || units[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	frac := units[fixed : len(units)-1]
	millis, fracZero := 0, true
	if len(frac) > 0 {
		if frac[0] != '.' || len(frac) == 1 {
			return time.Time{}, false
		}
		for i, u := range frac[1:] {
			if u < '0' || u > '9' {
				return time.Time{}, false
			}
			if i < 3 {
				millis = millis*10 + int(u-'0')
			}
			if u != '0' {
				fracZero = false
			}
		}
		for i := len(frac) - 1; i < 3; i++ { // fewer than 3 digits: scale up
			millis *= 10
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || sec > 59 || hour > 24 {
		return time.Time{}, false
	}
	if hour == 24 && (minute != 0 || sec != 0 || !fracZero) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, millis*int(time.Millisecond), time.UTC), true
}
