package redis

import (
	"context"
	"errors"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// SessionDatabase is the SQL side of a DualBackend: the session table, as
// a *sqlstore.Store (postgres, mysql, sqlite) keeps it. The Expire methods
// end sessions without deleting their rows, for
// session.preserveSessionInDatabase.
type SessionDatabase interface {
	ba.SessionBackend
	// ExpireSessionByToken sets a live session's expiresAt (and updatedAt)
	// to now; ErrNotFound when there is no live session with that token.
	ExpireSessionByToken(ctx context.Context, token string) error
	// ExpireUserSessions does that to every live session of the user and
	// returns how many there were.
	ExpireUserSessions(ctx context.Context, userID string) (int64, error)
}

// DualOptions configure a DualBackend.
type DualOptions struct {
	// PreserveSessionInDatabase is Better Auth's
	// session.preserveSessionInDatabase: session rows are kept when a
	// session ends (their expiresAt set to now, as Better Auth 1.7.0+ does)
	// and a session missing from Redis is no session — the database is not
	// read. Default false: rows are deleted, and a Redis miss falls back
	// to the database.
	PreserveSessionInDatabase bool
}

// DualBackend keeps sessions in Redis and in the SQL session table, as
// Better Auth 1.7.25 does with secondaryStorage and
// session.storeSessionInDatabase: true (db/internal-adapter.ts). It is a
// betterauth.SessionBackend:
//
//   - CreateSession writes the row, then the Redis entry and list (the
//     row is deleted again if Redis fails).
//   - GetSessionAndUser reads Redis. When its key is missing, it reads the
//     database, unless PreserveSessionInDatabase; a session Redis has but
//     its user's revoked-sessions-before marker revokes is no session,
//     without a database read, as in Better Auth's findSession.
//   - ListUserSessions lists the database's live rows, or Redis's list
//     with PreserveSessionInDatabase (Better Auth's listSessions).
//   - DeleteSessionByToken deletes the Redis entry, then deletes the row,
//     or with PreserveSessionInDatabase ends it (expiresAt = now).
//     ErrNotFound only when neither had the session.
//   - RevokeUserSessions deletes (or ends) the user's rows, then revokes
//     the Redis entries and sets the revoked-sessions-before marker; it
//     returns the larger of the two counts.
//   - RefreshSession updates the Redis entry when there is one and the
//     row (Better Auth's updateSession); ErrNotFound only when neither
//     had it. UserChanged rewrites the user copies in Redis.
//
// No transaction spans Redis and the database: a failure part-way leaves
// what the step before it wrote, and is returned.
type DualBackend struct {
	redis    *Store
	db       SessionDatabase
	preserve bool
}

var (
	_ ba.SessionBackend   = (*DualBackend)(nil)
	_ ba.SessionRefresher = (*DualBackend)(nil)
)

// NewDualBackend returns the backend over store and db. It panics if
// either is nil.
func NewDualBackend(store *Store, db SessionDatabase, opts DualOptions) *DualBackend {
	if store == nil || db == nil {
		panic("redis.NewDualBackend: nil store or database")
	}
	return &DualBackend{redis: store, db: db, preserve: opts.PreserveSessionInDatabase}
}

// Redis returns the Redis store.
func (d *DualBackend) Redis() *Store { return d.redis }

// Database returns the SQL side.
func (d *DualBackend) Database() SessionDatabase { return d.db }

// GetSessionAndUser reads Redis, then the database on a missing key unless
// PreserveSessionInDatabase (Better Auth's findSession).
func (d *DualBackend) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	sess, user, err := d.redis.GetSessionAndUser(ctx, token)
	if err == nil || d.preserve || !keyMissing(err) {
		return sess, user, err
	}
	return d.db.GetSessionAndUser(ctx, token)
}

// keyMissing reports whether err is ErrNotFound for want of a key.
func keyMissing(err error) bool {
	var se *storeError
	return errors.As(err, &se) && se.keyMissing
}

