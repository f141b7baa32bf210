package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
)

const secret = "redis-test-secret-0123456789abcdef0123456789"

// mustClient connects to the test Redis and closes the client at the end.
func mustClient(tb testing.TB) (*goredis.Client, string) {
	tb.Helper()
	addr := testdb.RedisAddr(tb)
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	tb.Cleanup(func() { _ = c.Close() })
	return c, addr
}

// uniquePrefix returns a key prefix of its own for this test and deletes
// every key under it when the test ends.
func uniquePrefix(tb testing.TB, c *goredis.Client) string {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "batest:" + hex.EncodeToString(b) + ":"
	tb.Cleanup(func() { deleteKeys(tb, c, prefix+"*") })
	return prefix
}

func deleteKeys(tb testing.TB, c *goredis.Client, pattern string) {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, pattern, 100).Iterator()
	for iter.Next(ctx) {
		_ = c.Del(ctx, iter.Val()).Err()
	}
	if err := iter.Err(); err != nil {
		tb.Logf("clean up %s: %v", pattern, err)
	}
}

// keysUnder lists the keys under prefix, without it, sorted.
func keysUnder(tb testing.TB, c *goredis.Client, prefix string) []string {
	tb.Helper()
	ctx := context.Background()
	var out []string
	iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		out = append(out, strings.TrimPrefix(iter.Val(), prefix))
	}
	if err := iter.Err(); err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// mustNew is redis.New, failing tb on an error.
