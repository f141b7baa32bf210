package conformance

// Better Auth with secondaryStorage (@better-auth/redis-storage): the
// database has neither session nor verification table, reset tokens live
// in Redis under verification:<identifier>, and with
// session.storeSessionInDatabase sessions live in both. Each test has a
// Redis key prefix of its own.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// ssFixture is Better Auth with secondaryStorage and a Go server on the
// same database and Redis key prefix.
type ssFixture struct {
	h      *batest.Harness
	store  *sqlstore.Store
	redis  *redis.Store
	client *goredis.Client
	prefix string
	goURL  string
	mail   *captureMailer
}

type captureMailer struct {
	mu   sync.Mutex
	last server.Email
}

func (m *captureMailer) Send(_ context.Context, e server.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last = e
	return nil
}

func (m *captureMailer) token() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last.Token
}

// ssOptions is the topology of one fixture.
type ssOptions struct {
	schema   ba.Schema // SecondaryStorage and the storeInDatabase options
	preserve bool
	ids      ba.IdentifierStorage
	baExtra  map[string]any // Better Auth options merged in (verification.storeIdentifier)
}

func newSSFixture(t *testing.T, db database, o ssOptions) *ssFixture {
	t.Helper()
	addr := testdb.RedisAddr(t)
	client := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "conformance:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
	})
	session := map[string]any{}
	if o.schema.StoreSessionInDatabase {
		session["storeSessionInDatabase"] = true
	}
	if o.preserve {
		session["preserveSessionInDatabase"] = true
	}
	h := startBA(t, db, nil, func(c *batest.Config) {
		c.Session = session
		c.Extra = map[string]any{"secondaryStorage": map[string]any{"redisURL": "redis://" + addr, "keyPrefix": prefix, "log": true}}
		if o.baExtra != nil {
			c.Extra["options"] = o.baExtra
		}
	})
	var m struct{ SQL string }
	h.MustCall(t, "migrate", nil, &m)
	o.schema.SecondaryStorage = true
	store := db.open(t, sqlstore.Options{Schema: o.schema, StoreIdentifier: o.ids})
	rs, err := redis.New(client, redis.Options{KeyPrefix: prefix, StoreIdentifier: o.ids})
	if err != nil {
		t.Fatal(err)
	}

	cfg := server.Config{Store: store, Secrets: []ba.Secret{{Value: secret}}, Sessions: rs, Verifications: rs}
	if o.schema.StoreSessionInDatabase {
		cfg.Sessions = redis.NewDualBackend(rs, store, redis.DualOptions{PreserveSessionInDatabase: o.preserve})
	}
	if o.schema.StoreVerificationInDatabase {
		cfg.Verifications = redis.NewDualVerifications(rs, store)
	}
	mail := &captureMailer{}
	cfg.Mailer = mail
	hs := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + hs.Listener.Addr().String()
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(hs.Close)
	return &ssFixture{h: h, store: store, redis: rs, client: client, prefix: prefix, goURL: hs.URL, mail: mail}
}

// goPost sends a JSON POST to the Go server.
func (f *ssFixture) goPost(t *testing.T, path string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", f.goURL+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", f.goURL)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (f *ssFixture) baSignUp(t *testing.T, email string) string {
	t.Helper()
	r := f.h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": email, "password": "old-password-1", "name": "SS"})
	if r.Status != 200 {
		t.Fatalf("sign-up: %d %s", r.Status, r.Text)
	}
	return sessionToken(t, r.SetCookie)
}

func (f *ssFixture) baStatus(t *testing.T, path string, body any) (int, string) {
	t.Helper()
	r := f.h.Request(t, "POST", path, nil, body)
	return r.Status, r.Text
}

// storageSets returns Better Auth's secondary-storage set calls since the
// last call, by key.
func (f *ssFixture) storageSets(t *testing.T) map[string]storageCall {
	t.Helper()
	var log []storageCall
	f.h.MustCall(t, "storageLog", nil, &log)
	out := map[string]storageCall{}
	for _, c := range log {
		if c.Op == "set" {
			out[c.Key] = c
		}
	}
	return out
}

type storageCall struct {
	Op    string `json:"op"`
	Key   string `json:"key"`
	Value string `json:"value"`
	TTL   *int64 `json:"ttl"`
}

