package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const secret = "hunter2secret"

// result is one run of the program.
type result struct {
	stdout, stderr string
	err            error
	status         int
}

// output is everything the user would see: both streams and the error line
// main prints.
func (r result) output() string {
	msg := ""
	if r.err != nil {
		msg = r.err.Error()
	}
	return r.stdout + r.stderr + msg
}

// lines returns the stdout lines.
func (r result) lines() []string {
	return strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
}

func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, args, strings.NewReader(stdin), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err, status: exitStatus(err)}
}

// expect fails the test unless the run ended with the given exit status.
func (r result) expect(t *testing.T, status int) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s\nerror: %v", r.status, status, r.stdout, r.stderr, r.err)
	}
	return r
}

// databases gives each test a fresh database of every kind, as a URL the
// command accepts.
var databases = []struct {
	name string
	url  func(testing.TB) string
}{
	{"SQLite", func(tb testing.TB) string { return "sqlite:" + testdb.SQLite(tb) }},
	{"Postgres", testdb.Postgres},
	{"MySQL", testdb.MySQL},
}

// forEachDatabase runs fn in parallel subtests, one per database.
func forEachDatabase(t *testing.T, fn func(t *testing.T, url string)) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			fn(t, db.url(t))
		})
	}
}

// quote quotes an identifier for the URL's database.
func quote(rawURL, id string) string {
	if strings.HasPrefix(rawURL, "mysql:") {
		return "`" + id + "`"
	}
	return `"` + id + `"`
}

