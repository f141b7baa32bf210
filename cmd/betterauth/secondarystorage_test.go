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

	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

// With --secondary-storage, migrate and doctor leave out the session and
// verification tables, as Better Auth's getAuthTables does with
// secondaryStorage; --store-session-in-database and
// --verification-in-database bring each back.
func TestSecondaryStorageMigrateAndDoctor(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, url string) {
		dry := runCmd(t, "", "migrate", "--dry-run", "--secondary-storage", "--database-url", url).expect(t, 0)
		for _, s := range statements(dry) {
			if strings.Contains(s, quote(url, "session")) || strings.Contains(s, quote(url, "verification")) {
				t.Errorf("with --secondary-storage migrate would run %s", s)
			}
		}
		if len(statements(dry)) == 0 {
			t.Fatalf("dry run printed nothing:\n%s", dry.stdout)
		}
		runCmd(t, "", "migrate", "--secondary-storage", "--database-url", url).expect(t, 0)
		d := runCmd(t, "", "doctor", "--secondary-storage", "--database-url", url).expect(t, 0)
		if len(findings(d)) != 0 {
			t.Errorf("doctor --secondary-storage: %v", findings(d))
		}
		// Without the flag the two tables are missing, and doctor says so.
		d = runCmd(t, "", "doctor", "--database-url", url).expect(t, 1)
		want := []string{"problem: session: table is missing (run `betterauth migrate`)", "problem: verification: table is missing (run `betterauth migrate`)"}
		if !slices.Equal(findings(d), want) {
			t.Errorf("doctor without --secondary-storage: %v", findings(d))
		}
		// storeSessionInDatabase brings the session table back, alone.
		m := runCmd(t, "", "migrate", "--secondary-storage", "--store-session-in-database", "--database-url", url).expect(t, 0)
		created := strings.Join(statements(m), "\n")
		if !strings.Contains(created, "create table "+quote(url, "session")) || strings.Contains(created, quote(url, "verification")) {
			t.Errorf("migrate --store-session-in-database ran:\n%s", created)
		}
		// The session table Better Auth would not read is pointed out.
		d = runCmd(t, "", "doctor", "--secondary-storage", "--database-url", url).expect(t, 0)
		if f := findings(d); len(f) != 1 || !strings.HasPrefix(f[0], "warning: session: table exists, but with secondaryStorage") {
			t.Errorf("doctor with a session table and --secondary-storage: %v", f)
		}
		runCmd(t, "", "migrate", "--secondary-storage", "--store-session-in-database", "--verification-in-database", "--database-url", url).expect(t, 0)
		runCmd(t, "", "doctor", "--database-url", url).expect(t, 0)
	})
}

func TestSecondaryStorageFlagsRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("BETTER_AUTH_SECRET", strings.Repeat("s", 40))
	t.Setenv("REDIS_URL", "")
	url := "sqlite:" + testdb.SQLite(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "--store-session-in-database"}, "--store-session-in-database: only means something with --secondary-storage"},
		{[]string{"doctor", "--verification-in-database"}, "--verification-in-database: only means something with --secondary-storage"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--secondary-storage"}, "--secondary-storage: Better Auth then keeps sessions and verification values in its secondaryStorage, so serve needs that Redis: pass --redis URL (or set REDIS_URL)"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--preserve-session-in-database"}, "--preserve-session-in-database: only means something with --store-session-in-database"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--store-identifier", "custom"}, `--store-identifier: "custom" is neither plain nor hashed`},
		{[]string{"session", "revoke", "--user", "a@example.com", "--secondary-storage"}, "with --secondary-storage Better Auth's sessions live in Redis"},
	} {
		r := runCmd(t, "", append(c.args, "--database-url", url)...).expect(t, 2)
		if !strings.Contains(r.err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, r.err, c.want)
		}
	}
}

