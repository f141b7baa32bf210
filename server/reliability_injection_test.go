package server_test

// SQL injection attempts in every string field a client can send are
// stored and returned verbatim, and never executed — on every database.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

var injectionPayloads = []string{
	`'; DROP TABLE "user"; --`,
	`' OR '1'='1`,
	`\'; DROP TABLE user; -- `,
	`"); DELETE FROM account; --`,
	`1; UPDATE "user" SET role='admin' WHERE '1'='1`,
	`' UNION SELECT password FROM account --`,
	`%_!\ LIKE '%'`,
	`$1 ? :name @p1 %s`,
	"Robert'); DROP TABLE Students;--",
	"ʼ OR 1=1 -- ＇ ; `id`; SHOW TABLES; /* */ #",
}

func TestSQLInjectionStoredVerbatim(t *testing.T) {
	eachSQLBackend(t, checkInjection)
}

func checkInjection(t *testing.T, db *backendDB, e *env) {
	ctx := context.Background()
	hc := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	admin := signUpRaw(t, e, "admin@example.com", "password-admin-1")
	if _, err := db.store.UpdateUser(ctx, admin.userID, ba.UserUpdate{Role: ba.Value("admin")}); err != nil {
		t.Fatal(err)
	}
	do := func(u signedIn, method, path string, body any) outcome {
		t.Helper()
		b := ""
		if body != nil {
			j, _ := json.Marshal(body)
			b = string(j)
		}
		o := send(hc, method, e.srv.URL+path, b, u.header)
		if o.err != nil {
			t.Fatal(o.err)
		}
		if o.status >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, o.status, o.body)
		}
		return o
	}
	decode := func(o outcome) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(o.body, &m); err != nil {
			t.Fatalf("%s: %v", o.body, err)
		}
		return m
	}

	// Sign-up: injection in the email's local part, the name and the
	// password; the password then signs in, so it was stored as given.
	// (zod's email pattern, which Better Auth applies, refuses "=".)
	const email = "o'hara'or'1'+'1--@example.com"
	password := injectionPayloads[0] + injectionPayloads[1]
	victimBody := map[string]any{"email": email, "password": password, "name": injectionPayloads[2], "image": injectionPayloads[3], "bio": injectionPayloads[4], "username": "Victim_1.x", "displayUsername": "u" + injectionPayloads[5]}
	up := do(signedIn{header: http.Header{"Origin": {e.srv.URL}}}, "POST", "/api/auth/sign-up/email", victimBody)
	if up.status != 200 {
		t.Fatalf("sign-up with injection payloads: %d %s", up.status, up.body)
	}
	victim := signInRaw(t, e, email, password)
	me := decode(do(victim, "GET", "/api/me", nil))
	for field, want := range map[string]string{"email": email, "name": injectionPayloads[2], "image": injectionPayloads[3], "bio": injectionPayloads[4], "displayUsername": "u" + injectionPayloads[5], "username": "victim_1.x"} {
		if me[field] != want {
			t.Errorf("%s stored as %q, want %q", field, me[field], want)
		}
	}

	// Ban and role are written on a third user, so the victim keeps
	// its session.
	target := ba.NewUser(ba.UserCreate{Name: "Target", Email: "target@example.com"}, time.Now())
	if err := db.store.CreateUser(ctx, target); err != nil {
		t.Fatal(err)
	}

	// Every payload through every free-text field of PATCH /api/me and
	// update-user, read back through both APIs.
	for i, p := range injectionPayloads {
		patched := do(victim, "PATCH", "/api/me", map[string]any{"name": p, "image": p, "bio": p, "displayUsername": "u" + p})
		if patched.status != 200 {
			t.Fatalf("PATCH /api/me with payload %d: %d %s", i, patched.status, patched.body)
		}
		// A username holds only [a-zA-Z0-9_.]: a payload never reaches
		// the database.
		if o := do(victim, "PATCH", "/api/me", map[string]any{"username": "u" + p}); o.status != 400 || !strings.Contains(string(o.body), "USERNAME") {
			t.Errorf("PATCH /api/me with payload %d as the username: %d %s, want 400 INVALID_USERNAME or USERNAME_TOO_LONG", i, o.status, o.body)
		}
		got := decode(do(victim, "GET", "/api/me", nil))
		for _, f := range []string{"name", "image", "bio"} {
			if got[f] != p {
				t.Errorf("payload %d: %s read back as %q", i, f, got[f])
			}
		}
		if got["displayUsername"] != "u"+p {
			t.Errorf("payload %d: displayUsername read back as %q", i, got["displayUsername"])
		}
		if o := do(victim, "POST", "/api/auth/update-user", map[string]any{"name": p + "!"}); o.status != 200 {
			t.Fatalf("update-user with payload %d: %d %s", i, o.status, o.body)
		}
		sess := decode(do(victim, "GET", "/api/auth/get-session", nil))
		if name := sess["user"].(map[string]any)["name"]; name != p+"!" {
			t.Errorf("payload %d: get-session name %q", i, name)
		}

		// Admin search is a substring match of the payload, not SQL: it
		// finds the victim (whose name holds it) and no one else. The
		// admin routes write the payload verbatim.
		page := decode(do(admin, "GET", "/api/admin/users?search="+url.QueryEscape(p+"!"), nil))
		if page["total"] != float64(1) {
			t.Errorf("payload %d: admin search found %v users, want 1 (the victim)", i, page["total"])
		}
		ban := decode(do(admin, "POST", "/api/admin/users/"+target.ID+"/ban", map[string]any{"banReason": p}))
		if u := ban["user"].(map[string]any); u["banReason"] != p {
			t.Errorf("payload %d: banReason stored as %q", i, u["banReason"])
		}
		do(admin, "POST", "/api/admin/users/"+target.ID+"/unban", nil)
		role := decode(do(admin, "POST", "/api/admin/users/"+target.ID+"/role", map[string]any{"role": p}))
		if u := role["user"].(map[string]any); u["role"] != p {
			t.Errorf("payload %d: role stored as %q", i, u["role"])
		}
		// The admin plugin's list-users compares the payload as a value and
		// refuses it as a field name; update-user stores it verbatim.
		found := decode(do(admin, "GET", "/api/auth/admin/list-users?filterField=name&filterValue="+url.QueryEscape(p+"!"), nil))
		if found["total"] != float64(1) {
			t.Errorf("payload %d: list-users filter found %v users, want 1 (the victim)", i, found["total"])
		}
		if o := do(admin, "GET", "/api/auth/admin/list-users?filterValue=x&filterField="+url.QueryEscape(p)+"&sortBy="+url.QueryEscape(p), nil); o.status != 200 || string(o.body) != `{"users":[],"total":0}` {
			t.Errorf("payload %d: list-users with the payload as field: %d %s", i, o.status, o.body)
		}
		if u := decode(do(admin, "POST", "/api/auth/admin/update-user", map[string]any{"userId": target.ID, "data": map[string]any{"name": p, "bio": p}})); u["name"] != p || u["bio"] != p {
			t.Errorf("payload %d: update-user stored %q, %q", i, u["name"], u["bio"])
		}
		// Lookups by a payload find nothing and change nothing.
		if o := do(admin, "GET", "/api/users/"+url.PathEscape(p), nil); o.status != 404 {
			t.Errorf("payload %d: GET /api/users/<payload> answered %d, want 404", i, o.status)
		}
		if o := do(admin, "POST", "/api/auth/revoke-session", map[string]any{"token": p}); o.status != 200 {
			t.Errorf("payload %d: revoke-session answered %d", i, o.status)
		}
		if o := do(admin, "POST", "/api/auth/reset-password", map[string]any{"token": p, "newPassword": "password-new-1"}); o.status != 400 {
			t.Errorf("payload %d: reset-password with a payload token answered %d, want 400", i, o.status)
		}
		if o := do(admin, "GET", "/api/auth/reset-password/"+url.PathEscape(p)+"?callbackURL=/x", nil); o.status != 302 || !strings.Contains(o.header.Get("Location"), "error=INVALID_TOKEN") {
			t.Errorf("payload %d: reset link with a payload token answered %d %q", i, o.status, o.header.Get("Location"))
		}
		if o := do(signedIn{header: http.Header{}}, "POST", "/api/auth/request-password-reset", map[string]any{"email": "x" + strings.NewReplacer(" ", "", `"`, "", `\`, "", "(", "", ")", "", ";", "", ",", "", "<", "", ">", "", "[", "", "]", "", ":", "", "@", "").Replace(p) + "@example.com"}); o.status != 200 && o.status != 400 {
			t.Errorf("payload %d: request-password-reset answered %d", i, o.status)
		}
	}

	// Nothing was executed: the three users, the two accounts and the
	// admin's session are intact, the admin is still the only admin.
	if o := do(admin, "GET", "/api/me", nil); o.status != 200 {
		t.Fatalf("admin session after the payloads: %d", o.status)
	}
	var n int64
	var err error
	if n, err = db.count(ctx, "SELECT count(*) FROM "+db.quote("user")); err != nil || n != 3 {
		t.Errorf("user table holds %d rows (%v), want 3", n, err)
	}
	if n, err = db.count(ctx, "SELECT count(*) FROM "+db.quote("account")); err != nil || n != 2 {
		t.Errorf("account table holds %d rows (%v), want 2", n, err)
	}
	ph := "$1"
	if db.name != "postgres" {
		ph = "?"
	}
	if n, err = db.count(ctx, "SELECT count(*) FROM "+db.quote("user")+" WHERE "+db.quote("role")+" = "+ph, "admin"); err != nil || n != 1 {
		t.Errorf("%d admins (%v), want 1", n, err)
	}
	// A NUL byte cannot be stored by PostgreSQL; it is refused as bad
	// input (4xx), not a server error.
	if o := do(victim, "PATCH", "/api/me", map[string]any{"name": "nul\x00byte"}); o.status != 200 && o.status != 400 {
		t.Errorf("name with a NUL byte: %d %s", o.status, o.body)
	}
}