// tables lists the database's tables.
func tables(t *testing.T, s *sqlstore.Store) []string {
	t.Helper()
	cat, err := s.Inspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for name := range cat.Tables {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// TestSecondaryStorageResetPassword: on a database Better Auth migrated
// with secondaryStorage (no session, no verification table), reset tokens
// go both ways through Redis: Better Auth's request is redeemed by Go's
// reset-password and Go's by Better Auth's, with byte-identical values and
// the same TTLs, and a token consumed on one side is refused on the other.
func TestSecondaryStorageResetPassword(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		ctx := context.Background()
		f := newSSFixture(t, newDB(t), ssOptions{})
		if got := tables(t, f.store); !slices.Equal(got, []string{"account", "user"}) {
			t.Fatalf("Better Auth with secondaryStorage created tables %v, want account and user only", got)
		}
		rep, err := f.store.Check(ctx)
		if err != nil || !rep.Compatible() || len(rep.Findings) != 0 {
			t.Fatalf("Check with Schema.SecondaryStorage: %+v %v", rep, err)
		}
		if plan, err := f.store.PlanMigration(ctx); err != nil || len(plan) != 0 {
			t.Fatalf("Go's migration would add %v (%v)", plan, err)
		}

		// Better Auth's request → Go's reset-password.
		f.baSignUp(t, "ss@example.com")
		f.storageSets(t)
		if st, text := f.baStatus(t, "/api/auth/request-password-reset", map[string]any{"email": "ss@example.com"}); st != 200 {
			t.Fatalf("Better Auth request-password-reset: %d %s", st, text)
		}
		var email struct{ Token string }
		f.h.MustCall(t, "lastResetEmail", nil, &email)
		baKey := "verification:reset-password:" + email.Token
		set, ok := f.storageSets(t)[baKey]
		if !ok || set.TTL == nil || (*set.TTL != 3600 && *set.TTL != 3599) {
			t.Fatalf("Better Auth's write of %s: %+v", baKey, set)
		}
		if f.redis.VerificationKey("reset-password:"+email.Token) != f.prefix+baKey {
			t.Fatalf("VerificationKey %q, Better Auth's %q", f.redis.VerificationKey("reset-password:"+email.Token), f.prefix+baKey)
		}
		v, err := f.redis.GetVerificationByIdentifier(ctx, "reset-password:"+email.Token)
		if err != nil {
			t.Fatalf("Go cannot read Better Auth's reset token: %v", err)
		}
		// Byte for byte: Go writes Better Auth's value for the same values.
		twin, err := redis.New(f.client, redis.Options{KeyPrefix: f.prefix + "twin:"})
		if err != nil {
			t.Fatal(err)
		}
		if err := twin.CreateVerification(ctx, &ba.Verification{Identifier: v.Identifier, Value: v.Value, ExpiresAt: v.ExpiresAt, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}); err != nil {
			t.Fatal(err)
		}
		goBytes, err := f.client.Get(ctx, twin.VerificationKey(v.Identifier)).Result()
		if err != nil || goBytes != set.Value {
			t.Fatalf("values differ:\n Go           %s\n Better Auth  %s (%v)", goBytes, set.Value, err)
		}
		if st, body := f.goPost(t, "/api/auth/reset-password", map[string]any{"token": email.Token, "newPassword": "new-password-2"}); st != 200 {
			t.Fatalf("Go reset-password with Better Auth's token: %d %v", st, body)
		}
		if n, _ := f.client.Exists(ctx, f.prefix+baKey).Result(); n != 0 {
			t.Fatal("Go left the consumed token in Redis")
		}
		if st, text := f.baStatus(t, "/api/auth/reset-password", map[string]any{"token": email.Token, "newPassword": "other-password-3"}); st != 400 || !strings.Contains(text, "INVALID_TOKEN") {
			t.Fatalf("Better Auth accepted a token Go consumed: %d %s", st, text)
		}
		if st, text := f.baStatus(t, "/api/auth/sign-in/email", map[string]any{"email": "ss@example.com", "password": "new-password-2"}); st != 200 {
			t.Fatalf("Better Auth sign-in with the password Go set: %d %s", st, text)
		}

		// Go's request → Better Auth's reset-password.
		before := time.Now()
		if st, body := f.goPost(t, "/api/auth/request-password-reset", map[string]any{"email": "ss@example.com"}); st != 200 {
			t.Fatalf("Go request-password-reset: %d %v", st, body)
		}
		goToken := f.mail.token()
		goKey := f.prefix + "verification:reset-password:" + goToken
		value, err := f.client.Get(ctx, goKey).Result()
		if err != nil {
			t.Fatalf("Go's token is not under Better Auth's key: %v", err)
		}
		ttl, _ := f.client.TTL(ctx, goKey).Result()
		if ttl < 3599*time.Second || ttl > 3600*time.Second {
			t.Fatalf("Go's TTL %s, want 3600 s as Better Auth's", ttl)
		}
		gv, err := f.redis.GetVerificationByIdentifier(ctx, "reset-password:"+goToken)
		if err != nil || gv.ExpiresAt.Sub(before) < time.Hour-time.Second {
			t.Fatalf("Go's value %+v %v", gv, err)
		}
		var baView map[string]any
		f.h.MustCall(t, "internal", map[string]any{"method": "findVerificationValue", "args": []any{"reset-password:" + goToken}}, &baView)
		if baView["value"] != gv.Value || baView["identifier"] != "reset-password:"+goToken {
			t.Fatalf("Better Auth reads Go's value as %v", baView)
		}
		if keysInOrder(t, value) != keysInOrder(t, set.Value) {
			t.Fatalf("key order: Go %s, Better Auth %s", keysInOrder(t, value), keysInOrder(t, set.Value))
		}
		cb := f.h.Request(t, "GET", "/api/auth/reset-password/"+goToken+"?callbackURL=/done", nil, nil)
		if cb.Status != 302 || !strings.Contains(cb.Headers["location"], "token="+goToken) {
			t.Fatalf("Better Auth's reset link for Go's token: %d %v", cb.Status, cb.Headers)
		}
		if st, text := f.baStatus(t, "/api/auth/reset-password", map[string]any{"token": goToken, "newPassword": "ba-password-4"}); st != 200 {
			t.Fatalf("Better Auth reset-password with Go's token: %d %s", st, text)
		}
		if st, body := f.goPost(t, "/api/auth/reset-password", map[string]any{"token": goToken, "newPassword": "go-password-5"}); st != 400 || body["code"] != "INVALID_TOKEN" {
			t.Fatalf("Go accepted a token Better Auth consumed: %d %v", st, body)
		}
		if st, body := f.goPost(t, "/api/auth/sign-in/email", map[string]any{"email": "ss@example.com", "password": "ba-password-4"}); st != 200 {
			t.Fatalf("Go sign-in with the password Better Auth set: %d %v", st, body)
		}
		if got := tables(t, f.store); !slices.Equal(got, []string{"account", "user"}) {
			t.Fatalf("tables after the resets: %v", got)
		}
	})
}

