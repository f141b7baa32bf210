package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
)

// RedisRateLimiter shares rate-limit counts between instances: a fixed
// window per key, counted with INCR and expired with PEXPIRE in one Lua
// script, so every instance enforces one limit.
type RedisRateLimiter struct {
	Client goredis.UniversalClient
	// Prefix of the keys; "betterauth:ratelimit:" by default.
	Prefix string
}

var rateScript = goredis.NewScript(`
local n = redis.call("INCR", KEYS[1])
if n == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
return {n, redis.call("PTTL", KEYS[1])}
`)

func (l RedisRateLimiter) Allow(ctx context.Context, key string, window time.Duration, max int) (bool, time.Duration, error) {
	prefix := l.Prefix
	if prefix == "" {
		prefix = "betterauth:ratelimit:"
	}
	res, err := rateScript.Run(ctx, l.Client, []string{prefix + key}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("%w: rate limiter: %v", ba.ErrUnavailable, errors.Unwrap(err))
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("%w: rate limiter: unexpected reply", ba.ErrUnavailable)
	}
	if res[0] > int64(max) {
		ttl := time.Duration(res[1]) * time.Millisecond
		if ttl <= 0 {
			ttl = window
		}
		return false, ttl, nil
	}
	return true, 0, nil
}
