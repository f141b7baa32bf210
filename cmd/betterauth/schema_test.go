package main

import (
	"context"
	"encoding/json"

	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// refusalEnv is serveEnv with no database URL (each test passes its own)
// and none of the variables Better Auth reads its base URL and trusted
// origins from.
func refusalEnv(t *testing.T) {
	t.Helper()
	serveEnv(t, "", strings.Repeat("s", 40))
	for _, k := range []string{"BETTER_AUTH_TRUSTED_ORIGINS", "NEXT_PUBLIC_BETTER_AUTH_URL", "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL"} {
		t.Setenv(k, "")
	}
}

// serveRefusal runs serve, which must refuse to start: it returns the
// error, failing the test when serve starts instead (and stopping it).
func serveRefusal(t *testing.T, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			if strings.Contains(string(buf[:n]), "listening on") {
				cancel() // it started: stop it, and fail below
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("serve %s started", strings.Join(args, " "))
		}
		return err
	case <-time.After(time.Minute):
		cancel()
		t.Fatalf("serve %s neither started nor refused", strings.Join(args, " "))
	}
	return nil
}

// signIn posts the credentials to serve's sign-in and returns the status,
// the body and whether a session cookie was set.
func signIn(t *testing.T, base, email, password string) (int, map[string]any, bool) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res := post(t, http.DefaultClient, base, "/api/auth/sign-in/email", string(body))
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	session := false
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "session_token") && c.Value != "" && c.MaxAge >= 0 {
			session = true
		}
	}
	return res.StatusCode, m, session
}

// TestServeNeverBypassesTwoFactorOrBans: on a database whose app uses the
// twoFactor and admin plugins, serve with a --plugins list that leaves one
// out refuses to start, naming it (it would otherwise sign a two-factor
// user in with a password alone, or a banned user in); without --plugins
// it serves the database's plugins, so a two-factor user gets
// twoFactorRedirect and no session, and a banned user is refused.
func TestServeNeverBypassesTwoFactorOrBans(t *testing.T) {
	refusalEnv(t)
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			url := db.url(t)
			runCmd(t, "", "migrate", "--plugins", "admin,twoFactor", "--database-url", url).expect(t, 0)
			for _, email := range []string{"plain@example.com", "tf@example.com", "banned@example.com"} {
				runCmd(t, "password123\n", "user", "create", "--plugins", "admin,twoFactor", "--email", email, "--name", "U", "--password-stdin", "--database-url", url).expect(t, 0)
			}
			execSQL(t, url,
				"update "+quote(url, "user")+" set "+quote(url, "twoFactorEnabled")+" = true where "+quote(url, "email")+" = 'tf@example.com'",
				"update "+quote(url, "user")+" set "+quote(url, "banned")+" = true where "+quote(url, "email")+" = 'banned@example.com'")

			for _, c := range []struct {
				plugins string
				want    []string
			}{
				{"admin", []string{"the database has the twoFactor plugin's tables; with --plugins admin, serve would sign in two-factor users with a password alone — add twoFactor to --plugins or pass --config"}},
				{"twoFactor", []string{"the database has the admin plugin's ban columns; with --plugins twoFactor, serve would let banned users sign in and keep their sessions — add admin to --plugins or pass --config"}},
				{"bearer", []string{"with --plugins bearer, serve would sign in two-factor users with a password alone", "with --plugins bearer, serve would let banned users sign in"}},
			} {
				err := serveRefusal(t, "--plugins", c.plugins, "--database-url", url)
				for _, want := range c.want {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("serve --plugins %s: %v\nwant it to say %q", c.plugins, err, want)
					}
				}
				if exitStatus(err) != 2 {
					t.Errorf("serve --plugins %s: exit status %d, want 2", c.plugins, exitStatus(err))
				}
			}

			for _, args := range [][]string{{}, {"--plugins", "admin,twoFactor"}} {
				base, stop := startServe(t, append(args, "--database-url", url)...)
				if status, body, session := signIn(t, base, "tf@example.com", "password123"); status != 200 || body["twoFactorRedirect"] != true || session {
					t.Errorf("serve %v: two-factor user: %d %v, session cookie %v", args, status, body, session)
				}
				if status, body, _ := signIn(t, base, "banned@example.com", "password123"); status != 403 || body["code"] != "BANNED_USER" {
					t.Errorf("serve %v: banned user: %d %v", args, status, body)
				}
				if status, body, session := signIn(t, base, "plain@example.com", "password123"); status != 200 || body["token"] == nil || !session {
					t.Errorf("serve %v: plain user: %d %v, session cookie %v", args, status, body, session)
				}
				stop()
			}
		})
	}
}

