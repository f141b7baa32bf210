package server

import (
	"context"
	"errors"
	"net/http"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sessioncache"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// SessionBackend is where sessions live: the SQL session table (the
// *sqlstore.Store, the default) or Redis secondary storage (*redis.Store),
// possibly behind a sessioncache. It is betterauth.SessionBackend.
type SessionBackend = ba.SessionBackend

// VerificationStore is where verification values live: the SQL
// verification table (*sqlstore.Store, the default) or Redis secondary
// storage (*redis.Store, *redis.DualVerifications). Every method means the
// same on each: identifiers are given as Better Auth's code builds them
// ("reset-password:<token>") and stored as the store's StoreIdentifier
// option says.
type VerificationStore interface {
	// CreateVerification stores a new value.
	CreateVerification(ctx context.Context, v *ba.Verification) error
	// GetVerificationByIdentifier returns the newest value, expired or not;
	// ErrNotFound when there is none.
	GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error)
	// ConsumeVerification returns the newest unexpired value and deletes
	// the identifier's values, atomically: of concurrent callers only one
	// gets it. ErrNotFound when there is none or it expired.
	ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error)
	// DeleteVerificationsByIdentifier deletes the identifier's values and
	// returns how many there were.
	DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error)
}

var _ VerificationStore = (*sqlstore.Store)(nil)

// sqlSessionsOf reports whether backend keeps sessions in store's session
// table (the store itself, possibly behind a sessioncache), and how to make
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
	if sq, ok := backend.(*sqlstore.Store); ok && sq == store {
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
		return fn(tx, tx)
	})
	// Whether or not it committed: forgetting only costs a lookup.
	s.txForget(userID)
	return err
}

// callerSessions returns the signed-in caller and their unexpired
// sessions: what list-sessions, the revocations and GET /api/me/sessions
// all start from.
func (s *Server) callerSessions(r *http.Request) (*ba.Result, []ba.Session, error) {
	res, err := s.requireSession(r)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.sessions.ListUserSessions(r.Context(), res.User.ID)
	if err != nil {
		return nil, nil, err
	}
	return res, list, nil
}

// endSession deletes the session with this token (one already gone is
// not an error: the outcome is the same) and, when it is the caller's own,
// expires the caller's cookies.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, res *ba.Result, token string) error {
	if err := s.sessions.DeleteSessionByToken(r.Context(), token); err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	if sameToken(token, res.Token) {
		s.clearCookies(w)
	}
	return nil
}
