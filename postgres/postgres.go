package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// DBTX is what a Store needs: a pool, a connection or a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Options configure a Store (see sqlstore.Options for each field and its
// default).
type Options = sqlstore.Options

// Store reads and writes Better Auth's tables. It is sqlstore.Store, the
// same type for PostgreSQL, MySQL and SQLite, so code that takes a
// *sqlstore.Store works on every database; its methods are documented there.
type Store = sqlstore.Store

// New builds a Store on db; all SQL is built here, once, from the schema.
func New(db DBTX, opts Options) (*Store, error) {
	drv := sqlstore.Driver{DB: pgxDB{db}, Kind: sqlstore.Postgres, Classify: classify}
	if pool, ok := db.(*pgxpool.Pool); ok {
		drv.Stats = func() sqlstore.PoolStats {
			st := pool.Stat()
			return sqlstore.PoolStats{Open: int(st.TotalConns()), InUse: int(st.AcquiredConns()), Idle: int(st.IdleConns()), MaxOpen: int(st.MaxConns()), WaitCount: st.EmptyAcquireCount()}
		}
	}
	s, err := sqlstore.New(drv, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// NewFromDB builds a Store on a database/sql handle of pgx's stdlib driver
// (sql.Open("pgx", url), stdlib.OpenDBFromPool(pool), or the *sql.DB of
// gorm's, bun's or ent's PostgreSQL dialect): a *sql.DB, *sql.Conn or
// *sql.Tx. It is the same Store as New's, with the same errors (the stdlib
// driver returns pgx's *pgconn.PgError) and transactions (WithTx begins one
// on a *sql.DB or *sql.Conn, and runs inside a *sql.Tx). Another
// PostgreSQL driver (lib/pq) is not supported: its errors and array
// parameters differ.
func NewFromDB(db sqlstore.StdDBTX, opts Options) (*Store, error) {
	return sqlstore.NewStd(db, sqlstore.Postgres, classify, opts)
}

// Open connects a pool to a postgres:// URL and checks it with a ping. The
// error never contains the password.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("invalid PostgreSQL URL (expected postgres://user:password@host:port/database)")
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (max(4, GOMAXPROCS)) starves a busy server on a
		// small machine; each request holds a connection only for one query.
		cfg.MaxConns = max(8, 4*int32(runtime.GOMAXPROCS(0)))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, sqlstore.Unavailable("connect to PostgreSQL at "+cfg.ConnConfig.Host, "cannot create a connection pool")
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		_, msg := classify(err)
		return nil, sqlstore.Unavailable(fmt.Sprintf("connect to PostgreSQL at %s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database), msg)
	}
	return pool, nil
}

type pgxDB struct{ db DBTX }

func (p pgxDB) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := p.db.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (p pgxDB) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	rows, err := p.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

func (p pgxDB) InTx(ctx context.Context, fn func(sqlstore.DB) error) error {
	b, ok := p.db.(beginner)
	if !ok {
		return fn(p)
	}
	// pgx.Tx.Begin makes a savepoint, so this nests inside a caller's
	// transaction too.
	return pgx.BeginFunc(ctx, b, func(tx pgx.Tx) error { return fn(pgxDB{tx}) })
}

// classify maps pgx errors to betterauth sentinels with messages that carry
// no values (PostgreSQL puts row values in Detail, which is left out).
func classify(err error) (error, string) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "23505":
			return ba.ErrDuplicate, "duplicate value violates unique constraint " + pgErr.ConstraintName
		case pgErr.Code == "23502":
			return ba.ErrInvalid, "missing value for required column " + pgErr.ColumnName
		case pgErr.Code == "23503":
			return ba.ErrInvalid, "referenced row does not exist (" + pgErr.ConstraintName + ")"
		case strings.HasPrefix(pgErr.Code, "22"):
			// Not the message: data exceptions quote the refused value.
			msg := "invalid value (SQLSTATE " + pgErr.Code + ")"
			if pgErr.ColumnName != "" {
				msg += " for column " + pgErr.ColumnName
			}
			return ba.ErrInvalid, msg
		case pgErr.Code == "42P01" || pgErr.Code == "42703":
			return ba.ErrUnavailable, pgErr.Message + " — run `betterauth migrate` or check DATABASE_URL"
		case pgErr.Code == "28P01" || pgErr.Code == "28000":
			return ba.ErrUnavailable, "authentication failed"
		case pgErr.Code == "3D000":
			return ba.ErrUnavailable, pgErr.Message
		}
		return ba.ErrUnavailable, pgErr.Message + " (SQLSTATE " + pgErr.Code + ")"
	}
	var netErr net.Error
	if errors.As(err, &netErr) || pgconn.SafeToRetry(err) {
		return ba.ErrUnavailable, "database unreachable"
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return ba.ErrUnavailable, "database unreachable"
	}
	if errors.Is(err, pgx.ErrTxClosed) || errors.Is(err, pgx.ErrTxCommitRollback) || errors.Is(err, sql.ErrTxDone) {
		return ba.ErrUnavailable, "transaction aborted"
	}
	return ba.ErrUnavailable, "database error"
}
