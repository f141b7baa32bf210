package sqlstore

import (
	"context"
	"database/sql"
)

// StdDBTX is what database/sql's *sql.DB, *sql.Conn and *sql.Tx have in
// common.
type StdDBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// Std adapts a database/sql handle to DB.
func Std(db StdDBTX) DB { return stdDB{db} }

type stdDB struct{ db StdDBTX }

func (s stdDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s stdDB) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return stdRows{rows}, nil
}

func (s stdDB) InTx(ctx context.Context, fn func(DB) error) (err error) {
	b, ok := s.db.(txBeginner)
	if !ok { // already a transaction (or a handle that cannot start one)
		return fn(s)
	}
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(stdDB{tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

type stdRows struct{ *sql.Rows }

func (r stdRows) Close() { _ = r.Rows.Close() }

// StdStats returns pool statistics for a *sql.DB, nil for other handles.
func StdStats(db StdDBTX) func() PoolStats {
	sdb, ok := db.(*sql.DB)
	if !ok {
		return nil
	}
	return func() PoolStats {
		st := sdb.Stats()
		return PoolStats{Open: st.OpenConnections, InUse: st.InUse, Idle: st.Idle, MaxOpen: st.MaxOpenConnections, WaitCount: st.WaitCount}
	}
}
