package betterauth

import (
	"context"
	"errors"
	"time"
)

// Hooks for observability: a Verifier reports each verification to a
// VerifyTracer, and the stores (sqlstore, redis) report each operation to a
// QueryTracer. They are interfaces, not an OpenTelemetry dependency, so that
// this package stays small; package
// github.com/betterauth-go/betterauth/otel turns them into OpenTelemetry
// spans and metrics. Like pgx's QueryTracer and net/http/httptrace, the
// Start call returns the context the work then runs under, so a tracer can
// put a span there and the store's span becomes its child.
//
// Nothing a tracer receives holds a credential: no token, cookie value,
// signature, secret, password, key or SQL argument. When no tracer is set,
// the hooks cost a nil check.

// VerifyTracer observes Verifier verifications (VerifierConfig.Tracer).
// Its methods are called from every request's goroutine, concurrently.
type VerifyTracer interface {
	// VerifyStart is called when a verification begins; the verification
	// (and its session-store lookup) runs under the context it returns.
	VerifyStart(ctx context.Context) context.Context
	// VerifyEnd is called once the verification has its answer, with the
	// context VerifyStart returned.
	VerifyEnd(ctx context.Context, info VerifyInfo)
}

// VerifyInfo is what a VerifyTracer learns about one verification.
type VerifyInfo struct {
	// Outcome is how it ended.
	Outcome Outcome
	// Credential is what the request presented: CredentialCookie,
	// CredentialBearer, or CredentialCookieCache when the session_data
	// cookie answered without a store read. Empty when there was none
	// (OutcomeNoSession), and for VerifyToken, which is handed a bare
	// token.
	Credential Credential
	// CookieCache is the cookie cache strategy when Credential is
	// CredentialCookieCache; empty otherwise.
	CookieCache CookieCacheStrategy
	// Duration is how long the verification took (the wall clock, not
	// VerifierConfig.Now).
	Duration time.Duration
	// Err is the error Verify returned, nil when Outcome is OutcomeOK.
	// Prefer Outcome for anything recorded: a custom store's message is
	// its own, and this package cannot vouch for what it says.
	Err error
}

// Outcome names how a verification ended. The values are stable, for use as
// metric labels.
type Outcome string

// Outcomes of a verification. Each error a Verifier returns maps to exactly
// one (OutcomeOf).
const (
	OutcomeOK               Outcome = "ok"                // a session and user
	OutcomeNoSession        Outcome = "no_session"        // ErrNoSession: no credential at all
	OutcomeInvalidSignature Outcome = "invalid_signature" // ErrInvalidSignature: forged, foreign or damaged
	OutcomeNotFound         Outcome = "not_found"         // ErrSessionNotFound: revoked, signed out, never existed
	OutcomeExpired          Outcome = "expired"           // ErrSessionExpired
	OutcomeBanned           Outcome = "banned"            // ErrUserBanned
	OutcomeUnavailable      Outcome = "unavailable"       // ErrUnavailable: the store failed, not a verdict
	OutcomeError            Outcome = "error"             // any other error (a custom SessionStore's)
)

// OutcomeOf returns the Outcome of a verification that returned err.
func OutcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrNoSession):
		return OutcomeNoSession
	case errors.Is(err, ErrInvalidSignature):
		return OutcomeInvalidSignature
	case errors.Is(err, ErrSessionNotFound):
		return OutcomeNotFound
	case errors.Is(err, ErrSessionExpired):
		return OutcomeExpired
	case errors.Is(err, ErrUserBanned):
		return OutcomeBanned
	case errors.Is(err, ErrUnavailable):
		return OutcomeUnavailable
	}
	return OutcomeError
}

// QueryTracer observes a store's operations on its database or Redis
// (sqlstore.Options.Tracer, redis.Options.Tracer). Its methods are called
// concurrently.
type QueryTracer interface {
	// QueryStart is called when an operation begins; the operation runs
	// under the context it returns. Duration and Err are zero.
	QueryStart(ctx context.Context, info QueryInfo) context.Context
	// QueryEnd is called when it has finished, with the context QueryStart
	// returned and the same info, Duration and Err now set.
	QueryEnd(ctx context.Context, info QueryInfo)
}

// QueryInfo describes one store operation. It names the operation, never
// the statement's arguments or a key (a session's Redis key is its token).
type QueryInfo struct {
	// System is the backend, as OpenTelemetry's db.system.name spells it:
	// "postgresql", "mysql", "sqlite" or "redis".
	System string
	// Operation is what the store does, in the words its errors use:
	// "get session and user", "create session", "delete expired
	// sessions"…
	Operation string
	// Table is the table operated on as the database names it ("session",
	// or "sessions" with usePlural); for a join, the table the operation
	// is about. Empty for Redis.
	Table string
	// Duration is how long the operation took; set for QueryEnd.
	Duration time.Duration
	// Err is the operation's error, set for QueryEnd: nil, or an error
	// matching ErrNotFound, ErrDuplicate, ErrInvalid or ErrUnavailable.
	// ErrNotFound is an answer ("no such row"), not a fault.
	Err error
}

// Systems of QueryInfo.
const (
	SystemPostgreSQL = "postgresql"
	SystemMySQL      = "mysql"
	SystemSQLite     = "sqlite"
	SystemRedis      = "redis"
)

// traceEnd reports a finished verification to v.tracer.
func (v *Verifier) traceEnd(ctx context.Context, start time.Time, res *Result, cred Credential, err error) {
	info := VerifyInfo{Outcome: OutcomeOf(err), Credential: cred, Duration: time.Since(start), Err: err}
	if res != nil {
		info.Credential = res.Credential
	}
	if info.Credential == CredentialCookieCache {
		info.CookieCache = v.cache.Strategy
	}
	v.tracer.VerifyEnd(ctx, info)
}
