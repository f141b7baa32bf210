package sessioncache

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Limits and defaults of Options.
const (
	// DefaultTTL is Options.TTL when zero.
	DefaultTTL = 5 * time.Second
	// MaxTTL is the longest TTL New accepts: Better Auth's cookie-cache
	// maxAge, the staleness Better Auth itself offers by default.
	MaxTTL = 5 * time.Minute
	// DefaultMaxEntries is Options.MaxEntries when zero: about 10 MB at
	// ~1 KB a session and user.
	DefaultMaxEntries = 10_000
)

const shardCount = 16

// Options configure a Cache. The zero value is a 5-second, 10,000-entry
// cache on the real clock.
type Options struct {
	// TTL is how long a session read from the store is served from
	// memory: the longest a revocation made by another process goes unseen
	// here. Default DefaultTTL (5 s); at most MaxTTL.
	TTL time.Duration
	// MaxEntries bounds the number of cached sessions; when full, expired
	// entries are dropped first, then arbitrary ones. Default
	// DefaultMaxEntries (10,000).
	MaxEntries int
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Cache is a betterauth.SessionStore that answers from memory for up to TTL
// after reading the wrapped store. It is safe for concurrent use.
//
// Results are copies: callers may change the returned Session and User
// (the Verifier does when it refreshes a session) without affecting other
// requests. Errors are never cached, so a store outage is not remembered and
// an unknown token is asked again each time.
type Cache struct {
	store      ba.SessionStore
	ttl        time.Duration
	perShard   int
	now        func() time.Time
	seed       maphash.Seed
	shards     [shardCount]shard
	generation atomic.Uint64 // bumped by every invalidation

	hits, misses, evictions atomic.Int64
}

type shard struct {
	mu       sync.Mutex
	entries  map[string]*entry
	inflight map[string]*call
}

type entry struct {
	session *ba.Session
	user    *ba.User
	expires time.Time
}

// call is one store read that concurrent misses for the same token share.
type call struct {
	done    chan struct{}
	session *ba.Session
	user    *ba.User
	err     error
}

// Stats counts what the cache did since it was created.
type Stats struct {
	// Hits were answered from memory; Misses read the store (a miss that
	// waited for another request's read of the same token counts as a hit).
	Hits, Misses int64
	// Evictions are live entries dropped because the cache was full.
	Evictions int64
	// Entries is the number of sessions held now.
	Entries int
}

// New wraps store. It fails on a nil store, a negative MaxEntries or a TTL
// outside (0, MaxTTL].
func New(store ba.SessionStore, opts Options) (*Cache, error) {
	if store == nil {
		return nil, errors.New("sessioncache: store is nil")
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	if opts.TTL < 0 || opts.TTL > MaxTTL {
		return nil, fmt.Errorf("sessioncache: TTL %s is outside (0, %s]: a longer one would let revoked sessions through for longer than Better Auth's own cookie cache", opts.TTL, MaxTTL)
	}
	if opts.MaxEntries < 0 {
		return nil, errors.New("sessioncache: MaxEntries is negative")
	}
	if opts.MaxEntries == 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Cache{
		store: store, ttl: opts.TTL, now: opts.Now, seed: maphash.MakeSeed(),
		perShard: max(1, (opts.MaxEntries+shardCount-1)/shardCount),
	}
	for i := range c.shards {
		c.shards[i].entries = map[string]*entry{}
		c.shards[i].inflight = map[string]*call{}
	}
	return c, nil
}

// TTL returns the cache's TTL: the longest a revocation made elsewhere goes
// unseen.
func (c *Cache) TTL() time.Duration { return c.ttl }

func (c *Cache) shard(token string) *shard {
	return &c.shards[maphash.String(c.seed, token)%shardCount]
}

// GetSessionAndUser answers from memory when the token was read from the
// store less than TTL ago, and otherwise reads the store once for all the
// concurrent requests that ask for the same token.
func (c *Cache) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	sh := c.shard(token)
	now := c.now()
	sh.mu.Lock()
	if e, ok := sh.entries[token]; ok {
		if now.Before(e.expires) {
			sh.mu.Unlock()
			c.hits.Add(1)
			return e.session.Clone(), e.user.Clone(), nil
		}
		delete(sh.entries, token)
	}
	if cl, ok := sh.inflight[token]; ok {
		sh.mu.Unlock()
		select {
		case <-cl.done:
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("%w: %w", ba.ErrUnavailable, ctx.Err())
		}
		if cl.err != nil {
			if isContextError(cl.err) && ctx.Err() == nil {
				// The request that read the store went away; this one
				// has not, so it must not inherit the cancellation.
				return c.read(ctx, token)
			}
			return nil, nil, cl.err
		}
		c.hits.Add(1)
		return cl.session.Clone(), cl.user.Clone(), nil
	}
	cl := &call{done: make(chan struct{})}
	sh.inflight[token] = cl
	generation := c.generation.Load()
	sh.mu.Unlock()

	c.misses.Add(1)
	cl.session, cl.user, cl.err = c.read(ctx, token)

	sh.mu.Lock()
	delete(sh.inflight, token)
	// An invalidation that happened while the store was read may have
	// removed exactly this session: then the read may be stale, and is
	// not kept.
	if cl.err == nil && c.generation.Load() == generation {
		if len(sh.entries) >= c.perShard {
			c.makeRoom(sh, now)
		}
		sh.entries[token] = &entry{session: cl.session, user: cl.user, expires: now.Add(c.ttl)}
	}
	sh.mu.Unlock()
	close(cl.done)
	if cl.err != nil {
		return nil, nil, cl.err
	}
	return cl.session.Clone(), cl.user.Clone(), nil
}

// read asks the store. A nil session or user without an error breaks the
// SessionStore contract and is "no such session": like any error, it is
// not cached (so it is never cloned, nor walked by InvalidateUser).
func (c *Cache) read(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	sess, user, err := c.store.GetSessionAndUser(ctx, token)
	if err == nil && (sess == nil || user == nil) {
		return nil, nil, ba.ErrNotFound
	}
	return sess, user, err
}

// makeRoom drops expired entries of a full shard, or one live entry when
// none has expired. The caller holds sh.mu.
func (c *Cache) makeRoom(sh *shard, now time.Time) {
	for token, e := range sh.entries {
		if !now.Before(e.expires) {
			delete(sh.entries, token)
		}
	}
	if len(sh.entries) < c.perShard {
		return
	}
	for token := range sh.entries { // map order: an arbitrary victim
		delete(sh.entries, token)
		c.evictions.Add(1)
		break
	}
}

// Invalidate forgets the session with this token, so the next request reads
// the store. Call it after the store changed the session (sign-out, revoke,
// refresh); the Backend wrapper does.
func (c *Cache) Invalidate(token string) {
	c.generation.Add(1)
	sh := c.shard(token)
	sh.mu.Lock()
	delete(sh.entries, token)
	sh.mu.Unlock()
}

// InvalidateUser forgets every session of the user (revoke-sessions, a ban,
// a changed user row). It walks the whole cache, which is bounded.
func (c *Cache) InvalidateUser(userID string) {
	c.generation.Add(1)
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		for token, e := range sh.entries {
			if e.session.UserID == userID || e.user.ID == userID {
				delete(sh.entries, token)
			}
		}
		sh.mu.Unlock()
	}
}

// Purge forgets everything.
func (c *Cache) Purge() {
	c.generation.Add(1)
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		clear(sh.entries)
		sh.mu.Unlock()
	}
}

// Stats returns the counters and the current size.
func (c *Cache) Stats() Stats {
	st := Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load()}
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		st.Entries += len(sh.entries)
		sh.mu.Unlock()
	}
	return st
}

// RefreshSession extends the session in the wrapped store (which must
// implement betterauth.SessionRefresher) and forgets the cached copy, so a
// Verifier with Refresh enabled works through the cache.
func (c *Cache) RefreshSession(ctx context.Context, token string, expiresAt time.Time) error {
	r, ok := c.store.(ba.SessionRefresher)
	if !ok {
		return fmt.Errorf("sessioncache: %T cannot refresh sessions", c.store)
	}
	err := r.RefreshSession(ctx, token, expiresAt)
	c.Invalidate(token)
	return err
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
