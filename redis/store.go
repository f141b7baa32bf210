package redis

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"net"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/coalesce"
)

// DefaultKeyPrefix is the key prefix of @better-auth/redis-storage.
const DefaultKeyPrefix = "better-auth:"

// Options configure a Store. The zero value matches Better Auth 1.7.25's
// defaults with @better-auth/redis-storage.
type Options struct {
	// KeyPrefix is put before every key, as redisStorage's keyPrefix.
	// Default "better-auth:" (DefaultKeyPrefix).
	KeyPrefix string
	// NoKeyPrefix uses no prefix at all, for redisStorage({keyPrefix: ""})
	// or a hand-written secondaryStorage that stores keys as they are. It
	// wins over KeyPrefix. Default false.
	NoKeyPrefix bool
	// ExpiresIn is Better Auth's session.expiresIn: the lifetime
	// CreateSession gives a session whose ExpiresAt is zero. Default 7 days.
	ExpiresIn time.Duration
	// RevokedBeforeTTL is how long the revoked-sessions-before marker
	// written by RevokeUserSessions lives. Better Auth uses
	// max(session.expiresIn, 1 day, admin impersonationSessionDuration);
	// the default is max(ExpiresIn, 24 h), so set it when the admin plugin's
	// impersonationSessionDuration is longer. Rounded down to seconds.
	RevokedBeforeTTL time.Duration
	// Schema is the schema Better Auth runs with (plugins and
	// additionalFields), built with betterauth.Schema.Resolve. The user
	// copy in each entry is written with its fields, as Better Auth's
	// database adapter returns them: every field of the schema, null when
	// unset, and no others (a custom field missing from the schema is not
	// written). Default: Better Auth's core schema.
	Schema *ba.ResolvedSchema
	// Now returns the current time, for expiry checks and TTLs. Default
	// time.Now.
	Now func() time.Time
	// DecodeMemo is how many sessions' decoded entries are remembered, by
	// token and exact bytes, so that a session read on every request is
	// parsed once. Every lookup still reads Redis; only the JSON decoding
	// of bytes already seen is skipped, so no change is ever missed.
	// Default DefaultDecodeMemo (1,024 entries, ~2 KB each); negative
	// turns it off.
	DecodeMemo int
	// NoScript reads a session and its user's revocation marker without
	// the Lua script (EVALSHA): two GETs, or one MGET once the session's
	// user is known from an earlier read. The script is used only on
	// a single-node client (*redis.Client) and dropped by itself when the
	// server refuses it (no EVAL permission, no Lua); set this when a proxy
	// in between misbehaves on scripts. Default false.
	NoScript bool
	// MaxLookups is how many session lookups run at once; lookups that
	// arrive while they all run wait, and go together in one script call
	// as soon as one returns, so a busy server makes far fewer round
	// trips (an idle one sends each lookup at once). Default max(2,
	// GOMAXPROCS); negative: no batching. Batching needs the script (a
	// single-node client, NoScript unset, no client-side cache: see the
	// package documentation).
	MaxLookups int
	// Tracer, when set, is told of every Store operation: its name,
	// duration and error, never a key (a session's key is its token). See
	// package github.com/betterauth-go/betterauth/otel. Default none,
	// which costs nothing.
	Tracer ba.QueryTracer
	// Log receives the rare events no caller sees: the lookup script
	// refused (the Store then reads with GETs), a session entry left
	// behind by a CreateSession that failed halfway. Never a token or a
	// session's key. Default slog.Default().
	Log *slog.Logger
	// StoreIdentifier is Better Auth's verification.storeIdentifier: how
	// the identifier of a verification value becomes its key (plain by
	// default, or hashed; see betterauth.IdentifierStorage). It must be the
	// app's, or Go and Better Auth miss each other's values. New panics on
	// a mode that is neither plain nor hashed (check it first with
	// IdentifierStorage.Validate).
	StoreIdentifier ba.IdentifierStorage
}

// coreSchema is Better Auth's default schema, resolved once.
var coreSchema = sync.OnceValue(func() *ba.ResolvedSchema {
	r, err := ba.Schema{}.Resolve()
	if err != nil {
		panic("betterauth/redis: the default schema does not resolve: " + err.Error())
	}
	return r
})

