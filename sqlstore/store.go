package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"github.com/betterauth-go/betterauth/internal/coalesce"
	"runtime"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Options configure a store.
type Options struct {
	// Schema describes the tables; the zero value is Better Auth's default
	// core schema.
	Schema ba.Schema
	// Now returns the current time; time.Now by default. Expiry checks and
	// timestamps use it, so tests can move time without sleeping.
	Now func() time.Time
	// BatchSize is how many expired rows DeleteExpired* removes per
	// statement: 200 by default (such a DELETE by primary key holds its
	// row locks ~3 ms on PostgreSQL with 1M sessions, bench/cleanup), at
	// most 10,000 (MySQL and SQLite take the ids as that many
	// placeholders). Small batches keep each lock short.
	BatchSize int
	// QueryTimeout bounds every statement, query (until its rows are
	// closed) and transaction, so that a database that stops answering —
	// a network partition, not a refused connection — gives
	// betterauth.ErrUnavailable instead of requests that hang; 5 s by
	// default, negative for none.
	QueryTimeout time.Duration
	// CleanupObserver, when set, is called after each batch of
	// DeleteExpiredSessions / DeleteExpiredVerifications with what it did:
	// how long it read ids (no locks) and how long its DELETE ran (the
	// time it held row locks), for metrics and bench/cleanup.
	CleanupObserver func(CleanupBatch)
	// MaxLookupQueries is how many session lookups (GetSessionAndUser)
	// run at once on PostgreSQL and MySQL; lookups that arrive while they
	// all run wait, and go together in one query as soon as one returns
	// (see internal/coalesce). A lookup with a free slot is sent at once, so
	// this changes nothing until the server is busy, and then saves the
	// database most of its per-query work. Default max(2, GOMAXPROCS):
	// on 2 cores sharing the database, 2 gave the most requests/s and the
	// lowest p99 (bench/run.sh). Negative: every lookup its own query, as
	// many at once as the pool allows. SQLite never batches.
	MaxLookupQueries int
	// Tracer, when set, is told of every operation on Better Auth's
	// tables: its name and table, duration and error, never a statement's
	// arguments (see package github.com/betterauth-go/betterauth/otel).
	// Default none, which costs nothing.
	Tracer ba.QueryTracer
	// StoreIdentifier is Better Auth's verification.storeIdentifier: how
	// verification identifiers are stored in the identifier column (plain
	// by default, or hashed; see betterauth.IdentifierStorage). It must be
	// the app's, or Go and Better Auth miss each other's values.
	StoreIdentifier ba.IdentifierStorage
}

// CleanupBatch is one batch of an expired-row cleanup.
type CleanupBatch struct {
	Table   string        // the table's name in the database
	Deleted int64         // rows deleted
	Scan    time.Duration // reading expired ids: a plain read, no locks
	Delete  time.Duration // the DELETE by primary key: row locks on Deleted rows at most
}

// Store reads and writes Better Auth's tables. It is safe for concurrent
// use when its DB is (a pool is; a single connection or transaction is not).
type Store struct {
	drv       Driver
	opts      Options // as given to New, for WithSchema
	kind      Kind
	schema    *ba.ResolvedSchema
	now       func() time.Time
	batchSize int
	onCleanup func(CleanupBatch)
	batcher   *coalesce.Batcher[sessionAndUser] // nil: every lookup its own query
	tracer    ba.QueryTracer

	// Tables the schema keeps out of the database (Schema.SecondaryStorage):
	// their methods refuse with ErrNotInDatabase.
	noSessions, noVerifications bool
	storeIdentifier             ba.IdentifierStorage

	user         *codec[ba.User]
	session      *codec[ba.Session]
	account      *codec[ba.Account]
	verification *codec[ba.Verification]
	organization *codec[ba.Organization]
	member       *codec[ba.Member]
	invitation   *codec[ba.Invitation]
	team         *codec[ba.Team]             // nil unless teams are enabled
	teamMember   *codec[ba.TeamMember]       // nil unless teams are enabled
	orgRole      *codec[ba.OrganizationRole] // nil unless dynamic access control is enabled
	jwks         *codec[ba.JWK]

	q queries
}

