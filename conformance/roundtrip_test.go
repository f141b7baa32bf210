package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestBetterAuthWritesGoReads: Better Auth signs a user up (with admin and
// username plugins and custom fields) and writes a verification value; the
// Go store reads every row back field by field.
func TestBetterAuthWritesGoReads(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		ctx := context.Background()
		db := newDB(t)
		plugins := []string{"admin", "username"}
		h := startBA(t, db, plugins, func(c *batest.Config) { c.AdditionalFields = baAdditionalFields })
		h.MustCall(t, "migrate", nil, nil)
		store := db.open(t, sqlstore.Options{Schema: goSchema(plugins, true)})

		res := h.Request(t, "POST", "/api/auth/sign-up/email", map[string]string{"user-agent": "conformance/1.0"}, map[string]any{
			"email": "Alice@Example.com", "password": "pässwörd123", "name": "Alice <&> \u2028",
			"username": "Alice_01", "bio": "hello", "age": 42, "premium": true,
			"birthday": "1990-05-17T00:00:00.000Z", "prefs": map[string]any{"dark": true}, "tags": []string{"a", "b"},
		})
		if res.Status != 200 {
			t.Fatalf("sign-up: %d %s", res.Status, res.Text)
		}
		token := sessionToken(t, res.SetCookie)

		got := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookieFor(token)}, nil)
		var baSession struct {
			Session json.RawMessage `json:"session"`
			User    json.RawMessage `json:"user"`
		}
		must(t, got.Decode(&baSession))

		sess, user, err := store.GetSessionAndUser(ctx, token)
		if err != nil {
			t.Fatalf("Go cannot read Better Auth's session: %v", err)
		}
		if sess.IsExpired(time.Now()) {
			t.Fatal("Better Auth's fresh session is expired in Go")
		}
		sameJSON(t, "session", baSession.Session, sess)
		sameJSON(t, "user", baSession.User, user)
		if user.Email != "alice@example.com" || *user.Username != "alice_01" || *user.Role != "user" {
			t.Errorf("user %+v", user)
		}

		acct, err := store.GetCredentialAccount(ctx, user.ID)
		if err != nil {
			t.Fatalf("credential account: %v", err)
		}
		if ok, err := ba.VerifyPassword(*acct.Password, "pässwörd123"); err != nil || !ok {
			t.Fatalf("Better Auth's stored hash does not verify in Go: %v", err)
		}

		// A verification value written by Better Auth's internal adapter.
		exp := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
		var baVer json.RawMessage
		h.MustCall(t, "internal", map[string]any{"method": "createVerificationValue", "args": []any{map[string]any{
			"identifier": "reset-password:abc123", "value": user.ID, "expiresAt": ba.FormatTime(exp),
		}}}, &baVer)
		ver, err := store.GetVerificationByIdentifier(ctx, "reset-password:abc123")
		if err != nil {
			t.Fatalf("verification: %v", err)
		}
		sameJSON(t, "verification", baVer, ver)

		// Better Auth's own expired-session decision matches Go's.
		past := time.Now().Add(-time.Minute)
		if _, err := store.UpdateSessionByToken(ctx, token, ba.SessionUpdate{ExpiresAt: &past}); err != nil {
			t.Fatal(err)
		}
		after := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookieFor(token)}, nil)
		if string(after.Body) != "null" {
			t.Errorf("Better Auth still accepts a session Go expired: %s", after.Text)
		}
	})
}

