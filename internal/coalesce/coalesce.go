// Package coalesce batches concurrent lookups under load: at most a fixed
// number of fetches run at once, and lookups that arrive while they all run
// wait and go together in the next fetch as soon as one returns. With a
// free slot a lookup is fetched at once, alone, so an idle or lightly
// loaded process behaves exactly as without batching; a busy one sends far
// fewer round trips, each for several keys. Nothing is cached: a waiting
// lookup is fetched after it arrived, so it sees every write completed
// before it asked.
//
// The session stores use it for their per-request lookup, whose cost on a
// small machine is per-query overhead (a round trip, a statement
// execution), not per-row work.
package coalesce

import (
	"context"
	"sync"
	"sync/atomic"
)

// Fetcher fetches values by key.
type Fetcher[V any] interface {
	// FetchOne fetches one key (the unbatched path).
	FetchOne(ctx context.Context, key string) (V, error)
	// FetchMany fetches distinct keys together. A key missing from the
	// map gets Missing's error; a returned error goes to every caller.
	FetchMany(ctx context.Context, keys []string) (map[string]V, error)
	// Missing is the error for a key FetchMany did not find.
	Missing(key string) error
	// Copy returns a value of its own for a second caller of the same key
	// in one batch (callers may change what they get).
	Copy(V) V
	// Canceled wraps a caller's context error.
	Canceled(err error) error
}

// Batcher coalesces lookups for one Fetcher. A nil *Batcher is not usable;
// callers check for nil and fetch directly.
type Batcher[V any] struct {
	f           Fetcher[V]
	maxInFlight int
	maxBatch    int

	mu       sync.Mutex
	inFlight int
	queue    []*call[V]

	lookups, fetches atomic.Int64
}

type call[V any] struct {
	key  string
	done chan struct{}
	v    V
	err  error
}

// New returns a Batcher running at most maxInFlight fetches at once, each
// for at most maxBatch keys, or nil when maxInFlight <= 0 (no batching).
func New[V any](f Fetcher[V], maxInFlight, maxBatch int) *Batcher[V] {
	if maxInFlight <= 0 {
		return nil
	}
	return &Batcher[V]{f: f, maxInFlight: maxInFlight, maxBatch: max(1, maxBatch)}
}

// Get looks key up, alone or with others.
func (b *Batcher[V]) Get(ctx context.Context, key string) (V, error) {
	b.lookups.Add(1)
	b.mu.Lock()
	if b.inFlight < b.maxInFlight {
		b.inFlight++
		b.mu.Unlock()
		b.fetches.Add(1)
		v, err := b.f.FetchOne(ctx, key)
		b.next()
		return v, err
	}
	c := &call[V]{key: key, done: make(chan struct{}, 1)}
	b.queue = append(b.queue, c)
	b.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		// The batch still answers c, into its buffered channel.
		var zero V
		return zero, b.f.Canceled(ctx.Err())
	}
}

// next hands the slot just freed to the waiting lookups, if any.
func (b *Batcher[V]) next() {
	b.mu.Lock()
	if len(b.queue) == 0 {
		b.inFlight--
		b.mu.Unlock()
		return
	}
	n := min(len(b.queue), b.maxBatch)
	batch := make([]*call[V], n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:])
	b.queue = b.queue[:rest]
	b.mu.Unlock()
	go func() {
		b.run(batch)
		b.next()
	}()
}

// run answers every call of batch with one fetch. The fetch is not tied to
// any one caller's context (a caller that gives up stops waiting; the
// others still get their answer); the Fetcher bounds it.
func (b *Batcher[V]) run(batch []*call[V]) {
	keys := make([]string, 0, len(batch))
	seen := make(map[string]bool, len(batch))
	for _, c := range batch {
		if !seen[c.key] {
			seen[c.key] = true
			keys = append(keys, c.key)
		}
	}
	b.fetches.Add(1)
	found, err := b.f.FetchMany(context.Background(), keys)
	given := make(map[string]bool, len(found))
	for _, c := range batch {
		switch v, ok := found[c.key]; {
		case err != nil:
			c.err = err
		case !ok:
			c.err = b.f.Missing(c.key)
		case given[c.key]:
			c.v = b.f.Copy(v)
		default:
			given[c.key] = true
			c.v = v
		}
		c.done <- struct{}{}
	}
}

// Stats returns how many lookups the Batcher answered and how many fetches
// it made for them; lookups > fetches when lookups were batched.
func (b *Batcher[V]) Stats() (lookups, fetches int64) {
	return b.lookups.Load(), b.fetches.Load()
}
