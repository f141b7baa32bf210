package sqlstore

import (
	"context"
	"database/sql"
	"sync"
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

// Std adapts a database/sql handle to DB. On a *sql.DB, queries are
// prepared once and the statements reused (database/sql re-prepares them on
// each pooled connection as needed): without it, go-sql-driver/mysql
// prepares, executes and closes a statement on every query — two round
// trips — and SQLite compiles the SQL every time.
func Std(db StdDBTX) DB {
	if pool, ok := db.(*sql.DB); ok {
		return stdDB{db: db, stmts: &stmtCache{db: pool}}
	}
	return stdDB{db: db}
}

type stdDB struct {
	db    StdDBTX
	stmts *stmtCache // nil inside a transaction or on one connection
}

// maxStatements bounds the prepared statements kept: the store's fixed
// queries number about 40; UPDATEs built per call for a changing set of
// columns beyond the bound run unprepared.
const maxStatements = 128

type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxStatements {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run it unprepared: the error, if any, comes from there
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

func (s stdDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := s.stmt(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = s.db.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s stdDB) stmt(ctx context.Context, query string) *sql.Stmt {
	if s.stmts == nil {
		return nil
	}
	return s.stmts.get(ctx, query)
}

func (s stdDB) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	var rows *sql.Rows
	var err error
	if st := s.stmt(ctx, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = s.db.QueryContext(ctx, query, args...)
	}
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
	if err := fn(stdDB{db: tx}); err != nil {
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

// NewStd builds a Store on a database/sql handle (a *sql.DB, *sql.Conn or
// *sql.Tx) of a database of this kind, whose driver errors classify maps:
// what mysql.New, sqlite.New and postgres.NewFromDB do.
func NewStd(db StdDBTX, kind Kind, classify func(error) (sentinel error, message string), opts Options) (*Store, error) {
	return New(Driver{DB: Std(db), Stats: StdStats(db), Kind: kind, Classify: classify}, opts)
}
