package redis_test

// Live cross-checks against the real Better Auth 1.7.25 with
// @better-auth/redis-storage, sharing one Redis key prefix per test.

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/redis"
)

// TestBetterAuthSessionReadByGo: a session Better Auth creates at sign-up is
// read by Go exactly as Better Auth's get-session returns it, and the keys,
// values and TTLs Better Auth wrote are the documented layout.
func TestBetterAuthSessionReadByGo(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	l.storageLog(t)
	before := time.Now()
	a := l.signUp(t, "alice@example.com")
	after := time.Now()
	calls := l.storageLog(t)

	sess, user, err := l.store.GetSessionAndUser(ctx, a.token)
	if err != nil {
		t.Fatal(err)
	}
	body := l.getSession(t, a.cookie)
	mustEqual(t, "session (Go vs get-session)", asMap(t, sess), body["session"])
	mustEqual(t, "user (Go vs get-session)", asMap(t, user), body["user"])
	if *sess.IPAddress != "203.0.113.7" || *sess.UserAgent != "redis-test/1" || sess.Token != a.token || user.ID != a.userID {
		t.Fatalf("unexpected session %+v / user %+v", sess, user)
	}

	// What Better Auth wrote: the list first, then the entry.
	var sets []storageCall
	for _, c := range calls {
		if c.Op == "set" {
			sets = append(sets, c)
		}
	}
	if len(sets) != 2 || sets[0].Key != "active-sessions-"+a.userID || sets[1].Key != a.token {
		t.Fatalf("Better Auth's writes at sign-up: %+v", sets)
	}
	mustEqual(t, "active-sessions value", sets[0].Value, refsJSON(a.token, sess.ExpiresAt))
	ttlBetween(t, "active-sessions TTL", *sets[0].TTL, sess.ExpiresAt, before, after)
	ttlBetween(t, "entry TTL", *sets[1].TTL, sess.ExpiresAt, before, after)
	// floor((expiresAt - now) / 1000) with now read after expiresAt was
	// set: expiresIn (604800) when both fall in one millisecond, else less.
	if *sets[1].TTL > 604800 {
		t.Errorf("entry TTL %d: Better Auth computes it after createdAt, so it is at most expiresIn", *sets[1].TTL)
	}
	stored, ttl := rawGet(t, l.client, l.prefix+a.token)
	mustEqual(t, "stored entry", stored, sets[1].Value)
	if ttl <= 0 || ttl > time.Duration(*sets[1].TTL)*time.Second {
		t.Fatalf("Redis TTL %s, set with %d s", ttl, *sets[1].TTL)
	}
	mustEqual(t, "keys", keysUnder(t, l.client, l.prefix), sorted(a.token, "active-sessions-"+a.userID))

	list, err := l.store.ListUserSessions(ctx, a.userID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != sess.ID {
		t.Fatalf("ListUserSessions = %+v", list)
	}
	mustEqual(t, "list-sessions", l.listSessions(t, a.cookie), []string{sess.ID})
}

// TestGoSessionAcceptedByBetterAuth: a session Go creates for a Better Auth
// user is accepted by get-session and listed by list-sessions, with the same
// keys and TTL rule as Better Auth's own.
func TestGoSessionAcceptedByBetterAuth(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a := l.signUp(t, "bob@example.com")
	baSess, user, err := l.store.GetSessionAndUser(ctx, a.token)
	if err != nil {
		t.Fatal(err)
	}
	baEntry, _ := rawGet(t, l.client, l.prefix+a.token)

	ip, ua := "198.51.100.1", "go-client/2"
	g := &ba.Session{IPAddress: &ip, UserAgent: &ua}
	before := time.Now()
	if err := l.store.CreateSession(ctx, g, user); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	if len(g.ID) != 32 || len(g.Token) != 32 || g.UserID != user.ID || !g.UpdatedAt.Equal(g.CreatedAt) ||
		!g.ExpiresAt.Equal(g.CreatedAt.Add(ba.DefaultSessionExpiresIn)) {
		t.Fatalf("CreateSession did not fill the session as Better Auth does: %+v", g)
	}

	// Same layout as Better Auth's entry: the same fields in session and
	// user, and the TTL rule.
	goEntry, ttl := rawGet(t, l.client, l.prefix+g.Token)
	var goParts, baParts struct{ Session, User map[string]any }
	if err := json.Unmarshal([]byte(goEntry), &goParts); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(baEntry), &baParts); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "session fields", keysOf(goParts.Session), keysOf(baParts.Session))
	mustEqual(t, "user fields", keysOf(goParts.User), keysOf(baParts.User))
	mustEqual(t, "user", goParts.User, baParts.User)
	ttlBetween(t, "entry TTL", int64(ttl.Round(time.Second)/time.Second), g.ExpiresAt, before, after.Add(time.Second))
	listValue, listTTL := rawGet(t, l.client, l.prefix+"active-sessions-"+user.ID)
	mustEqual(t, "active-sessions", listValue, refsJSON(a.token, baSess.ExpiresAt, g.Token, g.ExpiresAt))
	ttlBetween(t, "active-sessions TTL", int64(listTTL.Round(time.Second)/time.Second), g.ExpiresAt, before, after.Add(time.Second))

	body := l.getSession(t, cookieFor(g.Token))
	if body == nil {
		t.Fatal("Better Auth refused the session Go created")
	}
	mustEqual(t, "session (Go vs get-session)", asMap(t, g), body["session"])
	mustEqual(t, "list-sessions", l.listSessions(t, a.cookie), sorted(baSess.ID, g.ID))
	mustEqual(t, "list-sessions (Go cookie)", l.listSessions(t, cookieFor(g.Token)), sorted(baSess.ID, g.ID))
	list, err := l.store.ListUserSessions(ctx, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != baSess.ID || list[1].ID != g.ID {
		t.Fatalf("ListUserSessions order: %+v", list)
	}

	dup := &ba.Session{Token: g.Token}
	mustErr(t, l.store.CreateSession(ctx, dup, user), ba.ErrDuplicate)
}

