package betterauth

import "errors"

// Sentinel errors returned by every store. Stores wrap them with what was
// being done, so test with errors.Is.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("betterauth: not found")
	// ErrDuplicate means a unique value (user email, username, session token,
	// organization slug, id) is already taken.
	ErrDuplicate = errors.New("betterauth: duplicate value")
	// ErrInvalid means the input was rejected before it reached the database
	// (a missing required field, a value of the wrong type, an unknown field).
	ErrInvalid = errors.New("betterauth: invalid input")
	// ErrUnavailable means the database (or another backing service) could
	// not be reached or failed. It is an infrastructure fault, not a verdict
	// on the caller: an HTTP layer answers 503, never 401.
	ErrUnavailable = errors.New("betterauth: backing store unavailable")
)
