package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
)

// cachedStaleness is the MaxStaleness of the client-side caches below: far
// longer than any wait in these tests, so a change seen in time was seen
// through Redis's invalidation, not because a copy grew too old.
const cachedStaleness = time.Minute

// propagation is how long a change made elsewhere may take to reach a
// client-side cache in these tests (go-redis applies pending invalidations
// every 5 ms; the rest is slack for a loaded CI machine).
const propagation = 2 * time.Second

// cachedInstance is one Go server's view of Redis: its own client, with
// client-side caching, and its own Store on the shared prefix.
type cachedInstance struct {
	client *goredis.Client
	store  *redis.Store
}

func newCachedInstance(tb testing.TB, prefix string) cachedInstance {
	tb.Helper()
	c := goredis.NewClient(&goredis.Options{
		Addr: testdb.RedisAddr(tb), Protocol: 3,
		ClientSideCacheConfig: &goredis.ClientSideCacheConfig{MaxEntries: 1000, MaxStaleness: cachedStaleness},
	})
	tb.Cleanup(func() { _ = c.Close() })
	return cachedInstance{client: c, store: mustNew(tb, c, redis.Options{KeyPrefix: prefix})}
}

// mustServeFromMemory reads token until it is answered from memory: the
// first read GETs the entry and its user's marker, the second MGETs both
// (the user is known now), the third is a cache hit with no miss.
func (in cachedInstance) mustServeFromMemory(tb testing.TB, token string) *ba.User {
	tb.Helper()
	ctx := context.Background()
	for range 2 {
		if _, _, err := in.store.GetSessionAndUser(ctx, token); err != nil {
			tb.Fatalf("warming read: %v", err)
		}
	}
	before := in.client.CSCStats()
	_, u, err := in.store.GetSessionAndUser(ctx, token)
	if err != nil {
		tb.Fatalf("cached read: %v", err)
	}
	after := in.client.CSCStats()
	if after.Hits == before.Hits || after.Misses != before.Misses {
		tb.Fatalf("cached read: %d hits, %d misses; want only hits (entry and marker from memory)", after.Hits-before.Hits, after.Misses-before.Misses)
	}
	return u
}