// CreateSession writes the session row, then the Redis entry, with the
// same id, token and dates (filled in as the Redis store does, with its
// Options.ExpiresIn). If Redis refuses, the row is deleted again.
func (d *DualBackend) CreateSession(ctx context.Context, sess *ba.Session, user *ba.User) error {
	const op = "create session"
	switch {
	case sess == nil:
		return newError(op, ba.ErrInvalid, "nil session")
	case user == nil || user.ID == "":
		return newError(op, ba.ErrInvalid, "a user with an id is required")
	case sess.UserID != "" && sess.UserID != user.ID:
		return newError(op, ba.ErrInvalid, "session.userId %q is not user.id %q", sess.UserID, user.ID)
	}
	now := d.redis.nowUTC()
	sess.UserID = user.ID
	sess.FillDefaults(now, d.redis.expiresIn)
	if ttlSeconds(sess.ExpiresAt, now) <= 0 {
		return newError(op, ba.ErrInvalid, "expiresAt %s is less than a second after now", ba.FormatTime(sess.ExpiresAt))
	}
	if err := d.db.CreateSession(ctx, sess, user); err != nil {
		return err
	}
	if err := d.redis.CreateSession(ctx, sess, user); err != nil {
		_ = d.db.DeleteSessionByToken(context.WithoutCancel(ctx), sess.Token)
		return err
	}
	return nil
}

// ListUserSessions returns the user's live sessions from the database, or
// from Redis with PreserveSessionInDatabase.
func (d *DualBackend) ListUserSessions(ctx context.Context, userID string) ([]ba.Session, error) {
	if d.preserve {
		return d.redis.ListUserSessions(ctx, userID)
	}
	return d.db.ListUserSessions(ctx, userID)
}

// DeleteSessionByToken ends one session in Redis, then deletes its row
// (or, with PreserveSessionInDatabase, sets its expiresAt to now).
func (d *DualBackend) DeleteSessionByToken(ctx context.Context, token string) error {
	rerr := d.redis.DeleteSessionByToken(ctx, token)
	if rerr != nil && !errors.Is(rerr, ba.ErrNotFound) {
		return rerr
	}
	var derr error
	if d.preserve {
		derr = d.db.ExpireSessionByToken(ctx, token)
	} else {
		derr = d.db.DeleteSessionByToken(ctx, token)
	}
	if errors.Is(derr, ba.ErrNotFound) && rerr == nil {
		return nil // Redis had it; the row was gone (or ended) already
	}
	return derr
}

// RevokeUserSessions deletes (or ends) the user's rows, then revokes their
// Redis sessions, and returns the larger count.
func (d *DualBackend) RevokeUserSessions(ctx context.Context, userID string) (int64, error) {
	var n int64
	var err error
	if d.preserve {
		n, err = d.db.ExpireUserSessions(ctx, userID)
	} else {
		n, err = d.db.RevokeUserSessions(ctx, userID)
	}
	if err != nil {
		return 0, err
	}
	m, err := d.redis.RevokeUserSessions(ctx, userID)
	if err != nil {
		return 0, err
	}
	return max(n, m), nil
}

// RefreshSession sets expiresAt (and updatedAt) in the Redis entry when
// there is one and in the row; ErrNotFound only when neither had it.
func (d *DualBackend) RefreshSession(ctx context.Context, token string, expiresAt time.Time) error {
	rerr := d.redis.RefreshSession(ctx, token, expiresAt)
	if rerr != nil && !errors.Is(rerr, ba.ErrNotFound) {
		return rerr
	}
	derr := d.db.RefreshSession(ctx, token, expiresAt)
	if errors.Is(derr, ba.ErrNotFound) && rerr == nil {
		return nil
	}
	return derr
}

