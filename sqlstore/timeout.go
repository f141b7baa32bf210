package sqlstore

import (
	"context"
	"time"
)

// timeoutDB gives each call a deadline (Options.QueryTimeout). Statements
// inside a transaction run on the transaction's DB, which InTx hands out
// unwrapped: they share the transaction's deadline.
type timeoutDB struct {
	db DB
	d  time.Duration
}

func (t timeoutDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, t.d)
	defer cancel()
	return t.db.Exec(ctx, query, args...)
}

func (t timeoutDB) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	ctx, cancel := context.WithTimeout(ctx, t.d)
	rows, err := t.db.Query(ctx, query, args...)
	if err != nil {
		cancel()
		return nil, err
	}
	return &timeoutRows{Rows: rows, cancel: cancel}, nil
}

func (t timeoutDB) InTx(ctx context.Context, fn func(DB) error) error {
	ctx, cancel := context.WithTimeout(ctx, t.d)
	defer cancel()
	return t.db.InTx(ctx, fn)
}

// timeoutRows releases the deadline's timer when the rows are closed.
type timeoutRows struct {
	Rows
	cancel context.CancelFunc
}

func (r *timeoutRows) Close() {
	r.Rows.Close()
	r.cancel()
}

// untimed is the store without Options.QueryTimeout, for migrations.
func (s *Store) untimed() *Store {
	t, ok := s.drv.DB.(timeoutDB)
	if !ok {
		return s
	}
	c := *s
	c.drv.DB = t.db
	return &c
}
