package betterauth

import (
	"context"
)

// SessionStore is where a Verifier looks sessions up by token: a SQL store
// (postgres, mysql, sqlite) or Redis secondary storage (redis). It returns
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
