package betterauth

import (
	"testing"
	"unicode/utf8"
)

// jsStringByteByByte is appendJSString without the run-copying fast path,
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

func TestAppendJSString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"plain ascii 123 ~\x7f", "\"plain ascii 123 ~\x7f\""},
		{`q"b\`, `"q\"b\\"`},
		{"\b\f\n\r\t\x00\x1f", `"\b\f\n\r\t\u0000\u001f"`},
		{"é\u2028\u2029😀", "\"é\u2028\u2029😀\""}, // JSON.stringify leaves these alone
		{"a\xffb\xc3", "\"a\uFFFDb\uFFFD\""},
	} {
		if got := string(appendJSString(nil, tc.in)); got != tc.want {
			t.Errorf("appendJSString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd"} {
			if got, want := string(appendJSString(nil, s)), jsStringByteByByte(s); got != want {
				t.Fatalf("appendJSString(%q) = %s, want %s", s, got, want)
			}
		}
	}
}

func FuzzAppendJSString(f *testing.F) {
	f.Add("user@example.com")
	f.Add("a\"b\\c\x00\u2028\xff\xc3")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendJSString([]byte("prefix"), s)), "prefix"+jsStringByteByByte(s); got != want {
			t.Fatalf("appendJSString(%q) = %s, want %s", s, got, want)
		}
	})
}
