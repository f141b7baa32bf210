package jsjson

import (
	"math"
	"strconv"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// jsStringByteByByte is AppendString without the run-copying fast path,
// one byte or rune at a time: the reference the fast path must match.
func jsStringByteByByte(s string) string {
	b := []byte{'"'}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\b':
				b = append(b, `\b`...)
			case c == '\f':
				b = append(b, `\f`...)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
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
	return string(append(b, '"'))
}

func TestAppendString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"plain ascii 123 ~\x7f", "\"plain ascii 123 ~\x7f\""},
		{`q"b\`, `"q\"b\\"`},
		{"\b\f\n\r\t\x00\x1f", `"\b\f\n\r\t\u0000\u001f"`},
		{"é\u2028\u2029😀", "\"é\u2028\u2029😀\""}, // JSON.stringify leaves these alone
		{"a\xffb\xc3", "\"a\uFFFDb\uFFFD\""},
	} {
		if got := string(AppendString(nil, tc.in)); got != tc.want {
			t.Errorf("AppendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd"} {
			if got, want := string(AppendString(nil, s)), jsStringByteByByte(s); got != want {
				t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("user@example.com")
	f.Add("a\"b\\c\x00\u2028\xff\xc3")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString([]byte("prefix"), s)), "prefix"+jsStringByteByByte(s); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// numberBySpec is Number::toString written from ECMA-262 (7.1.12.1): the
// shortest round-trip digits d₁…d_k with value 0.d₁…d_k × 10ⁿ, laid out
// by the spec's four cases. The fast AppendNumber must match it.
func numberBySpec(f float64) string {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return "null"
	case f == 0:
		return "0"
	}
	var dst []byte
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d[.ddd]e±XX
	var digits []byte
	i := 0
	for ; e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits = append(digits, e[i])
		}
	}
	x, _ := strconv.Atoi(e[i+1:])
	k, n := len(digits), x+1
	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits...)
		for range n - k {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(append(append(dst, digits[:n]...), '.'), digits[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for range -n {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(append(dst, '.'), digits[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return string(dst)
}

func TestAppendNumber(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-1.5, "-1.5"}, {0.1, "0.1"},
		{1e21, "1e+21"}, {1e20, "100000000000000000000"}, {1.5e-7, "1.5e-7"}, {1e-6, "0.000001"},
		{123456789012345680000, "123456789012345680000"}, {5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"},
		{math.NaN(), "null"}, {math.Inf(1), "null"},
	} {
		if got := string(AppendNumber(nil, tc.in)); got != tc.want || numberBySpec(tc.in) != tc.want {
			t.Errorf("AppendNumber(%v) = %s (spec %s), want %s", tc.in, got, numberBySpec(tc.in), tc.want)
		}
	}
}

func FuzzAppendNumber(f *testing.F) {
	for _, v := range []float64{0, 1, 0.1, 1e21, 1e-7, 123.456, -9.87e-300} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if got, want := string(AppendNumber(nil, v)), numberBySpec(v); got != want {
			t.Fatalf("AppendNumber(%v) = %s, want %s", v, got, want)
		}
	})
}

// TestAppendUTF16: well-formed JSON.stringify — a pair becomes its
// character, a lone surrogate \udxxx, the rest as AppendString writes it.
func TestAppendUTF16(t *testing.T) {
	for _, tc := range []struct {
		in   []uint16
		want string
	}{
		{utf16.Encode([]rune("a\"\u2028😀\n")), "\"a\\\"\u2028😀\\n\""},
		{[]uint16{'x', 0xd800}, `"x\ud800"`},
		{[]uint16{0xdc00, 'y'}, `"\udc00y"`},
	} {
		if got := string(AppendUTF16(nil, tc.in)); got != tc.want {
			t.Errorf("AppendUTF16(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for c := range 0x80 {
		if got, want := string(AppendUTF16(nil, []uint16{uint16(c)})), string(AppendString(nil, string(rune(c)))); got != want {
			t.Fatalf("AppendUTF16(%#x) = %s, AppendString = %s", c, got, want)
		}
	}
}

func TestAppendISOTimeOutOfRange(t *testing.T) {
	for tm, want := range map[time.Time]string{
		time.Date(10000, 1, 2, 3, 4, 5, 6_000_000, time.UTC): "+010000-01-02T03:04:05.006Z",
		time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC):          "-000001-12-31T00:00:00.000Z",
		time.Date(275760, 9, 13, 0, 0, 0, 0, time.UTC):       "+275760-09-13T00:00:00.000Z",
	} {
		if got := string(AppendISOTime(nil, tm)); got != want {
			t.Errorf("AppendISOTime(%v) = %s, want %s", tm, got, want)
		}
	}
}
