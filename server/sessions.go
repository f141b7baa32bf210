package server

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
	"github.com/betterauth-go/betterauth/sessioncache"
)

// SessionBackend is where sessions live: the SQL session table (the
// default) or Redis secondary storage. Better Auth reads both the same way.
type SessionBackend interface {
	ba.SessionStore
	// CreateSession stores sess for user (Redis keeps the user beside it).
	CreateSession(ctx context.Context, sess *ba.Session, user *ba.User) error
	// ListSessions returns the user's unexpired sessions.
	ListSessions(ctx context.Context, userID string) ([]ba.Session, error)
	// DeleteSession removes one session by token; ErrNotFound if absent.
	DeleteSession(ctx context.Context, token string) error
	// RevokeUserSessions removes every session of a user.
	RevokeUserSessions(ctx context.Context, userID string) (int64, error)
	// RefreshSession sets a session's expiresAt.
	RefreshSession(ctx context.Context, token string, expiresAt time.Time) error
	// UserChanged tells the backend a user row changed (Redis keeps a
	// copy of the user with each session).
	UserChanged(ctx context.Context, user *ba.User) error
}

// SQLSessions keeps sessions in the SQL session table.
type SQLSessions struct{ Store *sqlstore.Store }

func (s SQLSessions) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	return s.Store.GetSessionAndUser(ctx, token)
}

func (s SQLSessions) CreateSession(ctx context.Context, sess *ba.Session, _ *ba.User) error {
	return s.Store.CreateSession(ctx, sess)
}

func (s SQLSessions) ListSessions(ctx context.Context, userID string) ([]ba.Session, error) {
	return s.Store.ListActiveSessions(ctx, userID)
}

func (s SQLSessions) DeleteSession(ctx context.Context, token string) error {
	return s.Store.DeleteSessionByToken(ctx, token)
}

func (s SQLSessions) RevokeUserSessions(ctx context.Context, userID string) (int64, error) {
	return s.Store.InvalidateUserSessions(ctx, userID)
}

func (s SQLSessions) RefreshSession(ctx context.Context, token string, expiresAt time.Time) error {
	return s.Store.RefreshSession(ctx, token, expiresAt)
}

func (SQLSessions) UserChanged(context.Context, *ba.User) error { return nil }

// sqlSessionsOf reports whether backend keeps sessions in store's session
// table (SQLSessions, possibly behind a sessioncache), and how to make
// that cache forget a user's sessions.
func sqlSessionsOf(backend SessionBackend, store *sqlstore.Store) (bool, func(userID string)) {
	forget := func(string) {}
	if c, ok := backend.(*sessioncache.CachedBackend); ok {
		forget = c.InvalidateUser
		inner, ok := c.Unwrap().(SessionBackend)
		if !ok {
			return false, nil
		}
		backend = inner
	}
	if sq, ok := backend.(SQLSessions); ok && sq.Store == store {
		return true, forget
	}
	return false, nil
}

// userTx runs fn with the store and session backend to use for a change to
// a user together with their sessions (change-password's revocation, a
// ban). When sessions live in the SQL database — the default — fn runs in
// one transaction over both: all of it commits or none of it does. With
// sessions in Redis no transaction spans both stores; fn gets the usual
// store and backend, and must order its writes so that a failure part-way
// leaves the safer state and a retry completes it.
func (s *Server) userTx(ctx context.Context, userID string, fn func(store *sqlstore.Store, sessions SessionBackend) error) error {
	if !s.txSessions {
		return fn(s.store, s.sessions)
	}
	err := s.store.WithTx(ctx, func(tx *sqlstore.Store) error {
		return fn(tx, SQLSessions{Store: tx})
	})
	// Whether or not it committed: forgetting only costs a lookup.
	s.txForget(userID)
	return err
}
