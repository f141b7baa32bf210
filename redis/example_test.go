package redis_test

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/redis"
)

// Look up the session of a token taken from Better Auth's session cookie
// (see betterauth.VerifySigned), in the keys @better-auth/redis-storage
// writes by default.
func ExampleNew() {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	store := redis.New(rdb, redis.Options{}) // keys under "better-auth:"

	sess, user, err := store.GetSessionAndUser(context.Background(), "token-from-the-cookie")
	switch {
	case errors.Is(err, ba.ErrNotFound):
		fmt.Println("signed out, revoked or expired: 401")
	case err != nil:
		fmt.Println("Redis is down or holds something else: 503")
	default:
		fmt.Println(user.Email, "until", sess.ExpiresAt)
	}
}
