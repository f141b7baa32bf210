package betterauth

import (
	"context"
)

// SessionStore is where a Verifier looks sessions up by token: a SQL store
// (postgres, mysql, sqlite) or Redis secondary storage (redis). It returns
// the session and its user, expired or not (the Verifier decides), or an
// error matching ErrNotFound when there is none, or ErrUnavailable when the
// backing service failed.
type SessionStore interface {
	GetSessionAndUser(ctx context.Context, token string) (*Session, *User, error)
}
