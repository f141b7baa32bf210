package sqlstore

import "context"

// DB is what a store needs from a driver: statements, queries and
// transactions. The public store packages adapt pgx and database/sql to it.
type DB interface {
	// Exec runs a statement and returns the number of rows affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// InTx runs fn inside a transaction, committing when fn returns nil and
	// rolling back otherwise. When the DB already is a transaction, fn runs
	// in it.
	InTx(ctx context.Context, fn func(DB) error) error
}

// Rows is the part of a result set a store reads.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Driver is a DB plus the knowledge of how its errors look.
type Driver struct {
	DB   DB
	Kind Kind
	// Classify maps a driver error to betterauth.ErrDuplicate,
	// betterauth.ErrInvalid or betterauth.ErrUnavailable, and returns a
	// message safe to show (no values, no secrets).
	Classify func(error) (sentinel error, message string)
	// Stats reports connection-pool statistics, when the handle has a pool
	// (pgxpool.Pool, *sql.DB); nil otherwise.
	Stats func() PoolStats
}

// PoolStats describes a connection pool.
type PoolStats struct {
	Open, InUse, Idle, MaxOpen int
	// WaitCount is how many times a caller waited for a connection.
	WaitCount int64
}