// waitUntil polls check until it holds and returns how long that took,
// failing the test after propagation.
func waitUntil(tb testing.TB, what string, check func() bool) time.Duration {
	tb.Helper()
	start := time.Now()
	for !check() {
		if time.Since(start) > propagation {
			tb.Fatalf("%s: not seen within %s", what, propagation)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(start)
}

func refused(in cachedInstance, token string) func() bool {
	return func() bool {
		_, _, err := in.store.GetSessionAndUser(context.Background(), token)
		return errors.Is(err, ba.ErrNotFound)
	}
}

// TestClientSideCacheSeesBetterAuth: two Go instances answer session reads
// from memory, and every change Better Auth makes — update-user, sign-out,
// revoke-sessions — reaches both through Redis's invalidations, long
// before the copies' staleness bound.
func TestClientSideCacheSeesBetterAuth(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	a, b := newCachedInstance(t, l.prefix), newCachedInstance(t, l.prefix)
	s := l.signUp(t, "ivan@example.com")
	for _, in := range []cachedInstance{a, b} {
		in.mustServeFromMemory(t, s.token)
	}

	r := l.h.Request(t, "POST", "/api/auth/update-user", map[string]string{"cookie": s.cookie}, map[string]any{"name": "Renamed by Better Auth"})
	if r.Status != 200 {
		t.Fatalf("update-user: %d %s", r.Status, r.Text)
	}
	for _, in := range []cachedInstance{a, b} {
		d := waitUntil(t, "update-user", func() bool {
			_, u, err := in.store.GetSessionAndUser(context.Background(), s.token)
			return err == nil && u.Name == "Renamed by Better Auth"
		})
		t.Logf("update-user seen after %s", d)
	}

	if r := l.h.Request(t, "POST", "/api/auth/sign-out", map[string]string{"cookie": s.cookie}, map[string]any{}); r.Status != 200 {
		t.Fatalf("sign-out: %d %s", r.Status, r.Text)
	}
	for _, in := range []cachedInstance{a, b} {
		t.Logf("sign-out seen after %s", waitUntil(t, "sign-out", refused(in, s.token)))
	}

	// revoke-sessions: the marker (cached as missing until now) and the
	// entries change; both must reach the caches.
	s1, s2 := l.signIn(t, "ivan@example.com"), l.signIn(t, "ivan@example.com")
	for _, in := range []cachedInstance{a, b} {
		in.mustServeFromMemory(t, s1.token)
		in.mustServeFromMemory(t, s2.token)
	}
	if r := l.h.Request(t, "POST", "/api/auth/revoke-sessions", map[string]string{"cookie": s1.cookie}, map[string]any{}); r.Status != 200 {
		t.Fatalf("revoke-sessions: %d %s", r.Status, r.Text)
	}
	for _, in := range []cachedInstance{a, b} {
		for _, tok := range []string{s1.token, s2.token} {
			t.Logf("revoke-sessions seen after %s", waitUntil(t, "revoke-sessions", refused(in, tok)))
		}
	}
}

// mustRefuseEverywhere checks a revocation (what) made through revoker:
// refused by revoker at once, by other as soon as Redis's invalidation
// arrives, and by Better Auth.
func (l *liveBA) mustRefuseEverywhere(tb testing.TB, what string, revoker, other cachedInstance, s signedIn) {
	tb.Helper()
	if !refused(revoker, s.token)() {
		tb.Fatalf("%s: the instance that revoked the session still serves it", what)
	}
	tb.Logf("%s seen by the other instance after %s", what, waitUntil(tb, what, refused(other, s.token)))
	if body := l.getSession(tb, s.cookie); body != nil {
		tb.Fatalf("%s: Better Auth still accepts the session: %v", what, body)
	}
}

// TestClientSideCacheRevocationAcrossInstances: a revocation made by one
// Go instance is refused by that instance at once and by the other (and
// by Better Auth) as soon as Redis's invalidation arrives.
func TestClientSideCacheRevocationAcrossInstances(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a, b := newCachedInstance(t, l.prefix), newCachedInstance(t, l.prefix)
	s1 := l.signUp(t, "judy@example.com")
	s2 := l.signIn(t, "judy@example.com")
	for _, in := range []cachedInstance{a, b} {
		in.mustServeFromMemory(t, s1.token)
		in.mustServeFromMemory(t, s2.token)
	}

	// One session, deleted by b.
	if err := b.store.DeleteSessionByToken(ctx, s1.token); err != nil {
		t.Fatal(err)
	}
	l.mustRefuseEverywhere(t, "DeleteSessionByToken", b, a, s1)
	if _, _, err := a.store.GetSessionAndUser(ctx, s2.token); err != nil {
		t.Fatalf("the other session went with it: %v", err)
	}

	// Every session of the user, revoked by a (the marker, then the keys).
	if _, err := a.store.RevokeUserSessions(ctx, s2.userID); err != nil {
		t.Fatal(err)
	}
	l.mustRefuseEverywhere(t, "RevokeUserSessions", a, b, s2)

	// A session created after the revocation is served, and cached.
	s3 := l.signIn(t, "judy@example.com")
	for _, in := range []cachedInstance{a, b} {
		in.mustServeFromMemory(t, s3.token)
	}
}

// TestClientSideCacheReadsMatchPlainReads: a caching store reads what a
// plain one reads, with plain GETs (no batched script), while a plain
// client keeps the one-round-trip script.
func TestClientSideCacheReadsMatchPlainReads(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	c := newCachedInstance(t, l.prefix)
	s := l.signUp(t, "ken@example.com")
	plainSess, plainUser, err := l.store.GetSessionAndUser(ctx, s.token)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		sess, user, err := c.store.GetSessionAndUser(ctx, s.token)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "session", asMap(t, sess), asMap(t, plainSess))
		mustEqual(t, "user", asMap(t, user), asMap(t, plainUser))
	}
	if lookups, _ := c.store.LookupStats(); lookups != 0 {
		t.Fatalf("a caching store batched %d lookups; hits need no batching", lookups)
	}
	if lookups, _ := l.store.LookupStats(); lookups == 0 {
		t.Fatal("the plain store did not use its batched script")
	}
}
