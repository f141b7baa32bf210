package redis_test

import (
	"context"
	"encoding/json"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

func TestZZCapture(t *testing.T) {
	addr := testdb.RedisAddr(t)
	prefix := "batest:capture:"
	h := batest.Start(t, batest.Config{Dialect: "sqlite", URL: testdb.SQLite(t), Secret: "0123456789abcdef0123456789abcdef",
		Extra: map[string]any{"secondaryStorage": map[string]any{"redisURL": "redis://" + addr, "keyPrefix": prefix, "log": true}}})
	var mig struct{ SQL string }
	h.MustCall(t, "migrate", nil, &mig)
	t.Logf("migration: %s", mig.SQL)
	r := h.Request(t, "POST", "/api/auth/sign-up/email", map[string]string{"user-agent": "UA/1", "x-forwarded-for": "1.2.3.4"}, map[string]any{"name": "Bob", "email": "Bob@Example.com", "password": "password1234"})
	t.Logf("signup %d %s %v", r.Status, r.Text, r.SetCookie)
	var log []map[string]any
	dump := func(label string) {
		var log []map[string]any
		h.MustCall(t, "storageLog", nil, &log)
		for _, e := range log {
			b, _ := json.Marshal(e)
			t.Logf("%s SS %s", label, b)
		}
	}
	h.MustCall(t, "storageLog", nil, &log)
	for _, e := range log {
		b, _ := json.Marshal(e)
		t.Logf("SS %s", b)
	}
	c := goredis.NewClient(&goredis.Options{Addr: addr})
	ctx := context.Background()
	keys, _ := c.Keys(ctx, prefix+"*").Result()
	for _, k := range keys {
		v, _ := c.Get(ctx, k).Result()
		ttl, _ := c.PTTL(ctx, k).Result()
		t.Logf("KEY %s pttl=%v\n  %s", k, ttl, v)
	}
	ck := batest.CookieHeader(r.SetCookie)
	g := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": ck}, nil)
	t.Logf("get-session %d %s", g.Status, g.Text)
	l := h.Request(t, "GET", "/api/auth/list-sessions", map[string]string{"cookie": ck}, nil)
	t.Logf("list-sessions %d %s", l.Status, l.Text)
	h.MustCall(t, "storageLog", nil, &log)
	for _, e := range log {
		b, _ := json.Marshal(e)
		t.Logf("SS %s", b)
	}
	// sign in second session, update user, revoke
	r2 := h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "bob@example.com", "password": "password1234"})
	t.Logf("signin %d", r2.Status)
	u := h.Request(t, "POST", "/api/auth/update-user", map[string]string{"cookie": ck}, map[string]any{"name": "Robert"})
	t.Logf("update-user %d %s", u.Status, u.Text)
	h.MustCall(t, "storageLog", nil, &log)
	for _, e := range log {
		b, _ := json.Marshal(e)
		t.Logf("SS %s", b)
	}
	g = h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": ck}, nil)
	t.Logf("get-session %d %s %v", g.Status, g.Text, g.SetCookie)
	dump("refresh")
	var tok struct{ Token string }
	_ = json.Unmarshal(r.Body, &tok)
	var upd any
	h.MustCall(t, "internal", map[string]any{"method": "updateSession", "args": []any{tok.Token, map[string]any{"expiresAt": "2026-12-24T00:00:00.000Z", "updatedAt": "2026-11-25T23:59:00.000Z"}}}, &upd)
	t.Logf("updateSession -> %v", upd)
	dump("update")
	so := h.Request(t, "POST", "/api/auth/sign-out", map[string]string{"cookie": batest.CookieHeader(r2.SetCookie)}, map[string]any{})
	t.Logf("sign-out %d", so.Status)
	dump("signout")
	rv := h.Request(t, "POST", "/api/auth/revoke-sessions", map[string]string{"cookie": ck}, map[string]any{})
	t.Logf("revoke-sessions %d %s %v", rv.Status, rv.Text, rv.SetCookie)
	h.MustCall(t, "storageLog", nil, &log)
	for _, e := range log {
		b, _ := json.Marshal(e)
		t.Logf("SS %s", b)
	}
	keys, _ = c.Keys(ctx, prefix+"*").Result()
	for _, k := range keys {
		v, _ := c.Get(ctx, k).Result()
		ttl, _ := c.PTTL(ctx, k).Result()
		t.Logf("KEY %s pttl=%v\n  %s", k, ttl, v)
		c.Del(ctx, k)
	}
}
