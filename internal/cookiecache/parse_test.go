package cookiecache_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// parseAndCompare checks that Parse reads exactly what net/http's
// Request.Cookies reads from the same Cookie lines.
func parseAndCompare(t *testing.T, lines ...string) []cookiecache.Cookie {
	t.Helper()
	h := http.Header{"Cookie": lines}
	want := (&http.Request{Header: h}).Cookies()
	got := cookiecache.Parse(nil, h, nil)
	if len(got) != len(want) {
		t.Fatalf("Parse(%q): %d cookies %q, net/http %d", lines, len(got), got, len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Value != want[i].Value {
			t.Fatalf("Parse(%q)[%d] = %q=%q, net/http %q=%q", lines, i, got[i].Name, got[i].Value, want[i].Name, want[i].Value)
		}
	}
	return got
}

func TestParseMatchesNetHTTP(t *testing.T) {
	for _, lines := range [][]string{
		nil,
		{""},
		{"a=1"},
		{"a=1; b=2;c=3 ;  d = 4 "},
		{`a="quoted"; b=""; c="; d="x`},
		{"a=1", "b=2; a=3"},
		{"bad name=1; ok=2; ünï=3; x=\x7f; y=\\; z=a\"b"},
		{"=novalue; noequals; e=; f==; g=a=b"},
		{"\t a=1\r\n; \t"},
		{"better-auth.session_token=abc.def%3D; better-auth.session_data=eyJ.x; better-auth.session_data.0=zz"},
		{strings.Repeat("a=1;", 2999) + "b=2"},                       // 3000 pairs: kept
		{strings.Repeat("a=1;", 3000) + "b=2"},                       // 3001: net/http reads none
		{strings.Repeat("a=1;", 1500), strings.Repeat("b=2;", 1500)}, // 1501 + 1501
	} {
		parseAndCompare(t, lines...)
	}
	for b := range 256 { // every byte in a value and in a name
		parseAndCompare(t, "a=x"+string(byte(b))+"y; b=1")
		parseAndCompare(t, "a"+string(byte(b))+"=1; b=1")
	}
}

func TestParseAppendsToDst(t *testing.T) {
	dst := []cookiecache.Cookie{{Name: "keep", Value: "me"}}
	got := cookiecache.Parse(dst, http.Header{"Cookie": {"a=1"}}, nil)
	if len(got) != 2 || got[0].Name != "keep" || got[1] != (cookiecache.Cookie{Name: "a", Value: "1"}) {
		t.Fatalf("got %q", got)
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	h := http.Header{"Cookie": {"better-auth.session_token=abc.def; better-auth.session_data=eyJ; theme=dark"}}
	var buf [16]cookiecache.Cookie
	keep := func(name string) bool { return strings.HasPrefix(name, "better-auth.") }
	if n := testing.AllocsPerRun(100, func() { cookiecache.Parse(buf[:0], h, keep) }); n != 0 {
		t.Fatalf("%v allocations per Parse", n)
	}
}

func TestParseKeep(t *testing.T) {
	h := http.Header{"Cookie": {`a=1; b="2"; a=3; c=4; b=x"y; b=5`}}
	got := cookiecache.Parse(nil, h, func(name string) bool { return name == "b" })
	want := []cookiecache.Cookie{{Name: "b", Value: "2"}, {Name: "b", Value: "5"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("a=1; b=2", "")
	f.Add(`a="x"; b="; c=""`, "d=4")
	f.Add("\ta = 1 ;;; =2; b", "x=\x00")
	f.Fuzz(func(t *testing.T, line1, line2 string) {
		parseAndCompare(t, line1)
		all := parseAndCompare(t, line1, line2)
		// keep selects, it does not change what is read.
		var want []cookiecache.Cookie
		for _, c := range all {
			if len(c.Name)%2 == 0 {
				want = append(want, c)
			}
		}
		got := cookiecache.Parse(nil, http.Header{"Cookie": {line1, line2}}, func(name string) bool { return len(name)%2 == 0 })
		if len(got) != len(want) {
			t.Fatalf("keep: %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("keep: %q, want %q", got, want)
			}
		}
	})
}
