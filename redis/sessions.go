package redis

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
)

var (
	_ ba.SessionStore     = (*Store)(nil)
	_ ba.SessionRefresher = (*Store)(nil)
)

// GetSessionAndUser returns the session stored under token and its user,
// expired or not (the caller decides, see Session.IsExpired), as Better
// Auth's findSession reads them with secondary storage. A missing key, an
// empty token, or a session created before the user's
// revoked-sessions-before marker is an error matching
// betterauth.ErrNotFound. There is never a fallback to SQL here: with
// Better Auth's session.storeSessionInDatabase, use a DualBackend, which
// falls back on a missing key as Better Auth does.
// A Redis failure matches betterauth.ErrUnavailable; a stored value that is
// not what Better Auth writes matches ErrMalformed (and ErrUnavailable).
func (s *Store) GetSessionAndUser(ctx context.Context, token string) (_ *ba.Session, _ *ba.User, err error) {
	const op = "get session and user"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	if token == "" {
		return nil, nil, &storeError{op: op, sentinel: ba.ErrNotFound, msg: "empty token", keyMissing: true}
	}
	key := s.SessionKey(token)
	l, err := s.lookup(ctx, key)
	if errors.Is(err, goredis.Nil) || (s.ownRevocations != nil && s.ownRevocations.isDeleted(token, s.now())) {
		return nil, nil, &storeError{op: op, sentinel: ba.ErrNotFound, msg: "no session with this token", keyMissing: true}
	}
	if err != nil {
		return nil, nil, wrap(op, err)
	}
	sess, user, ok := s.memo.get(token, l.raw)
	if !ok {
		e, err := decodeEntry([]byte(l.raw))
		if err != nil {
			return nil, nil, malformed(op, "session entry", err.Error())
		}
		sess, user = &e.session, &e.user
		s.memo.put(token, l.raw, sess, user)
	}
	var marker float64
	if l.hasMarker && l.markerUser == sess.UserID {
		if l.markerFound {
			if marker, err = parseMarker(op, l.marker); err != nil {
				return nil, nil, err
			}
		}
	} else if marker, err = s.revokedBefore(ctx, op, sess.UserID); err != nil {
		return nil, nil, err
	}
	if s.ownRevocations != nil {
		marker = max(marker, s.ownRevocations.marker(sess.UserID, s.now()))
	}
	if isRevoked(sess, marker) {
		return nil, nil, newError(op, ba.ErrNotFound, "session revoked by revoked-sessions-before")
	}
	return sess, user, nil
}

// revokedBefore returns the user's revocation marker in epoch milliseconds,
// or 0 when there is none.
func (s *Store) revokedBefore(ctx context.Context, op, userID string) (float64, error) {
	key := s.RevokedBeforeKey(userID)
	v, err := s.client.Get(ctx, key).Result()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, wrap(op, err)
	}
	return parseMarker(op, v)
}

// isRevoked is Better Auth's isRevokedSession: createdAt strictly before
// the marker, compared in milliseconds.
func isRevoked(sess *ba.Session, marker float64) bool {
	return float64(sess.CreatedAt.UnixMilli()) < marker
}

