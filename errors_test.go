package betterauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// isOnly matches a sentinel through an Is method only, as the stores'
// errors do (errors.As cannot find the sentinel in its chain).
type isOnly struct{ sentinel error }

func (e isOnly) Error() string        { return "store: something failed" }
func (e isOnly) Is(target error) bool { return target == e.sentinel }
func (e isOnly) Unwrap() []error      { return nil }
func wrapped(err error) error         { return fmt.Errorf("get session: %w", err) }
func status(err error) (int, string)  { e := ba.ErrorResponse(err); return e.Status, e.Code }
func TestErrorResponse(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"Unavailable", wrapped(ba.ErrUnavailable), http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE"},
		{"UnavailableThroughIs", isOnly{ba.ErrUnavailable}, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE"},
		{"NotFoundThroughIs", isOnly{ba.ErrNotFound}, http.StatusNotFound, "NOT_FOUND"},
		{"Invalid", wrapped(ba.ErrInvalid), http.StatusBadRequest, "VALIDATION_ERROR"},
		{"Duplicate", wrapped(ba.ErrDuplicate), http.StatusUnprocessableEntity, "CONFLICT"},
		{"NoSession", ba.ErrNoSession, http.StatusUnauthorized, "UNAUTHORIZED"},
		{"Expired", wrapped(ba.ErrSessionExpired), http.StatusUnauthorized, "UNAUTHORIZED"},
		{"BadSignature", ba.ErrInvalidSignature, http.StatusUnauthorized, "UNAUTHORIZED"},
		{"Banned", wrapped(ba.ErrUserBanned), http.StatusForbidden, "BANNED_USER"},
		{"Unknown", errors.New("boom"), http.StatusInternalServerError, "INTERNAL_SERVER_ERROR"},
		{"ContextCanceled", context.Canceled, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR"},
		{"Nil", nil, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, c := status(tc.err); s != tc.status || c != tc.code {
				t.Fatalf("ErrorResponse(%v) = %d %s, want %d %s", tc.err, s, c, tc.status, tc.code)
			}
		})
	}
	// The Go text of a sentinel is unchanged by its answer.
	if got := ba.ErrNotFound.Error(); got != "betterauth: not found" {
		t.Fatalf("ErrNotFound.Error() = %q", got)
	}
	if !errors.Is(wrapped(ba.ErrUserBanned), ba.ErrUserBanned) {
		t.Fatal("errors.Is does not see a wrapped sentinel")
	}
}
