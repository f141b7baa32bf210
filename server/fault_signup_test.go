package server_test

// Multi-row writes are transactional: a sign-up whose credential-account
// insert fails, or whose connection dies between the user insert and the
// account insert, leaves no user behind (a user without a credential
// account can never sign in, and blocks the email for good). Concurrent
// sign-ups of one email: exactly one wins.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// userRows counts the users with email and the accounts of any user with
// email, bypassing the server and the proxy.
func userRows(t *testing.T, db *backendDB, email string) (users, accounts int64) {
	t.Helper()
	ctx := context.Background()
	ph := "$1"
	if db.name != "postgres" {
		ph = "?"
	}
	var err error
	users, err = db.count(ctx, "SELECT count(*) FROM "+db.quote("user")+" WHERE "+db.quote("email")+" = "+ph, email)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err = db.count(ctx, "SELECT count(*) FROM "+db.quote("account")+" a JOIN "+db.quote("user")+" u ON a."+db.quote("userId")+" = u."+db.quote("id")+" WHERE u."+db.quote("email")+" = "+ph, email)
	if err != nil {
		t.Fatal(err)
	}
	return users, accounts
}

func signUpOutcome(e *env, email, password string) outcome {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password, "name": "Tx"})
	// Generous: under -race each scrypt takes ~0.7 s and twenty queue for
	// GOMAXPROCS slots on a shared 2-core machine.
	return send(&http.Client{Timeout: 3 * time.Minute}, "POST", e.srv.URL+"/api/auth/sign-up/email", string(body), http.Header{"Origin": {e.srv.URL}})
}

