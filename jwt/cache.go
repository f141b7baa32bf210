package jwt

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
)

// keyCache holds the last key set a source loaded and decides when to load
// again. One rule bounds the load on the key server or database: a load
// starts at most once per minInterval, whatever the reason (expiry, an
// unknown kid, a previous failure). Callers that arrive while a load is
// running wait for it instead of starting their own.
type keyCache struct {
	load        func(ctx context.Context) ([]Key, map[string]string, error)
	what        string // for errors: the URL or "jwks table"
	ttl         time.Duration
	minInterval time.Duration
	maxStale    time.Duration
	timeout     time.Duration // 0: none beyond the caller's
	now         func() time.Time
	log         *slog.Logger // nil: slog.Default()

	mu        sync.Mutex
	keys      []Key
	skipped   map[string]string // kid → why it was left out
	loadedAt  time.Time         // last successful load; zero before
	attempted time.Time         // start of the last load attempt
	lastErr   error             // error of the last attempt, nil if it succeeded
	running   *loadCall
}

type loadCall struct {
	done chan struct{}
}

func (c *keyCache) Keys(ctx context.Context, kid string) ([]Key, error) {
	for joined := false; ; {
		c.mu.Lock()
		now := c.now()
		have := !c.loadedAt.IsZero()
		age := now.Sub(c.loadedAt)
		fresh := have && age < c.ttl
		found := keysWithID(c.keys, kid)
		if fresh && len(found) > 0 {
			c.mu.Unlock()
			return found, nil
		}
		if c.running == nil && !joined && (c.attempted.IsZero() || now.Sub(c.attempted) >= c.minInterval) {
			c.start(ctx, now)
		}
		if call := c.running; call != nil && !joined {
			c.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("%w: waiting for keys from %s: %w", ba.ErrUnavailable, c.what, ctx.Err())
			}
			// Look again with what the load brought, but do not start
			// another one.
			joined = true
			continue
		}
		// No load may start now, or ours has finished: answer from what
		// we have.
		keys, err := c.answer(kid, found, have, age)
		c.mu.Unlock()
		return keys, err
	}
}

// answer decides from the cached state alone. c.mu is held.
func (c *keyCache) answer(kid string, found []Key, have bool, age time.Duration) ([]Key, error) {
	usable := have && age < c.ttl+c.maxStale
	switch {
	case len(found) > 0 && usable:
		// Fresh, or stale but the reload failed or may not run yet.
		return found, nil
	case c.lastErr != nil:
		// The last load failed, so the kid may well exist.
		return nil, fmt.Errorf("%w: keys from %s: %w", ba.ErrUnavailable, c.what, c.lastErr)
	case !usable:
		return nil, fmt.Errorf("%w: keys from %s are too old to use (loaded %s ago)", ba.ErrUnavailable, c.what, age.Round(time.Second))
	}
	if why, ok := c.skipped[kid]; ok {
		return nil, fmt.Errorf("%w: kid %s is in %s but unusable: %s", ErrUnknownKey, errtext.Quote(kid), c.what, why)
	}
	return nil, fmt.Errorf("%w: kid %s is not in %s", ErrUnknownKey, errtext.Quote(kid), c.what)
}

// start begins a load in its own goroutine, so that a caller giving up
// (context cancelled) does not fail the others waiting on it. c.mu is held.
func (c *keyCache) start(ctx context.Context, now time.Time) {
	call := &loadCall{done: make(chan struct{})}
	c.running = call
	c.attempted = now
	loadCtx := context.WithoutCancel(ctx)
	go func() {
		var cancel context.CancelFunc = func() {}
		if c.timeout > 0 {
			loadCtx, cancel = context.WithTimeout(loadCtx, c.timeout)
		}
		keys, skipped, err := c.load(loadCtx)
		cancel()
		c.mu.Lock()
		failedBefore, loadedAt, skippedBefore := c.lastErr != nil, c.loadedAt, c.skipped
		if err != nil {
			c.lastErr = err
		} else {
			c.keys, c.skipped, c.lastErr = keys, skipped, nil
			c.loadedAt = c.now()
		}
		c.running = nil
		c.mu.Unlock()
		// Logged before the waiters go on, so that what they do next
		// follows it in the log.
		c.report(loadCtx, err, failedBefore, loadedAt, skippedBefore, skipped)
		close(call.done)
	}()
}

// report logs what a load changed: a failure (and whether older keys
// remain in use), the recovery after one, keys newly left out.
func (c *keyCache) report(ctx context.Context, err error, failedBefore bool, loadedAt time.Time, skippedBefore, skipped map[string]string) {
	log := c.log
	if log == nil {
		log = slog.Default()
	}
	switch {
	case err != nil && loadedAt.IsZero():
		log.WarnContext(ctx, "betterauth/jwt: loading keys failed; tokens cannot be verified until a load succeeds", "source", c.what, "error", err.Error())
	case err != nil:
		log.WarnContext(ctx, "betterauth/jwt: reloading keys failed; the keys loaded earlier stay in use until MaxStale", "source", c.what,
			"loaded_ago", c.now().Sub(loadedAt).Round(time.Second).String(), "error", err.Error())
	case failedBefore:
		log.InfoContext(ctx, "betterauth/jwt: keys loaded again", "source", c.what)
	}
	if err == nil && len(skipped) > 0 && !maps.Equal(skipped, skippedBefore) {
		for kid, why := range skipped {
			log.WarnContext(ctx, "betterauth/jwt: a key is left out as unusable; tokens signed with it are refused", "source", c.what, "kid", kid, "reason", why)
		}
	}
}