// Store reads and writes Better Auth's sessions in Redis secondary storage.
// It is safe for concurrent use.
type Store struct {
	client           goredis.UniversalClient
	prefix           string
	expiresIn        time.Duration
	revokedBeforeTTL time.Duration
	schema           *ba.ResolvedSchema
	now              func() time.Time
	memo             *decodeMemo
	scriptOK         atomic.Bool // the one-round-trip lookup is in use
	mgetOK           bool        // single node: MGET of an entry and its marker
	batcher          *coalesce.Batcher[sessionLookup]
	// ownRevocations: set when the client caches replies in process.
	tracer          ba.QueryTracer
	log             *slog.Logger
	ownRevocations  *localRevocations
	storeIdentifier ba.IdentifierStorage
	noGetDel        atomic.Bool // the server answered GETDEL with "unknown command"
	keyLocks        *keyLocks   // this process's writers of one key take turns (see watch)
}

// New returns a Store on client (a *redis.Client, *redis.ClusterClient,
// failover client or anything else implementing redis.UniversalClient), or
// an error when client is nil or opts is invalid (an unknown
// Options.StoreIdentifier mode), as the SQL stores' New do.
func New(client goredis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("redis.New: nil client")
	}
	if err := opts.StoreIdentifier.Validate(); err != nil {
		return nil, fmt.Errorf("redis.New: Options.StoreIdentifier: %w", err)
	}
	s := &Store{
		client:           client,
		prefix:           opts.KeyPrefix,
		expiresIn:        opts.ExpiresIn,
		revokedBeforeTTL: opts.RevokedBeforeTTL,
		schema:           opts.Schema,
		now:              opts.Now,
		tracer:           opts.Tracer,
		log:              opts.Log,
		storeIdentifier:  opts.StoreIdentifier,
		keyLocks:         newKeyLocks(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.schema == nil {
		s.schema = coreSchema()
	}
	if s.prefix == "" {
		s.prefix = DefaultKeyPrefix
	}
	if opts.NoKeyPrefix {
		s.prefix = ""
	}
	if s.expiresIn <= 0 {
		s.expiresIn = ba.DefaultSessionExpiresIn
	}
	if s.revokedBeforeTTL < time.Second {
		s.revokedBeforeTTL = max(s.expiresIn, 24*time.Hour)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.DecodeMemo == 0 {
		opts.DecodeMemo = DefaultDecodeMemo
	}
	s.memo = newDecodeMemo(opts.DecodeMemo)
	cached, staleness := clientCache(client)
	if cached {
		s.ownRevocations = newLocalRevocations(staleness)
	}
	// A client-side cache answers GETs from memory; a script always goes
	// to Redis (see clientcache.go).
	s.scriptOK.Store(!opts.NoScript && scriptCapable(client) && !cached)
	// Without the script, a single node can still read an entry and its
	// marker in one MGET once the entry's user is known (see fetchSession);
	// a cluster cannot (the two keys live in different slots).
	s.mgetOK = scriptCapable(client)
	if s.scriptOK.Load() {
		if opts.MaxLookups == 0 {
			opts.MaxLookups = max(2, runtime.GOMAXPROCS(0))
		}
		s.batcher = coalesce.New[sessionLookup](sessionFetcher{s}, opts.MaxLookups, 64)
	}
	return s, nil
}

// KeyPrefix returns the prefix the store puts before every key.
func (s *Store) KeyPrefix() string { return s.prefix }

// SessionKey returns the Redis key of the session with this token.
func (s *Store) SessionKey(token string) string { return s.prefix + token }

// ActiveSessionsKey returns the Redis key of the user's list of sessions.
func (s *Store) ActiveSessionsKey(userID string) string {
	return s.prefix + "active-sessions-" + userID
}

// RevokedBeforeKey returns the Redis key of the user's revocation marker
// (Better Auth 1.7.16+).
func (s *Store) RevokedBeforeKey(userID string) string {
	return s.prefix + "revoked-sessions-before-" + userID
}

func (s *Store) nowUTC() time.Time { return ba.Truncate(s.now()) }

// ttlSeconds is Better Auth's getTTLSeconds: whole seconds from now until
// expiresAt, rounded down, never negative.
func ttlSeconds(expiresAt, now time.Time) int64 {
	ms := expiresAt.UnixMilli() - now.UnixMilli()
	if ms <= 0 {
		return 0
	}
	return ms / 1000
}

// ErrMalformed means a value stored under one of Better Auth's keys is not
// what Better Auth writes (not JSON, a missing session or user, a bad
// date, a non-numeric revocation marker). Errors matching it also match
// betterauth.ErrUnavailable: the store, not the caller, is at fault, so an
// HTTP layer answers 503 rather than 401.
var ErrMalformed = errors.New("betterauth/redis: malformed value")

// storeError is what every Store method returns on failure: the operation,
// a sentinel for errors.Is, and a message; go-redis error types never
// escape.
type storeError struct {
	op        string
	sentinel  error
	malformed bool
	msg       string
	ctxErr    error
	// keyMissing: ErrNotFound because there is no entry under the key, not
	// because a marker revoked it (the database fallback of a DualBackend
	// applies only then, as in Better Auth's findSession).
	keyMissing bool
}

func (e *storeError) Error() string {
	return fmt.Sprintf("betterauth/redis: %s: %s", e.op, e.msg)
}

func (e *storeError) Is(target error) bool {
	switch {
	case target == e.sentinel:
		return true
	case target == ErrMalformed:
		return e.malformed
	case e.ctxErr != nil:
		return errors.Is(e.ctxErr, target)
	}
	return false
}

func newError(op string, sentinel error, format string, args ...any) error {
	return &storeError{op: op, sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// malformed reports a damaged value by its kind ("session entry",
// "active-sessions list", "revocation marker") and what is wrong with it,
// never by its key or contents: a session entry's key is the session token,
// and serve logs the text of every 5xx.
func malformed(op, kind, problem string) error {
	return &storeError{op: op, sentinel: ba.ErrUnavailable, malformed: true, msg: "malformed " + kind + ": " + problem}
}

// wrap turns a go-redis error into a storeError matching ErrUnavailable.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *storeError
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: err.Error(), ctxErr: err}
	}
	var netErr net.Error
	switch {
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: "redis unreachable: " + err.Error()}
	case errors.Is(err, goredis.ErrClosed):
		return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: "redis client closed"}
	}
	var redisErr goredis.Error
	if errors.As(err, &redisErr) {
		return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: "redis replied: " + err.Error()}
	}
	return &storeError{op: op, sentinel: ba.ErrUnavailable, msg: "redis error: " + err.Error()}
}