// execSQL runs statements on the database behind rawURL, outside the
// command, to set up a database the command then looks at.
func execSQL(t *testing.T, rawURL string, statements ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := dburl.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	switch u.Kind {
	case sqlstore.Postgres:
		pool, err := postgres.Open(ctx, u.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		for _, stmt := range statements {
			if _, err := pool.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	default:
		open := sqlite.Open
		if u.Kind == sqlstore.MySQL {
			open = mysql.Open
		}
		db, err := open(ctx, u.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, stmt := range statements {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
}

// findings returns doctor's problem and warning lines.
func findings(r result) []string {
	var out []string
	for _, line := range r.lines() {
		if strings.HasPrefix(line, "problem: ") || strings.HasPrefix(line, "warning: ") {
			out = append(out, line)
		}
	}
	return out
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		t.Run("OK"+strings.Join(args, ""), func(t *testing.T) {
			r := runCmd(t, "", args...).expect(t, 0)
			for _, cmd := range []string{"migrate", "doctor", "hash-password", "DATABASE_URL"} {
				if !strings.Contains(r.stdout, cmd) {
					t.Errorf("usage does not mention %s:\n%s", cmd, r.stdout)
				}
			}
		})
	}
	t.Run("ErrNoArguments", func(t *testing.T) {
		r := runCmd(t, "").expect(t, 2)
		if !strings.Contains(r.stderr, "migrate") || !strings.Contains(r.stderr, "hash-password") {
			t.Errorf("no usage on stderr:\n%s", r.stderr)
		}
	})
	for _, cmd := range []string{"migrate", "doctor", "hash-password"} {
		t.Run("OKHelp"+cmd, func(t *testing.T) {
			for _, args := range [][]string{{"help", cmd}, {cmd, "-h"}, {cmd, "--help"}} {
				r := runCmd(t, "", args...).expect(t, 0)
				if !strings.HasPrefix(r.stdout, "Usage: betterauth "+cmd) {
					t.Errorf("%v printed:\n%s", args, r.stdout)
				}
			}
		})
	}
	t.Run("ErrServeBadFlag", func(t *testing.T) {
		r := runCmd(t, "", "serve", "--no-such-flag").expect(t, 2)
		if !strings.Contains(r.err.Error(), "serve") {
			t.Errorf("error %q", r.err)
		}
	})
	t.Run("ErrUnknownFlag", func(t *testing.T) {
		r := runCmd(t, "", "migrate", "--bogus").expect(t, 2)
		if !strings.Contains(r.err.Error(), "-bogus") || strings.Contains(r.err.Error(), "\n") {
			t.Errorf("error %q", r.err)
		}
	})
	t.Run("ErrPositionalURLNotEchoed", func(t *testing.T) {
		for _, args := range [][]string{
			{"doctor", "postgres://u:" + secret + "@127.0.0.1/db"},
			{"postgres://u:" + secret + "@127.0.0.1/db"},
		} {
			r := runCmd(t, "", args...).expect(t, 2)
			if strings.Contains(r.output(), secret) {
				t.Errorf("%v: output leaks the password: %q", args[0], r.output())
			}
		}
	})
	t.Run("ErrUnknownPlugin", func(t *testing.T) {
		r := runCmd(t, "", "migrate", "--database-url", "sqlite:"+testdb.SQLite(t), "--plugins", "admin,sso").expect(t, 2)
		if !strings.Contains(r.err.Error(), `unknown plugin "sso"`) {
			t.Errorf("error %q", r.err)
		}
	})
}

func TestDatabaseURL(t *testing.T) {
	// Not parallel: these set DATABASE_URL.
	t.Run("ErrNotSet", func(t *testing.T) {
		t.Setenv("DATABASE_URL", "")
		for _, cmd := range []string{"migrate", "doctor"} {
			r := runCmd(t, "", cmd).expect(t, 2)
			msg := r.err.Error()
			if !strings.HasPrefix(msg, "DATABASE_URL is not set (") || !strings.Contains(msg, "postgres://") || !strings.Contains(msg, "sqlite:PATH") {
				t.Errorf("%s: error %q", cmd, msg)
			}
		}
	})
	t.Run("OKFromEnvironment", func(t *testing.T) {
		path := testdb.SQLite(t)
		t.Setenv("DATABASE_URL", "sqlite:"+path)
		runCmd(t, "", "migrate").expect(t, 0)
		runCmd(t, "", "doctor").expect(t, 0)
	})
	t.Run("OKFlagOverridesEnvironment", func(t *testing.T) {
		t.Setenv("DATABASE_URL", "postgres://u:"+secret+"@127.0.0.1:1/db")
		runCmd(t, "", "migrate", "--database-url", "sqlite:"+testdb.SQLite(t)).expect(t, 0)
	})
	t.Run("ErrMalformedEnvironment", func(t *testing.T) {
		t.Setenv("DATABASE_URL", "postgres://u:"+secret+"/db")
		r := runCmd(t, "", "doctor").expect(t, 2)
		if !strings.HasPrefix(r.err.Error(), "DATABASE_URL: invalid database URL: ") || strings.Contains(r.output(), secret) {
			t.Errorf("error %q", r.err)
		}
	})
}

func TestBadDatabaseURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"postgres://u:" + secret + "/db",
		"postgres://u:" + secret + "@h:99999/db",
		"postgres://u:" + secret + "%zz@h/db",
		"postgres://u:" + secret + "@[::1/db",
		"postgres:u:" + secret + "@h/db",
		"mysql://u:" + secret + "@h",
		"mysql://u:" + secret + "@h/db?" + secret + "=1",
		"mongodb://u:" + secret + "@h/db",
		"sqlite://u:" + secret + "@h/auth.db",
		"u:" + secret + "@h/db",
	} {
		for _, args := range [][]string{{"migrate"}, {"migrate", "--dry-run"}, {"doctor"}} {
			r := runCmd(t, "", append(args, "--database-url", raw)...).expect(t, 2)
			if strings.Contains(r.output(), secret) {
				t.Errorf("%v %q: output leaks the password: %q", args, raw, r.output())
			}
			if !strings.Contains(r.err.Error(), "invalid database URL") || strings.Contains(r.err.Error(), "\n") {
				t.Errorf("%v %q: error %q", args, raw, r.err)
			}
		}
	}
}

func TestUnreachableDatabase(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"postgres://u:" + secret + "@127.0.0.1:1/appdb",
		"postgresql://u:" + secret + "@127.0.0.1:1/appdb?sslmode=disable",
		"mysql://u:" + secret + "@127.0.0.1:1/appdb",
	} {
		for _, args := range [][]string{{"migrate"}, {"migrate", "--dry-run"}, {"doctor"}} {
			r := runCmd(t, "", append(args, "--database-url", raw)...).expect(t, 2)
			msg := r.err.Error()
			if strings.Contains(r.output(), secret) {
				t.Errorf("%v %q: output leaks the password: %q", args, raw, r.output())
			}
			if !strings.Contains(msg, "127.0.0.1:1/appdb") || strings.Contains(msg, "\n") {
				t.Errorf("%v %q: error %q does not name host and database on one line", args, raw, msg)
			}
		}
	}
	t.Run("ErrSQLiteDirectoryMissing", func(t *testing.T) {
		r := runCmd(t, "", "migrate", "--database-url", "sqlite:"+t.TempDir()+"/no/such/dir/auth.db").expect(t, 2)
		if !strings.Contains(r.err.Error(), "auth.db") {
			t.Errorf("error %q", r.err)
		}
	})
}