// TestEntryBytesMatchBetterAuth: for the same values, CreateSession writes
// the entry and list Better Auth's createSession writes, and UserChanged the
// entry Better Auth's update-user writes, byte for byte, with and without
// the admin plugin's user fields.
func TestEntryBytesMatchBetterAuth(t *testing.T) {
	adminSchema, err := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		plugins []string
		schema  *ba.ResolvedSchema
	}{
		{"Core", nil, nil},
		{"Admin", []string{"admin"}, adminSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLiveBA(t, redis.Options{Schema: tc.schema}, nil, tc.plugins...)
			ctx := context.Background()
			a := l.signUp(t, "kim@example.com")
			key, listKey := l.prefix+a.token, l.prefix+"active-sessions-"+a.userID
			baEntry, _ := rawGet(t, l.client, key)
			baList, _ := rawGet(t, l.client, listKey)
			sess, user, err := l.store.GetSessionAndUser(ctx, a.token)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.client.Del(ctx, key, listKey).Err(); err != nil {
				t.Fatal(err)
			}
			if err := l.store.CreateSession(ctx, sess, user); err != nil {
				t.Fatal(err)
			}
			goEntry, _ := rawGet(t, l.client, key)
			goList, _ := rawGet(t, l.client, listKey)
			mustEqual(t, "CreateSession entry (Go vs Better Auth)", goEntry, baEntry)
			mustEqual(t, "CreateSession list (Go vs Better Auth)", goList, baList)

			r := l.h.Request(t, "POST", "/api/auth/update-user", map[string]string{"cookie": a.cookie}, map[string]any{"name": "Kim Updated"})
			if r.Status != 200 {
				t.Fatalf("update-user: %d %s", r.Status, r.Text)
			}
			baUpdated, _ := rawGet(t, l.client, key)
			_, updatedUser, err := l.store.GetSessionAndUser(ctx, a.token)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.client.Set(ctx, key, goEntry, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			if err := l.store.UserChanged(ctx, updatedUser); err != nil {
				t.Fatal(err)
			}
			goUpdated, _ := rawGet(t, l.client, key)
			mustEqual(t, "UserChanged entry (Go vs Better Auth)", goUpdated, baUpdated)
		})
	}
}

