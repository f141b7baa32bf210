package server

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/sqlstore"
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