// withUserColumn creates the user table from migrate's own statement plus
// column (SQLite cannot add a NOT NULL column without a default later),
// then the rest of the schema.
func withUserColumn(t *testing.T, url, column string) {
	t.Helper()
	dry := runCmd(t, "", "migrate", "--dry-run", "--database-url", url).expect(t, 0)
	createUser := statements(dry)[0]
	if !strings.HasPrefix(createUser, "create table "+quote(url, "user")+" (") {
		t.Fatalf("first statement is not the user table: %s", createUser)
	}
	execSQL(t, url, strings.TrimSuffix(createUser, ");")+", "+column+")")
	runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
}

// TestUnfillableColumnStopsWrites: a NOT NULL column without a default
// that nobody declared (an app's required additional field, which Better
// Auth fills itself) stops serve and user create, naming the column and
// `betterauth config export`; doctor lists it with its declaration.
func TestUnfillableColumnStopsWrites(t *testing.T) {
	refusalEnv(t)
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			url := db.url(t)
			withUserColumn(t, url, quote(url, "plan")+" text not null")

			err := serveRefusal(t, "--database-url", url)
			want := "the database's user.plan is NOT NULL without a default and not declared: Better Auth fills it from the app's config (an additional field), serve cannot and would fail to create a user — run `betterauth config export` in the app and pass the config with --config"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("serve: %v\nwant %q", err, want)
			}
			r := runCmd(t, "password123\n", "user", "create", "--email", "u@example.com", "--name", "U", "--password-stdin", "--database-url", url).expect(t, 1)
			if !strings.Contains(r.err.Error(), "user.plan is NOT NULL without a default and not declared") || !strings.Contains(r.err.Error(), "user create cannot") {
				t.Errorf("user create: %v", r.err)
			}
			d := runCmd(t, "", "doctor", "--database-url", url).expect(t, 1)
			if f := findings(d); len(f) != 1 || !strings.HasPrefix(f[0], "problem: user.plan: is text NOT NULL without a database default and not declared") ||
				!strings.Contains(f[0], `ba.Field{Name: "plan", Type: ba.TypeString, Required: true, Default: <the app's defaultValue>}`) {
				t.Errorf("doctor:\n%s", d.stdout)
			}
		})
	}
}

// TestDoctorListsUndeclaredColumns: doctor names the columns nobody
// declared, with the type it reads from the column and the declaration
// to add; serve starts and leaves them alone.
func TestDoctorListsUndeclaredColumns(t *testing.T) {
	refusalEnv(t)
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			url := db.url(t)
			runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
			execSQL(t, url,
				"alter table "+quote(url, "user")+" add column "+quote(url, "bio")+" text",
				"alter table "+quote(url, "user")+" add column "+quote(url, "newsletter")+" boolean default false not null")
			d := runCmd(t, "", "doctor", "--database-url", url).expect(t, 0)
			f := findings(d)
			want := []string{
				"warning: user.bio: is not declared (text): betterauth-go neither reads nor answers it and new rows get its database default or NULL, where Better Auth, when the app declares it as an additional field, writes and returns it; declare it: run `betterauth config export` in the app, or add ba.Field{Name: \"bio\", Type: ba.TypeString} to Schema.Tables[\"user\"].AdditionalFields",
				"warning: user.newsletter: is not declared (boolean NOT NULL): betterauth-go neither reads nor answers it and new rows get its database default or NULL, where Better Auth, when the app declares it as an additional field, writes and returns it; declare it: run `betterauth config export` in the app, or add ba.Field{Name: \"newsletter\", Type: ba.TypeBoolean, Required: true} to Schema.Tables[\"user\"].AdditionalFields",
			}
			if !slices.Equal(f, want) {
				t.Errorf("doctor:\n%s\nwant:\n%s", strings.Join(f, "\n"), strings.Join(want, "\n"))
			}
			base, stop := startServe(t, "--database-url", url)
			res := post(t, http.DefaultClient, base, "/api/auth/sign-up/email", `{"email":"n@example.com","password":"password123","name":"N","bio":"ignored"}`)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || strings.Contains(string(b), "bio") || strings.Contains(string(b), "newsletter") {
				t.Errorf("sign-up on undeclared columns: %d %s", res.StatusCode, b)
			}
			stop()
		})
	}
}