// TestRefreshSessionMatchesBetterAuth: Go's RefreshSession writes the same
// bytes and TTLs as Better Auth's updateSession for the same change, and
// Better Auth serves the new expiry.
func TestRefreshSessionMatchesBetterAuth(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a := l.signUp(t, "erin@example.com")
	b := l.signIn(t, "erin@example.com")
	key, listKey := l.prefix+a.token, l.prefix+"active-sessions-"+a.userID
	origEntry, _ := rawGet(t, l.client, key)
	origList, _ := rawGet(t, l.client, listKey)

	now := ba.Truncate(time.Now())
	expires := now.Add(10 * 24 * time.Hour)
	l.h.MustCall(t, "internal", map[string]any{"method": "updateSession", "args": []any{
		a.token, map[string]any{"expiresAt": ba.FormatTime(expires), "updatedAt": ba.FormatTime(now)},
	}}, nil)
	baEntry, baTTL := rawGet(t, l.client, key)
	baList, baListTTL := rawGet(t, l.client, listKey)

	// Put Better Auth's original values back and make the same change in Go.
	if err := l.client.Set(ctx, key, origEntry, 7*24*time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := l.client.Set(ctx, listKey, origList, 7*24*time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	store := mustNew(t, l.client, redis.Options{KeyPrefix: l.prefix, Now: func() time.Time { return now }})
	if err := store.RefreshSession(ctx, a.token, expires); err != nil {
		t.Fatal(err)
	}
	goEntry, goTTL := rawGet(t, l.client, key)
	goList, goListTTL := rawGet(t, l.client, listKey)
	mustEqual(t, "entry bytes (Go vs Better Auth)", goEntry, baEntry)
	mustEqual(t, "list bytes (Go vs Better Auth)", goList, baList)
	for _, d := range []time.Duration{goTTL - baTTL, goListTTL - baListTTL} {
		if d < -2*time.Second || d > 2*time.Second {
			t.Fatalf("TTLs differ: entry Go %s BA %s, list Go %s BA %s", goTTL, baTTL, goListTTL, baListTTL)
		}
	}
	var refs []struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal([]byte(goList), &refs)
	if len(refs) != 2 || refs[0].Token != b.token || refs[1].Token != a.token {
		t.Fatalf("list not re-sorted by expiresAt: %s", goList)
	}

	body := l.getSession(t, a.cookie)
	s := body["session"].(map[string]any)
	if s["expiresAt"] != ba.FormatTime(expires) || s["updatedAt"] != ba.FormatTime(now) {
		t.Fatalf("Better Auth serves %v", s)
	}

	mustErr(t, l.store.RefreshSession(ctx, "no-such-token", expires), ba.ErrNotFound)
	mustErr(t, l.store.RefreshSession(ctx, a.token, time.Now().Add(-time.Minute)), ba.ErrInvalid)
	mustErr(t, l.store.RefreshSession(ctx, "no-such-token", expires), ba.ErrNotFound)
}

// TestBetterAuthRefreshSeenByGo: Better Auth's sliding refresh (updateAge 0:
// every get-session) is what Go then reads.
func TestBetterAuthRefreshSeenByGo(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, map[string]any{"updateAge": 0})
	ctx := context.Background()
	a := l.signUp(t, "frank@example.com")
	s1, _, err := l.store.GetSessionAndUser(ctx, a.token)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	l.storageLog(t)
	body := l.getSession(t, a.cookie)
	calls := l.storageLog(t)
	s2, _, err := l.store.GetSessionAndUser(ctx, a.token)
	if err != nil {
		t.Fatal(err)
	}
	if !s2.ExpiresAt.After(s1.ExpiresAt) || !s2.UpdatedAt.After(s1.UpdatedAt) || !s2.CreatedAt.Equal(s1.CreatedAt) {
		t.Fatalf("no refresh seen: before %+v after %+v (storage calls %+v)", s1, s2, calls)
	}
	mustEqual(t, "session (Go vs refreshed get-session)", asMap(t, s2), body["session"])
	list, _ := rawGet(t, l.client, l.prefix+"active-sessions-"+a.userID)
	mustEqual(t, "active-sessions after refresh", list, refsJSON(a.token, s2.ExpiresAt))
}

// TestUserChanged: Better Auth's update-user reaches Go, and Go's
// UserChanged reaches Better Auth, without touching the session text.
func TestUserChanged(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a := l.signUp(t, "grace@example.com")
	b := l.signIn(t, "grace@example.com")

	r := l.h.Request(t, "POST", "/api/auth/update-user", map[string]string{"cookie": a.cookie}, map[string]any{"name": "Renamed by Better Auth"})
	if r.Status != 200 {
		t.Fatalf("update-user: %d %s", r.Status, r.Text)
	}
	_, u, err := l.store.GetSessionAndUser(ctx, b.token)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Renamed by Better Auth" {
		t.Fatalf("Go sees user %+v after Better Auth's update-user", u)
	}

	sessionPart := func(token string) string {
		v, _ := rawGet(t, l.client, l.prefix+token)
		var parts struct{ Session json.RawMessage }
		if err := json.Unmarshal([]byte(v), &parts); err != nil {
			t.Fatal(err)
		}
		return string(parts.Session)
	}
	beforeA, beforeB := sessionPart(a.token), sessionPart(b.token)
	u.Name = "Renamed by Go"
	u.UpdatedAt = ba.Truncate(time.Now())
	if err := l.store.UserChanged(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, s := range []signedIn{a, b} {
		body := l.getSession(t, s.cookie)
		mustEqual(t, "user after UserChanged", body["user"], asMap(t, u))
	}
	mustEqual(t, "session text of a", sessionPart(a.token), beforeA)
	mustEqual(t, "session text of b", sessionPart(b.token), beforeB)
	mustErr(t, l.store.UserChanged(ctx, nil), ba.ErrInvalid)
}

var digits = regexp.MustCompile(`^[0-9]{13}$`)

// TestBetterAuthRevokeSessionsSeenByGo: after Better Auth's revoke-sessions
// Go finds nothing, through the deleted keys and through the
// revoked-sessions-before marker, which Go and Better Auth apply alike.
func TestBetterAuthRevokeSessionsSeenByGo(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a := l.signUp(t, "heidi@example.com")
	_, user, err := l.store.GetSessionAndUser(ctx, a.token)
	if err != nil {
		t.Fatal(err)
	}
	g := &ba.Session{}
	if err := l.store.CreateSession(ctx, g, user); err != nil {
		t.Fatal(err)
	}
	l.storageLog(t)
	r := l.h.Request(t, "POST", "/api/auth/revoke-sessions", map[string]string{"cookie": a.cookie}, map[string]any{})
	if r.Status != 200 {
		t.Fatalf("revoke-sessions: %d %s", r.Status, r.Text)
	}
	calls := l.storageLog(t)
	for _, token := range []string{a.token, g.Token} {
		_, _, err := l.store.GetSessionAndUser(ctx, token)
		mustErr(t, err, ba.ErrNotFound, ba.ErrUnavailable)
	}
	markerKey := "revoked-sessions-before-" + user.ID
	mustEqual(t, "keys after revoke-sessions", keysUnder(t, l.client, l.prefix), []string{markerKey})
	markerValue, markerTTL := rawGet(t, l.client, l.prefix+markerKey)
	if !digits.MatchString(markerValue) {
		t.Fatalf("marker value %q, want epoch milliseconds as digits", markerValue)
	}
	if markerTTL > 604800*time.Second || markerTTL < 604790*time.Second {
		t.Fatalf("marker TTL %s, want max(expiresIn, 86400) = 604800 s", markerTTL)
	}
	// Better Auth's order: the marker first, then the entries, then the list.
	var order []string
	for _, c := range calls {
		if c.Op == "set" || c.Op == "delete" {
			order = append(order, c.Op+" "+c.Key)
			if c.Key == markerKey && (c.TTL == nil || *c.TTL != 604800 || c.Value != markerValue) {
				t.Errorf("marker written as %+v", c)
			}
		}
	}
	mustEqual(t, "revoke-sessions writes", order[0], "set "+markerKey)
	mustEqual(t, "revoke-sessions writes (last)", order[len(order)-1], "delete active-sessions-"+user.ID)
	if len(order) != 4 {
		t.Fatalf("revoke-sessions writes: %v", order)
	}

	marker, _ := strconv.ParseInt(markerValue, 10, 64)
	// A Go-written entry created a millisecond before the marker is revoked
	// for both; one created in the marker's millisecond is not (strict <).
	old := &ba.Session{CreatedAt: time.UnixMilli(marker - 1)}
	edge := &ba.Session{CreatedAt: time.UnixMilli(marker)}
	for _, s := range []*ba.Session{old, edge} {
		if err := l.store.CreateSession(ctx, s, user); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = l.store.GetSessionAndUser(ctx, old.Token)
	mustErr(t, err, ba.ErrNotFound)
	if body := l.getSession(t, cookieFor(old.Token)); body != nil {
		t.Fatalf("Better Auth accepted a session created before the marker: %v", body)
	}
	if _, _, err := l.store.GetSessionAndUser(ctx, edge.Token); err != nil {
		t.Fatalf("session created at the marker: %v", err)
	}
	if body := l.getSession(t, cookieFor(edge.Token)); body == nil {
		t.Fatal("Better Auth refused a session created at the marker")
	}
	list, err := l.store.ListUserSessions(ctx, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != edge.ID {
		t.Fatalf("ListUserSessions = %+v, want only the session created at the marker", list)
	}
	mustEqual(t, "list-sessions", l.listSessions(t, cookieFor(edge.Token)), []string{edge.ID})
}

// TestGoRevokeRefusedByBetterAuth: Go's RevokeUserSessions and
// DeleteSessionByToken end sessions for Better Auth too.
func TestGoRevokeRefusedByBetterAuth(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a := l.signUp(t, "ivan@example.com")
	b := l.signIn(t, "ivan@example.com")
	_, user, err := l.store.GetSessionAndUser(ctx, a.token)
	if err != nil {
		t.Fatal(err)
	}
	g := &ba.Session{}
	if err := l.store.CreateSession(ctx, g, user); err != nil {
		t.Fatal(err)
	}

	before := time.Now()
	n, err := l.store.RevokeUserSessions(ctx, user.ID)
	after := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("RevokeUserSessions deleted %d entries, want 3", n)
	}
	for _, cookie := range []string{a.cookie, b.cookie, cookieFor(g.Token)} {
		if body := l.getSession(t, cookie); body != nil {
			t.Fatalf("Better Auth still accepts a revoked session: %v", body)
		}
	}
	markerKey := "revoked-sessions-before-" + user.ID
	mustEqual(t, "keys after RevokeUserSessions", keysUnder(t, l.client, l.prefix), []string{markerKey})
	markerValue, markerTTL := rawGet(t, l.client, l.prefix+markerKey)
	marker, err := strconv.ParseInt(markerValue, 10, 64)
	if err != nil || !digits.MatchString(markerValue) || marker < before.UnixMilli() || marker > after.UnixMilli() {
		t.Fatalf("marker %q, want now in epoch ms", markerValue)
	}
	if markerTTL > 604800*time.Second || markerTTL < 604790*time.Second {
		t.Fatalf("marker TTL %s, want 604800 s", markerTTL)
	}

	c := l.signIn(t, "ivan@example.com")
	d := l.signIn(t, "ivan@example.com")
	if err := l.store.DeleteSessionByToken(ctx, c.token); err != nil {
		t.Fatal(err)
	}
	if body := l.getSession(t, c.cookie); body != nil {
		t.Fatalf("Better Auth still accepts a deleted session: %v", body)
	}
	dSess, _, err := l.store.GetSessionAndUser(ctx, d.token)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "list-sessions", l.listSessions(t, d.cookie), []string{dSess.ID})
	list, _ := rawGet(t, l.client, l.prefix+"active-sessions-"+user.ID)
	mustEqual(t, "active-sessions after DeleteSessionByToken", list, refsJSON(d.token, dSess.ExpiresAt))
	mustErr(t, l.store.DeleteSessionByToken(ctx, c.token), ba.ErrNotFound)
	if err := l.store.DeleteSessionByToken(ctx, d.token); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "keys after deleting the last session", keysUnder(t, l.client, l.prefix), []string{markerKey})
}

