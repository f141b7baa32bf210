package apikey

import (
	"context"
	"errors"
	"fmt"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// maxContention bounds how often a rate-limit update is retried after
// another verification of the same key changed the row first. Each retry
// means another request made progress, so this is reached only under a
// flood of concurrent requests for one key.
const maxContention = 32

// check applies Better Auth's checks to a found key, in Better Auth's
// order (validateApiKey in @better-auth/api-key): enabled, expiry,
// permissions, used-up quota, then the usage claim.
func (v *Verifier) check(ctx context.Context, k *ba.APIKey, now time.Time, required []Permissions) (*ba.APIKey, error) {
	if k.Enabled != nil && !*k.Enabled {
		return nil, ErrKeyDisabled
	}
	if k.ExpiresAt != nil && now.After(*k.ExpiresAt) {
		if err := v.deleteKey(ctx, k); err != nil {
			return nil, err
		}
		return nil, ErrKeyExpired
	}
	for _, p := range required {
		if p != nil && !HasPermissions(k.Permissions, p) {
			return nil, ErrKeyNotFound
		}
	}
	if k.Remaining != nil && *k.Remaining == 0 && k.RefillAmount == nil {
		if err := v.deleteKey(ctx, k); err != nil {
			return nil, err
		}
		return nil, ErrUsageExceeded
	}
	if !v.count {
		return k, v.peek(k, now)
	}
	row := k
	var err error
	if k.Remaining != nil {
		if row, err = v.consumeRemaining(ctx, k, now); err != nil {
			return nil, err
		}
	}
	if row, err = v.consumeRateLimit(ctx, row, now); err != nil {
		return nil, err
	}
	row, err = v.usage.TouchAPIKey(ctx, row.ID, now)
	if err != nil {
		return nil, lookupError(err, ErrInvalidKey)
	}
	return row, nil
}

// deleteKey removes a key Better Auth would remove on verification (expired,
// or used up without refill); only when counting usage.
func (v *Verifier) deleteKey(ctx context.Context, k *ba.APIKey) error {
	if !v.count {
		return nil
	}
	if err := v.usage.DeleteAPIKey(ctx, k.ID); err != nil && !errors.Is(err, ba.ErrNotFound) {
		return unavailable(err)
	}
	return nil
}

// refillDue reports whether a refill applies: both refillInterval and
// refillAmount set and non-zero, and more than refillInterval ms since
// lastRefillAt (or createdAt, before the first refill).
func refillDue(k *ba.APIKey, now time.Time) bool {
	if k.RefillInterval == nil || *k.RefillInterval == 0 || k.RefillAmount == nil || *k.RefillAmount == 0 {
		return false
	}
	last := k.CreatedAt
	if k.LastRefillAt != nil {
		last = *k.LastRefillAt
	}
	return now.Sub(last).Milliseconds() > *k.RefillInterval
}

// peek refuses what counting would refuse now, without writing.
func (v *Verifier) peek(k *ba.APIKey, now time.Time) error {
	if k.Remaining != nil && !refillDue(k, now) && *k.Remaining <= 0 {
		return ErrUsageExceeded
	}
	if d := v.rateLimit(k, now); d.kind == rateDeny {
		return &RateLimitError{RetryAfter: d.retryAfter}
	}
	return nil
}

// consumeRemaining refills when due (one winner among concurrent
// verifications, by compare-and-swap on lastRefillAt; the refill itself
// counts as a use, so remaining becomes refillAmount-1) and otherwise
// decrements remaining while it is above zero.
func (v *Verifier) consumeRemaining(ctx context.Context, k *ba.APIKey, now time.Time) (*ba.APIKey, error) {
	if refillDue(k, now) {
		row, err := v.usage.RefillAPIKey(ctx, k.ID, k.LastRefillAt, *k.RefillAmount-1, now)
		if err == nil {
			return row, nil
		}
		if !errors.Is(err, ba.ErrNotFound) {
			return nil, unavailable(err)
		}
	}
	row, err := v.usage.DecrementAPIKeyRemaining(ctx, k.ID)
	if err != nil {
		return nil, lookupError(err, ErrUsageExceeded)
	}
	return row, nil
}

type rateKind int

const (
	rateSkip      rateKind = iota // no limit; lastRequest is not written
	rateSkipTouch                 // no limit; lastRequest = now is written
	rateStart                     // first request ever: requestCount = 1
	rateReset                     // window over: requestCount = 1
	rateIncrement                 // within the window, below the max
	rateDeny
)

type rateDecision struct {
	kind        rateKind
	windowStart time.Time
	max         int64
	retryAfter  time.Duration
}

// rateLimit is Better Auth's evaluateRateLimit. The window is measured
// from lastRequest, which every counted request moves forward: a key
// used at least once per window never gets a fresh window.
func (v *Verifier) rateLimit(k *ba.APIKey, now time.Time) rateDecision {
	if v.noLimit || (k.RateLimitEnabled != nil && !*k.RateLimitEnabled) {
		return rateDecision{kind: rateSkipTouch}
	}
	if k.RateLimitTimeWindow == nil || k.RateLimitMax == nil {
		return rateDecision{kind: rateSkip}
	}
	if k.LastRequest == nil {
		return rateDecision{kind: rateStart}
	}
	window := *k.RateLimitTimeWindow
	since := now.Sub(*k.LastRequest).Milliseconds()
	start := now.Add(-time.Duration(window) * time.Millisecond)
	if since > window {
		return rateDecision{kind: rateReset, windowStart: start}
	}
	var count int64
	if k.RequestCount != nil {
		count = *k.RequestCount
	}
	if count >= *k.RateLimitMax {
		return rateDecision{kind: rateDeny, retryAfter: time.Duration(window-since) * time.Millisecond}
	}
	return rateDecision{kind: rateIncrement, windowStart: start, max: *k.RateLimitMax}
}

// consumeRateLimit claims a slot in the key's rate-limit window with a
// guarded update; when another verification changed the row first, it
// reads the row again and decides again.
func (v *Verifier) consumeRateLimit(ctx context.Context, k *ba.APIKey, now time.Time) (*ba.APIKey, error) {
	for range maxContention {
		d := v.rateLimit(k, now)
		var row *ba.APIKey
		var err error
		switch d.kind {
		case rateDeny:
			return nil, &RateLimitError{RetryAfter: d.retryAfter}
		case rateSkip:
			return k, nil
		case rateSkipTouch:
			row, err = v.usage.SetAPIKeyLastRequest(ctx, k.ID, now)
			if errors.Is(err, ba.ErrNotFound) {
				return k, nil // Better Auth keeps the row it had
			}
		case rateStart:
			row, err = v.usage.StartAPIKeyRateLimitWindow(ctx, k.ID, nil, now)
		case rateReset:
			start := d.windowStart
			row, err = v.usage.StartAPIKeyRateLimitWindow(ctx, k.ID, &start, now)
		case rateIncrement:
			row, err = v.usage.IncrementAPIKeyRequestCount(ctx, k.ID, d.windowStart, d.max, now)
		}
		if err == nil {
			return row, nil
		}
		if !errors.Is(err, ba.ErrNotFound) {
			return nil, unavailable(err)
		}
		if k, err = v.usage.GetAPIKey(ctx, k.ID); err != nil {
			return nil, lookupError(err, ErrInvalidKey)
		}
	}
	return nil, fmt.Errorf("%w: api key %s: too much contention on its rate limit", ba.ErrUnavailable, k.ID)
}
