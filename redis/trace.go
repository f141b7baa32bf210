package redis

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Each exported Store method is one operation for Options.Tracer, named as
// in its errors ("get session and user", "revoke user sessions"), however
// many commands and round trips it makes. A session lookup that shares a
// batched script call with concurrent ones is still one operation for its
// caller, its duration including the wait. Keys are never reported: a
// session's key is its token.

// traced is one operation being reported; the zero value (no tracer)
// reports nothing.
type traced struct {
	tracer ba.QueryTracer
	op     string
	start  time.Time
}

// trace starts reporting op, when the store has a tracer.
func (s *Store) trace(ctx context.Context, op string) (context.Context, traced) {
	if s.tracer == nil {
		return ctx, traced{}
	}
	ctx = s.tracer.QueryStart(ctx, ba.QueryInfo{System: ba.SystemRedis, Operation: op})
	return ctx, traced{tracer: s.tracer, op: op, start: time.Now()}
}

// end reports the operation's end with the error *err (deferred, when the
// method has returned).
func (t traced) end(ctx context.Context, err *error) {
	if t.tracer != nil {
		t.tracer.QueryEnd(ctx, ba.QueryInfo{System: ba.SystemRedis, Operation: t.op, Duration: time.Since(t.start), Err: *err})
	}
}
