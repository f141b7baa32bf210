package sessioncache_test

import (
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestSessionBackend checks a CachedBackend as a betterauth.SessionBackend,
// in front of a SQL store and in front of Redis: the suite reads every
// session before changing it, so a write that leaves a stale copy in the
// cache fails it.
func TestSessionBackend(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		storetest.RunSessionBackend(t, storetest.Cached(storetest.SQLBackend(sqlstore.SQLite)))
	})
	t.Run("Redis", func(t *testing.T) {
		storetest.RunSessionBackend(t, storetest.Cached(storetest.RedisBackend()))
	})
}
