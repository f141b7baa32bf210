package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/internal/testlog"
	"github.com/betterauth-go/betterauth/redis"
)

// commandCounter counts the commands a client sends.
type commandCounter struct{ n atomic.Int64 }

func (c *commandCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (c *commandCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}
func (c *commandCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

// TestLookupModes: the one-round-trip script and the two GETs it replaces
// answer every case the same way, and the script really is one command.
func TestLookupModes(t *testing.T) {
	for _, mode := range []struct {
		name     string
		noScript bool
		commands int64 // per lookup of a valid session
	}{{"Script", false, 1}, {"NoScript", true, 1}} { // NoScript: one MGET once the user is known
		t.Run(mode.name, func(t *testing.T) {
			ctx := context.Background()
			c, _ := mustClient(t)
			prefix := uniquePrefix(t, c)
			counter := &commandCounter{}
			c.AddHook(counter)
			s := mustNew(t, c, redis.Options{KeyPrefix: prefix, NoScript: mode.noScript})

			u := testUser(time.Now())
			sess := &ba.Session{}
			if err := s.CreateSession(ctx, sess, u); err != nil {
				t.Fatal(err)
			}
			for i := range 3 { // the first run loads the script (EVALSHA → NOSCRIPT → EVAL)
				before := counter.n.Load()
				gotS, gotU, err := s.GetSessionAndUser(ctx, sess.Token)
				if err != nil {
					t.Fatal(err)
				}
				mustEqual(t, "user id", gotU.ID, u.ID)
				mustEqual(t, "session id", gotS.ID, sess.ID)
				if n := counter.n.Load() - before; i > 0 && n != mode.commands {
					t.Fatalf("lookup %d sent %d commands, want %d", i, n, mode.commands)
				}
			}

			// A caller changing what it got does not change the next answer.
			gotS, gotU, _ := s.GetSessionAndUser(ctx, sess.Token)
			gotU.Name, gotS.UserID = "changed", "changed"
			gotS, gotU, _ = s.GetSessionAndUser(ctx, sess.Token)
			mustEqual(t, "name after caller's change", gotU.Name, u.Name)
			mustEqual(t, "user id after caller's change", gotS.UserID, u.ID)

			// A rewritten entry (Better Auth updating the user) is seen at
			// once: the memo only skips decoding identical bytes.
			u.Name = "Renamed"
			if err := s.UserChanged(ctx, u); err != nil {
				t.Fatal(err)
			}
			_, gotU, err := s.GetSessionAndUser(ctx, sess.Token)
			if err != nil {
				t.Fatal(err)
			}
			mustEqual(t, "name after update", gotU.Name, "Renamed")

			// A marker after the session's creation revokes it.
			marker := strconv.FormatInt(sess.CreatedAt.UnixMilli()+1, 10)
			if err := c.Set(ctx, prefix+"revoked-sessions-before-"+u.ID, marker, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			_, _, err = s.GetSessionAndUser(ctx, sess.Token)
			mustErr(t, err, ba.ErrNotFound)
			// One at its creation does not (strictly before, as Better Auth).
			marker = strconv.FormatInt(sess.CreatedAt.UnixMilli(), 10)
			if err := c.Set(ctx, prefix+"revoked-sessions-before-"+u.ID, marker, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.GetSessionAndUser(ctx, sess.Token); err != nil {
				t.Fatalf("marker at createdAt: %v", err)
			}
			// An empty or non-numeric marker is malformed in both modes.
			for _, bad := range []string{"", "soon"} {
				if err := c.Set(ctx, prefix+"revoked-sessions-before-"+u.ID, bad, time.Hour).Err(); err != nil {
					t.Fatal(err)
				}
				_, _, err = s.GetSessionAndUser(ctx, sess.Token)
				mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)
			}

			// Deleted: not found, whatever was memoized.
			if err := c.Del(ctx, prefix+"revoked-sessions-before-"+u.ID).Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteSessionByToken(ctx, sess.Token); err != nil {
				t.Fatal(err)
			}
			_, _, err = s.GetSessionAndUser(ctx, sess.Token)
			mustErr(t, err, ba.ErrNotFound)

			// A userId that is not a string: malformed, not a skipped
			// marker check.
			if err := c.Set(ctx, prefix+"odd", `{"session":{"id":"s","token":"odd","userId":7},"user":{"id":"u"}}`, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			_, _, err = s.GetSessionAndUser(ctx, "odd")
			mustErr(t, err, redis.ErrMalformed, ba.ErrNotFound)

			// Entries the script's pattern misreads or misses — spacing,
			// an escaped id, a decoy "userId" inside another string —
			// still have their own user's marker checked.
			created := ba.FormatTime(sess.CreatedAt)
			revokeAfter := strconv.FormatInt(sess.CreatedAt.UnixMilli()+1, 10)
			for name, entry := range map[string]string{
				"Spaced":     `{"session": {"id": "s", "token": "t", "userId": "u\"1", "expiresAt": "2999-01-01T00:00:00.000Z", "createdAt": "` + created + `", "updatedAt": "` + created + `"}, "user": {"id": "u\"1", "name": "n", "email": "e@x.io", "emailVerified": false, "image": null, "createdAt": "` + created + `", "updatedAt": "` + created + `"}}`,
				"Decoy":      `{"session":{"ipAddress":"\"userId\":\"decoy\"","id":"s","token":"t","userId":"u\"1","expiresAt":"2999-01-01T00:00:00.000Z","createdAt":"` + created + `","updatedAt":"` + created + `"},"user":{"id":"u\"1","name":"n","email":"e@x.io","emailVerified":false,"image":null,"createdAt":"` + created + `","updatedAt":"` + created + `"}}`,
				"FieldFirst": `{"session":{"note":{"userId":"decoy"},"id":"s","token":"t","userId":"u\"1","expiresAt":"2999-01-01T00:00:00.000Z","createdAt":"` + created + `","updatedAt":"` + created + `"},"user":{"id":"u\"1","name":"n","email":"e@x.io","emailVerified":false,"image":null,"createdAt":"` + created + `","updatedAt":"` + created + `"}}`,
			} {
				token := "pattern-" + name
				if err := c.Set(ctx, prefix+token, entry, time.Hour).Err(); err != nil {
					t.Fatal(err)
				}
				if _, _, err := s.GetSessionAndUser(ctx, token); err != nil {
					t.Fatalf("%s before revocation: %v", name, err)
				}
				if err := c.Set(ctx, prefix+"revoked-sessions-before-decoy", "0", time.Hour).Err(); err != nil {
					t.Fatal(err)
				}
				if err := c.Set(ctx, prefix+"revoked-sessions-before-u\"1", revokeAfter, time.Hour).Err(); err != nil {
					t.Fatal(err)
				}
				_, _, err := s.GetSessionAndUser(ctx, token)
				mustErr(t, err, ba.ErrNotFound)
				if err := c.Del(ctx, prefix+"revoked-sessions-before-u\"1").Err(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestLookupScriptRefused: a Redis user without the scripting commands
// (ACL) gets the same answers, the store falling back to GETs.
func TestLookupScriptRefused(t *testing.T) {
	ctx := context.Background()
	admin, addr := mustClient(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "betterauth-test-" + hex.EncodeToString(b)
	password := hex.EncodeToString(b) + "-pw"
	if err := admin.Do(ctx, "ACL", "SETUSER", name, "on", ">"+password, "~*", "+@all", "-@scripting").Err(); err != nil {
		t.Fatalf("create ACL user: %v", err)
	}
	t.Cleanup(func() { _ = admin.Do(context.Background(), "ACL", "DELUSER", name).Err() })
	c := goredis.NewClient(&goredis.Options{Addr: addr, Username: name, Password: password})
	t.Cleanup(func() { _ = c.Close() })
	prefix := uniquePrefix(t, admin)
	logs := testlog.New()
	s := mustNew(t, c, redis.Options{KeyPrefix: prefix, Log: logs.Logger()})

	u := testUser(time.Now())
	sess := &ba.Session{}
	if err := s.CreateSession(ctx, sess, u); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, gotU, err := s.GetSessionAndUser(ctx, sess.Token)
		if err != nil {
			t.Fatalf("lookup without EVAL: %v", err)
		}
		mustEqual(t, "user id", gotU.ID, u.ID)
	}
	// The fallback is logged once, without the token or key.
	if n := logs.Count("refused the session lookup script"); n != 1 || strings.Contains(logs.String(), sess.Token) {
		t.Fatalf("logged %d times: %s", n, logs)
	}
	if _, err := s.RevokeUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.GetSessionAndUser(ctx, sess.Token)
	mustErr(t, err, ba.ErrNotFound)
}

// TestMarkerOfAnotherUser: without the script, a token read before is
// looked up with one MGET of its entry and its previous user's marker. If
// the entry now names another user, that user's marker is read and
// applied, not the one fetched.
func TestMarkerOfAnotherUser(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{NoScript: true})
	a, b := testUser(time.Now()), testUser(time.Now())
	sess := &ba.Session{}
	if err := s.CreateSession(ctx, sess, a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetSessionAndUser(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	// The same token now holds a session of b, and b's sessions are revoked.
	if err := c.Del(ctx, prefix+sess.Token).Err(); err != nil {
		t.Fatal(err)
	}
	again := &ba.Session{Token: sess.Token, CreatedAt: sess.CreatedAt}
	if err := s.CreateSession(ctx, again, b); err != nil {
		t.Fatal(err)
	}
	marker := strconv.FormatInt(sess.CreatedAt.UnixMilli()+1, 10)
	if err := c.Set(ctx, prefix+"revoked-sessions-before-"+b.ID, marker, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.GetSessionAndUser(ctx, sess.Token)
	mustErr(t, err, ba.ErrNotFound)
	// And a's marker does not revoke b's session.
	if err := c.Del(ctx, prefix+"revoked-sessions-before-"+b.ID).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, prefix+"revoked-sessions-before-"+a.ID, marker, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	_, u, err := s.GetSessionAndUser(ctx, sess.Token)
	if err != nil || u.ID != b.ID {
		t.Fatalf("b's session under a's marker: %v %v", u, err)
	}
}

// BenchmarkGetSessionAndUser: one lookup against the local Redis, with the
// script, with two GETs, and answered by a client-side cache.
func BenchmarkGetSessionAndUser(b *testing.B) {
	for _, mode := range []struct {
		name     string
		noScript bool
		memo     int
		cached   bool
	}{{"Script", false, 0, false}, {"NoScript", true, 0, false}, {"ScriptNoMemo", false, -1, false}, {"ClientSideCache", false, 0, true}} {
		b.Run(mode.name, func(b *testing.B) {
			ctx := context.Background()
			opts := &goredis.Options{Addr: testdb.RedisAddr(b)}
			if mode.cached {
				opts.Protocol = 3
				opts.ClientSideCacheConfig = &goredis.ClientSideCacheConfig{MaxEntries: 1000, MaxStaleness: time.Minute}
			}
			c := goredis.NewClient(opts)
			b.Cleanup(func() { _ = c.Close() })
			s := mustNew(b, c, redis.Options{KeyPrefix: uniquePrefix(b, c), NoScript: mode.noScript, DecodeMemo: mode.memo})
			sess := &ba.Session{}
			if err := s.CreateSession(ctx, sess, testUser(time.Now())); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, _, err := s.GetSessionAndUser(ctx, sess.Token); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// TestConcurrentLookupsBatched: hundreds of lookups at once with one slot
// go in a few script calls, and every caller gets its own answer: its
// session and user, not found, or revoked by its user's marker.
func TestConcurrentLookupsBatched(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{MaxLookups: 1})
	type want struct {
		userID  string
		revoked bool
	}
	wants := map[string]want{}
	var tokens []string
	for i := range 6 {
		u := testUser(time.Now())
		for range 5 {
			sess := &ba.Session{}
			if err := s.CreateSession(ctx, sess, u); err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, sess.Token)
			wants[sess.Token] = want{userID: u.ID, revoked: i%3 == 0}
		}
		if i%3 == 0 {
			marker := strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10)
			if err := c.Set(ctx, prefix+"revoked-sessions-before-"+u.ID, marker, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	tokens = append(tokens, "missing-1", "missing-2")
	lookups0, trips0 := s.LookupStats()
	const n = 300
	errs := make(chan error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		token := tokens[i%len(tokens)]
		wg.Go(func() {
			<-start
			sess, user, err := s.GetSessionAndUser(ctx, token)
			w, known := wants[token]
			switch {
			case !known || w.revoked:
				if !errors.Is(err, ba.ErrNotFound) {
					errs <- fmt.Errorf("token %s: %v, want not found", token, err)
				}
			case err != nil:
				errs <- fmt.Errorf("token %s: %v", token, err)
			case sess.Token != token || user.ID != w.userID:
				errs <- fmt.Errorf("token %s got session %s of user %s", token, sess.Token, user.ID)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	lookups, trips := s.LookupStats()
	lookups, trips = lookups-lookups0, trips-trips0
	if lookups != n || trips >= n {
		t.Fatalf("%d lookups made %d round trips: not batched", lookups, trips)
	}
	t.Logf("%d lookups in %d round trips", lookups, trips)
}
