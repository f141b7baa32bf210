package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	urlpkg "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/testdb"
	goredis "github.com/redis/go-redis/v9"
)

// startServe runs `betterauth serve` on a free port and returns its base
// URL and a stop function that cancels it and waits for a clean exit.
func startServe(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	base, _, stop := startServeLogged(t, args...)
	return base, stop
}

// clearAuthEnv empties the environment serve reads its database, secrets
// and base URL from.
func clearAuthEnv(t *testing.T) {
	for _, k := range []string{"DATABASE_URL", "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_SECRET", "BETTER_AUTH_URL", "NODE_ENV"} {
		t.Setenv(k, "")
	}
}

// serveEnv is clearAuthEnv with serve's database URL and one secret set.
func serveEnv(t *testing.T, databaseURL, secret string) {
	clearAuthEnv(t)
	t.Setenv("DATABASE_URL", databaseURL)
	t.Setenv("BETTER_AUTH_SECRET", secret)
}

// redisPrefix returns a fresh Redis key prefix and a client on addr; the
// keys under the prefix are removed when the test ends.
func redisPrefix(t *testing.T, addr, name string) (string, *goredis.Client) {
	prefix := testdb.Name(name) + ":"
	client := goredisClient(t, addr)
	t.Cleanup(func() {
		if keys, _ := client.Keys(context.Background(), prefix+"*").Result(); len(keys) > 0 {
			client.Del(context.Background(), keys...)
		}
	})
	return prefix, client
}

// signUp signs a user up with body on base through c and returns the
// session token of the answer, which must be 200 with a token.
func signUp(t *testing.T, c *http.Client, base, body string) string {
	t.Helper()
	res := post(t, c, base, "/api/auth/sign-up/email", body)
	var up struct{ Token string }
	_ = json.NewDecoder(res.Body).Decode(&up)
	res.Body.Close()
	if res.StatusCode != 200 || up.Token == "" {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	return up.Token
}

func post(t *testing.T, c *http.Client, base, path, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestServeEmbeddedDefault(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, k := range []string{"DATABASE_URL", "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_SECRET", "BETTER_AUTH_URL", "NODE_ENV"} {
		t.Setenv(k, "")
	}
	base, stop := startServe(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res := post(t, c, base, "/api/auth/sign-up/email", `{"email":"e@example.com","password":"password123","name":"E"}`)
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("sign-up: %d %s", res.StatusCode, b)
	}
	res.Body.Close()
	info, err := os.Stat(filepath.Join(dir, "betterauth.db.secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("generated secret file: %v %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "betterauth.db")); err != nil {
		t.Fatalf("embedded database: %v", err)
	}
	for _, p := range []string{"/healthz", "/readyz", "/api/openapi.json"} {
		r, err := http.Get(base + p)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, r, err)
		}
		r.Body.Close()
	}
	stop()

	// A restart keeps the secret, so the session cookie is still valid.
	base2, _ := startServe(t)
	req, _ := http.NewRequest("GET", base2+"/api/me", nil)
	for _, ck := range jar.Cookies(mustURL(t, base)) {
		req.AddCookie(ck)
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var me map[string]any
	_ = json.NewDecoder(r.Body).Decode(&me)
	r.Body.Close()
	if r.StatusCode != 200 || me["email"] != "e@example.com" {
		t.Fatalf("session after restart: %d %v", r.StatusCode, me)
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, k := range []string{"BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_SECRET", "NODE_ENV", "DATABASE_URL",
		"BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL", "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL"} {
		t.Setenv(k, "")
	}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"NoSecretSharedDB", map[string]string{"DATABASE_URL": "postgres://u:hunter2secret@127.0.0.1:1/db"}, nil, "BETTER_AUTH_SECRET is not set"},
		{"DefaultSecret", map[string]string{"BETTER_AUTH_SECRET": "better-auth-secret-12345678901234567890"}, nil, "well-known default secret"},
		{"ShortSecretInProduction", map[string]string{"BETTER_AUTH_SECRET": "short", "NODE_ENV": "production"}, nil, "shorter than 32"},
		{"BadCookieCache", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--cookie-cache", "zip"}, "--cookie-cache"},
		{"NegativeCookieCacheMemo", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--cookie-cache", "compact", "--cookie-cache-memo", "-1"}, "--cookie-cache-memo"},
		{"BadRateLimit", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--rate-limit", "maybe"}, "--rate-limit"},
		{"BadProxy", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--trusted-proxies", "nope"}, "--trusted-proxies"},
		{"BadAddr", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--addr", "nope"}, "--addr"},
		{"RedisClientCacheWithoutRedis", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--redis-client-cache", "5s"}, "--redis-client-cache: needs --redis"},
		{"RedisClientCacheTooShort", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--redis", "redis://127.0.0.1:1/0", "--redis-client-cache", "10ms"}, "not between 1s and 5m"},
		{"RedisClientCacheTooLong", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--redis", "redis://127.0.0.1:1/0", "--redis-client-cache", "1h"}, "not between 1s and 5m"},
		{"RedisClientCacheAndSessionCache", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--redis", "redis://127.0.0.1:1/0", "--redis-client-cache", "5s", "--session-cache-ttl", "5s"}, "choose one"},
		{"RedisClientCacheSize", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40)}, []string{"--redis", "redis://127.0.0.1:1/0", "--redis-client-cache", "5s", "--redis-client-cache-size", "0"}, "--redis-client-cache-size"},
		// Better Auth refuses to start on a base URL that is not http(s)
		// (withPath in utils/url.mjs), wherever in the environment it is.
		{"InvalidBaseURL", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40), "BETTER_AUTH_URL": "invalid"}, nil, `invalid base URL: BETTER_AUTH_URL="invalid"`},
		{"NonHTTPBaseURL", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40), "BETTER_AUTH_URL": "ftp://auth.example.com"}, nil, "BETTER_AUTH_URL="},
		{"InvalidNextPublicBaseURL", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40), "NEXT_PUBLIC_BETTER_AUTH_URL": "auth.example.com"}, nil, "NEXT_PUBLIC_BETTER_AUTH_URL="},
		{"InvalidBaseURLVar", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40), "BASE_URL": "/app/"}, nil, "BASE_URL="},
		{"Unreachable", map[string]string{"BETTER_AUTH_SECRET": strings.Repeat("s", 40), "DATABASE_URL": "postgres://u:hunter2secret@127.0.0.1:1/db"}, nil, "PostgreSQL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			args := append([]string{"serve"}, c.args...)
			if c.name != "BadAddr" {
				args = append(args, "--addr", "127.0.0.1:0")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out strings.Builder
			err := run(ctx, args, strings.NewReader(""), &out, &out)
			if err == nil || !strings.Contains(err.Error(), c.want) || exitStatus(err) != 2 {
				t.Fatalf("got %v (status %d), want an error containing %q", err, exitStatus(err), c.want)
			}
			if strings.Contains(err.Error()+out.String(), "hunter2secret") {
				t.Fatal("password leaked")
			}
		})
	}
}

