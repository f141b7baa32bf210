package cookiecache_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// Fuzz targets for every parser of outside input. They are seeded with the
// cookies captured from Better Auth (testdata/captured.json) when present.

var sentinels = []error{cookiecache.ErrMalformed, cookiecache.ErrSignature, cookiecache.ErrExpired, cookiecache.ErrNotYetValid}

func checkErr(t *testing.T, p *cookiecache.Payload, err error) {
	t.Helper()
	if err == nil {
		if p == nil || len(p.Session) == 0 || len(p.User) == 0 {
			t.Fatalf("no error but payload %+v", p)
		}
		return
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error outside the sentinels: %v", err)
}

// seedGolden adds the captured values of one strategy (or all when
// strategy is empty) and returns the secrets and times to fuzz with.
func seedGolden(f *testing.F, strategy string, add func(value string)) (secrets []cookiecache.Secret, at time.Time) {
	secrets, at = []cookiecache.Secret{{Value: liveSecret}}, time.Now()
	g, err := loadGolden()
	if err != nil {
		return secrets, at
	}
	for _, c := range g.Cases {
		if strategy != "" && c.Strategy != strategy {
			continue
		}
		v, _ := cookiecache.Join(c.cookies(f), c.CookieName)
		add(v)
		if len(c.Secrets) >= len(secrets) {
			secrets, at = c.Secrets, time.UnixMilli(c.CapturedAt)
		}
	}
	return secrets, at
}

func FuzzDecodeCompact(f *testing.F) {
	secrets, at := seedGolden(f, "compact", func(v string) { f.Add(v) })
	for _, s := range []string{"", "e30", "eyJzZXNzaW9uIjp7fSwiZXhwaXJlc0F0IjoxLCJzaWduYXR1cmUiOiJ4In0", "==", "-_+/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		p, err := cookiecache.DecodeCompact(value, secrets[0].Value, at)
		checkErr(t, p, err)
	})
}

func FuzzDecodeJWT(f *testing.F) {
	secrets, at := seedGolden(f, "jwt", func(v string) { f.Add(v) })
	for _, s := range []string{"", "..", "eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		p, err := cookiecache.DecodeJWT(value, secrets[0].Value, at)
		checkErr(t, p, err)
	})
}

func FuzzDecodeJWE(f *testing.F) {
	secrets, at := seedGolden(f, "jwe", func(v string) { f.Add(v) })
	for _, s := range []string{"", "....", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0....", "e30....."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		p, err := cookiecache.DecodeJWE(value, secrets, at)
		checkErr(t, p, err)
	})
}

func FuzzJoin(f *testing.F) {
	const name = "better-auth.session_data"
	seedGolden(f, "", func(v string) {
		if len(v) > 3000 {
			f.Add(name+".1="+v[3000:]+"; "+name+".0="+v[:3000], name)
		} else {
			f.Add(name+"="+v, name)
		}
	})
	f.Add("a=1; a.0=2; a.01=3; a.1=%41", "a")
	f.Add(`a=""; a.2=x; a.0=y`, "a")
	f.Fuzz(func(t *testing.T, header, name string) {
		cookies, err := http.ParseCookie(header)
		if err != nil {
			return
		}
		value, ok := cookiecache.Join(cookies, name)
		if !ok && value != "" {
			t.Fatalf("not ok but %q", value)
		}
		// Whatever Join returns, Split and Join again give it back.
		if ok && name != "" && !strings.ContainsAny(name, "=; \t\r\n") {
			parts, err := cookiecache.Split(&http.Cookie{Name: name, Value: value, Path: "/"})
			if err != nil {
				if !errors.Is(err, cookiecache.ErrTooLarge) {
					t.Fatal(err)
				}
				return
			}
			if back, _ := cookiecache.Join(parts, name); back != value && !strings.Contains(value, "%") {
				t.Fatalf("Join(Split(%q)) = %q", value, back)
			}
		}
	})
}