// TestKeyPrefixes: the zero Options read what redisStorage writes with its
// default prefix, and NoKeyPrefix what it writes with keyPrefix "".
func TestKeyPrefixes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix *string
		opts   redis.Options
		want   string
	}{
		{"Default", nil, redis.Options{}, "better-auth:"},
		{"Empty", new(string), redis.Options{NoKeyPrefix: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, addr := mustClient(t)
			h := startBA(t, addr, tc.prefix, nil)
			l := &liveBA{store: mustNew(t, c, tc.opts), client: c, prefix: tc.want, h: h}
			if got := l.store.KeyPrefix(); got != tc.want {
				t.Fatalf("KeyPrefix() = %q, want %q", got, tc.want)
			}
			a := l.signUp(t, "judy@example.com")
			t.Cleanup(func() {
				ctx := context.Background()
				for _, k := range []string{a.token, "active-sessions-" + a.userID, "revoked-sessions-before-" + a.userID} {
					_ = c.Del(ctx, tc.want+k).Err()
				}
			})
			if _, _, err := l.store.GetSessionAndUser(context.Background(), a.token); err != nil {
				t.Fatal(err)
			}
			if _, err := l.store.RevokeUserSessions(context.Background(), a.userID); err != nil {
				t.Fatal(err)
			}
			if body := l.getSession(t, a.cookie); body != nil {
				t.Fatalf("Better Auth still accepts a revoked session: %v", body)
			}
		})
	}
}

