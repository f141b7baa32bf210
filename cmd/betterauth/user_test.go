package main

import (
	"context"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestUserAndSessionCommands runs user create/list and session revoke on
// every database.
func TestUserAndSessionCommands(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{
		"sqlite":   func(tb testing.TB) string { return "sqlite:" + testdb.SQLite(tb) },
		"postgres": testdb.Postgres,
		"mysql":    testdb.MySQL,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := url(t)
			t.Setenv("DATABASE_URL", db)
			do := func(stdin string, args ...string) (string, error) {
				var out strings.Builder
				err := run(ctx, args, strings.NewReader(stdin), &out, &out)
				return out.String(), err
			}
			if out, err := do("", "migrate", "--plugins", "admin"); err != nil {
				t.Fatalf("migrate: %v %s", err, out)
			}
			out, err := do("correct horse battery\n", "user", "create", "--plugins", "admin", "--email", "Root@Example.com", "--name", "Root", "--password-stdin", "--role", "admin")
			if err != nil || !strings.Contains(out, "<root@example.com>") {
				t.Fatalf("user create: %v %s", err, out)
			}
			if strings.Contains(out, "correct horse") {
				t.Fatal("password echoed")
			}
			if _, err := do("", "user", "create", "--email", "root@example.com", "--name", "Dup"); err == nil || exitStatus(err) != 1 {
				t.Fatalf("duplicate: %v", err)
			}
			if _, err := do("", "user", "create", "--email", "nope", "--name", "X"); err == nil || exitStatus(err) != 2 {
				t.Fatalf("bad email: %v", err)
			}
			if _, err := do("short\n", "user", "create", "--email", "s@example.com", "--name", "S", "--password-stdin"); err == nil {
				t.Fatal("short password accepted")
			}
			if _, err := do("", "user", "create", "--plugins", "bearer", "--email", "r@example.com", "--name", "R", "--role", "admin"); err == nil {
				t.Fatal("--role without the admin plugin accepted")
			}
			out, err = do("", "user", "list", "--plugins", "admin")
			if err != nil || !strings.Contains(out, "root@example.com") || !strings.Contains(out, "admin") || !strings.Contains(out, "1 of 1 users") {
				t.Fatalf("user list: %v\n%s", err, out)
			}
			// Without --plugins, the database's plugins are used: the
			// admin plugin's default role is written, as Better Auth does.
			if out, err := do("", "user", "create", "--email", "d@example.com", "--name", "D"); err != nil {
				t.Fatalf("user create without --plugins: %v %s", err, out)
			}
			if out, err = do("", "user", "list", "--plugins", "admin", "--search", "d@example.com"); err != nil || !strings.Contains(out, "d@example.com  D     user") {
				t.Fatalf("user created without --plugins: %v\n%s", err, out)
			}

			// The password works, and sessions revoke.
			store, closeDB, err := dburl.Open(ctx, db, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}}})
			if err != nil {
				t.Fatal(err)
			}
			defer closeDB()
			user, err := store.GetUserByEmail(ctx, "root@example.com")
			if err != nil {
				t.Fatal(err)
			}
			acct, err := store.GetCredentialAccount(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := ba.VerifyPassword(*acct.Password, "correct horse battery"); !ok {
				t.Fatal("stored password does not verify")
			}
			for i := 0; i < 2; i++ {
				if err := store.CreateSession(ctx, &ba.Session{UserID: user.ID, ExpiresAt: time.Now().Add(time.Hour)}, nil); err != nil {
					t.Fatal(err)
				}
			}
			out, err = do("", "session", "revoke", "--user", "ROOT@example.com")
			if err != nil || !strings.Contains(out, "revoked 2 sessions") {
				t.Fatalf("session revoke: %v %s", err, out)
			}
			if _, err := do("", "session", "revoke", "--user", "ghost@example.com"); err == nil || exitStatus(err) != 1 {
				t.Fatalf("unknown user: %v", err)
			}
		})
	}
}