// keysInOrder returns a JSON object's keys in order, comma-separated.
func keysInOrder(t *testing.T, s string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(keys, ",")
}

// TestSecondaryStorageHashedIdentifier: with verification.storeIdentifier
// "hashed", Better Auth's Redis key holds base64url(SHA-256) of the
// identifier, and Go's, computed the same way, is redeemed both ways.
func TestSecondaryStorageHashedIdentifier(t *testing.T) {
	ctx := context.Background()
	f := newSSFixture(t, dialects()["sqlite"](t), ssOptions{
		ids:     ba.IdentifierStorage{Default: ba.IdentifierHashed},
		baExtra: map[string]any{"verification": map[string]any{"storeIdentifier": "hashed"}},
	})
	f.baSignUp(t, "hash@example.com")
	f.storageSets(t)
	if st, text := f.baStatus(t, "/api/auth/request-password-reset", map[string]any{"email": "hash@example.com"}); st != 200 {
		t.Fatalf("request-password-reset: %d %s", st, text)
	}
	var email struct{ Token string }
	f.h.MustCall(t, "lastResetEmail", nil, &email)
	hashedKey := "verification:" + ba.HashIdentifier("reset-password:"+email.Token)
	if _, ok := f.storageSets(t)[hashedKey]; !ok {
		t.Fatalf("Better Auth did not write %s", hashedKey)
	}
	if f.redis.VerificationKey("reset-password:"+email.Token) != f.prefix+hashedKey {
		t.Fatal("Go's hashed key differs from Better Auth's")
	}
	if st, body := f.goPost(t, "/api/auth/reset-password", map[string]any{"token": email.Token, "newPassword": "new-password-2"}); st != 200 {
		t.Fatalf("Go reset-password with Better Auth's hashed token: %d %v", st, body)
	}
	if f.goPost(t, "/api/auth/request-password-reset", map[string]any{"email": "hash@example.com"}); f.mail.token() == "" {
		t.Fatal("no email")
	}
	goToken := f.mail.token()
	if n, _ := f.client.Exists(ctx, f.prefix+"verification:reset-password:"+goToken).Result(); n != 0 {
		t.Fatal("Go stored the token in the clear")
	}
	if st, text := f.baStatus(t, "/api/auth/reset-password", map[string]any{"token": goToken, "newPassword": "ba-password-3"}); st != 200 {
		t.Fatalf("Better Auth reset-password with Go's hashed token: %d %s", st, text)
	}
}

