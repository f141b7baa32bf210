package sessioncache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sessioncache"
)

// fakeStore serves sessions from a map and counts reads; gate, when set,
// holds every read until it is closed.
type fakeStore struct {
	mu       sync.Mutex
	sessions map[string]*ba.Session
	reads    atomic.Int64
	err      error
	gate     chan struct{}
}

func newFakeStore(tokens ...string) *fakeStore {
	f := &fakeStore{sessions: map[string]*ba.Session{}}
	for _, t := range tokens {
		f.sessions[t] = &ba.Session{ID: "id-" + t, Token: t, UserID: "u-" + t, ExpiresAt: time.Now().Add(time.Hour)}
	}
	return f
}

func (f *fakeStore) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	f.reads.Add(1)
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, nil, f.err
	}
	s, ok := f.sessions[token]
	if !ok {
		return nil, nil, ba.ErrNotFound
	}
	cp := *s
	return &cp, &ba.User{ID: s.UserID, Name: "N", Fields: ba.Fields{"k": "v"}}, nil
}

func (f *fakeStore) remove(token string) {
	f.mu.Lock()
	delete(f.sessions, token)
	f.mu.Unlock()
}

func mustNew(t *testing.T, store ba.SessionStore, opts sessioncache.Options) *sessioncache.Cache {
	t.Helper()
	c, err := sessioncache.New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestServesFromMemoryWithinTTL(t *testing.T) {
	ctx := context.Background()
	clock := storetest.NewClock()
	store := newFakeStore("a")
	c := mustNew(t, store, sessioncache.Options{TTL: 5 * time.Second, Now: clock.Now})

	for range 3 {
		if _, _, err := c.GetSessionAndUser(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if n := store.reads.Load(); n != 1 {
		t.Fatalf("3 lookups within the TTL read the store %d times, want 1", n)
	}

	store.remove("a") // revoked by someone else
	clock.Advance(5*time.Second - time.Millisecond)
	if _, _, err := c.GetSessionAndUser(ctx, "a"); err != nil {
		t.Fatalf("within the TTL the cached session is served (the documented staleness): %v", err)
	}
	clock.Advance(time.Millisecond)
	if _, _, err := c.GetSessionAndUser(ctx, "a"); !errors.Is(err, ba.ErrNotFound) {
		t.Fatalf("at the TTL the revocation must be seen, got %v", err)
	}
	if st := c.Stats(); st.Hits != 3 || st.Misses != 2 || st.Entries != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestReturnsCopies(t *testing.T) {
	ctx := context.Background()
	c := mustNew(t, newFakeStore("a"), sessioncache.Options{})
	s1, u1, _ := c.GetSessionAndUser(ctx, "a")
	s1.ExpiresAt = time.Time{}
	u1.Name = "changed"
	u1.Fields["k"] = "changed"
	s2, u2, _ := c.GetSessionAndUser(ctx, "a")
	if s2.ExpiresAt.IsZero() || u2.Name != "N" || u2.Fields["k"] != "v" {
		t.Fatalf("a caller's change leaked into the cache: %+v %+v", s2, u2)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore("a")
	c := mustNew(t, store, sessioncache.Options{})
	for range 2 {
		if _, _, err := c.GetSessionAndUser(ctx, "unknown"); !errors.Is(err, ba.ErrNotFound) {
			t.Fatal(err)
		}
	}
	store.err = ba.ErrUnavailable
	if _, _, err := c.GetSessionAndUser(ctx, "a"); !errors.Is(err, ba.ErrUnavailable) {
		t.Fatal(err)
	}
	store.err = nil
	if _, _, err := c.GetSessionAndUser(ctx, "a"); err != nil {
		t.Fatalf("an outage was remembered: %v", err)
	}
	if n := store.reads.Load(); n != 4 {
		t.Fatalf("reads %d, want 4", n)
	}
}

func TestBounded(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	for i := range 1000 {
		tok := string(rune('A'+i%26)) + time.Duration(i).String()
		store.sessions[tok] = &ba.Session{Token: tok, UserID: "u"}
	}
	c := mustNew(t, store, sessioncache.Options{MaxEntries: 64})
	for tok := range store.sessions {
		if _, _, err := c.GetSessionAndUser(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats()
	if st.Entries > 64 || st.Evictions == 0 {
		t.Fatalf("1000 sessions into a 64-entry cache: %+v", st)
	}
}

func TestConcurrentMissesShareOneRead(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore("a")
	store.gate = make(chan struct{})
	c := mustNew(t, store, sessioncache.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := c.GetSessionAndUser(ctx, "a"); err != nil {
				errs <- err
			}
		}()
	}
	for store.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others queue behind the first read
	close(store.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := store.reads.Load(); n != 1 {
		t.Fatalf("32 concurrent misses read the store %d times, want 1", n)
	}
}

func TestWaiterDoesNotInheritAnotherRequestsCancellation(t *testing.T) {
	store := newFakeStore("a")
	store.gate = make(chan struct{})
	c := mustNew(t, store, sessioncache.Options{})
	leaderCtx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() { _, _, err := c.GetSessionAndUser(leaderCtx, "a"); leaderDone <- err }()
	for store.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	waiterDone := make(chan error, 1)
	go func() { _, _, err := c.GetSessionAndUser(context.Background(), "a"); waiterDone <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	close(store.gate)
	if err := <-waiterDone; err != nil {
		t.Fatalf("the waiting request failed because another one was cancelled: %v", err)
	}
}

// An invalidation while a read is in flight must not let that (possibly
// stale) read into the cache.
func TestInvalidationDuringReadIsNotUndone(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore("a")
	store.gate = make(chan struct{})
	c := mustNew(t, store, sessioncache.Options{})
	done := make(chan struct{})
	go func() { _, _, _ = c.GetSessionAndUser(ctx, "a"); close(done) }()
	for store.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	store.remove("a")
	c.Invalidate("a")
	close(store.gate) // the read started before the delete; pretend it saw the row
	<-done
	store.gate = nil
	if _, _, err := c.GetSessionAndUser(ctx, "a"); !errors.Is(err, ba.ErrNotFound) {
		t.Fatalf("after Invalidate, got %v, want the store's answer", err)
	}
}

func TestInvalidateUser(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore("a", "b")
	store.sessions["b"].UserID = "u-a" // two sessions of one user
	c := mustNew(t, store, sessioncache.Options{})
	_, _, _ = c.GetSessionAndUser(ctx, "a")
	_, _, _ = c.GetSessionAndUser(ctx, "b")
	c.InvalidateUser("u-a")
	if st := c.Stats(); st.Entries != 0 {
		t.Fatalf("entries after InvalidateUser: %d", st.Entries)
	}
}

func TestOptions(t *testing.T) {
	store := newFakeStore()
	if _, err := sessioncache.New(nil, sessioncache.Options{}); err == nil {
		t.Error("nil store accepted")
	}
	for _, ttl := range []time.Duration{-time.Second, sessioncache.MaxTTL + time.Second} {
		if _, err := sessioncache.New(store, sessioncache.Options{TTL: ttl}); err == nil {
			t.Errorf("TTL %s accepted", ttl)
		}
	}
	if _, err := sessioncache.New(store, sessioncache.Options{MaxEntries: -1}); err == nil {
		t.Error("negative MaxEntries accepted")
	}
	c := mustNew(t, store, sessioncache.Options{})
	if c.TTL() != sessioncache.DefaultTTL {
		t.Errorf("default TTL %s", c.TTL())
	}
}

// BenchmarkHit is a lookup answered from memory (the session and user are
// copied for the caller), on every core at once.
func BenchmarkHit(b *testing.B) {
	ctx := context.Background()
	c, err := sessioncache.New(newFakeStore("a"), sessioncache.Options{TTL: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := c.GetSessionAndUser(ctx, "a"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.GetSessionAndUser(ctx, "a"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// nilStore answers no error but a nil session, user or both: a store bug.
type nilStore struct {
	session *ba.Session
	user    *ba.User
	reads   atomic.Int64
}

func (n *nilStore) GetSessionAndUser(context.Context, string) (*ba.Session, *ba.User, error) {
	n.reads.Add(1)
	return n.session, n.user, nil
}

// A nil session or user is "no such session", never cached (so that the
// store is asked again, as for any unknown token) and never a panic, here
// or in InvalidateUser walking the entries.
func TestNilSessionOrUserIsNotFound(t *testing.T) {
	for name, store := range map[string]*nilStore{
		"ErrNotFoundNilUser":    {session: &ba.Session{ID: "s", Token: "t", UserID: "u", ExpiresAt: time.Now().Add(time.Hour)}},
		"ErrNotFoundNilSession": {user: &ba.User{ID: "u"}},
		"ErrNotFoundNilBoth":    {},
	} {
		t.Run(name, func(t *testing.T) {
			c := mustNew(t, store, sessioncache.Options{})
			for range 2 {
				s, u, err := c.GetSessionAndUser(context.Background(), "t")
				if s != nil || u != nil || !errors.Is(err, ba.ErrNotFound) {
					t.Fatalf("%+v %+v %v; want ErrNotFound", s, u, err)
				}
			}
			if n := store.reads.Load(); n != 2 {
				t.Fatalf("%d store reads, want 2 (nothing cached)", n)
			}
			c.InvalidateUser("u")
			if st := c.Stats(); st.Entries != 0 {
				t.Fatalf("%d entries cached", st.Entries)
			}
		})
	}
}
