package server_test

// A change to a user together with their sessions commits whole or not at
// all: change-password with revokeOtherSessions (revoke, new password, new
// session) and an admin ban (ban, revoke). A trigger makes the last write
// of each fail; nothing of the first writes may remain.

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// failingTrigger creates and drops a trigger that makes every op ("INSERT"
// or "DELETE") on the session table fail.
type failingTrigger struct{ create, drop []string }

func sessionTrigger(dialect, op string) failingTrigger {
	switch dialect {
	case "postgres":
		return failingTrigger{
			create: []string{
				`CREATE OR REPLACE FUNCTION usertx_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
				`CREATE TRIGGER usertx_fail BEFORE ` + op + ` ON "session" FOR EACH ROW EXECUTE FUNCTION usertx_fail()`,
			},
			drop: []string{`DROP TRIGGER usertx_fail ON "session"`},
		}
	case "mysql":
		return failingTrigger{
			create: []string{"CREATE TRIGGER usertx_fail BEFORE " + op + " ON `session` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'"},
			drop:   []string{"DROP TRIGGER usertx_fail"},
		}
	default:
		return failingTrigger{
			create: []string{`CREATE TRIGGER usertx_fail BEFORE ` + op + ` ON "session" BEGIN SELECT RAISE(ABORT, 'injected failure'); END`},
			drop:   []string{`DROP TRIGGER usertx_fail`},
		}
	}
}

func (f failingTrigger) arm(t *testing.T, db *backendDB) {
	t.Helper()
	for _, q := range f.create {
		if _, err := db.direct(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func (f failingTrigger) disarm(t *testing.T, db *backendDB) {
	t.Helper()
	for _, q := range f.drop {
		if _, err := db.direct(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// sessionWorks reports whether the cookie of in still gets its user.
func sessionWorks(t *testing.T, e *env, in signedIn) bool {
	t.Helper()
	o := send(&http.Client{Timeout: 30 * time.Second}, "GET", e.srv.URL+"/api/me", "", in.header)
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.status == 200
}

func signInStatus(e *env, email, password string) int {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return send(&http.Client{Timeout: 30 * time.Second}, "POST", e.srv.URL+"/api/auth/sign-in/email", string(body),
		http.Header{"Origin": {e.srv.URL}}).status
}

func TestUserAndSessionWritesAreAtomic(t *testing.T) {
	eachSQLBackend(t, func(t *testing.T, db *backendDB, e *env) {

		t.Run("ChangePasswordRevokingOthers", func(t *testing.T) {
			const email, oldPW, newPW = "cp@example.com", "password-old-1", "password-new-1"
			a := signUpRaw(t, e, email, oldPW)
			b := signInRaw(t, e, email, oldPW)
			body := `{"currentPassword":"` + oldPW + `","newPassword":"` + newPW + `","revokeOtherSessions":true}`

			trig := sessionTrigger(db.name, "INSERT")
			trig.arm(t, db)
			o := send(&http.Client{Timeout: time.Minute}, "POST", e.srv.URL+"/api/auth/change-password", body, a.header)
			trig.disarm(t, db)
			if o.err != nil || o.status == 200 {
				t.Fatalf("change-password succeeded although the new session could not be stored: %v %d %s", o.err, o.status, o.body)
			}
			if o.status != 503 {
				t.Errorf("failed change-password answered %d, want 503: %s", o.status, o.body)
			}
			if len(o.header.Values("Set-Cookie")) != 0 {
				t.Errorf("failed change-password set cookies: %v", o.header.Values("Set-Cookie"))
			}
			// Nothing happened: both sessions live, the old password works.
			if !sessionWorks(t, e, a) || !sessionWorks(t, e, b) {
				t.Fatal("the revocation of a failed change-password was kept")
			}
			if st := signInStatus(e, email, newPW); st == 200 {
				t.Fatal("the new password of a failed change-password was kept")
			}
			if st := signInStatus(e, email, oldPW); st != 200 {
				t.Fatalf("old password after a failed change-password: %d", st)
			}

			// The retry does all of it.
			o = send(&http.Client{Timeout: time.Minute}, "POST", e.srv.URL+"/api/auth/change-password", body, a.header)
			if o.status != 200 {
				t.Fatalf("retry: %d %s", o.status, o.body)
			}
			if sessionWorks(t, e, b) {
				t.Fatal("other session survived change-password with revokeOtherSessions")
			}
			if st := signInStatus(e, email, newPW); st != 200 {
				t.Fatalf("new password after change-password: %d", st)
			}
		})

		t.Run("AdminBan", func(t *testing.T) {
			ctx := context.Background()
			admin := signUpRaw(t, e, "ban-admin@example.com", "password-admin-1")
			role := "admin"
			if _, err := db.store.UpdateUser(ctx, admin.userID, ba.UserUpdate{Role: ba.Value(role)}); err != nil {
				t.Fatal(err)
			}
			target := signUpRaw(t, e, "ban-target@example.com", "password-target-1")
			url := e.srv.URL + "/api/admin/users/" + target.userID + "/ban"

			trig := sessionTrigger(db.name, "DELETE")
			trig.arm(t, db)
			o := send(&http.Client{Timeout: time.Minute}, "POST", url, `{"banReason":"spam"}`, admin.header)
			trig.disarm(t, db)
			if o.err != nil || o.status == 200 {
				t.Fatalf("ban succeeded although the sessions could not be revoked: %v %d %s", o.err, o.status, o.body)
			}
			if o.status != 503 {
				t.Errorf("failed ban answered %d, want 503: %s", o.status, o.body)
			}
			u, err := db.store.GetUser(ctx, target.userID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Banned != nil && *u.Banned {
				t.Fatal("the ban of a failed ban request was kept")
			}
			if !sessionWorks(t, e, target) {
				t.Fatal("target's session gone after a failed ban")
			}

			o = send(&http.Client{Timeout: time.Minute}, "POST", url, `{"banReason":"spam"}`, admin.header)
			if o.status != 200 {
				t.Fatalf("retry: %d %s", o.status, o.body)
			}
			if sessionWorks(t, e, target) {
				t.Fatal("banned user's session still works")
			}
		})
	})
}

// With sessions in Redis no transaction spans both stores; change-password
// revokes first, so that a failed password write leaves the old password
// and no sessions — never a new password with an intruder's session alive.
func TestChangePasswordRedisSessionsFailsSafe(t *testing.T) {
	db := openSQLite(t)
	schema, err := reliabilitySchema.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	_, rs, _ := redisBackend(t, nil, schema)
	e := newEnvOn(t, db.store, func(c *server.Config) { c.Sessions = rs })
	const email, oldPW, newPW = "cpr@example.com", "password-old-1", "password-new-1"
	a := signUpRaw(t, e, email, oldPW)
	b := signInRaw(t, e, email, oldPW)

	ctx := context.Background()
	if _, err := db.direct(ctx, `CREATE TRIGGER usertx_fail BEFORE UPDATE ON "account" BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	body := `{"currentPassword":"` + oldPW + `","newPassword":"` + newPW + `","revokeOtherSessions":true}`
	o := send(&http.Client{Timeout: time.Minute}, "POST", e.srv.URL+"/api/auth/change-password", body, a.header)
	if _, err := db.direct(ctx, `DROP TRIGGER usertx_fail`); err != nil {
		t.Fatal(err)
	}
	if o.err != nil || o.status != 503 {
		t.Fatalf("change-password with a failing password write: %v %d %s", o.err, o.status, o.body)
	}
	if sessionWorks(t, e, a) || sessionWorks(t, e, b) {
		t.Fatal("sessions survived a change-password that failed after revoking them")
	}
	if st := signInStatus(e, email, newPW); st == 200 {
		t.Fatal("new password stored although the write failed")
	}
	if st := signInStatus(e, email, oldPW); st != 200 {
		t.Fatalf("old password after the failed change: %d", st)
	}
}