// maxWatchAttempts bounds the optimistic-locking retries of one update.
const maxWatchAttempts = 32

// keyLocks serialises this process's writers of one key: a fixed array of
// one-slot semaphores, a key hashed onto one, so memory stays constant and
// a waiter can give up when its context ends. Keys sharing a stripe only
// take turns.
type keyLocks [256]chan struct{}

func newKeyLocks() *keyLocks {
	var k keyLocks
	for i := range k {
		k[i] = make(chan struct{}, 1)
	}
	return &k
}

func (k *keyLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	slot := k[h.Sum32()%uint32(len(k))]
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// watch runs fn in a WATCH transaction on the single key, retrying when
// another client changed the key before EXEC. One key per transaction
// keeps it valid on Redis Cluster, where Better Auth's keys for one
// session hash to different slots.
//
// Writers of the same key in this process take turns (keyLocks) before
// WATCH: optimistic locking alone makes n concurrent writers of one key
// (every session of a user shares its active-sessions list) retry up to n
// times each, so a burst of more than maxWatchAttempts of them, or a few
// on busy cores, failed as "contended". The retries are left for writers
// in other processes (Better Auth, other instances).
func (s *Store) watch(ctx context.Context, op, key string, fn func(tx *goredis.Tx) error) error {
	unlock, err := s.keyLocks.lock(ctx, key)
	if err != nil {
		return wrap(op, err)
	}
	defer unlock()
	for range maxWatchAttempts {
		err := s.client.Watch(ctx, fn, key)
		if errors.Is(err, goredis.TxFailedErr) {
			continue
		}
		return wrap(op, err)
	}
	// Not the key: for a session entry it is the token.
	return newError(op, ba.ErrUnavailable, "still contended after %d attempts", maxWatchAttempts)
}

// parseMarker reads a revoked-sessions-before value: epoch milliseconds as
// decimal digits (Better Auth writes String(Date.now())). Like Better
// Auth's Number(…), it also accepts a fraction or an exponent. A value that
// is not a number is an error rather than "no marker", so that a damaged
// marker fails closed.
func parseMarker(op, v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, malformed(op, "revocation marker", "not a number")
	}
	return f, nil
}

// formatMarker writes a marker as JavaScript's String(number) does for the
// values Better Auth stores.
func formatMarker(ms float64) string {
	if ms == math.Trunc(ms) && math.Abs(ms) < 1<<53 {
		return strconv.FormatInt(int64(ms), 10)
	}
	return strconv.FormatFloat(ms, 'f', -1, 64)
}