// checkSignUpAtomic signs up while fail is armed, and checks that the
// failed sign-up left nothing and a retry succeeds with both rows.
func checkSignUpAtomic(t *testing.T, db *backendDB, e *env, arm, disarm func()) {
	const email, password = "atomic@example.com", "password-atomic-1"
	arm()
	o := signUpOutcome(e, email, password)
	disarm()
	if o.err != nil {
		t.Fatal(o.err)
	}
	if o.status == 200 {
		t.Fatalf("sign-up succeeded although the account insert failed: %s", o.body)
	}
	if o.status != 503 {
		t.Errorf("failed sign-up answered %d, want 503: %s", o.status, o.body)
	}
	if users, accounts := userRows(t, db, email); users != 0 || accounts != 0 {
		t.Fatalf("half user left behind: %d user rows, %d account rows", users, accounts)
	}
	// Nothing blocks the email: a retry succeeds and writes both rows.
	var retry outcome
	for i := 0; i < 20; i++ {
		if retry = signUpOutcome(e, email, password); retry.status != 503 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if retry.status != 200 {
		t.Fatalf("retry after the failed sign-up: %d %s", retry.status, retry.body)
	}
	if users, accounts := userRows(t, db, email); users != 1 || accounts != 1 {
		t.Fatalf("after the retry: %d user rows, %d account rows, want 1 and 1", users, accounts)
	}
}

// A trigger makes the credential-account insert fail after the user
// insert has run in the same transaction.
func TestFaultSignUpAccountInsertFails(t *testing.T) {
	type trigger struct {
		create []string
		drop   string
	}
	cases := []struct {
		name string
		open func(t *testing.T) *backendDB
		trig trigger
	}{
		{"postgres", func(t *testing.T) *backendDB { return openPostgres(t, nil) }, trigger{
			create: []string{
				`CREATE FUNCTION reliability_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
				`CREATE TRIGGER reliability_fail BEFORE INSERT ON "account" FOR EACH ROW EXECUTE FUNCTION reliability_fail()`,
			},
			drop: `DROP TRIGGER reliability_fail ON "account"`,
		}},
		{"mysql", func(t *testing.T) *backendDB { return openMySQL(t, nil) }, trigger{
			create: []string{"CREATE TRIGGER reliability_fail BEFORE INSERT ON `account` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'"},
			drop:   "DROP TRIGGER reliability_fail",
		}},
		{"sqlite", func(t *testing.T) *backendDB { return openSQLite(t) }, trigger{
			create: []string{`CREATE TRIGGER reliability_fail BEFORE INSERT ON "account" BEGIN SELECT RAISE(ABORT, 'injected failure'); END`},
			drop:   `DROP TRIGGER reliability_fail`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := c.open(t)
			e := newEnvOn(t, db.store, nil)
			ctx := context.Background()
			checkSignUpAtomic(t, db, e, func() {
				for _, q := range c.trig.create {
					if _, err := db.direct(ctx, q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
			}, func() {
				if _, err := db.direct(ctx, c.trig.drop); err != nil {
					t.Fatalf("%s: %v", c.trig.drop, err)
				}
			})
		})
	}
}

// The connection dies between the user insert and the account insert: the
// proxy kills it when the client sends the account INSERT.
func TestFaultSignUpConnectionKilled(t *testing.T) {
	cases := []struct {
		name, pattern string
		open          func(*testing.T, func(string) string) *backendDB
	}{
		{"postgres", `INSERT INTO "account"`, func(t *testing.T, p func(string) string) *backendDB { return openPostgres(t, p) }},
		{"mysql", "INSERT INTO `account`", func(t *testing.T, p func(string) string) *backendDB { return openMySQL(t, p) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var proxy *faultProxy
			db := c.open(t, func(target string) string { proxy = startProxy(t, target); return proxy.Addr() })
			e := newEnvOn(t, db.store, nil)
			checkSignUpAtomic(t, db, e, func() { proxy.CutWhenClientSends(c.pattern) }, func() {})
			if proxy.Hits() != 1 {
				t.Fatalf("the proxy killed %d connections, want 1: the fault was not injected", proxy.Hits())
			}
		})
	}
}

// Twenty sign-ups of one email (in different cases) at once: exactly one
// 200, the others 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL, one user row
// and one account row.
func TestConcurrentSignUpSameEmail(t *testing.T) {
	eachSQLBackend(t, func(t *testing.T, db *backendDB, e *env) {
		const n = 20
		results := make([]outcome, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				email := "race@example.com"
				if i%2 == 1 {
					email = "Race@Example.COM"
				}
				results[i] = signUpOutcome(e, email, fmt.Sprintf("password-race-%d", i))
			}(i)
		}
		close(start)
		wg.Wait()
		ok, exists := 0, 0
		for _, r := range results {
			switch {
			case r.err != nil:
				t.Errorf("transport error %v", r.err)
			case r.status == 200:
				ok++
			case r.status == 422 && strings.Contains(string(r.body), "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"):
				exists++
			default:
				t.Errorf("sign-up answered %d %s, want 200 or 422", r.status, r.body)
			}
		}
		if ok != 1 || exists != n-1 {
			t.Errorf("%d succeeded and %d were refused as existing, want 1 and %d", ok, exists, n-1)
		}
		if users, accounts := userRows(t, db, "race@example.com"); users != 1 || accounts != 1 {
			t.Errorf("%d user rows and %d account rows, want 1 and 1", users, accounts)
		}
	})
}

// A password reset consumes its token and sets the password; when setting
// the password fails, the token must still work (otherwise the user is
// left with neither the new password nor a working link).
//
// KNOWN FAILING until resetPassword consumes the token and writes the
// password in one transaction (see the reliability report for the patch):
// today the token is deleted first, so the retry answers INVALID_TOKEN.
func TestFaultResetPasswordIsAtomic(t *testing.T) {
	db := openSQLite(t)
	e := newEnvOn(t, db.store, nil)
	signUpRaw(t, e, "reset@example.com", "password-reset-old")
	hc := &http.Client{Timeout: time.Minute}
	if o := send(hc, "POST", e.srv.URL+"/api/auth/request-password-reset", `{"email":"reset@example.com"}`, nil); o.status != 200 {
		t.Fatalf("reset request: %d %s", o.status, o.body)
	}
	e.mailer.mu.Lock()
	token := e.mailer.last.Token
	e.mailer.mu.Unlock()
	ctx := context.Background()
	if _, err := db.direct(ctx, `CREATE TRIGGER reliability_fail BEFORE UPDATE ON "account" BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	body := `{"token":"` + token + `","newPassword":"password-reset-new"}`
	first := send(hc, "POST", e.srv.URL+"/api/auth/reset-password", body, nil)
	if _, err := db.direct(ctx, `DROP TRIGGER reliability_fail`); err != nil {
		t.Fatal(err)
	}
	if first.status == 200 {
		t.Fatalf("reset succeeded although the password write failed: %s", first.body)
	}
	if first.status < 500 {
		t.Errorf("failed write answered %d, want 503: %s", first.status, first.body)
	}
	if o := send(hc, "POST", e.srv.URL+"/api/auth/reset-password", body, nil); o.status != 200 {
		t.Fatalf("retry with the same token after the failed write: %d %s (the token was consumed by a reset that did not happen)", o.status, o.body)
	}
	signInRaw(t, e, "reset@example.com", "password-reset-new")
}