// TestGoWritesBetterAuthReads: Go creates a user with a Go-hashed password,
// a session and a verification value; Better Auth accepts the cookie Go
// signs, signs the user in with the password, lists and revokes the
// sessions, and finds the verification value.
func TestGoWritesBetterAuthReads(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		ctx := context.Background()
		db := newDB(t)
		plugins := []string{"admin", "username"}
		h := startBA(t, db, plugins, func(c *batest.Config) { c.AdditionalFields = baAdditionalFields })
		h.MustCall(t, "migrate", nil, nil)
		store := db.open(t, sqlstore.Options{Schema: goSchema(plugins, true)})

		hash, err := ba.HashPassword("correct horse battery")
		must(t, err)
		user := ba.NewUser(ba.UserCreate{Name: "Bob", Email: "Bob@Example.com", Username: ptr("Bobby"), Fields: ba.Fields{
			"bio": "from go", "age": 7, "premium": false, "birthday": time.Date(2000, 1, 2, 3, 4, 5, 6e6, time.UTC),
			"prefs": map[string]any{"x": 1.5}, "tags": []string{"go"},
		}}, time.Now())
		if _, err := store.CreateUserWithPassword(ctx, user, hash); err != nil {
			t.Fatal(err)
		}
		sess := ba.NewSession(ba.SessionCreate{UserID: user.ID, IPAddress: "198.51.100.7", UserAgent: "go-test"}, time.Now())
		must(t, store.CreateSession(ctx, sess, nil))

		res := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookieFor(sess.Token)}, nil)
		if res.Status != 200 || string(res.Body) == "null" {
			t.Fatalf("Better Auth rejects Go's session cookie: %d %s", res.Status, res.Text)
		}
		var baSession struct {
			Session json.RawMessage `json:"session"`
			User    json.RawMessage `json:"user"`
		}
		must(t, res.Decode(&baSession))
		sameJSON(t, "session", baSession.Session, sess)
		got, err := store.GetUser(ctx, user.ID)
		must(t, err)
		sameJSON(t, "user", baSession.User, got)

		// Better Auth signs the user in with the password Go hashed.
		in := h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "bob@example.com", "password": "correct horse battery"})
		if in.Status != 200 {
			t.Fatalf("Better Auth sign-in with Go's hash: %d %s", in.Status, in.Text)
		}
		bad := h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "bob@example.com", "password": "wrong password!"})
		if bad.Status != 401 {
			t.Fatalf("Better Auth sign-in with a wrong password: %d", bad.Status)
		}
		baToken := sessionToken(t, in.SetCookie)

		list := h.Request(t, "GET", "/api/auth/list-sessions", map[string]string{"cookie": cookieFor(sess.Token)}, nil)
		var listed []struct{ Token string }
		must(t, list.Decode(&listed))
		seen := map[string]bool{}
		for _, s := range listed {
			seen[s.Token] = true
		}
		if !seen[sess.Token] || !seen[baToken] || len(listed) != 2 {
			t.Fatalf("list-sessions: %s", list.Text)
		}
		goActive, err := store.ListUserSessions(ctx, user.ID)
		must(t, err)
		if len(goActive) != 2 {
			t.Fatalf("Go sees %d sessions, want 2", len(goActive))
		}

		// A Go-written verification value is found by Better Auth.
		ver := ba.NewVerification(ba.VerificationCreate{Identifier: "reset-password:go123", Value: user.ID, ExpiresAt: time.Now().Add(time.Hour)}, time.Now())
		must(t, store.CreateVerification(ctx, ver))
		var found json.RawMessage
		h.MustCall(t, "internal", map[string]any{"method": "findVerificationValue", "args": []any{"reset-password:go123"}}, &found)
		sameJSON(t, "verification", found, ver)

		// Better Auth revokes all sessions; Go sees none.
		rv := h.Request(t, "POST", "/api/auth/revoke-sessions", map[string]string{"cookie": cookieFor(sess.Token)}, map[string]any{})
		if rv.Status != 200 {
			t.Fatalf("revoke-sessions: %d %s", rv.Status, rv.Text)
		}
		if _, _, err := store.GetSessionAndUser(ctx, sess.Token); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("Go still finds a session Better Auth revoked: %v", err)
		}

		// Go revokes; Better Auth refuses the cookie.
		s2 := &ba.Session{UserID: user.ID}
		must(t, store.CreateSession(ctx, s2, nil))
		n, err := store.RevokeUserSessions(ctx, user.ID)
		if err != nil || n != 1 {
			t.Fatalf("invalidate: %d %v", n, err)
		}
		after := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookieFor(s2.Token)}, nil)
		if string(after.Body) != "null" {
			t.Fatalf("Better Auth accepts a session Go revoked: %s", after.Text)
		}
		// A cookie signed with another secret is refused by Better Auth, as Go refuses it.
		forged := "better-auth.session_token=" + ba.SignCookieValue(s2.Token, "another-secret-entirely-0123456789")
		if r := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": forged}, nil); string(r.Body) != "null" {
			t.Fatalf("Better Auth accepted a foreign-secret cookie")
		}
	})
}

func ptr[T any](v T) *T { return &v }
