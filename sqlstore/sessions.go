package sqlstore

import (
	"context"
	"fmt"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// CreateSession inserts sess. Missing id, token and timestamps are filled in
// as Better Auth's createSession does (expiresAt = now + 7 days,
// ipAddress/userAgent "" when unknown). user is not needed (the session
// row names its userId) and may be nil; it is there so that a *Store is a
// betterauth.SessionBackend, whose Redis implementation keeps the user.
func (s *Store) CreateSession(ctx context.Context, sess *ba.Session, user *ba.User) error {
	if s.noSessions {
		return notInDatabase("create session", ba.ModelSession)
	}
	sess.FillDefaults(s.nowUTC(), ba.DefaultSessionExpiresIn)
	return insert(ctx, s, s.session, "create session", s.q.sessionInsert, sess)
}

// GetSessionByID returns the session with this id.
func (s *Store) GetSessionByID(ctx context.Context, id string) (*ba.Session, error) {
	if s.noSessions {
		return nil, notInDatabase("get session", ba.ModelSession)
	}
	return getOne(ctx, s, s.session, "get session", s.q.sessionByID, id)
}

// GetSessionByToken returns the session with this token, expired or not.
func (s *Store) GetSessionByToken(ctx context.Context, token string) (*ba.Session, error) {
	if s.noSessions {
		return nil, notInDatabase("get session by token", ba.ModelSession)
	}
	return getOne(ctx, s, s.session, "get session by token", s.q.sessionByToken, token)
}

// GetSessionAndUser returns the session with this token and its user in one
// query, expired or not: the caller decides (see Session.IsExpired).
// Under load, concurrent lookups share queries (Options.MaxLookupQueries).
func (s *Store) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	if s.noSessions {
		return nil, nil, notInDatabase("get session and user", ba.ModelSession)
	}
	if s.tracer != nil {
		ctx, t := s.trace(ctx, "get session and user", s.session.table.Name)
		sess, user, err := s.getSessionAndUser(ctx, token)
		return sess, user, t.end(ctx, err)
	}
	return s.getSessionAndUser(ctx, token)
}

func (s *Store) getSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	if s.batcher != nil {
		r, err := s.batcher.Get(ctx, token)
		return r.sess, r.user, err
	}
	return s.lookupOne(ctx, token)
}

// ListUserSessions returns the user's unexpired sessions, newest first;
// empty, never nil, when there are none (as betterauth.SessionBackend
// documents, and the Redis store does).
func (s *Store) ListUserSessions(ctx context.Context, userID string) ([]ba.Session, error) {
	if s.noSessions {
		return nil, notInDatabase("list active sessions", ba.ModelSession)
	}
	list, err := getMany(ctx, s, s.session, "list active sessions", s.q.sessionsActiveByUser, userID, s.kind.Time(s.nowUTC()))
	if err == nil && list == nil {
		list = []ba.Session{}
	}
	return list, err
}

// ListAllUserSessions returns every session row of the user, expired ones
// too, unordered as Better Auth's findMany reads them (the admin plugin's
// list-user-sessions: listSessions without onlyActiveSessions); empty,
// never nil.
func (s *Store) ListAllUserSessions(ctx context.Context, userID string) ([]ba.Session, error) {
	if s.noSessions {
		return nil, notInDatabase("list user sessions", ba.ModelSession)
	}
	list, err := getMany(ctx, s, s.session, "list user sessions", s.q.sessionsByUser, userID)
	if err == nil && list == nil {
		list = []ba.Session{}
	}
	return list, err
}

// UpdateSessionByToken applies the set fields of up to the session with this
// token, sets updatedAt and returns the updated session.
func (s *Store) UpdateSessionByToken(ctx context.Context, token string, up ba.SessionUpdate) (*ba.Session, error) {
	if s.noSessions {
		return nil, notInDatabase("update session", ba.ModelSession)
	}
	const op = "update session"
	k, c := s.kind, s.session
	var sets []set
	if up.ExpiresAt != nil {
		sets = append(sets, set{c.col("expiresAt"), k.Time(*up.ExpiresAt)})
	}
	for _, f := range []struct {
		name string
		v    ba.Nullable[string]
	}{{"ipAddress", up.IPAddress}, {"userAgent", up.UserAgent}, {"impersonatedBy", up.ImpersonatedBy}, {"activeOrganizationId", up.ActiveOrganizationID}, {"activeTeamId", up.ActiveTeamID}} {
		if !f.v.Set {
			continue
		}
		if !c.has(f.name) {
			return nil, s.wrap(op, fmt.Errorf("%w: %s needs its plugin in the schema", ba.ErrInvalid, f.name))
		}
		var val any
		if f.v.Value != nil {
			val = *f.v.Value
		}
		sets = append(sets, set{c.col(f.name), val})
	}
	for _, name := range sortedFieldNames(up.Fields) {
		i, ok := c.byName[name]
		if !ok || !ba.IsCustomField(ba.ModelSession, name) {
			return nil, s.wrap(op, ba.FieldErrors{name: "is not a custom field of session"})
		}
		v, err := k.encodeField(c.cols[i].Field, up.Fields[name])
		if err != nil {
			return nil, s.wrap(op, ba.FieldErrors{name: err.Error()})
		}
		sets = append(sets, set{c.cols[i].quoted, v})
	}
	sets = append(sets, set{c.col("updatedAt"), k.Time(s.nowUTC())})
	q, args := c.updateSQL(sets, c.col("token"))
	args[len(args)-1] = token
	if err := s.execExpectOne(ctx, op, c.table.Name, q, args...); err != nil {
		return nil, err
	}
	return s.GetSessionByToken(ctx, token)
}