// UserChanged rewrites the user copies kept in Redis (the database keeps
// none).
func (d *DualBackend) UserChanged(ctx context.Context, user *ba.User) error {
	if err := d.redis.UserChanged(ctx, user); err != nil {
		return err
	}
	return d.db.UserChanged(ctx, user)
}

// VerificationDatabase is the SQL side of a DualVerifications: the
// verification table, as a *sqlstore.Store keeps it.
type VerificationDatabase interface {
	CreateVerification(ctx context.Context, v *ba.Verification) error
	GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error)
	ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error)
	DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error)
}

// DualVerifications keeps verification values in the SQL verification
// table and in Redis, as Better Auth 1.7.25 does with secondaryStorage and
// verification.storeInDatabase: true (db/internal-adapter.ts):
//
//   - CreateVerification inserts the row, then stores it in Redis under
//     verification:<identifier> as the database returned it:
//     {"identifier","value","expiresAt","createdAt","updatedAt","id"},
//     TTL until expiresAt.
//   - GetVerificationByIdentifier reads Redis, then the database.
//   - ConsumeVerification consumes the row in a database transaction (the
//     database decides who wins), then deletes the Redis keys.
//   - DeleteVerificationsByIdentifier deletes both.
//
// The store and the database must be built with the same StoreIdentifier.
type DualVerifications struct {
	redis *Store
	db    VerificationDatabase
}

// NewDualVerifications returns the pair over store and db. It panics if
// either is nil.
func NewDualVerifications(store *Store, db VerificationDatabase) *DualVerifications {
	if store == nil || db == nil {
		panic("redis.NewDualVerifications: nil store or database")
	}
	return &DualVerifications{redis: store, db: db}
}

// CreateVerification inserts v (the database fills in its id and stored
// identifier), then stores the row in Redis.
func (d *DualVerifications) CreateVerification(ctx context.Context, v *ba.Verification) error {
	const op = "create verification"
	if err := d.db.CreateVerification(ctx, v); err != nil {
		return err
	}
	ttl := ttlSeconds(v.ExpiresAt, d.redis.nowUTC())
	if ttl <= 0 {
		return nil // Better Auth keeps it in the database only
	}
	o := jsjson.NewObject()
	o.String("identifier", v.Identifier)
	o.String("value", v.Value)
	o.Date("expiresAt", v.ExpiresAt)
	o.Date("createdAt", v.CreatedAt)
	o.Date("updatedAt", v.UpdatedAt)
	o.String("id", v.ID)
	// v.Identifier is the stored form already: no second hashing.
	if err := d.redis.client.Set(ctx, d.redis.verificationKeyStored(v.Identifier), o.Bytes(), time.Duration(ttl)*time.Second).Err(); err != nil {
		return wrap(op, err)
	}
	return nil
}

// GetVerificationByIdentifier reads Redis, then the database.
func (d *DualVerifications) GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error) {
	v, err := d.redis.GetVerificationByIdentifier(ctx, identifier)
	if !errors.Is(err, ba.ErrNotFound) {
		return v, err
	}
	return d.db.GetVerificationByIdentifier(ctx, identifier)
}

// ConsumeVerification consumes the row, then deletes the Redis keys.
func (d *DualVerifications) ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error) {
	v, err := d.db.ConsumeVerification(ctx, identifier)
	if err != nil {
		return nil, err
	}
	for _, id := range d.redis.storeIdentifier.Candidates(identifier) {
		if err := d.redis.client.Del(ctx, d.redis.verificationKeyStored(id)).Err(); err != nil {
			return nil, wrap("consume verification", err)
		}
	}
	return v, nil
}

// DeleteVerificationsByIdentifier deletes the Redis value and the rows,
// and returns how many rows there were.
func (d *DualVerifications) DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error) {
	if _, err := d.redis.DeleteVerificationsByIdentifier(ctx, identifier); err != nil {
		return 0, err
	}
	return d.db.DeleteVerificationsByIdentifier(ctx, identifier)
}