// TestStoreSessionInDatabase: with session.storeSessionInDatabase the
// session table exists and the verification table does not; a session
// Better Auth wrote is found by Go after its Redis entry is deleted (the
// database fallback), and Go's sessions are found by Better Auth, also
// from the database alone.
func TestStoreSessionInDatabase(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		ctx := context.Background()
		f := newSSFixture(t, newDB(t), ssOptions{schema: ba.Schema{StoreSessionInDatabase: true}})
		if got := tables(t, f.store); !slices.Equal(got, []string{"account", "session", "user"}) {
			t.Fatalf("tables %v, want account, session and user", got)
		}
		if rep, err := f.store.Check(ctx); err != nil || !rep.Compatible() {
			t.Fatalf("Check: %+v %v", rep, err)
		}
		dual := redis.NewDualBackend(f.redis, f.store, redis.DualOptions{})

		token := f.baSignUp(t, "dual@example.com")
		row, err := f.store.GetSessionByToken(ctx, token)
		if err != nil {
			t.Fatalf("Better Auth did not write the session row: %v", err)
		}
		if err := f.client.Del(ctx, f.redis.SessionKey(token)).Err(); err != nil {
			t.Fatal(err)
		}
		sess, user, err := dual.GetSessionAndUser(ctx, token)
		if err != nil || sess.ID != row.ID || user.Email != "dual@example.com" {
			t.Fatalf("Go's fallback to the database: %+v %v", sess, err)
		}
		if f.h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookieFor(token)}, nil).Body == nil {
			t.Fatal("Better Auth's own fallback did not find it either")
		}

		// Go's session: Better Auth finds it in Redis, then in the
		// database alone, and lists it.
		g := &ba.Session{}
		if err := dual.CreateSession(ctx, g, user); err != nil {
			t.Fatal(err)
		}
		if body := getSessionBody(t, f.h, g.Token); body == nil {
			t.Fatal("Better Auth refused Go's session")
		}
		if err := f.client.Del(ctx, f.redis.SessionKey(g.Token)).Err(); err != nil {
			t.Fatal(err)
		}
		body := getSessionBody(t, f.h, g.Token)
		if body == nil {
			t.Fatal("Better Auth did not find Go's session row")
		}
		sameJSON(t, "session (Go's row via Better Auth)", body["session"], g)
		ids := listSessionIDs(t, f.h, token)
		if !slices.Contains(ids, g.ID) || !slices.Contains(ids, row.ID) {
			t.Fatalf("Better Auth's list-sessions (from the database) %v lacks %s or %s", ids, g.ID, row.ID)
		}
		list, err := dual.ListUserSessions(ctx, user.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("Go's list: %+v %v", list, err)
		}

		// Go's sign-out ends it for Better Auth; Better Auth's for Go.
		if err := dual.DeleteSessionByToken(ctx, g.Token); err != nil {
			t.Fatal(err)
		}
		if getSessionBody(t, f.h, g.Token) != nil {
			t.Fatal("Better Auth still accepts a session Go deleted")
		}
		if r := f.h.Request(t, "POST", "/api/auth/sign-out", map[string]string{"cookie": cookieFor(token)}, nil); r.Status != 200 {
			t.Fatalf("sign-out: %d %s", r.Status, r.Text)
		}
		if _, _, err := dual.GetSessionAndUser(ctx, token); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("Go still accepts a session Better Auth signed out: %v", err)
		}
		if _, err := f.store.GetSessionByToken(ctx, token); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("Better Auth's sign-out kept the row: %v", err)
		}
	})
}

