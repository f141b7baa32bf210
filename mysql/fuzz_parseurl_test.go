package mysql_test

import (
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/mysql"
)

// FuzzParseURL: a mysql:// DATABASE_URL never panics the parser, a
// parsed config always has the UTC settings Better Auth interop needs,
// and an error never repeats the password placed in the URL.
//
//	go test -run X -fuzz FuzzParseURL ./mysql
func FuzzParseURL(f *testing.F) {
	for _, s := range [][3]string{
		{"mysql://root:", "hunter2-secret", "@127.0.0.1:3306/db"},
		{"mysql://root:", "hunter2-secret", "@h/db?tls=true&charset=utf8mb4"},
		{"mysql://root:", "hunter2-secret", "@h/db?timeout=1s"},
		{"mysql://root:", "hunter2-secret", "@h"},
		{"mysql://root:", "hunter2-secret", "@/db"},
		{"mysql://root:", "hunter2-secret", "%zz@h/db"},
		{"mysql://root:", "hunter2-secret", "@[::1]:3306/db"},
		{"mysql://root:", "hunter2-secret", "@h:x/db"},
		{"mysql://", "", "h/a/b"},
		{"mysqlx://u:", "hunter2-secret", "@h/db"},
		{"", "", "\x00"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, prefix, password, suffix string) {
		cfg, err := mysql.ParseURL(prefix + password + suffix)
		if err != nil {
			if len(password) >= 6 && !strings.Contains(prefix+suffix, password) && strings.Contains(err.Error(), password) &&
				!strings.Contains("invalid MySQL URL: missing host database name unsupported query parameter (only tls and charset are accepted) (expected mysql://user:password@host:port/database)", password) {
				t.Fatalf("error repeats the password %q: %v", password, err)
			}
			return
		}
		if !cfg.ParseTime || cfg.Loc == nil || cfg.Loc.String() != "UTC" || cfg.Params["time_zone"] != "'+00:00'" || cfg.DBName == "" || cfg.Addr == "" {
			t.Fatalf("config without Better Auth's settings: %+v", cfg)
		}
	})
}