// DeleteSessionByID deletes the session with this id; ErrNotFound when there
// is none.
func (s *Store) DeleteSessionByID(ctx context.Context, id string) error {
	if s.noSessions {
		return notInDatabase("delete session", ba.ModelSession)
	}
	return s.execExpectOne(ctx, "delete session", s.session.table.Name, s.q.sessionDeleteByID, id)
}

// DeleteSessionByToken deletes the session with this token (sign-out);
// ErrNotFound when there is none.
func (s *Store) DeleteSessionByToken(ctx context.Context, token string) error {
	if s.noSessions {
		return notInDatabase("delete session by token", ba.ModelSession)
	}
	return s.execExpectOne(ctx, "delete session by token", s.session.table.Name, s.q.sessionDeleteByToken, token)
}

// RevokeUserSessions deletes every session of the user and returns how
// many there were (Better Auth's revoke-sessions).
func (s *Store) RevokeUserSessions(ctx context.Context, userID string) (int64, error) {
	if s.noSessions {
		return 0, notInDatabase("revoke user sessions", ba.ModelSession)
	}
	return s.exec(ctx, "revoke user sessions", s.session.table.Name, s.q.sessionsDeleteByUser, userID)
}

// DeleteExpiredSessions deletes sessions that expired before now, in
// batches of Options.BatchSize, and returns how many it deleted. With no
// session table (Schema.SecondaryStorage) there is nothing to delete.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	if s.noSessions {
		return 0, nil
	}
	return s.deleteExpired(ctx, "delete expired sessions", s.session.table.Name, s.q.sessionsDeleteExpired, s.kind.Time(s.nowUTC()))
}

// ExpireSessionByToken ends the session with this token but keeps its row,
// as Better Auth does on sign-out and revoke-session with
// session.preserveSessionInDatabase (endPreservedSessions, 1.7.0+):
// expiresAt and updatedAt become now, on a row that has not expired yet.
// ErrNotFound when there is no live session with that token.
func (s *Store) ExpireSessionByToken(ctx context.Context, token string) error {
	const op = "expire session by token"
	if s.noSessions {
		return notInDatabase(op, ba.ModelSession)
	}
	now := s.kind.Time(s.nowUTC())
	return s.execExpectOne(ctx, op, s.session.table.Name, s.q.sessionExpireByToken, now, now, token, now)
}

// ExpireUserSessions ends every live session of the user but keeps their
// rows, as Better Auth's deleteUserSessions does with
// session.preserveSessionInDatabase, and returns how many it ended.
func (s *Store) ExpireUserSessions(ctx context.Context, userID string) (int64, error) {
	const op = "expire user sessions"
	if s.noSessions {
		return 0, notInDatabase(op, ba.ModelSession)
	}
	now := s.kind.Time(s.nowUTC())
	return s.exec(ctx, op, s.session.table.Name, s.q.sessionsExpireByUser, now, now, userID, now)
}

// RefreshSession sets a session's expiresAt (and updatedAt), for sliding
// sessions (betterauth.SessionRefresher).
func (s *Store) RefreshSession(ctx context.Context, token string, expiresAt time.Time) error {
	_, err := s.UpdateSessionByToken(ctx, token, ba.SessionUpdate{ExpiresAt: &expiresAt})
	return err
}

// UserChanged does nothing: the SQL session table keeps no copy of the
// user. It makes a *Store a betterauth.SessionBackend.
func (s *Store) UserChanged(context.Context, *ba.User) error { return nil }

var _ ba.SessionBackend = (*Store)(nil)
