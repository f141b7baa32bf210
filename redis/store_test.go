package redis_test

// Tests against Redis alone: expiry, malformed values, an unreachable
// server, input validation and concurrency.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/redis"
)

func testUser(now time.Time) *ba.User {
	return ba.NewUser(ba.UserCreate{Name: "Test", Email: "Test@Example.com"}, now)
}

func TestOptionsDefaults(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	s := mustNew(t, c, redis.Options{})
	mustEqual(t, "KeyPrefix", s.KeyPrefix(), "better-auth:")
	mustEqual(t, "SessionKey", s.SessionKey("tok"), "better-auth:tok")
	mustEqual(t, "ActiveSessionsKey", s.ActiveSessionsKey("u1"), "better-auth:active-sessions-u1")
	mustEqual(t, "RevokedBeforeKey", s.RevokedBeforeKey("u1"), "better-auth:revoked-sessions-before-u1")
	mustEqual(t, "custom prefix", mustNew(t, c, redis.Options{KeyPrefix: "app:"}).SessionKey("t"), "app:t")
	mustEqual(t, "no prefix", mustNew(t, c, redis.Options{KeyPrefix: "app:", NoKeyPrefix: true}).SessionKey("t"), "t")
}

// TestNewRefusesBadOptions: a nil client or an unknown StoreIdentifier mode
// is an error from New naming the option, not a panic.
func TestNewRefusesBadOptions(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	for _, tc := range []struct {
		name   string
		client goredis.UniversalClient
		opts   redis.Options
		want   string
	}{
		{"NilClient", nil, redis.Options{}, "nil client"},
		{"BadDefault", c, redis.Options{StoreIdentifier: ba.IdentifierStorage{Default: "sha1"}}, "Options.StoreIdentifier"},
		{"BadOverride", c, redis.Options{StoreIdentifier: ba.IdentifierStorage{Overrides: []ba.IdentifierOverride{{Prefix: "reset-password:", Mode: "rot13"}}}}, `override "reset-password:"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redis.New(tc.client, tc.opts)
			if err == nil || s != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, %v; want an error containing %q", s, err, tc.want)
			}
		})
	}
}

// TestExpiry: a key Redis expired is not found; an entry still stored after
// its expiresAt is returned for the caller to refuse, and not listed.
func TestExpiry(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	s, c, prefix := newStore(t, redis.Options{})
	u := testUser(now)
	sess := &ba.Session{}
	if err := s.CreateSession(ctx, sess, u); err != nil {
		t.Fatal(err)
	}

	t.Run("StoredAfterExpiresAt", func(t *testing.T) {
		later := sess.ExpiresAt.Add(time.Second)
		ls := mustNew(t, c, redis.Options{KeyPrefix: prefix, Now: func() time.Time { return later }})
		got, _, err := ls.GetSessionAndUser(ctx, sess.Token)
		if err != nil {
			t.Fatal(err)
		}
		if !got.IsExpired(later) {
			t.Fatalf("session %+v not expired at %s", got, later)
		}
		list, err := ls.ListUserSessions(ctx, u.ID)
		if err != nil || len(list) != 0 {
			t.Fatalf("ListUserSessions after expiry = %+v, %v", list, err)
		}
		mustErr(t, ls.RefreshSession(ctx, sess.Token, later), ba.ErrInvalid)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if err := c.PExpire(ctx, prefix+sess.Token, time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		_, _, err := s.GetSessionAndUser(ctx, sess.Token)
		mustErr(t, err, ba.ErrNotFound, ba.ErrUnavailable)
		// The list still names it; ListUserSessions skips the missing entry.
		list, err := s.ListUserSessions(ctx, u.ID)
		if err != nil || len(list) != 0 {
			t.Fatalf("ListUserSessions = %+v, %v", list, err)
		}
	})

	t.Run("ShortLived", func(t *testing.T) {
		short := &ba.Session{ExpiresAt: time.Now().Add(500 * time.Millisecond)}
		mustErr(t, s.CreateSession(ctx, short, u), ba.ErrInvalid)
	})
}

// TestListMaintenance: the active-sessions list is kept as Better Auth
// keeps it: sorted, expired references dropped, TTL until the last expiry,
// deleted when empty.
func TestListMaintenance(t *testing.T) {
	ctx := context.Background()
	now := ba.Truncate(time.Now())
	s, c, prefix := newStore(t, redis.Options{Now: func() time.Time { return now }})
	u := testUser(now)
	listKey := prefix + "active-sessions-" + u.ID
	// A stale reference (expired) and a duplicate, as another writer may leave.
	stale := fmt.Sprintf(`[{"token":"gone","expiresAt":%d},{"token":"dup","expiresAt":%d},{"token":"dup","expiresAt":%d}]`,
		now.Add(-time.Hour).UnixMilli(), now.Add(time.Hour).UnixMilli(), now.Add(2*time.Hour).UnixMilli())
	if err := c.Set(ctx, listKey, stale, time.Hour*3).Err(); err != nil {
		t.Fatal(err)
	}
	long := &ba.Session{ExpiresAt: now.Add(48 * time.Hour)}
	short := &ba.Session{ExpiresAt: now.Add(24 * time.Hour)}
	for _, sess := range []*ba.Session{long, short} {
		if err := s.CreateSession(ctx, sess, u); err != nil {
			t.Fatal(err)
		}
	}
	value, ttl := rawGet(t, c, listKey)
	mustEqual(t, "list", value, refsJSON("dup", now.Add(time.Hour), "dup", now.Add(2*time.Hour), short.Token, short.ExpiresAt, long.Token, long.ExpiresAt))
	if ttl > 48*time.Hour || ttl < 48*time.Hour-5*time.Second {
		t.Fatalf("list TTL %s, want until the latest expiry (48 h)", ttl)
	}
	list, err := s.ListUserSessions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Token != short.Token || list[1].Token != long.Token {
		t.Fatalf("ListUserSessions = %+v", list)
	}
	// Extending short past long moves it last.
	if err := s.RefreshSession(ctx, short.Token, now.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	value, _ = rawGet(t, c, listKey)
	mustEqual(t, "list after RefreshSession", value, refsJSON("dup", now.Add(time.Hour), "dup", now.Add(2*time.Hour), long.Token, long.ExpiresAt, short.Token, now.Add(72*time.Hour)))
	got, _, err := s.GetSessionAndUser(ctx, short.Token)
	if err != nil || !got.ExpiresAt.Equal(now.Add(72*time.Hour)) || !got.UpdatedAt.Equal(now) {
		t.Fatalf("after RefreshSession: %+v, %v", got, err)
	}
	// RevokeUserSessions deletes what the list names (the "dup" entries do
	// not exist) and the list.
	n, err := s.RevokeUserSessions(ctx, u.ID)
	if err != nil || n != 2 {
		t.Fatalf("RevokeUserSessions = %d, %v; want 2", n, err)
	}
	mustNotExist(t, c, listKey)
}

// TestRevokeKeepsLaterMarker: like Better Auth, a marker already later than
// now is kept.
func TestRevokeKeepsLaterMarker(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{RevokedBeforeTTL: 90 * time.Minute})
	key := prefix + "revoked-sessions-before-u1"
	future := time.Now().Add(time.Hour).UnixMilli()
	if err := c.Set(ctx, key, fmt.Sprint(future), 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeUserSessions(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	v, ttl := rawGet(t, c, key)
	mustEqual(t, "marker", v, fmt.Sprint(future))
	if ttl > 90*time.Minute || ttl < 89*time.Minute {
		t.Fatalf("marker TTL %s, want RevokedBeforeTTL", ttl)
	}
	_, err := s.RevokeUserSessions(ctx, "")
	mustErr(t, err, ba.ErrInvalid)
}

// TestMalformed: values that are not what Better Auth writes are errors
// matching ErrMalformed and ErrUnavailable, never ErrNotFound or a panic.
func TestMalformed(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{})
	valid := `"id":"s1","token":"t","userId":"u1","expiresAt":"2999-01-01T00:00:00.000Z","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"`
	user := `{"id":"u1","name":"n","email":"e@x.io","emailVerified":false,"image":null,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}`
	for name, value := range map[string]string{
		"NotJSON":         "not json",
		"Array":           "[]",
		"Empty":           "",
		"SessionNull":     `{"session":null,"user":` + user + `}`,
		"NoUser":          `{"session":{` + valid + `}}`,
		"UserString":      `{"session":{` + valid + `},"user":"u1"}`,
		"NoUserID":        `{"session":{"id":"s1","token":"t"},"user":` + user + `}`,
		"BadDate":         `{"session":{` + valid + `,"expiresAt":"tomorrow"},"user":` + user + `}`,
		"BadUserDate":     `{"session":{` + valid + `},"user":{"id":"u1","createdAt":17}}`,
		"Trailing":        `{"session":{` + valid + `},"user":` + user + `} x`,
		"Truncated":       `{"session":{` + valid,
		"WrongFieldTypes": `{"session":{` + valid + `,"ipAddress":5},"user":` + user + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			token := "malformed-" + name
			if err := c.Set(ctx, prefix+token, value, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			_, _, err := s.GetSessionAndUser(ctx, token)
			mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)
			mustErr(t, err, ba.ErrUnavailable)
			mustErr(t, s.RefreshSession(ctx, token, time.Now().Add(time.Hour)), redis.ErrMalformed)
			// Deleting a malformed entry works (Better Auth leaves it).
			if err := s.DeleteSessionByToken(ctx, token); err != nil {
				t.Fatal(err)
			}
			mustNotExist(t, c, prefix+token)
		})
	}

	t.Run("Marker", func(t *testing.T) {
		u := testUser(time.Now())
		sess := &ba.Session{}
		if err := s.CreateSession(ctx, sess, u); err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, prefix+"revoked-sessions-before-"+u.ID, "soon", time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.GetSessionAndUser(ctx, sess.Token)
		mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)
		_, err = s.ListUserSessions(ctx, u.ID)
		mustErr(t, err, redis.ErrMalformed)
		// Revoking overwrites it, as Better Auth's Number(…) || 0 does.
		if _, err := s.RevokeUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.GetSessionAndUser(ctx, sess.Token)
		mustErr(t, err, ba.ErrNotFound)
	})

	t.Run("List", func(t *testing.T) {
		u := testUser(time.Now())
		listKey := prefix + "active-sessions-" + u.ID
		if err := c.Set(ctx, listKey, `{"token":"x"}`, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		_, err := s.ListUserSessions(ctx, u.ID)
		mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)
		mustErr(t, s.UserChanged(ctx, u), redis.ErrMalformed)
		// Writers replace it, as Better Auth does.
		sess := &ba.Session{}
		if err := s.CreateSession(ctx, sess, u); err != nil {
			t.Fatal(err)
		}
		v, _ := rawGet(t, c, listKey)
		mustEqual(t, "list", v, refsJSON(sess.Token, sess.ExpiresAt))
	})

	t.Run("WrongType", func(t *testing.T) {
		u := testUser(time.Now())
		listKey := prefix + "active-sessions-" + u.ID
		if err := c.HSet(ctx, listKey, "a", "b").Err(); err != nil {
			t.Fatal(err)
		}
		sess := &ba.Session{}
		err := s.CreateSession(ctx, sess, u)
		mustErr(t, err, ba.ErrUnavailable, ba.ErrNotFound)
		// The entry written before the list failed is rolled back.
		mustNotExist(t, c, prefix+sess.Token)
	})
}

// TestUnavailable: with Redis unreachable every method fails with
// ErrUnavailable, never ErrNotFound (a 503, not a 401).
func TestUnavailable(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	s := mustNew(t, c, redis.Options{})
	ctx := context.Background()
	u := testUser(time.Now())
	_, _, err := s.GetSessionAndUser(ctx, "token")
	mustErr(t, err, ba.ErrUnavailable, ba.ErrNotFound, redis.ErrMalformed)
	mustErr(t, s.CreateSession(ctx, &ba.Session{}, u), ba.ErrUnavailable, ba.ErrNotFound)
	mustErr(t, s.RefreshSession(ctx, "token", time.Now().Add(time.Hour)), ba.ErrUnavailable, ba.ErrNotFound)
	mustErr(t, s.DeleteSessionByToken(ctx, "token"), ba.ErrUnavailable, ba.ErrNotFound)
	_, err = s.ListUserSessions(ctx, u.ID)
	mustErr(t, err, ba.ErrUnavailable, ba.ErrNotFound)
	_, err = s.RevokeUserSessions(ctx, u.ID)
	mustErr(t, err, ba.ErrUnavailable, ba.ErrNotFound)
	mustErr(t, s.UserChanged(ctx, u), ba.ErrUnavailable, ba.ErrNotFound)

	t.Run("Canceled", func(t *testing.T) {
		s, _, _ := newStore(t, redis.Options{})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, _, err := s.GetSessionAndUser(cctx, "token")
		mustErr(t, err, ba.ErrUnavailable, ba.ErrNotFound)
		mustErr(t, err, context.Canceled)
	})
}

func TestCreateSessionValidation(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t, redis.Options{})
	u := testUser(time.Now())
	mustErr(t, s.CreateSession(ctx, nil, u), ba.ErrInvalid)
	mustErr(t, s.CreateSession(ctx, &ba.Session{}, nil), ba.ErrInvalid)
	mustErr(t, s.CreateSession(ctx, &ba.Session{}, &ba.User{}), ba.ErrInvalid)
	mustErr(t, s.CreateSession(ctx, &ba.Session{UserID: "someone-else"}, u), ba.ErrInvalid)
	mustErr(t, s.CreateSession(ctx, &ba.Session{ExpiresAt: time.Now().Add(-time.Hour)}, u), ba.ErrInvalid)
	_, _, err := s.GetSessionAndUser(ctx, "")
	mustErr(t, err, ba.ErrNotFound)
	list, err := s.ListUserSessions(ctx, "")
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("ListUserSessions(\"\") = %#v, %v", list, err)
	}
}

// TestRoundTrip: plugin and custom fields survive a Go write and read: the
// user's as Options.Schema declares them, the session's as set.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	schema, err := ba.Schema{
		Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginOrganization},
		Tables:  map[string]ba.TableConfig{"user": {AdditionalFields: []ba.Field{{Name: "plan", Type: ba.TypeString}}}},
	}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	s, c, prefix := newStore(t, redis.Options{Schema: schema})
	u := testUser(time.Now())
	role, banned := "admin", false
	u.Role, u.Banned = &role, &banned
	u.Fields = ba.Fields{"plan": "pro", "undeclared": "dropped"}
	org := "org_1"
	sess := &ba.Session{ActiveOrganizationID: &org, Fields: ba.Fields{"deviceName": "laptop"}}
	if err := s.CreateSession(ctx, sess, u); err != nil {
		t.Fatal(err)
	}
	gotS, gotU, err := s.GetSessionAndUser(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "session", asMap(t, gotS), asMap(t, sess))
	delete(u.Fields, "undeclared")
	mustEqual(t, "user", asMap(t, gotU), asMap(t, u))
	raw, _ := rawGet(t, c, prefix+sess.Token)
	want := `{"session":{"id":"` + sess.ID + `","ipAddress":"","userAgent":"","activeOrganizationId":"org_1","deviceName":"laptop",` +
		`"expiresAt":"` + ba.FormatTime(sess.ExpiresAt) + `","userId":"` + u.ID + `","token":"` + sess.Token + `",` +
		`"createdAt":"` + ba.FormatTime(sess.CreatedAt) + `","updatedAt":"` + ba.FormatTime(sess.UpdatedAt) + `"},` +
		`"user":` + string(schema.UserJSON(u)) + `}`
	mustEqual(t, "entry", raw, want)
}

// TestConcurrentWriters: parallel writers for one user never lose a
// reference in active-sessions (WATCH/MULTI), unlike Better Auth's
// unguarded read-modify-write.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{})
	u := testUser(time.Now())
	const n = 24
	sessions := make([]*ba.Session, n)
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range sessions {
		sessions[i] = &ba.Session{ExpiresAt: time.Now().Add(time.Duration(i+1) * time.Hour)}
		wg.Go(func() {
			if err := s.CreateSession(ctx, sessions[i], u); err != nil {
				errs <- err
				return
			}
			if err := s.RefreshSession(ctx, sessions[i].Token, time.Now().Add(time.Duration(n+i+1)*time.Hour)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	list, err := s.ListUserSessions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Fatalf("ListUserSessions has %d sessions, want %d", len(list), n)
	}
	for i := range list {
		if list[i].Token != sessions[i].Token {
			t.Fatalf("list order: position %d is %s, want %s", i, list[i].Token, sessions[i].Token)
		}
	}
	var refs []json.RawMessage
	v, _ := rawGet(t, c, prefix+"active-sessions-"+u.ID)
	if err := json.Unmarshal([]byte(v), &refs); err != nil || len(refs) != n {
		t.Fatalf("active-sessions has %d references (%v), want %d", len(refs), err, n)
	}
	// Concurrent revocation and refresh: nothing is left behind.
	var wg2 sync.WaitGroup
	wg2.Go(func() { _, _ = s.RevokeUserSessions(ctx, u.ID) })
	wg2.Go(func() { _ = s.UserChanged(ctx, u) })
	wg2.Wait()
	for _, sess := range sessions {
		_, _, err := s.GetSessionAndUser(ctx, sess.Token)
		mustErr(t, err, ba.ErrNotFound)
	}
}

// TestMalformedErrorsHoldNoToken: the error for a malformed value names
// the kind of value, never the session token nor the key derived from it,
// and stays short whatever the stored value holds — serve logs the text of
// every 5xx.
func TestMalformedErrorsHoldNoToken(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{})
	user := `{"id":"u1","name":"n","email":"e@x.io","emailVerified":false,"image":null,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}`
	session := func(token, expiresAt string) string {
		return `{"id":"s1","token":"` + token + `","userId":"u1","expiresAt":"` + expiresAt + `","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}`
	}
	for name, value := range map[string]func(token string) string{
		"NotJSON":     func(string) string { return "{not json" },
		"TokenInDate": func(tok string) string { return `{"session":` + session(tok, tok) + `,"user":` + user + `}` },
		"TokenInUser": func(tok string) string {
			return `{"session":` + session(tok, "2999-01-01T00:00:00.000Z") + `,"user":{"id":"u1","createdAt":"` + tok + `"}}`
		},
		"TokenAsMember": func(tok string) string {
			return `{"session":{"userId":"u1","` + tok + `":` + tok + `},"user":` + user + `}`
		},
		"Huge": func(tok string) string {
			return `{"session":` + session(tok, strings.Repeat("x", 1<<18)) + `,"user":` + user + `}`
		},
		"ControlInValue": func(tok string) string {
			return `{"session":` + session(tok, `\u001b[31m\n`+tok) + `,"user":` + user + `}`
		},
	} {
		t.Run(name, func(t *testing.T) {
			u := testUser(time.Now())
			u.ID = "u1"
			token := ba.GenerateToken()
			key := prefix + token
			if err := c.Set(ctx, key, value(token), time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			if err := c.Set(ctx, prefix+"active-sessions-u1", refsJSON(token, time.Now().Add(time.Hour)), time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			_, _, getErr := s.GetSessionAndUser(ctx, token)
			_, listErr := s.ListUserSessions(ctx, "u1")
			for what, err := range map[string]error{
				"GetSessionAndUser": getErr,
				"UpdateSession":     s.RefreshSession(ctx, token, time.Now().Add(time.Hour)),
				"ListSessions":      listErr,
				"RefreshUser":       s.UserChanged(ctx, u),
			} {
				mustErr(t, err, redis.ErrMalformed)
				msg := err.Error()
				if strings.Contains(msg, token) || strings.Contains(msg, token[:12]) {
					t.Errorf("%s: error holds the token: %.300q", what, msg)
				}
				if len(msg) > 300 {
					t.Errorf("%s: error is %d bytes long", what, len(msg))
				}
				if strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Errorf("%s: error holds control characters: %q", what, msg)
				}
				if !strings.Contains(msg, "session entry") {
					t.Errorf("%s: error does not name the session entry: %q", what, msg)
				}
			}
		})
	}

	t.Run("Marker", func(t *testing.T) {
		u := testUser(time.Now())
		sess := &ba.Session{}
		if err := s.CreateSession(ctx, sess, u); err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, prefix+"revoked-sessions-before-"+u.ID, sess.Token, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.GetSessionAndUser(ctx, sess.Token)
		mustErr(t, err, redis.ErrMalformed)
		if msg := err.Error(); strings.Contains(msg, sess.Token[:12]) || !strings.Contains(msg, "revocation marker") {
			t.Errorf("marker error %q", msg)
		}
	})
}
