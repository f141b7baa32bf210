package redis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/redis"
)

// TestTracer: each Store method is one operation for Options.Tracer,
// whatever the lookup mode, and no key (a session's key is its token)
// reaches it.
func TestTracer(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		opts redis.Options
	}{{"Script", redis.Options{}}, {"NoScript", redis.Options{NoScript: true}}} {
		t.Run(mode.name, func(t *testing.T) {
			tr := &storetest.Tracer{}
			opts := mode.opts
			opts.Tracer = tr
			s, _, prefix := newStore(t, opts)
			u := testUser(time.Now())
			sess := &ba.Session{}
			if err := s.CreateSession(ctx, sess, u); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.GetSessionAndUser(ctx, sess.Token); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.GetSessionAndUser(ctx, "no-such-token"); !errors.Is(err, ba.ErrNotFound) {
				t.Fatal(err)
			}
			if _, err := s.ListUserSessions(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteSessionByToken(ctx, sess.Token); err != nil {
				t.Fatal(err)
			}
			got := tr.Take(t)
			want := []string{"create session", "get session and user", "get session and user", "list sessions", "delete session"}
			if fmt.Sprint(storetest.Operations(got)) != fmt.Sprint(want) {
				t.Fatalf("operations %q, want %q", storetest.Operations(got), want)
			}
			for _, info := range got {
				if info.System != "redis" || info.Table != "" {
					t.Errorf("%s: System %q, Table %q", info.Operation, info.System, info.Table)
				}
				if text := fmt.Sprintf("%+v %v", info, info.Err); strings.Contains(text, sess.Token) || strings.Contains(text, prefix) {
					t.Errorf("%s: the report holds a key: %s", info.Operation, text)
				}
			}
			if got[1].Err != nil || !errors.Is(got[2].Err, ba.ErrNotFound) {
				t.Errorf("errors: found %v, unknown %v; want nil and ErrNotFound", got[1].Err, got[2].Err)
			}
		})
	}
}

// TestMalformedErrorHoldsNoToken: the error for a damaged session entry
// (logged by servers, recorded by tracers) does not name its key, which is
// the session's token.
func TestMalformedErrorHoldsNoToken(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, redis.Options{})
	token := "TokenThatMustNotBeLogged0123456"
	if err := c.Set(ctx, prefix+token, "not json", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.GetSessionAndUser(ctx, token)
	mustErr(t, err, redis.ErrMalformed)
	if strings.Contains(err.Error(), token) {
		t.Fatalf("GetSessionAndUser: %v names the token", err)
	}
	err = s.RefreshSession(ctx, token, time.Now().Add(time.Hour))
	mustErr(t, err, redis.ErrMalformed)
	if strings.Contains(err.Error(), token) {
		t.Fatalf("RefreshSession: %v names the token", err)
	}
}