// New builds a store and all of its SQL from the schema.
func New(drv Driver, opts Options) (*Store, error) {
	schema, err := opts.Schema.Resolve()
	if err != nil {
		return nil, err
	}
	if err := opts.StoreIdentifier.Validate(); err != nil {
		return nil, fmt.Errorf("sqlstore: Options.StoreIdentifier: %w", err)
	}
	s := &Store{drv: drv, opts: opts, kind: drv.Kind, schema: schema, now: opts.Now, batchSize: opts.BatchSize, onCleanup: opts.CleanupObserver, tracer: opts.Tracer,
		noSessions: !schema.InDatabase(ba.ModelSession), noVerifications: !schema.InDatabase(ba.ModelVerification), storeIdentifier: opts.StoreIdentifier}
	if s.now == nil {
		s.now = time.Now
	}
	if s.batchSize <= 0 {
		s.batchSize = 200
	}
	s.batchSize = min(s.batchSize, 10000)
	if opts.QueryTimeout == 0 {
		opts.QueryTimeout = 5 * time.Second
	}
	if opts.QueryTimeout > 0 {
		s.drv.DB = timeoutDB{db: drv.DB, d: opts.QueryTimeout}
	}
	k := drv.Kind
	if s.user, err = newCodec(k, schema.Table(ba.ModelUser), userAccessor, userFields); err != nil {
		return nil, err
	}
	if s.session, err = newCodec(k, schema.Table(ba.ModelSession), sessionAccessor, sessionFields); err != nil {
		return nil, err
	}
	if s.account, err = newCodec[ba.Account](k, schema.Table(ba.ModelAccount), accountAccessor, nil); err != nil {
		return nil, err
	}
	if s.verification, err = newCodec[ba.Verification](k, schema.Table(ba.ModelVerification), verificationAccessor, nil); err != nil {
		return nil, err
	}
	if t := schema.Table(ba.ModelOrganization); t != nil {
		if s.organization, err = newCodec[ba.Organization](k, t, organizationAccessor, nil); err != nil {
			return nil, err
		}
		if s.member, err = newCodec[ba.Member](k, schema.Table(ba.ModelMember), memberAccessor, nil); err != nil {
			return nil, err
		}
		if s.invitation, err = newBuiltinCodec(k, schema.Table(ba.ModelInvitation), invitationAccessor); err != nil {
			return nil, err
		}
		if t := schema.Table(ba.ModelOrganizationRole); t != nil {
			if s.orgRole, err = newBuiltinCodec(k, t, organizationRoleAccessor); err != nil {
				return nil, err
			}
		}
		if t := schema.Table(ba.ModelTeam); t != nil {
			if s.team, err = newBuiltinCodec(k, t, teamAccessor); err != nil {
				return nil, err
			}
			if s.teamMember, err = newBuiltinCodec(k, schema.Table(ba.ModelTeamMember), teamMemberAccessor); err != nil {
				return nil, err
			}
		}
	}
	if t := schema.Table(ba.ModelJWKS); t != nil {
		if s.jwks, err = newCodec[ba.JWK](k, t, jwkAccessor, nil); err != nil {
			return nil, err
		}
	}
	s.q = buildQueries(s)
	if opts.MaxLookupQueries == 0 {
		opts.MaxLookupQueries = max(2, runtime.GOMAXPROCS(0))
	}
	if drv.Stats != nil { // a pool: a single connection cannot run lookups side by side
		s.batcher = newLookupBatcher(s, opts.MaxLookupQueries)
	}
	return s, nil
}

// WithSchema returns a store on the same database with another schema (for
// example, after enabling a plugin), keeping every other option. A store
// bound to a transaction (WithTx) gives one bound to the same transaction.
func (s *Store) WithSchema(schema ba.Schema) (*Store, error) {
	opts := s.opts
	opts.Schema = schema
	n, err := New(s.drv, opts)
	if err != nil {
		return nil, err
	}
	// s.drv.DB already carries opts.QueryTimeout (or is s's transaction):
	// New would add its deadline a second time, around the first.
	n.drv.DB = s.drv.DB
	if s.batcher == nil { // a transaction's lookups run in it
		n.batcher = nil
	}
	return n, nil
}

