package betterauth

import (
	"context"
	"encoding/json"
	"maps"
	"time"

	"github.com/betterauth-go/betterauth/internal/jsjson"
	"github.com/betterauth-go/betterauth/internal/sessionorder"
)

// Session is a row of Better Auth's session table.
type Session struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"`
	UserID    string    `json:"userId"`
	ExpiresAt time.Time `json:"expiresAt"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// IPAddress and UserAgent are "" when unknown (Better Auth writes "",
	// not NULL); nil only for rows written by other tools with NULL.
	IPAddress *string `json:"ipAddress"`
	UserAgent *string `json:"userAgent"`

	// admin plugin
	ImpersonatedBy *string `json:"impersonatedBy,omitempty"`
	// organization plugin
	ActiveOrganizationID *string `json:"activeOrganizationId,omitempty"`
	ActiveTeamID         *string `json:"activeTeamId,omitempty"`

	// Fields holds custom session fields (session.additionalFields).
	Fields Fields `json:"-"`

	// outputKeys, when set, is the key order of the session object this
	// session was read from in secondaryStorage (see internal/sessionorder):
	// its JSON then has those keys, in that order, as Better Auth's has.
	outputKeys []string
}

func init() {
	sessionorder.Set = func(sess any, keys []string) { sess.(*Session).outputKeys = keys }
}

// IsExpired reports whether the session has expired at now. Both instants are
// compared as absolute times, so the time zone a driver returns does not
// matter. A session expiring exactly at now is expired.
func (s *Session) IsExpired(now time.Time) bool { return !s.ExpiresAt.After(now) }

// Clone returns a copy of s whose Fields map is its own (see User.Clone).
func (s *Session) Clone() *Session {
	c := *s
	c.Fields = maps.Clone(s.Fields)
	return &c
}

// SessionCreate describes a new session.
type SessionCreate struct {
	UserID    string
	ExpiresIn time.Duration // 0 means DefaultSessionExpiresIn
	IPAddress string
	UserAgent string
	Fields    Fields
}

// DefaultSessionExpiresIn is Better Auth's session.expiresIn default (7 days).
const DefaultSessionExpiresIn = 7 * 24 * time.Hour

// NewSession builds the row for c at now, as Better Auth's createSession
// does: new id and 32-character token, expiresAt = now + expiresIn,
// ipAddress/userAgent "" when unknown.
func NewSession(c SessionCreate, now time.Time) *Session {
	now = Truncate(now)
	if c.ExpiresIn <= 0 {
		c.ExpiresIn = DefaultSessionExpiresIn
	}
	ip, ua := c.IPAddress, c.UserAgent
	return &Session{
		ID:        GenerateID(),
		Token:     GenerateToken(),
		UserID:    c.UserID,
		ExpiresAt: Truncate(now.Add(c.ExpiresIn)),
		CreatedAt: now,
		UpdatedAt: now,
		IPAddress: &ip,
		UserAgent: &ua,
		Fields:    c.Fields,
	}
}

// FillDefaults completes a session about to be stored as Better Auth's
// createSession does: a new id and token when missing, createdAt =
// updatedAt = now, expiresAt = createdAt + expiresIn (DefaultSessionExpiresIn
// when 0), ipAddress/userAgent "" when unknown, every date truncated to
// milliseconds.
func (s *Session) FillDefaults(now time.Time, expiresIn time.Duration) {
	if expiresIn <= 0 {
		expiresIn = DefaultSessionExpiresIn
	}
	if s.ID == "" {
		s.ID = GenerateID()
	}
	if s.Token == "" {
		s.Token = GenerateToken()
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	if s.ExpiresAt.IsZero() {
		s.ExpiresAt = s.CreatedAt.Add(expiresIn)
	}
	if s.IPAddress == nil {
		empty := ""
		s.IPAddress = &empty
	}
	if s.UserAgent == nil {
		empty := ""
		s.UserAgent = &empty
	}
	s.CreatedAt, s.UpdatedAt, s.ExpiresAt = Truncate(s.CreatedAt), Truncate(s.UpdatedAt), Truncate(s.ExpiresAt)
}

// SessionUpdate changes some columns of a session; stores set updatedAt.
type SessionUpdate struct {
	ExpiresAt            *time.Time
	IPAddress            Nullable[string]
	UserAgent            Nullable[string]
	ImpersonatedBy       Nullable[string]
	ActiveOrganizationID Nullable[string]
	ActiveTeamID         Nullable[string]
	Fields               Fields
}

// SessionResponse is a session as shown to its user: never the token.
type SessionResponse struct {
	ID        string   `json:"id"`
	ExpiresAt jsonTime `json:"expiresAt"`
	CreatedAt jsonTime `json:"createdAt"`
	UpdatedAt jsonTime `json:"updatedAt"`
	IPAddress *string  `json:"ipAddress"`
	UserAgent *string  `json:"userAgent"`
	// Current marks the session the request was made with.
	Current bool `json:"current"`
}

// Response returns the user-facing view of s; current marks the caller's own.
func (s *Session) Response(current bool) SessionResponse {
	return SessionResponse{ID: s.ID, ExpiresAt: jsonTime(s.ExpiresAt), CreatedAt: jsonTime(s.CreatedAt), UpdatedAt: jsonTime(s.UpdatedAt), IPAddress: s.IPAddress, UserAgent: s.UserAgent, Current: current}
}

// MarshalJSON writes the session as Better Auth does (see User.MarshalJSON).
func (s Session) MarshalJSON() ([]byte, error) {
	o := jsjson.NewObject()
	o.String("id", s.ID)
	o.String("token", s.Token)
	o.String("userId", s.UserID)
	o.Date("expiresAt", s.ExpiresAt)
	o.Date("createdAt", s.CreatedAt)
	o.Date("updatedAt", s.UpdatedAt)
	o.OptString("ipAddress", s.IPAddress)
	o.OptString("userAgent", s.UserAgent)
	if s.ImpersonatedBy != nil {
		o.String("impersonatedBy", *s.ImpersonatedBy)
	}
	if s.ActiveOrganizationID != nil {
		o.String("activeOrganizationId", *s.ActiveOrganizationID)
	}
	if s.ActiveTeamID != nil {
		o.String("activeTeamId", *s.ActiveTeamID)
	}
	writeFields(o, s.Fields, builtinFieldNames[ModelSession])
	return o.Bytes(), nil
}

// UnmarshalJSON reads a session as Better Auth sends it.
func (s *Session) UnmarshalJSON(b []byte) error {
	type plain Session
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	extra, err := extraFields(b, builtinFieldNames[ModelSession])
	if err != nil {
		return err
	}
	p.Fields = extra
	*s = Session(p)
	return nil
}

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

// SessionRefresher is implemented by stores that can extend a session.
type SessionRefresher interface {
	RefreshSession(ctx context.Context, token string, expiresAt time.Time) error
}