// TestPreserveSessionInDatabase: with preserveSessionInDatabase too, a
// Redis miss is no session on both sides, and ending a session keeps its
// row with expiresAt = updatedAt = now — the same row Better Auth keeps.
func TestPreserveSessionInDatabase(t *testing.T) {
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := newSSFixture(t, dialects()[name](t), ssOptions{schema: ba.Schema{StoreSessionInDatabase: true}, preserve: true})
			dual := redis.NewDualBackend(f.redis, f.store, redis.DualOptions{PreserveSessionInDatabase: true})

			token := f.baSignUp(t, "keep@example.com")
			if err := f.client.Del(ctx, f.redis.SessionKey(token)).Err(); err != nil {
				t.Fatal(err)
			}
			if getSessionBody(t, f.h, token) != nil {
				t.Fatal("Better Auth read the database on a Redis miss despite preserveSessionInDatabase")
			}
			if _, _, err := dual.GetSessionAndUser(ctx, token); !errors.Is(err, ba.ErrNotFound) {
				t.Fatalf("Go read the database on a Redis miss: %v", err)
			}

			// Better Auth's sign-out and Go's delete keep the row, ended.
			r := f.h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "keep@example.com", "password": "old-password-1"})
			baToken := sessionToken(t, r.SetCookie)
			before := time.Now().Add(-time.Second)
			if r := f.h.Request(t, "POST", "/api/auth/sign-out", map[string]string{"cookie": cookieFor(baToken)}, nil); r.Status != 200 {
				t.Fatalf("sign-out: %d %s", r.Status, r.Text)
			}
			baRow, err := f.store.GetSessionByToken(ctx, baToken)
			if err != nil {
				t.Fatalf("Better Auth deleted the row: %v", err)
			}
			_, user, _ := f.store.GetSessionAndUser(ctx, baToken)
			g := &ba.Session{}
			if err := dual.CreateSession(ctx, g, user); err != nil {
				t.Fatal(err)
			}
			if getSessionBody(t, f.h, g.Token) == nil {
				t.Fatal("Better Auth refused Go's session")
			}
			if err := dual.DeleteSessionByToken(ctx, g.Token); err != nil {
				t.Fatal(err)
			}
			goRow, err := f.store.GetSessionByToken(ctx, g.Token)
			if err != nil {
				t.Fatalf("Go deleted the row: %v", err)
			}
			for who, row := range map[string]*ba.Session{"Better Auth": baRow, "Go": goRow} {
				if row.ExpiresAt.Before(before) || row.ExpiresAt.After(time.Now()) || row.UpdatedAt.Before(before) {
					t.Errorf("%s's preserved row: expiresAt %s updatedAt %s, want both now", who, row.ExpiresAt, row.UpdatedAt)
				}
			}
			if getSessionBody(t, f.h, g.Token) != nil {
				t.Fatal("Better Auth accepts a session Go ended")
			}

			// revoke-sessions ends every row, keeping them.
			r = f.h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "keep@example.com", "password": "old-password-1"})
			t2 := sessionToken(t, r.SetCookie)
			g2 := &ba.Session{}
			if err := dual.CreateSession(ctx, g2, user); err != nil {
				t.Fatal(err)
			}
			if r := f.h.Request(t, "POST", "/api/auth/revoke-sessions", map[string]string{"cookie": cookieFor(t2)}, map[string]any{}); r.Status != 200 {
				t.Fatalf("revoke-sessions: %d %s", r.Status, r.Text)
			}
			for _, tok := range []string{t2, g2.Token} {
				row, err := f.store.GetSessionByToken(ctx, tok)
				if err != nil || row.ExpiresAt.After(time.Now()) {
					t.Fatalf("after Better Auth's revoke-sessions: row %+v %v, want kept and ended", row, err)
				}
				if _, _, err := dual.GetSessionAndUser(ctx, tok); !errors.Is(err, ba.ErrNotFound) {
					t.Fatalf("Go accepts a revoked session: %v", err)
				}
			}
		})
	}
}

