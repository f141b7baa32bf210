package redis_test

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
)

// Look up the session of a token taken from Better Auth's session cookie
// (see betterauth.VerifySigned), in the keys @better-auth/redis-storage
// writes by default.
func ExampleNew() {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	store, err := redis.New(rdb, redis.Options{}) // keys under "better-auth:"
	if err != nil {
		fmt.Println(err)
		return
	}

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

// Wire a Go server into a Better Auth app configured with
// secondaryStorage: redisStorage({client}) and
// session: {storeSessionInDatabase: true}: sessions in Redis and the
// session table (the table read on a Redis miss, as Better Auth reads it),
// reset tokens in Redis only.
func ExampleNewDualBackend() {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "app.db")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{SecondaryStorage: true, StoreSessionInDatabase: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	rs, err := redis.New(rdb, redis.Options{Schema: store.Schema()})
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = server.New(server.Config{
		Store:         store,
		Secrets:       []ba.Secret{{Value: "the app's BETTER_AUTH_SECRET"}},
		Sessions:      redis.NewDualBackend(rs, store, redis.DualOptions{}),
		Verifications: rs, // verification:<identifier> keys, as Better Auth's
	})
	fmt.Println(err)
}
