package cookiecache_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// betterCallLine serializes like better-call's serializeCookie for the
// attributes these tests use, to check Split's arithmetic by length.
func betterCallLine(c *http.Cookie) string {
	var b strings.Builder
	b.WriteString(c.Name + "=" + c.Value)
	if c.MaxAge > 0 {
		b.WriteString("; Max-Age=" + strconv.Itoa(c.MaxAge))
	}
	if c.Domain != "" {
		b.WriteString("; Domain=" + c.Domain)
	}
	if c.Path != "" {
		b.WriteString("; Path=" + c.Path)
	}
	if c.HttpOnly {
		b.WriteString("; HttpOnly")
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if c.SameSite == http.SameSiteLaxMode {
		b.WriteString("; SameSite=Lax")
	}
	return b.String()
}

func TestSplit(t *testing.T) {
	base := http.Cookie{Name: "better-auth.session_data", MaxAge: 300, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	overhead := len(betterCallLine(&http.Cookie{Name: base.Name + ".99", MaxAge: 300, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}))
	size := cookiecache.MaxCookieSize - overhead

	t.Run("Fits", func(t *testing.T) {
		c := base
		c.Value = strings.Repeat("x", size)
		got, err := cookiecache.Split(&c)
		if err != nil || len(got) != 1 || got[0].Name != c.Name || got[0].Value != c.Value || got[0].MaxAge != 300 {
			t.Fatalf("%v %v", got, err)
		}
	})
	t.Run("Chunks", func(t *testing.T) {
		c := base
		c.Value = strings.Repeat("0123456789", 1000) // 10000 bytes
		got, err := cookiecache.Split(&c)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || len(got[0].Value) != size || got[2].Name != c.Name+".2" {
			t.Fatalf("%d chunks, first %d bytes (want %d)", len(got), len(got[0].Value), size)
		}
		for _, ch := range got {
			if ch.MaxAge != 300 || !ch.HttpOnly || ch.Path != "/" {
				t.Errorf("attributes lost: %+v", ch)
			}
			if l := len(betterCallLine(ch)); l > cookiecache.MaxCookieSize {
				t.Errorf("%s is %d bytes", ch.Name, l)
			}
		}
		if joined, ok := cookiecache.Join(got, c.Name); !ok || joined != c.Value {
			t.Error("Join(Split(v)) != v")
		}
	})
	t.Run("PrefixesForceAttributes", func(t *testing.T) {
		value := strings.Repeat("v", 5000)
		plain, _ := cookiecache.Split(&http.Cookie{Name: "a", Value: value, Path: "/long/path", Domain: "example.com"})
		host, _ := cookiecache.Split(&http.Cookie{Name: "__Host-a", Value: value, Path: "/long/path", Domain: "example.com"})
		secure, _ := cookiecache.Split(&http.Cookie{Name: "__Secure-a", Value: value})
		none, _ := cookiecache.Split(&http.Cookie{Name: "a", Value: value, SameSite: http.SameSiteNoneMode})
		want := map[string]int{
			"plain":  cookiecache.MaxCookieSize - len("a.99=; Domain=example.com; Path=/long/path"),
			"host":   cookiecache.MaxCookieSize - len("__Host-a.99=; Path=/; Secure"),
			"secure": cookiecache.MaxCookieSize - len("__Secure-a.99=; Secure"),
			"none":   cookiecache.MaxCookieSize - len("a.99=; Secure; SameSite=None"),
		}
		for name, got := range map[string][]*http.Cookie{"plain": plain, "host": host, "secure": secure, "none": none} {
			if len(got) == 0 || len(got[0].Value) != want[name] {
				t.Errorf("%s: chunk size %d, want %d", name, len(got[0].Value), want[name])
			}
		}
	})
	t.Run("ExpiresAndMaxAgeZero", func(t *testing.T) {
		value := strings.Repeat("v", 5000)
		got, _ := cookiecache.Split(&http.Cookie{Name: "a", Value: value, Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), MaxAge: -1, Partitioned: true})
		if want := cookiecache.MaxCookieSize - len("a.99=; Max-Age=0; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Secure; Partitioned"); len(got[0].Value) != want {
			t.Errorf("chunk size %d, want %d", len(got[0].Value), want)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		c := base
		c.Value = strings.Repeat("x", size*cookiecache.MaxChunks)
		if got, err := cookiecache.Split(&c); err != nil || len(got) != cookiecache.MaxChunks {
			t.Fatalf("100 chunks: %d %v", len(got), err)
		}
		c.Value += "x"
		if _, err := cookiecache.Split(&c); !errors.Is(err, cookiecache.ErrTooLarge) {
			t.Fatalf("101 chunks: %v", err)
		}
		if _, err := cookiecache.Split(&http.Cookie{Name: strings.Repeat("n", 4050), Value: ""}); !errors.Is(err, cookiecache.ErrTooLarge) {
			t.Fatalf("name alone too long: %v", err)
		}
	})
}

func TestJoin(t *testing.T) {
	const name = "better-auth.session_data"
	ck := func(n, v string) *http.Cookie { return &http.Cookie{Name: n, Value: v} }
	for _, tc := range []struct {
		test    string
		cookies []*http.Cookie
		want    string
		ok      bool
	}{
		{"Whole", []*http.Cookie{ck(name+".0", "zz"), ck(name, "abc")}, "abc", true},
		{"EmptyWholeUsesChunks", []*http.Cookie{ck(name, ""), ck(name+".0", "a")}, "a", true},
		{"NumericOrder", []*http.Cookie{ck(name+".10", "k"), ck(name+".2", "c"), ck(name+".0", "a"), ck(name+".1", "b")}, "abck", true},
		{"GapsIgnored", []*http.Cookie{ck(name+".0", "a"), ck(name+".5", "f")}, "af", true},
		{"NonCanonicalIndex", []*http.Cookie{ck(name+".0", "a"), ck(name+".01", "x"), ck(name+".+1", "x"), ck(name+".1e0", "x"), ck(name+".-1", "x"), ck(name+".", "x")}, "a", true},
		{"FirstDuplicateWins", []*http.Cookie{ck(name+".0", "a"), ck(name+".0", "b")}, "a", true},
		{"FirstWholeWins", []*http.Cookie{ck(name, "a"), ck(name, "b")}, "a", true},
		{"PercentDecoded", []*http.Cookie{ck(name, "a%3Db")}, "a=b", true},
		{"BadPercentKept", []*http.Cookie{ck(name, "a%zz")}, "a%zz", true},
		{"BadUTF8PercentKept", []*http.Cookie{ck(name, "a%FF")}, "a%FF", true},
		{"OtherNames", []*http.Cookie{ck("x", "1"), ck(name+"x.0", "2"), nil}, "", false},
		{"UnsafeIndex", []*http.Cookie{ck(name+".9007199254740992", "x")}, "", false},
		{"Empty", nil, "", false},
	} {
		t.Run(tc.test, func(t *testing.T) {
			got, ok := cookiecache.Join(tc.cookies, name)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
