package errtext_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
)

func TestQuote(t *testing.T) {
	long := strings.Repeat("k", 1<<20)
	for _, c := range []struct{ in, want string }{
		{"", `""`},
		{"key-1", `"key-1"`},
		{`a"b\c`, `"a\"b\\c"`},
		{strings.Repeat("a", 64), `"` + strings.Repeat("a", 64) + `"`},
		{strings.Repeat("a", 65), `"` + strings.Repeat("a", 64) + `…" (65 bytes)`},
		{long, `"` + strings.Repeat("k", 64) + `…" (1048576 bytes)`},
		{"kid\nlevel=ERROR msg=forged", "(26 bytes, not printable)"},
		{"\x1b[31mred", "(8 bytes, not printable)"},
		{"caf\u00e9", "(5 bytes, not printable)"},
		{"\u202egnp.exe", "(10 bytes, not printable)"},
	} {
		if got := errtext.Quote(c.in); got != c.want {
			t.Errorf("Quote(%.80q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestList(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, "[]"},
		{[]string{"a"}, `["a"]`},
		{[]string{"a", "b\n", "c"}, `["a", (2 bytes, not printable), "c"]`},
		{[]string{"a", "b", "c", "d", "e"}, `["a", "b", "c", … (5 values)]`},
	} {
		if got := errtext.List(c.in); got != c.want {
			t.Errorf("List(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestJSONHoldsNoInput: every description is free of the decoded text,
// however the input was damaged.
func TestJSONHoldsNoInput(t *testing.T) {
	const marker = "SECRETVALUE0123456789abcdefABCDEF"
	var obj struct {
		Token string    `json:"token"`
		N     int       `json:"n"`
		When  time.Time `json:"when"`
	}
	var m map[string]int
	for _, c := range []struct {
		in   string
		into any
		want string
	}{
		{`{"token":` + marker + `}`, &obj, "invalid JSON at offset 10"},
		{`{"token":5}`, &obj, `field "token": a JSON number where string is expected`},
		{`{"n":123456789012345678901234567890` + marker + `}`, &obj, "invalid JSON at offset"},
		{`{"n":1234567890123456789012345678901234567890}`, &obj, `field "n": a JSON number where int is expected`},
		{`{"when":"` + marker + `"}`, &obj, "a date that is not RFC 3339"},
		{`{"` + marker + `":"x"}`, &m, "a JSON string where int is expected"},
		{`{"token":"` + marker, &obj, "invalid JSON at offset"},
	} {
		err := json.Unmarshal([]byte(c.in), c.into)
		if err == nil {
			t.Fatalf("%s decoded", c.in)
		}
		got := errtext.JSON(err)
		if strings.Contains(got, marker[:8]) || strings.Contains(got, "1234567890") || !strings.Contains(got, c.want) {
			t.Errorf("JSON(%v) = %q, want it to hold %q and nothing of the input", err, got, c.want)
		}
	}
	_, err := base64.RawURLEncoding.DecodeString("ab$" + marker)
	if got := errtext.JSON(err); got != "invalid base64 at byte 2" {
		t.Errorf("base64: %q", got)
	}
	if got := errtext.JSON(fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF)); got != "truncated JSON" {
		t.Errorf("EOF: %q", got)
	}
	if got := errtext.JSON(errors.New("anything else " + marker)); got != "invalid JSON" {
		t.Errorf("other: %q", got)
	}
}
