package redis

import (
	"slices"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Client-side caching. A *redis.Client built with Protocol: 3 and
// Options.ClientSideCacheConfig keeps GET replies in process and has Redis
// track the keys it read (CLIENT TRACKING); when any client — Better Auth,
// another Go instance, this one — changes or deletes such a key, Redis
// pushes an invalidation and the entry is dropped. The Store notices such a
// client and reads a session and its user's revocation marker with plain
// commands the client can answer from memory — two GETs the first time, one
// MGET of both once it knows the session's user — instead of its Lua script
// (which no client can cache), and does not batch lookups: a hit makes no
// round trip at all.
//
// Two delays remain, and the Store closes the one it can:
//   - Redis delivers an invalidation on the connection that read the key,
//     and go-redis applies the ones waiting on idle connections every few
//     milliseconds (CacheConfig.DrainInterval, 5 ms by default). A change
//     made elsewhere is seen here within that time; MaxStaleness is the
//     hard bound should an invalidation be lost (a dropped connection makes
//     go-redis evict everything read through it).
//   - A write does not invalidate the local cache by itself. So that this
//     instance's own sign-outs and revocations apply at once, the Store
//     remembers the tokens it deleted and the markers it set (localRevocations)
//     for as long as a stale copy could be served, and applies them to
//     every lookup.

// clientCache returns whether client caches GET replies in process, and
// for how long at most a cached reply may be served (0: unknown, for a
// Cache of the caller's own; the Store then remembers its own revocations
// for maxCachedStaleness).
func clientCache(client goredis.UniversalClient) (bool, time.Duration) {
	c, ok := client.(*goredis.Client)
	if !ok {
		return false, 0
	}
	o := c.Options()
	switch {
	case o.ClientSideCache != nil:
		return true, 0
	case o.ClientSideCacheConfig != nil:
		return true, o.ClientSideCacheConfig.MaxStaleness
	}
	return false, 0
}

// maxCachedStaleness is how long the Store remembers its own revocations
// when the client's cache does not say how stale it may get.
const maxCachedStaleness = 5 * time.Minute

// localRevocationsMax bounds each of localRevocations' maps. When one is
// full, the oldest-expiring half of it is dropped; a revocation forgotten
// early is still seen once Redis's invalidation arrives.
const localRevocationsMax = 10000

// localRevocations is what this instance revoked while a client-side cache
// may still hold the old value: deleted session tokens and the users whose
// revoked-sessions-before marker it set. Entries live for the cache's
// staleness bound. A nil *localRevocations remembers nothing.
type localRevocations struct {
	mu      sync.Mutex
	keep    time.Duration
	tokens  map[string]revocation // deleted session tokens (marker unused)
	markers map[string]revocation // user id → the marker set
}

type revocation struct {
	marker float64   // epoch ms, as stored
	until  time.Time // forget after
}

func newLocalRevocations(keep time.Duration) *localRevocations {
	if keep <= 0 || keep > maxCachedStaleness {
		keep = maxCachedStaleness
	}
	return &localRevocations{keep: keep, tokens: map[string]revocation{}, markers: map[string]revocation{}}
}

// deleted records that this instance deleted the session with token.
func (r *localRevocations) deleted(token string, now time.Time) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	remember(r.tokens, token, revocation{until: now.Add(r.keep)}, now)
}

// revoked records that this instance set userID's marker to marker.
func (r *localRevocations) revoked(userID string, marker float64, now time.Time) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.markers[userID]; ok && prev.marker > marker {
		marker = prev.marker
	}
	remember(r.markers, userID, revocation{marker: marker, until: now.Add(r.keep)}, now)
}

// isDeleted reports whether this instance deleted token recently.
func (r *localRevocations) isDeleted(token string, now time.Time) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.tokens[token]
	return ok && now.Before(d.until)
}

// marker returns the marker this instance set for userID recently, or 0.
func (r *localRevocations) marker(userID string, now time.Time) float64 {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.markers[userID]
	if !ok || !now.Before(m.until) {
		return 0
	}
	return m.marker
}

// remember puts v under k in m, making room first when m is full: the
// expired entries go, and if that frees less than half of m, the half that
// expires first.
func remember(m map[string]revocation, k string, v revocation, now time.Time) {
	if len(m) >= localRevocationsMax {
		for key, e := range m {
			if !now.Before(e.until) {
				delete(m, key)
			}
		}
		if len(m) >= localRevocationsMax/2 {
			// Everything is live: keep the half that lives longest.
			ends := make([]time.Time, 0, len(m))
			for _, e := range m {
				ends = append(ends, e.until)
			}
			slices.SortFunc(ends, time.Time.Compare)
			cut := ends[len(ends)/2]
			for key, e := range m {
				if !e.until.After(cut) {
					delete(m, key)
				}
			}
		}
	}
	m[k] = v
}
