package redis

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/betterauth-go/betterauth/internal/testdb"
)

func TestLocalRevocations(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r := newLocalRevocations(time.Second)
	r.deleted("tok", now)
	r.revoked("u1", 1000, now)
	r.revoked("u1", 900, now) // an older marker never lowers a newer one
	switch {
	case !r.isDeleted("tok", now.Add(999*time.Millisecond)):
		t.Fatal("deleted token forgotten within the staleness bound")
	case r.isDeleted("tok", now.Add(time.Second)):
		t.Fatal("deleted token remembered past the staleness bound")
	case r.isDeleted("other", now):
		t.Fatal("a token never deleted is reported deleted")
	case r.marker("u1", now) != 1000:
		t.Fatalf("marker %v, want 1000", r.marker("u1", now))
	case r.marker("u1", now.Add(time.Second)) != 0:
		t.Fatal("marker remembered past the staleness bound")
	case r.marker("u2", now) != 0:
		t.Fatal("marker for a user never revoked")
	}

	var none *localRevocations // a store without client-side caching
	none.deleted("tok", now)
	none.revoked("u", 1, now)
	if none.isDeleted("tok", now) || none.marker("u", now) != 0 {
		t.Fatal("a nil localRevocations remembered something")
	}
	if newLocalRevocations(0).keep != maxCachedStaleness || newLocalRevocations(time.Hour).keep != maxCachedStaleness {
		t.Fatal("an unknown or too long staleness is not capped")
	}
}

// TestLocalRevocationsBounded: the maps never outgrow localRevocationsMax;
// when full of live entries, the ones that expire first go, and the
// newest revocation is always kept.
func TestLocalRevocationsBounded(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r := newLocalRevocations(time.Minute)
	for i := range 3 * localRevocationsMax {
		at := now.Add(time.Duration(i) * time.Millisecond)
		r.deleted("t"+strconv.Itoa(i), at)
		r.revoked("u"+strconv.Itoa(i), float64(i), at)
		if len(r.tokens) > localRevocationsMax || len(r.markers) > localRevocationsMax {
			t.Fatalf("after %d: %d tokens, %d markers, max %d", i, len(r.tokens), len(r.markers), localRevocationsMax)
		}
	}
	last := 3*localRevocationsMax - 1
	end := now.Add(time.Duration(last) * time.Millisecond)
	if !r.isDeleted("t"+strconv.Itoa(last), end) || r.marker("u"+strconv.Itoa(last), end) != float64(last) {
		t.Fatal("the newest revocation was dropped")
	}
	if r.isDeleted("t0", end) {
		t.Fatal("the oldest revocation survived a full map")
	}
	// Expired entries are dropped first.
	r = newLocalRevocations(time.Millisecond)
	for i := range localRevocationsMax {
		r.deleted("t"+strconv.Itoa(i), now)
	}
	r.deleted("fresh", now.Add(time.Second))
	if len(r.tokens) != 1 || !r.isDeleted("fresh", now.Add(time.Second)) {
		t.Fatalf("%d tokens after a prune of expired ones, want 1", len(r.tokens))
	}
}

// TestGetAndDeleteScript: without GETDEL (Redis before 6.2) the script
// reads and deletes in one step, as @better-auth/redis-storage's fallback.
func TestGetAndDeleteScript(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: testdb.RedisAddr(t)})
	defer c.Close()
	ctx := context.Background()
	s, err := New(c, Options{KeyPrefix: testdb.Name("getdel") + ":"})
	if err != nil {
		t.Fatal(err)
	}
	s.noGetDel.Store(true)
	key := s.verificationKeyStored("k")
	if err := c.Set(ctx, key, "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	b, err := s.getAndDelete(ctx, key)
	if err != nil || string(b) != "v" {
		t.Fatalf("getAndDelete = %q, %v", b, err)
	}
	if _, err := s.getAndDelete(ctx, key); !errors.Is(err, goredis.Nil) {
		t.Fatalf("second getAndDelete: %v, want redis.Nil", err)
	}
	if isUnknownCommand(errors.New("ERR unknown command 'GETDEL'")) {
		t.Fatal("a plain error is not a Redis reply")
	}
}