// A database shared with Better Auth is never altered by serve unless told
// to: an incomplete schema stops it with advice.
func TestServeRefusesIncompatibleSharedDatabase(t *testing.T) {
	url := testdb.Postgres(t)
	serveEnv(t, url, strings.Repeat("s", 40))
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "betterauth migrate") {
		t.Fatalf("got %v", err)
	}
	base, _ := startServe(t, "--migrate")
	r, err := http.Get(base + "/readyz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("readyz after --migrate: %v %v", r, err)
	}
	r.Body.Close()
}

func mustURL(t *testing.T, s string) *urlpkg.URL {
	t.Helper()
	u, err := urlpkg.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// With --redis, sessions live in Redis (Better Auth's secondaryStorage
// layout), not in the session table.
func TestServeWithRedis(t *testing.T) {
	addr := testdb.RedisAddr(t)
	dir := t.TempDir()
	t.Chdir(dir)
	serveEnv(t, "", strings.Repeat("r", 40))
	prefix, client := redisPrefix(t, addr, "servetest")
	base, _ := startServe(t, "--redis", "redis://"+addr+"/0", "--redis-key-prefix", prefix)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	token := signUp(t, c, base, `{"email":"r@example.com","password":"password123","name":"R"}`)
	if n, err := client.Exists(context.Background(), prefix+token).Result(); err != nil || n != 1 {
		t.Fatalf("session not in Redis under %s: %v %v", prefix, n, err)
	}
	r, err := c.Get(base + "/api/me")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("/api/me with a Redis session: %v %v", r, err)
	}
	r.Body.Close()
	client.Del(context.Background(), prefix+token)
	r, _ = c.Get(base + "/api/me")
	if r.StatusCode != 401 {
		t.Fatalf("deleted Redis session still accepted: %d", r.StatusCode)
	}
	r.Body.Close()
	keys, _ := client.Keys(context.Background(), prefix+"*").Result()
	if len(keys) > 0 {
		client.Del(context.Background(), keys...)
	}
	if err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--redis", "redis://:hunter2secret@127.0.0.1:1/0"}, strings.NewReader(""), io.Discard, io.Discard); err == nil || strings.Contains(err.Error(), "hunter2secret") || !strings.Contains(err.Error(), "Redis") {
		t.Fatalf("unreachable Redis: %v", err)
	}
}