// PoolStats returns the connection pool's statistics, and false when the
// store was built on a single connection or transaction.
func (s *Store) PoolStats() (PoolStats, bool) {
	if s.drv.Stats == nil {
		return PoolStats{}, false
	}
	return s.drv.Stats(), true
}

// Schema returns the resolved schema the store was built from.
func (s *Store) Schema() *ba.ResolvedSchema { return s.schema }

// Kind returns the store's SQL dialect.
func (s *Store) Kind() Kind { return s.kind }

// WithTx runs fn with a store bound to one transaction: every call on the
// store passed to fn is part of it. It commits when fn returns nil.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) error {
	ctx, t := s.trace(ctx, "transaction", "")
	err := s.drv.DB.InTx(ctx, func(db DB) error {
		tx := *s
		tx.drv.DB = db
		tx.batcher = nil // lookups in the transaction run in it
		return fn(&tx)
	})
	if err != nil {
		return t.end(ctx, s.wrap("transaction", err))
	}
	return t.end(ctx, nil)
}

// wrap turns an error into one that names the operation and matches one of
// betterauth's sentinels; driver types never escape.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *storeError
	if errors.As(err, &se) {
		return err // already wrapped further down
	}
	for _, sentinel := range []error{ba.ErrNotFound, ba.ErrDuplicate, ba.ErrInvalid, ba.ErrUnavailable} {
		if errors.Is(err, sentinel) {
			// Our own errors (never driver errors) are kept as the cause,
			// so that finer sentinels such as ErrUnsafeMigration still
			// match.
			var fe ba.FieldErrors
			if errors.As(err, &fe) {
				return &storeError{op: op, sentinel: sentinel, msg: fe.Error(), fields: fe, cause: err}
			}
			return &storeError{op: op, sentinel: sentinel, msg: strings.TrimPrefix(err.Error(), sentinel.Error()+": "), cause: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: err.Error(), ctxErr: err}
	}
	sentinel, msg := s.drv.Classify(err)
	return &storeError{op: op, sentinel: sentinel, msg: msg}
}

// storeError is what every store method returns on failure: the operation,
// a sentinel for errors.Is, and a message free of driver types.
type storeError struct {
	op       string
	sentinel error
	msg      string
	fields   ba.FieldErrors
	ctxErr   error
	cause    error // a non-driver error this one wraps
}

// Unavailable returns an error matching betterauth.ErrUnavailable with a
// message naming what failed, for the store packages' Open functions.
func Unavailable(op, msg string) error {
	return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: msg}
}

func (e *storeError) Error() string {
	return fmt.Sprintf("betterauth: %s: %s", e.op, e.msg)
}

func (e *storeError) Is(target error) bool {
	return target == e.sentinel || (e.ctxErr != nil && errors.Is(e.ctxErr, target)) || (e.cause != nil && errors.Is(e.cause, target))
}

func (e *storeError) As(target any) bool {
	if fe, ok := target.(*ba.FieldErrors); ok && e.fields != nil {
		*fe = e.fields
		return true
	}
	return false
}

func (s *Store) nowUTC() time.Time { return ba.Truncate(s.now()) }

// ErrNotInDatabase is matched by the error of a session or verification
// method of a store whose schema keeps that model in secondary storage
// (betterauth.Schema.SecondaryStorage): the table does not exist, so the
// call is refused before it reaches the database. Use the redis package's
// store for those.
var ErrNotInDatabase = errors.New("not in the database: the schema keeps it in secondary storage (Schema.SecondaryStorage)")

// notInDatabase is the refusal of a method on a model the database lacks.
func notInDatabase(op, model string) error {
	return &storeError{op: op, msg: model + " " + ErrNotInDatabase.Error(), cause: ErrNotInDatabase}
}