// TestVerifier: the Store behind a betterauth.Verifier accepts Better Auth's
// cookie, extends the session through RefreshSession so that Better Auth
// sees the new expiry, and refuses it once Better Auth signed out.
func TestVerifier(t *testing.T) {
	l := newLiveBA(t, redis.Options{}, nil)
	ctx := context.Background()
	a := l.signUp(t, "leo@example.com")
	later := time.Now().Add(48 * time.Hour)
	v, err := ba.NewVerifier(ba.VerifierConfig{
		Secrets:  []ba.Secret{{Value: secret}},
		Sessions: l.store,
		BaseURL:  "http://localhost:3000",
		Refresh:  ba.RefreshConfig{Enabled: true},
		Now:      func() time.Time { return later },
	})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", a.cookie)
	res, err := v.Verify(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.User.ID != a.userID || res.Token != a.token {
		t.Fatalf("Verify = %+v", res)
	}
	wantExpiry := ba.FormatTime(later.Add(ba.DefaultSessionExpiresIn))
	body := l.getSession(t, a.cookie)
	if got := body["session"].(map[string]any)["expiresAt"]; got != wantExpiry {
		t.Fatalf("Better Auth sees expiresAt %v after the Verifier's refresh, want %s", got, wantExpiry)
	}

	r := l.h.Request(t, "POST", "/api/auth/sign-out", map[string]string{"cookie": a.cookie}, map[string]any{})
	if r.Status != 200 {
		t.Fatalf("sign-out: %d %s", r.Status, r.Text)
	}
	_, err = v.Verify(ctx, req)
	mustErr(t, err, ba.ErrSessionNotFound, ba.ErrUnavailable)
}