// CreateSession stores a new session of user as Better Auth's createSession
// does with secondary storage: the entry `<token>` = {"session":…,"user":…}
// with a TTL of floor((expiresAt − now)/1000) seconds, and the token added
// to active-sessions-<userId>. The session is written with the fields it
// has (nil plugin fields left out, custom Fields included) in Better Auth's
// order; the user with the fields of Options.Schema, as Better Auth's
// adapter returns it. For a default configuration the entry is byte for
// byte the one Better Auth writes for the same values.
//
// Empty fields are filled in as Better Auth does: id and token (32
// characters of [A-Za-z0-9]), createdAt = now, updatedAt = createdAt,
// expiresAt = createdAt + Options.ExpiresIn, ipAddress and userAgent "".
// sess.UserID defaults to user.ID and must equal it. A session that would
// live less than a second is rejected (ErrInvalid): Better Auth would not
// store it either. An existing entry with the same token is never
// overwritten (ErrDuplicate).
//
// The entry is written first (SET NX), then the list (WATCH/MULTI); if the
// list cannot be updated the entry is deleted again and the error returned.
func (s *Store) CreateSession(ctx context.Context, sess *ba.Session, user *ba.User) (err error) {
	const op = "create session"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	switch {
	case sess == nil:
		return newError(op, ba.ErrInvalid, "nil session")
	case user == nil || user.ID == "":
		return newError(op, ba.ErrInvalid, "a user with an id is required")
	case sess.UserID != "" && sess.UserID != user.ID:
		return newError(op, ba.ErrInvalid, "session.userId %q is not user.id %q", sess.UserID, user.ID)
	}
	now := s.nowUTC()
	sess.UserID = user.ID
	sess.FillDefaults(now, s.expiresIn)
	ttl := ttlSeconds(sess.ExpiresAt, now)
	if ttl <= 0 {
		return newError(op, ba.ErrInvalid, "expiresAt %s is less than a second after now", ba.FormatTime(sess.ExpiresAt))
	}
	value, err := encodeEntry(sess, user, s.schema)
	if err != nil {
		return newError(op, ba.ErrInvalid, "encode: %v", err)
	}
	key := s.SessionKey(sess.Token)
	created, err := s.client.SetNX(ctx, key, value, time.Duration(ttl)*time.Second).Result()
	if err != nil {
		return wrap(op, err)
	}
	if !created {
		return newError(op, ba.ErrDuplicate, "a session with this token already exists")
	}
	ref := sessionRef{Token: sess.Token, ExpiresAt: float64(sess.ExpiresAt.UnixMilli())}
	err = s.updateRefs(ctx, op, sess.UserID, func(refs []sessionRef) []sessionRef {
		return append(withoutToken(refs, sess.Token), ref)
	})
	if err != nil {
		// An entry missing from the list would survive Better Auth's
		// revoke-sessions (until its marker catches it), so undo it.
		if delErr := s.client.Del(context.WithoutCancel(ctx), key).Err(); delErr != nil {
			s.log.WarnContext(ctx, "betterauth/redis: a session whose list could not be updated was left in place; revoke-sessions will not find it until it expires or its user's marker revokes it",
				"user_id", sess.UserID, "error", delErr.Error())
		}
		return err
	}
	return nil
}

// updateRefs rewrites active-sessions-<userID> as Better Auth's
// setActiveSessionReferences does, after mutate: expired references
// dropped, sorted by expiresAt ascending, TTL until the latest expiry, the
// key deleted when nothing is left. It runs in a WATCH/MULTI transaction on
// the list key, so concurrent updates from this package never lose a
// reference. A list that is not valid JSON is replaced, as Better Auth's
// safeJSONParse → [] does.
func (s *Store) updateRefs(ctx context.Context, op, userID string, mutate func([]sessionRef) []sessionRef) error {
	key := s.ActiveSessionsKey(userID)
	return s.watch(ctx, op, key, func(tx *goredis.Tx) error {
		var refs []sessionRef
		b, err := tx.Get(ctx, key).Bytes()
		switch {
		case errors.Is(err, goredis.Nil):
		case err != nil:
			return err
		default:
			refs, _ = decodeRefs(b)
		}
		refs, ttl := normalizeRefs(mutate(refs), s.nowUTC())
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			if ttl > 0 {
				p.Set(ctx, key, encodeRefs(refs), time.Duration(ttl)*time.Second)
			} else {
				p.Del(ctx, key)
			}
			return nil
		})
		return err
	})
}

