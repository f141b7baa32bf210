package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/redis"
)

// RedisSessions keeps sessions in Redis exactly as Better Auth's
// secondaryStorage (@better-auth/redis-storage) does, so both read the same
// sessions. The SQL session table is not used.
type RedisSessions struct{ Store *redis.Store }

func (s RedisSessions) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	return s.Store.GetSessionAndUser(ctx, token)
}

func (s RedisSessions) CreateSession(ctx context.Context, sess *ba.Session, user *ba.User) error {
	return s.Store.CreateSession(ctx, sess, user)
}

func (s RedisSessions) ListSessions(ctx context.Context, userID string) ([]ba.Session, error) {
	list, err := s.Store.ListSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	// Better Auth's list-sessions shows unexpired sessions only.
	out := list[:0]
	now := time.Now()
	for _, sess := range list {
		if !sess.IsExpired(now) {
			out = append(out, sess)
		}
	}
	return out, nil
}

func (s RedisSessions) DeleteSession(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, token)
}

func (s RedisSessions) RevokeUserSessions(ctx context.Context, userID string) (int64, error) {
	n, err := s.Store.RevokeUserSessions(ctx, userID)
	return int64(n), err
}

func (s RedisSessions) RefreshSession(ctx context.Context, token string, expiresAt time.Time) error {
	return s.Store.UpdateSession(ctx, token, expiresAt)
}

func (s RedisSessions) UserChanged(ctx context.Context, user *ba.User) error {
	return s.Store.RefreshUser(ctx, user)
}

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
