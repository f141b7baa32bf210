package sessioncache

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Backend is what a CachedBackend wraps: any betterauth.SessionBackend (a
// *sqlstore.Store or a *redis.Store).
type Backend = ba.SessionBackend

// CachedBackend is a Backend whose session lookups go through a Cache and
// whose writes invalidate what they change, so that this process sees its
// own sign-outs, revocations, refreshes and user changes at once; other
// processes see them within the TTL.
type CachedBackend struct {
	*Cache
	backend Backend
}

var _ ba.SessionBackend = (*CachedBackend)(nil)

// WrapBackend puts a Cache in front of b's lookups.
func WrapBackend(b Backend, opts Options) (*CachedBackend, error) {
	c, err := New(b, opts)
	if err != nil {
		return nil, err
	}
	return &CachedBackend{Cache: c, backend: b}, nil
}

// Unwrap returns the backend the cache sits in front of.
func (b *CachedBackend) Unwrap() Backend { return b.backend }

// CreateSession stores a new session; nothing is cached until it is read.
func (b *CachedBackend) CreateSession(ctx context.Context, sess *ba.Session, user *ba.User) error {
	return b.backend.CreateSession(ctx, sess, user)
}

// ListUserSessions always reads the store: it is not on the hot path.
func (b *CachedBackend) ListUserSessions(ctx context.Context, userID string) ([]ba.Session, error) {
	return b.backend.ListUserSessions(ctx, userID)
}

// DeleteSessionByToken deletes the session and forgets it.
func (b *CachedBackend) DeleteSessionByToken(ctx context.Context, token string) error {
	err := b.backend.DeleteSessionByToken(ctx, token)
	b.Invalidate(token)
	return err
}

// RevokeUserSessions deletes every session of the user and forgets them.
func (b *CachedBackend) RevokeUserSessions(ctx context.Context, userID string) (int64, error) {
	n, err := b.backend.RevokeUserSessions(ctx, userID)
	b.InvalidateUser(userID)
	return n, err
}

// RefreshSession extends the session and forgets the cached copy.
func (b *CachedBackend) RefreshSession(ctx context.Context, token string, expiresAt time.Time) error {
	err := b.backend.RefreshSession(ctx, token, expiresAt)
	b.Invalidate(token)
	return err
}

// UserChanged passes the change on and forgets the user's sessions, whose
// cached copies hold the old user (role, ban, name).
func (b *CachedBackend) UserChanged(ctx context.Context, user *ba.User) error {
	err := b.backend.UserChanged(ctx, user)
	if user != nil { // the backend has refused it (Redis) or ignored it (SQL)
		b.InvalidateUser(user.ID)
	}
	return err
}