// RefreshSession sets the session's expiresAt and updatedAt (= now), as
// Better Auth's updateSession does on a sliding refresh: the entry is
// rewritten with a TTL of floor((expiresAt − now)/1000) seconds and its
// reference in active-sessions-<userId> is replaced, the list's TTL
// following its latest expiry. Every other field of the stored session and
// user, known to this package or not, is kept byte for byte.
//
// A missing entry is ErrNotFound. An expiresAt less than a second after now
// is ErrInvalid (use DeleteSessionByToken to end a session).
func (s *Store) RefreshSession(ctx context.Context, token string, expiresAt time.Time) (err error) {
	const op = "refresh session"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	now := s.nowUTC()
	expiresAt = ba.Truncate(expiresAt)
	ttl := ttlSeconds(expiresAt, now)
	if ttl <= 0 {
		return newError(op, ba.ErrInvalid, "expiresAt %s is less than a second after now", ba.FormatTime(expiresAt))
	}
	if token == "" {
		return newError(op, ba.ErrNotFound, "empty token")
	}
	key := s.SessionKey(token)
	var userID string
	err = s.watch(ctx, op, key, func(tx *goredis.Tx) error {
		b, err := tx.Get(ctx, key).Bytes()
		if errors.Is(err, goredis.Nil) {
			return newError(op, ba.ErrNotFound, "no session with this token")
		}
		if err != nil {
			return err
		}
		e, err := decodeEntry(b)
		if err != nil {
			return malformed(op, "session entry", err.Error())
		}
		userID = e.session.UserID
		e.rawSession.set("expiresAt", jsonDate(expiresAt))
		e.rawSession.set("updatedAt", jsonDate(now))
		e.raw.set("session", e.rawSession.bytes())
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, key, e.raw.bytes(), time.Duration(ttl)*time.Second)
			return nil
		})
		return err
	})
	if err != nil {
		return err
	}
	ref := sessionRef{Token: token, ExpiresAt: float64(expiresAt.UnixMilli())}
	return s.updateRefs(ctx, op, userID, func(refs []sessionRef) []sessionRef {
		return append(withoutToken(refs, token), ref)
	})
}

// DeleteSessionByToken ends one session (Better Auth's sign-out and
// revoke-session): it deletes the entry, then removes the token from
// active-sessions-<userId> (deleting the list when it becomes empty). The
// entry goes first, the reverse of Better Auth's order, so that a failure in
// between leaves only a dangling reference, which every reader skips. A
// missing entry is ErrNotFound; a malformed one is deleted all the same
// (Better Auth leaves it in place), its list untouched.
func (s *Store) DeleteSessionByToken(ctx context.Context, token string) (err error) {
	const op = "delete session"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	if token == "" {
		return newError(op, ba.ErrNotFound, "empty token")
	}
	key := s.SessionKey(token)
	b, err := s.client.Get(ctx, key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return newError(op, ba.ErrNotFound, "no session with this token")
	}
	if err != nil {
		return wrap(op, err)
	}
	if err := s.client.Del(ctx, key).Err(); err != nil {
		return wrap(op, err)
	}
	s.ownRevocations.deleted(token, s.now())
	userID := peekUserID(b)
	if userID == "" {
		return nil
	}
	return s.updateRefs(ctx, op, userID, func(refs []sessionRef) []sessionRef {
		return withoutToken(refs, token)
	})
}