func getSessionBody(t *testing.T, h *batest.Harness, token string) map[string]json.RawMessage {
	t.Helper()
	r := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": cookieFor(token)}, nil)
	if r.Status != 200 {
		t.Fatalf("get-session: %d %s", r.Status, r.Text)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	return body
}

func listSessionIDs(t *testing.T, h *batest.Harness, token string) []string {
	t.Helper()
	r := h.Request(t, "GET", "/api/auth/list-sessions", map[string]string{"cookie": cookieFor(token)}, nil)
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("list-sessions: %d %s", r.Status, r.Text)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestVerificationInDatabase: with verification.storeInDatabase too, the
// verification table stays, values are written to both (Redis holding the
// row as the database returned it, id last), and a reset token goes both
// ways, consumed in the database and dropped from Redis.
func TestVerificationInDatabase(t *testing.T) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := newSSFixture(t, dialects()[name](t), ssOptions{
				schema:  ba.Schema{StoreVerificationInDatabase: true},
				baExtra: map[string]any{"verification": map[string]any{"storeInDatabase": true}},
			})
			if got := tables(t, f.store); !slices.Equal(got, []string{"account", "user", "verification"}) {
				t.Fatalf("tables %v", got)
			}
			f.baSignUp(t, "vdb@example.com")
			f.storageSets(t)
			if st, text := f.baStatus(t, "/api/auth/request-password-reset", map[string]any{"email": "vdb@example.com"}); st != 200 {
				t.Fatalf("request-password-reset: %d %s", st, text)
			}
			var email struct{ Token string }
			f.h.MustCall(t, "lastResetEmail", nil, &email)
			set, ok := f.storageSets(t)["verification:reset-password:"+email.Token]
			if !ok {
				t.Fatal("Better Auth wrote no Redis value")
			}
			row, err := f.store.GetVerificationByIdentifier(ctx, "reset-password:"+email.Token)
			if err != nil {
				t.Fatalf("Better Auth wrote no row: %v", err)
			}
			// Go writes the same bytes for the same row.
			twinPrefix := f.prefix + "twin:"
			twinStore, err := redis.New(f.client, redis.Options{KeyPrefix: twinPrefix})
			if err != nil {
				t.Fatal(err)
			}
			twin := redis.NewDualVerifications(twinStore, replayRow{row})
			if err := twin.CreateVerification(ctx, &ba.Verification{Identifier: row.Identifier}); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.client.Get(ctx, twinPrefix+"verification:"+row.Identifier).Result(); got != set.Value {
				t.Fatalf("values differ:\n Go           %s\n Better Auth  %s", got, set.Value)
			}
			if st, body := f.goPost(t, "/api/auth/reset-password", map[string]any{"token": email.Token, "newPassword": "new-password-2"}); st != 200 {
				t.Fatalf("Go reset-password: %d %v", st, body)
			}
			if n, _ := f.client.Exists(ctx, f.prefix+"verification:reset-password:"+email.Token).Result(); n != 0 {
				t.Fatal("Go left the Redis copy of a consumed token")
			}
			f.goPost(t, "/api/auth/request-password-reset", map[string]any{"email": "vdb@example.com"})
			goToken := f.mail.token()
			if _, err := f.store.GetVerificationByIdentifier(ctx, "reset-password:"+goToken); err != nil {
				t.Fatalf("Go wrote no row: %v", err)
			}
			if st, text := f.baStatus(t, "/api/auth/reset-password", map[string]any{"token": goToken, "newPassword": "ba-password-3"}); st != 200 {
				t.Fatalf("Better Auth reset-password with Go's token: %d %s", st, text)
			}
			if n, _ := f.client.Exists(ctx, f.prefix+"verification:reset-password:"+goToken).Result(); n != 0 {
				t.Fatal("Better Auth left the Redis copy of Go's token")
			}
			if st, body := f.goPost(t, "/api/auth/reset-password", map[string]any{"token": goToken, "newPassword": "go-password-4"}); st != 400 {
				t.Fatalf("Go accepted a token Better Auth consumed: %d %v", st, body)
			}
		})
	}
}

// replayRow is a verification database whose CreateVerification hands
// back a row already written, so that a DualVerifications stores it in
// Redis as it would its own.
type replayRow struct{ row *ba.Verification }

func (r replayRow) CreateVerification(_ context.Context, v *ba.Verification) error {
	*v = *r.row
	return nil
}
func (replayRow) GetVerificationByIdentifier(context.Context, string) (*ba.Verification, error) {
	return nil, ba.ErrNotFound
}
func (replayRow) ConsumeVerification(context.Context, string) (*ba.Verification, error) {
	return nil, ba.ErrNotFound
}
func (replayRow) DeleteVerificationsByIdentifier(context.Context, string) (int64, error) {
	return 0, nil
}