// TestServeSecondaryStorage: on a database the real Better Auth migrated
// with secondaryStorage (@better-auth/redis-storage), serve refuses to
// start without --secondary-storage (saying why), starts with it, and
// shares sessions and reset tokens with Better Auth through Redis.
func TestServeSecondaryStorage(t *testing.T) {
	const secret = "serve-secondary-storage-secret-0123456789"
	for _, db := range []struct{ name, dialect string }{{"SQLite", "sqlite"}, {"Postgres", "postgres"}, {"MySQL", "mysql"}} {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			addr := testdb.RedisAddr(t)
			client := goredisClient(t, addr)
			prefix := testdb.Name("ss") + ":"
			t.Cleanup(func() {
				keys, _ := client.Keys(ctx, prefix+"*").Result()
				if len(keys) > 0 {
					client.Del(ctx, keys...)
				}
			})
			var baURL, goURL string
			switch db.dialect {
			case "sqlite":
				baURL = testdb.SQLite(t)
				goURL = "sqlite:" + baURL
			case "postgres":
				baURL = testdb.Postgres(t)
				goURL = baURL
			case "mysql":
				baURL = testdb.MySQL(t)
				goURL = baURL
			}
			h := batest.Start(t, batest.Config{Dialect: db.dialect, URL: baURL, Secret: secret,
				Extra: map[string]any{"secondaryStorage": map[string]any{"redisURL": "redis://" + addr, "keyPrefix": prefix}}})
			h.MustCall(t, "migrate", nil, nil)

			t.Chdir(t.TempDir())
			for _, k := range []string{"BETTER_AUTH_SECRETS", "AUTH_SECRET", "NODE_ENV", "BETTER_AUTH_URL", "REDIS_URL"} {
				t.Setenv(k, "")
			}
			t.Setenv("DATABASE_URL", goURL)
			t.Setenv("BETTER_AUTH_SECRET", secret)

			// Without --secondary-storage the missing tables stop serve,
			// with the hint.
			r := runCmd(t, "", "serve", "--addr", "127.0.0.1:0", "--redis", "redis://"+addr, "--redis-key-prefix", prefix).expect(t, 2)
			if !strings.Contains(r.err.Error(), "session: table is missing") || !strings.Contains(r.err.Error(), "pass --secondary-storage") {
				t.Fatalf("serve on a secondaryStorage database without --secondary-storage: %v", r.err)
			}

			// REDIS_URL stands in for --redis.
			t.Setenv("REDIS_URL", "redis://"+addr)
			base, stop := startServe(t, "--secondary-storage", "--redis-key-prefix", prefix)
			res, err := http.Get(base + "/readyz")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("readyz: %v %v", res, err)
			}
			res.Body.Close()

			// A session Go's serve creates is Better Auth's.
			res = post(t, http.DefaultClient, base, "/api/auth/sign-up/email", `{"email":"ss@example.com","password":"old-password-1","name":"SS"}`)
			res.Body.Close()
			var cookie string
			for _, c := range res.Cookies() {
				if c.Name == "better-auth.session_token" {
					cookie = c.Name + "=" + c.Value
				}
			}
			if res.StatusCode != 200 || cookie == "" {
				t.Fatalf("sign-up on serve: %d", res.StatusCode)
			}
			got := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookie}, nil)
			var body struct {
				User struct{ Email string }
			}
			if err := json.Unmarshal(got.Body, &body); err != nil || body.User.Email != "ss@example.com" {
				t.Fatalf("Better Auth's get-session with serve's cookie: %s", got.Text)
			}

			// serve's reset token lives in Redis, where Better Auth redeems it.
			res = post(t, http.DefaultClient, base, "/api/auth/request-password-reset", `{"email":"ss@example.com"}`)
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			keys, err := client.Keys(ctx, prefix+"verification:reset-password:*").Result()
			if err != nil || len(keys) != 1 {
				t.Fatalf("reset tokens in Redis: %v %v", keys, err)
			}
			if ttl, _ := client.TTL(ctx, keys[0]).Result(); ttl < 3599*time.Second || ttl > 3600*time.Second {
				t.Fatalf("TTL %s", ttl)
			}
			token := strings.TrimPrefix(keys[0], prefix+"verification:reset-password:")
			if r := h.Request(t, "POST", "/api/auth/reset-password", nil, map[string]any{"token": token, "newPassword": "new-password-2"}); r.Status != 200 {
				t.Fatalf("Better Auth's reset-password with serve's token: %d %s", r.Status, r.Text)
			}
			res = post(t, http.DefaultClient, base, "/api/auth/sign-in/email", `{"email":"ss@example.com","password":"new-password-2"}`)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("sign-in on serve with the password Better Auth set: %d", res.StatusCode)
			}
			stop()

			// The database still has no session or verification table.
			d := runCmd(t, "", "doctor", "--secondary-storage").expect(t, 0)
			if len(findings(d)) != 0 {
				t.Fatalf("doctor after serve: %v", findings(d))
			}
		})
	}
}