// peekUserID returns session.userId of an entry, or "" when it has none.
func peekUserID(b []byte) string {
	var v struct {
		Session struct {
			UserID string `json:"userId"`
		} `json:"session"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	return v.Session.UserID
}

// ListUserSessions returns the user's live sessions as Better Auth's
// listSessions and list-sessions endpoint do: in the order of
// active-sessions-<userId> (expiresAt ascending), skipping references that
// have expired, repeated tokens, entries that are gone, sessions the
// revoked-sessions-before marker revokes, and sessions whose own expiresAt
// has passed. An entry that belongs to another user is skipped too. The
// result is empty (not nil) when there is nothing. Unlike Better Auth,
// which skips a malformed list or entry silently, a malformed value is an
// error (ErrMalformed).
func (s *Store) ListUserSessions(ctx context.Context, userID string) (_ []ba.Session, err error) {
	const op = "list sessions"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	out := []ba.Session{}
	if userID == "" {
		return out, nil
	}
	listKey := s.ActiveSessionsKey(userID)
	b, err := s.client.Get(ctx, listKey).Bytes()
	if errors.Is(err, goredis.Nil) {
		return out, nil
	}
	if err != nil {
		return nil, wrap(op, err)
	}
	refs, err := decodeRefs(b)
	if err != nil {
		return nil, malformed(op, "active-sessions list", err.Error())
	}
	now := s.nowUTC()
	tokens := liveTokens(refs, now)
	if len(tokens) == 0 {
		return out, nil
	}
	// One round trip: the marker and every entry. On a cluster, go-redis
	// splits the pipeline by node.
	markerKey := s.RevokedBeforeKey(userID)
	var markerCmd *goredis.StringCmd
	entryCmds := make([]*goredis.StringCmd, len(tokens))
	_, err = s.client.Pipelined(ctx, func(p goredis.Pipeliner) error {
		markerCmd = p.Get(ctx, markerKey)
		for i, t := range tokens {
			entryCmds[i] = p.Get(ctx, s.SessionKey(t))
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, wrap(op, err)
	}
	var marker float64
	switch v, err := markerCmd.Result(); {
	case errors.Is(err, goredis.Nil):
	case err != nil:
		return nil, wrap(op, err)
	default:
		if marker, err = parseMarker(op, v); err != nil {
			return nil, err
		}
	}
	for _, cmd := range entryCmds {
		b, err := cmd.Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			return nil, wrap(op, err)
		}
		e, err := decodeEntry(b)
		if err != nil {
			return nil, malformed(op, "session entry", err.Error())
		}
		if e.session.UserID != userID || isRevoked(&e.session, marker) || e.session.IsExpired(now) {
			continue
		}
		out = append(out, e.session)
	}
	return out, nil
}

// liveTokens returns the tokens of references that have not expired at
// now, first occurrence only, in list order.
func liveTokens(refs []sessionRef, now time.Time) []string {
	nowMs := float64(now.UnixMilli())
	seen := map[string]bool{}
	var tokens []string
	for _, r := range refs {
		if r.ExpiresAt <= nowMs || seen[r.Token] {
			continue
		}
		seen[r.Token] = true
		tokens = append(tokens, r.Token)
	}
	return tokens
}

// RevokeUserSessions ends every session of the user, as Better Auth's
// deleteUserSessions does with secondary storage (revoke-sessions, a
// password reset with revokeSessionsOnPasswordReset, deleting the user):
//
//  1. revoked-sessions-before-<userId> is set to max(now, its previous
//     value) in epoch milliseconds, with a TTL of Options.RevokedBeforeTTL.
//     From then on every session of the user created earlier is refused by
//     Better Auth (1.7.16+) and by this package, even one whose entry
//     survives step 3 or is written later by a racing writer.
//  2. active-sessions-<userId> is read and deleted in one transaction.
//  3. Every entry it listed is deleted.
//
// It returns how many entries were deleted. Better Auth instead rewrites the
// list without the tokens it deleted; deleting the list in the same
// transaction that read it means no reference added meanwhile can be lost.
// A malformed list is deleted too; its entries are then unknown, and only
// the marker revokes them. With session.storeSessionInDatabase, Better Auth
// also deletes the user's session rows: do that with the SQL store.
func (s *Store) RevokeUserSessions(ctx context.Context, userID string) (_ int64, err error) {
	const op = "revoke user sessions"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	if userID == "" {
		return 0, newError(op, ba.ErrInvalid, "empty user id")
	}
	revokedAt := float64(s.nowUTC().UnixMilli())
	markerKey := s.RevokedBeforeKey(userID)
	markerTTL := s.revokedBeforeTTL.Truncate(time.Second)
	var marker float64
	err = s.watch(ctx, op, markerKey, func(tx *goredis.Tx) error {
		marker = revokedAt
		v, err := tx.Get(ctx, markerKey).Result()
		switch {
		case errors.Is(err, goredis.Nil):
		case err != nil:
			return err
		default:
			// Better Auth's Math.max(revokedAt, Number(previous) || 0): a
			// value that is not a number is overwritten.
			if prev, perr := parseMarker(op, v); perr == nil && prev > marker {
				marker = prev
			}
		}
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, markerKey, formatMarker(marker), markerTTL)
			return nil
		})
		return err
	})
	if err != nil {
		return 0, err
	}
	s.ownRevocations.revoked(userID, marker, s.now())

	listKey := s.ActiveSessionsKey(userID)
	var refs []sessionRef
	err = s.watch(ctx, op, listKey, func(tx *goredis.Tx) error {
		refs = nil
		b, err := tx.Get(ctx, listKey).Bytes()
		if errors.Is(err, goredis.Nil) {
			return nil
		}
		if err != nil {
			return err
		}
		refs, _ = decodeRefs(b)
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.Del(ctx, listKey)
			return nil
		})
		return err
	})
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	var dels []*goredis.IntCmd
	_, err = s.client.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, r := range refs {
			if r.Token == "" || seen[r.Token] {
				continue
			}
			seen[r.Token] = true
			// One DEL per key: on a cluster the keys live in different slots.
			dels = append(dels, p.Del(ctx, s.SessionKey(r.Token)))
		}
		return nil
	})
	if err != nil {
		return 0, wrap(op, err)
	}
	var n int64
	for _, d := range dels {
		n += d.Val()
	}
	return n, nil
}

// UserChanged rewrites the user part of every live session entry of
// user.ID with user, as Better Auth's updateUser does (refreshUserSessions):
// the user is written with the fields of Options.Schema (as Better Auth's
// adapter returns it, so the bytes match Better Auth's), and each entry
// keeps its session text byte for byte and gets a TTL of
// floor((session.expiresAt − now)/1000) seconds. Call it after changing a
// user in the database, or sessions keep serving the old user until they
// are refreshed by Better Auth.
//
// Each entry is rewritten in its own WATCH/MULTI transaction, so a
// concurrent RefreshSession is not undone. Entries that are gone, expire
// within a second, or belong to another user are skipped; a malformed entry
// is skipped and reported (ErrMalformed) after the others are done.
func (s *Store) UserChanged(ctx context.Context, user *ba.User) (err error) {
	const op = "user changed"
	ctx, t := s.trace(ctx, op)
	defer t.end(ctx, &err)
	if user == nil || user.ID == "" {
		return newError(op, ba.ErrInvalid, "a user with an id is required")
	}
	ub := s.schema.UserJSON(user)
	listKey := s.ActiveSessionsKey(user.ID)
	b, err := s.client.Get(ctx, listKey).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	if err != nil {
		return wrap(op, err)
	}
	refs, err := decodeRefs(b)
	if err != nil {
		return malformed(op, "active-sessions list", err.Error())
	}
	var firstErr error
	for _, token := range liveTokens(refs, s.nowUTC()) {
		key := s.SessionKey(token)
		err := s.watch(ctx, op, key, func(tx *goredis.Tx) error {
			b, err := tx.Get(ctx, key).Bytes()
			if errors.Is(err, goredis.Nil) {
				return nil
			}
			if err != nil {
				return err
			}
			e, err := decodeEntry(b)
			if err != nil {
				return malformed(op, "session entry", err.Error())
			}
			ttl := ttlSeconds(e.session.ExpiresAt, s.nowUTC())
			if e.session.UserID != user.ID || ttl <= 0 {
				return nil
			}
			e.raw.set("user", ub)
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.Set(ctx, key, e.raw.bytes(), time.Duration(ttl)*time.Second)
				return nil
			})
			return err
		})
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				return err
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

var _ ba.SessionBackend = (*Store)(nil)
