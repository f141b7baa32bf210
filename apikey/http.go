package apikey

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

type contextKey struct{}

type state struct {
	result *Result
	err    error
}

// NewContext returns ctx carrying a verification outcome, for tests and
// custom middleware.
func NewContext(ctx context.Context, res *Result, err error) context.Context {
	return context.WithValue(ctx, contextKey{}, &state{result: res, err: err})
}

// FromContext returns what Middleware found: the result, or the error that
// explains why there is none (ErrNoKey when Middleware did not run).
func FromContext(ctx context.Context) (*Result, error) {
	st, ok := ctx.Value(contextKey{}).(*state)
	if !ok {
		return nil, ErrNoKey
	}
	return st.result, st.err
}

// User returns the owner of the verified key, or nil.
func User(ctx context.Context) *ba.User {
	if res, _ := FromContext(ctx); res != nil {
		return res.User
	}
	return nil
}

// Key returns the verified key's row, or nil.
func Key(ctx context.Context) *ba.APIKey {
	if res, _ := FromContext(ctx); res != nil {
		return res.Key
	}
	return nil
}

// Middleware verifies the key of every request that carries one and
// stores the outcome in the context. It never rejects: Require (or the
// handler, through FromContext) decides. It adds Vary for the key headers,
// since the answer depends on them. With required permissions a key that
// lacks them is refused as ErrKeyNotFound (see VerifyKey).
func Middleware(v *Verifier, required ...Permissions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, h := range v.headers {
				w.Header().Add("Vary", h)
			}
			res, err := v.Verify(r.Context(), r, required...)
			next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), res, err)))
		})
	}
}

// Require answers with Better Auth's status and error body unless
// Middleware verified a key: 401 (no, unknown, disabled or expired key,
// unknown owner), 403 (a key shorter than MinKeyLength), 429 (usage limit
// or rate limit, with Retry-After), 503 when a store failed.
func Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := FromContext(r.Context())
		if res == nil {
			if err == nil {
				err = ErrNoKey
			}
			WriteError(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Error is Better Auth's error body; Details carries tryAgainIn (ms) for
// RATE_LIMITED.
type Error struct {
	Message string        `json:"message"`
	Code    string        `json:"code"`
	Details *ErrorDetails `json:"details,omitempty"`
}

// ErrorDetails is the details object of a RATE_LIMITED body.
type ErrorDetails struct {
	TryAgainIn int64 `json:"tryAgainIn"`
}

// Status returns the HTTP status and Better Auth's body for a Verify
// error: betterauth.ErrorResponse's answer (the one table; these errors
// carry the plugin's API_KEY_ERROR_CODES), with tryAgainIn for a
// *RateLimitError. An error no sentinel describes is refused as an invalid
// key (401 INVALID_API_KEY): a key check fails closed.
func Status(err error) (int, Error) {
	var e *ba.Error
	if !errors.As(err, &e) {
		e = ErrInvalidKey
	}
	body := Error{Message: e.Message, Code: e.Code}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		body.Details = &ErrorDetails{TryAgainIn: rl.RetryAfter.Milliseconds()}
	}
	return e.Status, body
}

// WriteError writes the answer Status gives for err, with Retry-After
// (whole seconds, rounded up) on 429 RATE_LIMITED and 503.
func WriteError(w http.ResponseWriter, err error) {
	status, body := Status(err)
	var rl *RateLimitError
	switch {
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	case errors.As(err, &rl):
		secs := int64((rl.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
