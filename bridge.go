package betterauth

import (
	"context"
	"time"
)

// SessionStore is where a Verifier looks sessions up by token: a SQL store
// (postgres, mysql, sqlite), Redis secondary storage (redis), a cache in
// front of either (sessioncache) or Better Auth over HTTP (remote). It returns
// the session and its user, expired or not (the Verifier decides), or an
// error matching ErrNotFound when there is none, or ErrUnavailable when the
// backing service failed.
//
// With a nil error both the session and the user must be non-nil. A store
// that breaks this (a nil session or user and no error) is read as
// ErrNotFound, by the Verifier (ErrSessionNotFound) and by sessioncache,
// so that the bug signs the request out rather than panicking or letting
// it through.
type SessionStore interface {
	GetSessionAndUser(ctx context.Context, token string) (*Session, *User, error)
}

// SessionBackend is where sessions live, read and written: the SQL session
// table (*sqlstore.Store, the default), Redis secondary storage
// (*redis.Store), both as Better Auth's session.storeSessionInDatabase
// keeps them (*redis.DualBackend) or a cache in front of any of them
// (*sessioncache.CachedBackend). Better Auth reads and writes both the same
// way; every method means the same on every backend, and the shared store
// suite (internal/storetest.RunSessionBackend) checks that on each.
//
// Methods that take a token say so in their names; none keys on a
// session's id.
type SessionBackend interface {
	SessionStore
	// CreateSession stores session for user. Redis keeps a copy of the
	// user beside the session, as Better Auth does; the SQL store reads
	// the user row and ignores it.
	CreateSession(ctx context.Context, session *Session, user *User) error
	// ListUserSessions returns the user's unexpired sessions, as Better
	// Auth's list-sessions does; never nil. The order is each backend's
	// own (the SQL store: newest first; Redis: Better Auth's list order,
	// expiresAt ascending): sort when it matters.
	ListUserSessions(ctx context.Context, userID string) ([]Session, error)
	// DeleteSessionByToken removes one session; ErrNotFound when there is
	// none with that token.
	DeleteSessionByToken(ctx context.Context, token string) error
	// RevokeUserSessions removes every session of a user and returns how
	// many there were.
	RevokeUserSessions(ctx context.Context, userID string) (int64, error)
	// RefreshSession sets the expiresAt (and updatedAt) of the session with
	// that token; ErrNotFound when there is none.
	RefreshSession(ctx context.Context, token string, expiresAt time.Time) error
	// UserChanged tells the backend a user row changed: Redis rewrites the
	// copies of the user kept with each session; the SQL store has none.
	UserChanged(ctx context.Context, user *User) error
}
