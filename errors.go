package betterauth

import (
	"errors"
	"net/http"
)

// Error is an error together with the answer Better Auth gives for it over
// HTTP: a status and its {"message","code"} body. Every sentinel of this
// module that a client can meet is an *Error, so one function,
// ErrorResponse, decides every answer: the server, httpauth and apikey all
// use it, and a message is written once.
//
// Test for a sentinel with errors.Is as usual; errors.As(err, &e) finds
// the answer for a wrapped one.
type Error struct {
	// Status is the HTTP status Better Auth answers with.
	Status int
	// Code is Better Auth's error code ("BANNED_USER"); empty for the few
	// answers Better Auth sends without one.
	Code string
	// Message is Better Auth's message for clients.
	Message string
	// Text is the Go error text (for logs and tests); Message when empty.
	Text string
	// Err is the error this one refines, if any: errors.Is(e, e.Err).
	Err error
}

func (e *Error) Error() string {
	if e.Text != "" {
		return e.Text
	}
	return e.Message
}

// Unwrap returns the error this one refines.
func (e *Error) Unwrap() error { return e.Err }

// ErrInternal is the answer for an error no sentinel describes: 500, with
// nothing of the cause (which goes to the log, never to the client).
var ErrInternal = &Error{Status: http.StatusInternalServerError, Code: "INTERNAL_SERVER_ERROR", Message: "Internal server error", Text: "betterauth: internal error"}

// ErrorResponse returns the answer for err: the outermost *Error in its
// chain, or ErrInternal when there is none. Store errors map by sentinel:
// bad input 400, a missing row 404, a conflict 422, the database being
// down 503 (never a 401 that would sign the user out); session errors are
// 401, a banned user 403.
//
// An error that matches a sentinel only through its own Is method (the
// stores' errors do, to keep driver errors out of the chain) gets that
// sentinel's answer, the sentinels tried in this order: ErrInvalid,
// ErrNotFound, ErrDuplicate, ErrUnavailable, the Verifier's, ErrUserBanned.
func ErrorResponse(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	for _, sentinel := range answerOrder {
		if errors.Is(err, sentinel) {
			return sentinel
		}
	}
	return ErrInternal
}

var answerOrder = []*Error{ErrInvalid, ErrNotFound, ErrDuplicate, ErrUnavailable, ErrNoSession, ErrSessionNotFound, ErrSessionExpired, ErrInvalidSignature, ErrUserBanned}

// Sentinel errors returned by every store. Stores wrap them with what was
// being done, so test with errors.Is.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "Not found", Text: "betterauth: not found"}
	// ErrDuplicate means a unique value (user email, username, session token,
	// organization slug, id) is already taken.
	ErrDuplicate = &Error{Status: http.StatusUnprocessableEntity, Code: "CONFLICT", Message: "A unique value is already taken", Text: "betterauth: duplicate value"}
	// ErrInvalid means the input was rejected before it reached the database
	// (a missing required field, a value of the wrong type, an unknown field).
	ErrInvalid = &Error{Status: http.StatusBadRequest, Code: "VALIDATION_ERROR", Message: "invalid input", Text: "betterauth: invalid input"}
	// ErrUnavailable means the database (or another backing service) could
	// not be reached or failed. It is an infrastructure fault, not a verdict
	// on the caller: an HTTP layer answers 503, never 401.
	ErrUnavailable = &Error{Status: http.StatusServiceUnavailable, Code: "SERVICE_UNAVAILABLE", Message: "Service unavailable, try again", Text: "betterauth: backing store unavailable"}
)

// Errors a Verifier returns. Every failure matches exactly one of them (or
// ErrUnavailable), so an HTTP layer can map them to status codes.
var (
	// ErrNoSession means the request carries no session credential.
	ErrNoSession = unauthorized("betterauth: no session")
	// ErrSessionNotFound means the credential is well signed but names no
	// session: it was revoked, signed out or never existed.
	ErrSessionNotFound = unauthorized("betterauth: session not found")
	// ErrSessionExpired means the session's expiresAt has passed.
	ErrSessionExpired = unauthorized("betterauth: session expired")
	// ErrUserBanned means the admin plugin's ban is in force for the user;
	// the message is the admin plugin's BANNED_USER.
	ErrUserBanned = &Error{Status: http.StatusForbidden, Code: "BANNED_USER", Message: "You have been banned from this application. Please contact support if you believe this is an error.", Text: "betterauth: user banned"}
	// ErrInvalidSignature means a signed value's signature is missing,
	// malformed or does not match the secret.
	ErrInvalidSignature = unauthorized("betterauth: invalid signature")
)

// unauthorized is Better Auth's 401 for a request without a usable session.
func unauthorized(text string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "UNAUTHORIZED", Message: "Unauthorized", Text: text}
}

// Errors of the helpers, for their Go callers.
var (
	// ErrBadEncoding is returned by DecodeURIComponent for malformed escapes.
	ErrBadEncoding = errors.New("betterauth: malformed percent-encoding")
	// ErrMalformedHash is returned by VerifyPassword for a stored hash that is
	// not in Better Auth's "hexsalt:hexkey" form.
	ErrMalformedHash = errors.New("betterauth: malformed password hash")
	// ErrNoSecret means no secret was configured or found in the environment.
	ErrNoSecret = errors.New("betterauth: no secret: set BETTER_AUTH_SECRET (or BETTER_AUTH_SECRETS) to the secret of your Better Auth app")
)

// The reasons UsernameRules.Check refuses a username, in the order it
// checks them, with the username plugin's answers (all 400 on sign-up and
// update-user).
var (
	ErrUsernameTooShort = &Error{Status: http.StatusBadRequest, Code: "USERNAME_TOO_SHORT", Message: "Username is too short", Text: "betterauth: username is too short"}
	ErrUsernameTooLong  = &Error{Status: http.StatusBadRequest, Code: "USERNAME_TOO_LONG", Message: "Username is too long", Text: "betterauth: username is too long"}
	ErrUsernameInvalid  = &Error{Status: http.StatusBadRequest, Code: "INVALID_USERNAME", Message: "Username is invalid", Text: "betterauth: username is invalid"}
)

// ErrInvalidBaseURL means a base URL is not an absolute http:// or
// https:// URL: Better Auth refuses to start on one ("Invalid base URL"),
// and so do NewVerifier and serve.
var ErrInvalidBaseURL = errors.New("betterauth: invalid base URL")