// queryRows runs q and calls each for every row.
func (s *Store) queryRows(ctx context.Context, q string, args []any, each func(Rows) error) error {
	rows, err := s.drv.DB.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryOne runs q and scans the first row; ErrNotFound when there is none.
func (s *Store) queryOne(ctx context.Context, q string, args []any, targets []any) error {
	found := false
	err := s.queryRows(ctx, q, args, func(r Rows) error {
		if found {
			return nil
		}
		found = true
		return r.Scan(targets...)
	})
	if err != nil {
		return err
	}
	if !found {
		return ba.ErrNotFound
	}
	return nil
}

func getOne[M any](ctx context.Context, s *Store, c *codec[M], op, q string, args ...any) (*M, error) {
	ctx, t := s.trace(ctx, op, c.table.Name)
	var m M
	if err := s.queryOne(ctx, q, args, c.targets(&m)); err != nil {
		return nil, t.end(ctx, s.wrap(op, err))
	}
	return &m, t.end(ctx, nil)
}

func getMany[M any](ctx context.Context, s *Store, c *codec[M], op, q string, args ...any) ([]M, error) {
	ctx, t := s.trace(ctx, op, c.table.Name)
	var out []M
	err := s.queryRows(ctx, q, args, func(r Rows) error {
		var m M
		if err := r.Scan(c.targets(&m)...); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, t.end(ctx, s.wrap(op, err))
	}
	return out, t.end(ctx, nil)
}

func insert[M any](ctx context.Context, s *Store, c *codec[M], op, q string, m *M) error {
	args, err := c.values(m)
	if err != nil {
		return s.wrap(op, err)
	}
	ctx, t := s.trace(ctx, op, c.table.Name)
	if _, err := s.drv.DB.Exec(ctx, q, args...); err != nil {
		return t.end(ctx, s.wrap(op, err))
	}
	return t.end(ctx, nil)
}

// execExpectOne runs an UPDATE or DELETE of table that must hit one row.
func (s *Store) execExpectOne(ctx context.Context, op, table, q string, args ...any) error {
	ctx, t := s.trace(ctx, op, table)
	n, err := s.drv.DB.Exec(ctx, q, args...)
	if err != nil {
		return t.end(ctx, s.wrap(op, err))
	}
	if n == 0 {
		return t.end(ctx, s.wrap(op, ba.ErrNotFound))
	}
	return t.end(ctx, nil)
}

// exec runs a statement on table and returns the rows it affected.
func (s *Store) exec(ctx context.Context, op, table, q string, args ...any) (int64, error) {
	ctx, t := s.trace(ctx, op, table)
	n, err := s.drv.DB.Exec(ctx, q, args...)
	if err != nil {
		return 0, t.end(ctx, s.wrap(op, err))
	}
	return n, t.end(ctx, nil)
}

// deleteExpired deletes the rows whose date column is before cutoff, one
// batch at a time: each batch first reads up to batchSize expired ids in
// primary-key order after the previous batch's last one (no locks, one
// pass over the table in all), then deletes those still expired by primary
// key. Without an index on the date column — Better Auth's schema has none
// — a single DELETE … WHERE date < ? would scan the table while deleting,
// and on MySQL/InnoDB lock every row it scans; this way no statement holds
// locks on more than the batchSize rows it deletes, for about the time it
// takes to delete them.
func (s *Store) deleteExpired(ctx context.Context, op, table string, c expiredCleanup, cutoff any) (total int64, err error) {
	ctx, t := s.trace(ctx, op, table)
	defer func() { t.end(ctx, err) }()
	after := ""
	ids := make([]string, 0, s.batchSize)
	args := make([]any, 0, s.batchSize+1)
	for {
		ids = ids[:0]
		scanStart := time.Now()
		rows, err := s.drv.DB.Query(ctx, c.scan, after, cutoff, s.batchSize)
		if err != nil {
			return total, s.wrap(op, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return total, s.wrap(op, err)
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return total, s.wrap(op, err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		args = append(args[:0], cutoff)
		if s.kind == Postgres {
			args = append(args, ids)
		} else {
			for i := range s.batchSize {
				args = append(args, ids[min(i, len(ids)-1)])
			}
		}
		delStart := time.Now()
		n, err := s.drv.DB.Exec(ctx, c.del, args...)
		if err != nil {
			return total, s.wrap(op, err)
		}
		if s.onCleanup != nil {
			s.onCleanup(CleanupBatch{Table: table, Deleted: n, Scan: delStart.Sub(scanStart), Delete: time.Since(delStart)})
		}
		total += n
		if len(ids) < s.batchSize {
			return total, nil
		}
		after = ids[len(ids)-1]
		if err := ctx.Err(); err != nil {
			return total, s.wrap(op, err)
		}
	}
}
