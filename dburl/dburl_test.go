package dburl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const secret = "hunter2secret"

func TestParse(t *testing.T) {
	tests := []struct {
		name, raw string
		want      URL
	}{
		{"OKPostgres", "postgres://app:" + secret + "@db.internal:5432/app?sslmode=disable",
			URL{sqlstore.Postgres, "postgres://app:" + secret + "@db.internal:5432/app?sslmode=disable", "postgres://app:***@db.internal:5432/app?sslmode=disable"}},
		{"OKPostgresql", "postgresql://app@localhost/app",
			URL{sqlstore.Postgres, "postgresql://app@localhost/app", "postgresql://app@localhost/app"}},
		{"OKPostgresSocket", "postgres:///app?host=/var/run/postgresql",
			URL{sqlstore.Postgres, "postgres:///app?host=/var/run/postgresql", "postgres:///app?host=/var/run/postgresql"}},
		{"OKPostgresPasswordParam", "postgres://app@h/app?password=" + secret + "&sslmode=require",
			URL{sqlstore.Postgres, "postgres://app@h/app?password=" + secret + "&sslmode=require", "postgres://app@h/app?password=***&sslmode=require"}},
		{"OKPostgresEscapedPassword", "postgres://app:p%40ss%2Fword@h:6543/app",
			URL{sqlstore.Postgres, "postgres://app:p%40ss%2Fword@h:6543/app", "postgres://app:***@h:6543/app"}},
		{"OKPostgresUppercaseScheme", "POSTGRES://app@h/app",
			URL{sqlstore.Postgres, "POSTGRES://app@h/app", "postgres://app@h/app"}},
		{"OKTrimsSpace", "  postgres://app@h/app\n",
			URL{sqlstore.Postgres, "postgres://app@h/app", "postgres://app@h/app"}},
		{"OKMySQL", "mysql://root:" + secret + "@127.0.0.1:3306/app",
			URL{sqlstore.MySQL, "mysql://root:" + secret + "@127.0.0.1:3306/app", "mysql://root:***@127.0.0.1:3306/app"}},
		{"OKMySQLNoPortNoPassword", "mysql://root@localhost/app?tls=true",
			URL{sqlstore.MySQL, "mysql://root@localhost/app?tls=true", "mysql://root@localhost/app?tls=true"}},
		{"OKMySQLIPv6", "mysql://root@[::1]:3306/app",
			URL{sqlstore.MySQL, "mysql://root@[::1]:3306/app", "mysql://root@[::1]:3306/app"}},
		{"OKSQLiteRelative", "sqlite:auth.db", URL{sqlstore.SQLite, "auth.db", "sqlite:auth.db"}},
		{"OKSQLiteDotRelative", "sqlite:./data/auth.db", URL{sqlstore.SQLite, "./data/auth.db", "sqlite:./data/auth.db"}},
		{"OKSQLiteAbsolute", "sqlite:/var/lib/app/auth.db", URL{sqlstore.SQLite, "/var/lib/app/auth.db", "sqlite:/var/lib/app/auth.db"}},
		{"OKSQLiteURLAbsolute", "sqlite:///var/lib/app/auth.db", URL{sqlstore.SQLite, "/var/lib/app/auth.db", "sqlite:///var/lib/app/auth.db"}},
		{"OKSQLiteURLExtraSlashes", "sqlite:////var/lib/app/auth.db", URL{sqlstore.SQLite, "/var/lib/app/auth.db", "sqlite:////var/lib/app/auth.db"}},
		{"OKFileRelative", "file:./dev.db", URL{sqlstore.SQLite, "./dev.db", "file:./dev.db"}},
		{"OKFileURLAbsolute", "file:///tmp/dev.db", URL{sqlstore.SQLite, "/tmp/dev.db", "file:///tmp/dev.db"}},
		{"OKSQLitePercentDecoded", "sqlite:my%20app.db", URL{sqlstore.SQLite, "my app.db", "sqlite:my%20app.db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, raw, problem string
	}{
		{"ErrEmpty", "", "empty"},
		{"ErrBlank", "   ", "empty"},
		{"ErrNoScheme", "./auth.db", "no scheme"},
		{"ErrNoSchemeUserinfo", "u:" + secret + "@host/db", "unsupported scheme \"u\""},
		{"ErrUnknownScheme", "mongodb://u:" + secret + "@h/db", "unsupported scheme \"mongodb\""},
		{"ErrMariaDBScheme", "mariadb://u:" + secret + "@h/db", "for MariaDB use mysql://"},
		{"ErrSQLite3Scheme", "sqlite3://auth.db", "use sqlite:PATH"},
		{"ErrPostgresForgotAt", "postgres://u:" + secret + "/db", "invalid port"},
		{"ErrPostgresUnescapedSlash", "postgres://u:" + secret + "/x@h/db", "invalid port"},
		{"ErrPostgresUnescapedHash", "postgres://u:hun#" + secret + "@h/db", "invalid port"},
		{"ErrPostgresHashAfterHost", "postgres://u:" + secret + "@h/db#" + secret, "unexpected #"},
		{"ErrPostgresUnescapedQuestion", "postgres://u:" + secret + "?@h/db", "invalid port"},
		{"ErrPostgresBadEscape", "postgres://u:" + secret + "%zz@h/db", "bad percent-encoding"},
		{"ErrPostgresSpace", "postgres://u:" + secret + " x@h/db", "user name or password"},
		{"ErrPostgresControl", "postgres://u:" + secret + "\x01@h/db", "control character"},
		{"ErrPostgresPortRange", "postgres://u:" + secret + "@h:99999/db", "port out of range"},
		{"ErrPostgresPortZero", "postgres://u:" + secret + "@h:0/db", "port out of range"},
		{"ErrPostgresIPv6", "postgres://u:" + secret + "@[::1/db", "unclosed ["},
		{"ErrPostgresBadHost", "postgres://u:" + secret + "@h%zz/db", "bad percent-encoding"},
		{"ErrPostgresOpaque", "postgres:u:" + secret + "@h/db", "missing //"},
		{"ErrPostgresNestedPath", "postgres://u:" + secret + "@h/db/" + secret, "contains /"},
		{"ErrPostgresBadQuery", "postgres://u:" + secret + "@h/db?password=" + secret + "%zz", "malformed query"},
		{"ErrMySQLNoHost", "mysql://u:" + secret + "@/db", "missing host"},
		{"ErrMySQLNoDatabase", "mysql://u:" + secret + "@h:3306", "missing database"},
		{"ErrMySQLNoDatabaseSlash", "mysql://u:" + secret + "@h:3306/", "missing database"},
		{"ErrMySQLParameter", "mysql://u:" + secret + "@h/db?" + secret + "=1", "unsupported query parameter"},
		{"ErrMySQLParameterPasswordLike", "mysql://u:1/db?" + secret + "@h/db", "unsupported query parameter"},
		{"ErrSQLiteHost", "sqlite://u:" + secret + "@h/auth.db", "with a host"},
		{"ErrSQLiteRelativeURL", "sqlite://auth.db", "with a host"},
		{"ErrSQLiteQuery", "file:./dev.db?mode=ro", "query parameters"},
		{"ErrSQLiteEmpty", "sqlite:", "without a file path"},
		{"ErrSQLiteURLEmpty", "sqlite:///", "without a file path"},
		{"ErrSQLiteBadEscape", "sqlite:100%.db", "bad percent-encoding"},
		{"ErrSQLiteNUL", "sqlite:a%00b.db", "NUL byte"},
		{"ErrSQLiteMemory", "sqlite::memory:", "in-memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := Parse(tt.raw)
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want an error", tt.raw, u)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.problem) {
				t.Errorf("error %q does not name the problem %q", msg, tt.problem)
			}
			if !strings.HasPrefix(msg, "invalid database URL: ") || !strings.Contains(msg, "(expected "+Forms+")") {
				t.Errorf("error %q lacks the prefix or the expected forms", msg)
			}
			if strings.Contains(msg, secret) {
				t.Errorf("error leaks the password: %q", msg)
			}
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if !errors.Is(err, ba.ErrInvalid) {
				t.Errorf("error does not match betterauth.ErrInvalid")
			}
			if u != (URL{}) {
				t.Errorf("Parse returned %#v with its error", u)
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	u, err := Parse("postgres://u:p%40" + secret + "@h/db?sslpassword=other" + secret)
	if err != nil {
		t.Fatal(err)
	}
	got := u.secrets()
	for _, want := range []string{"p@" + secret, "other" + secret} {
		found := false
		for _, s := range got {
			found = found || s == want
		}
		if !found {
			t.Errorf("secrets() = %q, missing %q", got, want)
		}
	}
	scrubbed := u.scrub(errors.New("connect: bad password p@" + secret + " or other" + secret))
	if strings.Contains(scrubbed.Error(), secret) {
		t.Errorf("scrub left the password in %q", scrubbed)
	}
	wrapped := u.scrub(ba.ErrUnavailable)
	if !errors.Is(wrapped, ba.ErrUnavailable) {
		t.Errorf("scrub lost the error chain")
	}
}

// TestURLPrintsRedacted checks that a URL printed with %v or %s (in a log
// line, an error) shows the redacted form, not the DSN with its password.
func TestURLPrintsRedacted(t *testing.T) {
	u, err := Parse("postgres://app:" + secret + "@h/app?password=" + secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []string{fmt.Sprint(u), fmt.Sprintf("%v %s %+v", u, u, u), fmt.Errorf("open %v", u).Error()} {
		if strings.Contains(got, secret) {
			t.Errorf("printed URL shows the password: %q", got)
		}
		if !strings.Contains(got, "postgres://app:***@h/app?password=***") {
			t.Errorf("printed URL %q is not the redacted URL", got)
		}
	}
}

// FuzzParse checks that Parse never panics, that its errors are one line and
// match betterauth.ErrInvalid, and that neither an error nor a Redacted URL
// contains the password. The input is prefix+password+suffix so that the
// fuzzer can place a known password where URLs put one (after "scheme://user:")
// and then break the URL around it.
func FuzzParse(f *testing.F) {
	seeds := [][3]string{
		{"postgres://u:", secret, "@127.0.0.1:5432/db"},
		{"postgres://u:", secret, "/db"},
		{"postgres://u:", secret, "@h/db?password=" + secret},
		{"postgresql://u:", secret, "@[::1/db"},
		{"postgres://u:", secret, "@h/db#frag"},
		{"postgres://u:", secret, "@h/a/b"},
		{"postgres://u:", secret, "%zz@h/db"},
		{"postgres://u:", secret, "@h:99999/db"},
		{"mysql://root:", secret, "@h"},
		{"mysql://root:", secret, "@h:3306/db?foo=1"},
		{"mysql://root:", secret, "@h/db?tls=%zz"},
		{"mysql://root:", secret, "?x=1@h/db"},
		{"sqlite://u:", secret, "@h/x.db"},
		{"sqlite:", secret, ".db"},
		{"file:///", secret, "?mode=ro"},
		{"", secret, "://x"},
		{"x", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, prefix, password, suffix string) {
		raw := prefix + password + suffix
		u, err := Parse(raw)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("Parse(%q): error is not one line: %q", raw, msg)
			}
			if !errors.Is(err, ba.ErrInvalid) {
				t.Fatalf("Parse(%q): error %q does not match ErrInvalid", raw, msg)
			}
			if inPasswordPosition(prefix) && passwordLike(password) &&
				!strings.Contains(prefix+suffix, password) && strings.Contains(msg, password) &&
				!strings.Contains(strings.ToLower(fixedText), strings.ToLower(password)) {
				t.Fatalf("Parse(%q): error leaks the password %q: %q", raw, password, msg)
			}
			return
		}
		switch u.Kind {
		case sqlstore.SQLite:
			if u.DSN == "" {
				t.Fatalf("Parse(%q): empty SQLite path", raw)
			}
		case sqlstore.Postgres, sqlstore.MySQL:
			parsed, err := url.Parse(u.DSN)
			if err != nil {
				t.Fatalf("Parse(%q) accepted a URL net/url rejects", raw)
			}
			if _, ok := parsed.User.Password(); ok {
				// The user part of Redacted is exactly the user name and ***.
				_, afterScheme, _ := strings.Cut(u.Redacted, "://")
				userinfo, _, _ := strings.Cut(afterScheme, "@")
				if userinfo != url.User(parsed.User.Username()).String()+":***" {
					t.Fatalf("Parse(%q): Redacted %q does not hide the password", raw, u.Redacted)
				}
			}
			_, redactedQuery, _ := strings.Cut(u.Redacted, "?")
			shown, _ := url.ParseQuery(redactedQuery)
			for key, values := range parsed.Query() {
				if !isPasswordParam(key) {
					continue
				}
				for _, v := range values {
					if v != "" && v != "***" && strings.Contains(strings.Join(shown[key], ","), v) {
						t.Fatalf("Parse(%q): Redacted %q shows the %s parameter", raw, u.Redacted, key)
					}
				}
			}
		default:
			t.Fatalf("Parse(%q): unknown kind %v", raw, u.Kind)
		}
	})
}

// fixedText holds the words with digits in Parse's fixed messages, which a
// password-like string may legitimately match.
const fixedText = Forms + " sqlite3 IPv6 %25 %23 %3F"

// inPasswordPosition reports whether text appended to prefix lands where a
// URL's password goes: after "scheme://user:".
func inPasswordPosition(prefix string) bool {
	_, userPart, ok := strings.Cut(prefix, "://")
	return ok && strings.HasSuffix(userPart, ":") && !strings.ContainsAny(userPart, "/?#@")
}

// passwordLike limits the leak check to passwords that cannot be mistaken
// for the fixed words of a message: six or more letters and digits, at
// least one of each.
func passwordLike(p string) bool {
	if len(p) < 6 {
		return false
	}
	letter, digit := false, false
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		default:
			return false
		}
	}
	return letter && digit
}