func mustNew(tb testing.TB, c goredis.UniversalClient, opts redis.Options) *redis.Store {
	tb.Helper()
	s, err := redis.New(c, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// newStore returns a store with a fresh prefix on the test Redis.
func newStore(tb testing.TB, opts redis.Options) (*redis.Store, *goredis.Client, string) {
	tb.Helper()
	c, _ := mustClient(tb)
	if opts.KeyPrefix == "" && !opts.NoKeyPrefix {
		opts.KeyPrefix = uniquePrefix(tb, c)
	}
	return mustNew(tb, c, opts), c, opts.KeyPrefix
}

// startBA runs Better Auth on a fresh SQLite database with Redis secondary
// storage under prefix (a nil prefix leaves redisStorage's default).
func startBA(tb testing.TB, addr string, prefix *string, session map[string]any, plugins ...string) *batest.Harness {
	tb.Helper()
	ss := map[string]any{"redisURL": "redis://" + addr, "log": true}
	if prefix != nil {
		ss["keyPrefix"] = *prefix
	}
	h := batest.Start(tb, batest.Config{
		Dialect: "sqlite",
		URL:     testdb.SQLite(tb),
		Secret:  secret,
		Session: session,
		Plugins: plugins,
		Extra:   map[string]any{"secondaryStorage": ss},
	})
	var m struct{ SQL string }
	h.MustCall(tb, "migrate", nil, &m)
	if strings.Contains(m.SQL, `"session"`) {
		tb.Fatalf("with secondary storage Better Auth should not create a session table:\n%s", m.SQL)
	}
	return h
}

// liveBA is a Go store and a Better Auth instance sharing one key prefix.
type liveBA struct {
	store  *redis.Store
	client *goredis.Client
	prefix string
	h      *batest.Harness
}

func newLiveBA(tb testing.TB, opts redis.Options, session map[string]any, plugins ...string) *liveBA {
	tb.Helper()
	c, addr := mustClient(tb)
	opts.KeyPrefix = uniquePrefix(tb, c)
	return &liveBA{
		store:  mustNew(tb, c, opts),
		client: c,
		prefix: opts.KeyPrefix,
		h:      startBA(tb, addr, &opts.KeyPrefix, session, plugins...),
	}
}

// signedIn is a Better Auth session as a browser holds it.
type signedIn struct {
	token  string
	cookie string // Cookie header value
	userID string
}

func (l *liveBA) signUp(tb testing.TB, email string) signedIn {
	tb.Helper()
	r := l.h.Request(tb, "POST", "/api/auth/sign-up/email", map[string]string{"user-agent": "redis-test/1", "x-forwarded-for": "203.0.113.7"},
		map[string]any{"name": "Test " + email, "email": email, "password": "correct-horse-battery"})
	return signedInFrom(tb, r)
}

func (l *liveBA) signIn(tb testing.TB, email string) signedIn {
	tb.Helper()
	r := l.h.Request(tb, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": email, "password": "correct-horse-battery"})
	return signedInFrom(tb, r)
}

func signedInFrom(tb testing.TB, r batest.Response) signedIn {
	tb.Helper()
	if r.Status != 200 {
		tb.Fatalf("status %d: %s", r.Status, r.Text)
	}
	var body struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := r.Decode(&body); err != nil {
		tb.Fatal(err)
	}
	for _, c := range r.Cookies() {
		if c.Name == "better-auth.session_token" {
			token, err := ba.VerifySigned(c.Value, secret)
			if err != nil {
				tb.Fatalf("session cookie %q: %v", c.Value, err)
			}
			return signedIn{token: token, cookie: c.Name + "=" + c.Value, userID: body.User.ID}
		}
	}
	tb.Fatalf("no session cookie in %v", r.SetCookie)
	return signedIn{}
}

// cookieFor is the Cookie header Better Auth sets for token.
func cookieFor(token string) string {
	return "better-auth.session_token=" + ba.SignCookieValue(token, secret)
}

// getSession calls Better Auth's get-session with cookie and returns the
// decoded body (nil when Better Auth answers null).
func (l *liveBA) getSession(tb testing.TB, cookie string) map[string]any {
	tb.Helper()
	r := l.h.Request(tb, "GET", "/api/auth/get-session", map[string]string{"cookie": cookie}, nil)
	if r.Status != 200 {
		tb.Fatalf("get-session: status %d: %s", r.Status, r.Text)
	}
	var body map[string]any
	if err := r.Decode(&body); err != nil {
		tb.Fatal(err)
	}
	return body
}

// listSessions calls Better Auth's list-sessions and returns the session ids.
func (l *liveBA) listSessions(tb testing.TB, cookie string) []string {
	tb.Helper()
	r := l.h.Request(tb, "GET", "/api/auth/list-sessions", map[string]string{"cookie": cookie}, nil)
	if r.Status != 200 {
		tb.Fatalf("list-sessions: status %d: %s", r.Status, r.Text)
	}
	var list []struct {
		ID string `json:"id"`
	}
	if err := r.Decode(&list); err != nil {
		tb.Fatal(err)
	}
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	slices.Sort(ids)
	return ids
}

type storageCall struct {
	Op    string `json:"op"`
	Key   string `json:"key"`
	Value string `json:"value"`
	TTL   *int64 `json:"ttl"`
}

// storageLog returns (and clears) Better Auth's secondary-storage calls.
func (l *liveBA) storageLog(tb testing.TB) []storageCall {
	tb.Helper()
	var log []storageCall
	l.h.MustCall(tb, "storageLog", nil, &log)
	return log
}

// asMap round-trips v through JSON.
func asMap(tb testing.TB, v any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func sorted(s ...string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func mustEqual(tb testing.TB, what string, got, want any) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

// mustErr checks that err matches want and none of notWant.
func mustErr(tb testing.TB, err error, want error, notWant ...error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("error %v does not match %v", err, want)
	}
	for _, n := range notWant {
		if errors.Is(err, n) {
			tb.Fatalf("error %v matches %v, want it not to", err, n)
		}
	}
}

// rawGet reads a key and its TTL.
func rawGet(tb testing.TB, c *goredis.Client, key string) (string, time.Duration) {
	tb.Helper()
	ctx := context.Background()
	v, err := c.Get(ctx, key).Result()
	if err != nil {
		tb.Fatalf("GET %s: %v", key, err)
	}
	ttl, err := c.PTTL(ctx, key).Result()
	if err != nil {
		tb.Fatal(err)
	}
	return v, ttl
}

func mustNotExist(tb testing.TB, c *goredis.Client, key string) {
	tb.Helper()
	n, err := c.Exists(context.Background(), key).Result()
	if err != nil {
		tb.Fatal(err)
	}
	if n != 0 {
		tb.Fatalf("key %s exists, want it gone", key)
	}
}

// refsJSON is the active-sessions value Better Auth writes for these
// (token, expiresAt) pairs, already sorted.
func refsJSON(pairs ...any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"token":"` + pairs[i].(string) + `","expiresAt":` + strconv.FormatInt(pairs[i+1].(time.Time).UnixMilli(), 10) + `}`)
	}
	b.WriteByte(']')
	return b.String()
}

// ttlBetween checks Better Auth's TTL rule floor((expiresAt − t)/1000) for
// some instant t in [before, after].
func ttlBetween(tb testing.TB, what string, ttlSeconds int64, expiresAt, before, after time.Time) {
	tb.Helper()
	lo := (expiresAt.UnixMilli() - after.UnixMilli()) / 1000
	hi := (expiresAt.UnixMilli() - before.UnixMilli()) / 1000
	if ttlSeconds < lo || ttlSeconds > hi {
		tb.Fatalf("%s: TTL %d s, want floor((expiresAt − now)/1000) in [%d, %d]", what, ttlSeconds, lo, hi)
	}
}