// With --redis-client-cache, two servers answer session reads from memory,
// and a sign-out on one is refused there at once and on the other as soon
// as Redis's invalidation arrives — not after the one-minute bound.
func TestServeRedisClientCacheTwoInstances(t *testing.T) {
	addr := testdb.RedisAddr(t)
	serveEnv(t, testdb.Postgres(t), strings.Repeat("c", 40))
	prefix, _ := redisPrefix(t, addr, "servecsc")
	// No --trusted-origins: with --addr 127.0.0.1:0 the default base URL
	// names the port the system chose, so the sign-out below, sent with
	// that origin, passes the origin check.
	flags := []string{"--redis", "redis://" + addr + "/0", "--redis-key-prefix", prefix, "--redis-client-cache", "1m"}
	baseA, _ := startServe(t, append(flags, "--migrate", "--metrics")...)
	baseB, _ := startServe(t, flags...)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res := post(t, c, baseA, "/api/auth/sign-up/email", `{"email":"csc@example.com","password":"password123","name":"C"}`)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	cookie := ""
	for _, ck := range jar.Cookies(mustURL(t, baseA)) {
		cookie += ck.Name + "=" + ck.Value + "; "
	}
	me := func(base string) int {
		req, _ := http.NewRequest("GET", base+"/api/me", nil)
		req.Header.Set("Cookie", cookie)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	for _, base := range []string{baseA, baseB, baseA, baseB, baseA, baseB} {
		if st := me(base); st != 200 {
			t.Fatalf("/api/me on %s: %d", base, st)
		}
	}

	res = post(t, c, baseA, "/api/auth/sign-out", `{}`)
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("sign-out: %d %s", res.StatusCode, b)
	}
	if st := me(baseA); st != 401 {
		t.Fatalf("/api/me on the instance that signed out: %d, want 401 at once", st)
	}
	start := time.Now()
	for me(baseB) != 401 {
		if time.Since(start) > 2*time.Second {
			t.Fatal("the other instance still serves the signed-out session after 2s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("sign-out on A refused by B after %s", time.Since(start))

	r, err := http.Get(baseA + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	hits := regexp.MustCompile(`(?m)^betterauth_redis_client_cache_hits_total ([0-9.e+]+)$`).FindSubmatch(body)
	if hits == nil {
		t.Fatalf("no client-cache hits series in /metrics:\n%s", body)
	}
	if n, _ := strconv.ParseFloat(string(hits[1]), 64); n < 1 {
		t.Fatalf("client-cache hits %s, want at least 1 (the third /api/me on A)", hits[1])
	}
}

func goredisClient(t *testing.T, addr string) *goredis.Client {
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return c
}

// serve takes its base URL from the environment as Better Auth does
// (BETTER_AUTH_URL, else NEXT_PUBLIC_BETTER_AUTH_URL, …) and trusts the
// origins of BETTER_AUTH_TRUSTED_ORIGINS besides those of --trusted-origins.
func TestServeOriginsFromEnv(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, k := range []string{"DATABASE_URL", "BETTER_AUTH_SECRETS", "AUTH_SECRET", "NODE_ENV",
		"BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL", "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("BETTER_AUTH_SECRET", strings.Repeat("o", 40))
	t.Setenv("NEXT_PUBLIC_BETTER_AUTH_URL", "http://app.example.test")
	t.Setenv("BETTER_AUTH_TRUSTED_ORIGINS", "https://env-a.example.test,,https://env-b.example.test")
	base, _ := startServe(t, "--trusted-origins", "https://flag.example.test")
	for origin, want := range map[string]int{
		"http://app.example.test":         200,
		"https://env-a.example.test":      200,
		"https://env-b.example.test":      200,
		"https://flag.example.test":       200,
		"http://" + base[len("http://"):]: 403, // not the base URL any more
		"https://evil.example.test":       403,
	} {
		req, _ := http.NewRequest("POST", base+"/api/auth/sign-out", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		req.Header.Set("Cookie", "better-auth.session_token=x")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Origin %s: %d %s, want %d", origin, res.StatusCode, b, want)
		}
	}
}
