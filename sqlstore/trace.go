package sqlstore

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Operations are reported to Options.Tracer where the store runs them:
// each read, insert, update and delete of one of Better Auth's tables is
// one operation, named as in the store's errors ("get session and user",
// "update user"); a transaction (WithTx) is one more around the operations
// it runs. A session lookup is one operation for its caller even when it
// shares a batched query with concurrent ones (Options.MaxLookupQueries),
// so its duration includes the wait. Schema checks and migrations are not
// reported.

// system is the OpenTelemetry db.system.name of a dialect.
func (k Kind) system() string {
	switch k {
	case Postgres:
		return ba.SystemPostgreSQL
	case MySQL:
		return ba.SystemMySQL
	case SQLite:
		return ba.SystemSQLite
	}
	return "other_sql"
}

// traced is one operation being reported; the zero value (no tracer)
// reports nothing.
type traced struct {
	tracer ba.QueryTracer
	info   ba.QueryInfo
	start  time.Time
}

// trace starts reporting op on table, when the store has a tracer.
func (s *Store) trace(ctx context.Context, op, table string) (context.Context, traced) {
	if s.tracer == nil {
		return ctx, traced{}
	}
	t := traced{tracer: s.tracer, info: ba.QueryInfo{System: s.kind.system(), Operation: op, Table: table}, start: time.Now()}
	return s.tracer.QueryStart(ctx, t.info), t
}

// end reports the operation's end and returns err.
func (t *traced) end(ctx context.Context, err error) error {
	if t.tracer != nil {
		t.info.Duration, t.info.Err = time.Since(t.start), err
		t.tracer.QueryEnd(ctx, t.info)
	}
	return err
}
