package httpauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

type contextKey struct{}

type state struct {
	result *ba.Result
	err    error
}

// FromContext returns what Verify found: the result, or the error that
// explains why there is none (ba.ErrNoSession when Verify did not run).
func FromContext(ctx context.Context) (*ba.Result, error) {
	st, ok := ctx.Value(contextKey{}).(*state)
	if !ok {
		return nil, ba.ErrNoSession
	}
	return st.result, st.err
}

// User returns the verified user, or nil.
func User(ctx context.Context) *ba.User {
	if res, _ := FromContext(ctx); res != nil {
		return res.User
	}
	return nil
}

// Session returns the verified session, or nil.
func Session(ctx context.Context) *ba.Session {
	if res, _ := FromContext(ctx); res != nil {
		return res.Session
	}
	return nil
}

// NewContext returns ctx carrying a verification result, for tests and for
// custom credential finders.
func NewContext(ctx context.Context, res *ba.Result, err error) context.Context {
	return context.WithValue(ctx, contextKey{}, &state{result: res, err: err})
}

// Verify verifies every request with v and stores the outcome in the
// context. It never rejects. It adds "Vary: Cookie" (and Authorization
// when bearer tokens count) since the answer depends on them.
func Verify(v *ba.Verifier) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Cookie")
			if r.Header.Get("Authorization") != "" {
				w.Header().Add("Vary", "Authorization")
			}
			res, err := v.Verify(r.Context(), r)
			next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), res, err)))
		})
	}
}

// Error is Better Auth's error body, as WriteError writes it.
type Error struct {
	Message string `json:"message"`
	Code    string `json:"code"`
}

// Errors the enforcing middleware answers with, beside the Verifier's
// (betterauth.ErrNoSession and the others: 401; ErrUserBanned: 403;
// ErrUnavailable: 503). Each is a *betterauth.Error carrying Better Auth's
// status, code and message.
var (
	// ErrForbidden: the user lacks the role or permission asked for.
	ErrForbidden = &ba.Error{Status: http.StatusForbidden, Code: "FORBIDDEN", Message: "You are not allowed to access this resource", Text: "httpauth: forbidden"}
	// ErrNoActiveOrganization: no organization was named or selected.
	ErrNoActiveOrganization = &ba.Error{Status: http.StatusForbidden, Code: "NO_ACTIVE_ORGANIZATION", Message: "No organization selected", Text: "httpauth: no active organization"}
	// ErrNotMember: the user is not a member of the organization.
	ErrNotMember = &ba.Error{Status: http.StatusForbidden, Code: "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION", Message: "You are not a member of this organization", Text: "httpauth: not a member of the organization"}
	// ErrMissingOrigin: a cookie-carrying write without Origin or Referer.
	ErrMissingOrigin = &ba.Error{Status: http.StatusForbidden, Code: "MISSING_OR_NULL_ORIGIN", Message: "Missing or null Origin", Text: "httpauth: missing or null origin"}
	// ErrInvalidOrigin: a cookie-carrying write from an untrusted origin.
	ErrInvalidOrigin = &ba.Error{Status: http.StatusForbidden, Code: "INVALID_ORIGIN", Message: "Invalid origin", Text: "httpauth: invalid origin"}
)

// WriteError writes Better Auth's answer for err (betterauth.ErrorResponse:
// the one table of statuses, codes and messages), with Retry-After on 503
// so that clients retry instead of signing out. The cause of a 500 is not
// shown.
func WriteError(w http.ResponseWriter, err error) {
	e := ba.ErrorResponse(err)
	h := w.Header()
	if e.Status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "1")
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(Error{Message: e.Message, Code: e.Code})
}

// Require answers 401 unless Verify found a session (503 when the session
// store was unreachable, 403 for a banned user).
func Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := FromContext(r.Context())
		if res == nil {
			if err == nil {
				err = ba.ErrNoSession
			}
			WriteError(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// HasRole reports whether a comma-separated role list (Better Auth's
// admin and organization plugins store several roles that way) contains
// any of roles.
func HasRole(list string, roles ...string) bool {
	for _, r := range strings.Split(list, ",") {
		if slices.Contains(roles, strings.TrimSpace(r)) {
			return true
		}
	}
	return false
}

// RequireRole answers 401 without a session and 403 unless the user's
// admin-plugin role is one of roles.
func RequireRole(roles ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := User(r.Context())
			if u.Role == nil || !HasRole(*u.Role, roles...) {
				WriteError(w, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

// MemberLookup finds a user's membership of an organization (the
// organization plugin's member table); the SQL stores implement it. It
// returns the member, or an error matching betterauth.ErrNotFound when the
// user is not one; a nil member with a nil error is read as not a member.
type MemberLookup interface {
	GetMember(ctx context.Context, organizationID, userID string) (*ba.Member, error)
}

// RequireOrgRole answers 401 without a session and 403 unless the user is a
// member of the organization named by orgID(r) with one of roles (any role
// when roles is empty). Membership is read from the member table on every
// request: session.activeOrganizationId alone proves nothing, since it is
// only what the client last selected.
func RequireOrgRole(members MemberLookup, orgID func(*http.Request) string, roles ...string) func(http.Handler) http.Handler {
	if members == nil || orgID == nil {
		panic("httpauth: RequireOrgRole needs a MemberLookup and an orgID function")
	}
	return func(next http.Handler) http.Handler {
		return Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			org := orgID(r)
			if org == "" {
				WriteError(w, ErrNoActiveOrganization)
				return
			}
			m, err := members.GetMember(r.Context(), org, User(r.Context()).ID)
			switch {
			case errors.Is(err, ba.ErrNotFound), err == nil && m == nil:
				// A nil member without an error breaks the MemberLookup
				// contract; it is no membership, never a pass.
				WriteError(w, ErrNotMember)
				return
			case err != nil:
				WriteError(w, ba.ErrUnavailable)
				return
			}
			if len(roles) > 0 && !HasRole(m.Role, roles...) {
				WriteError(w, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

// ActiveOrganization returns the session's activeOrganizationId, for use as
// RequireOrgRole's orgID. Membership is still checked.
func ActiveOrganization(r *http.Request) string {
	if s := Session(r.Context()); s != nil && s.ActiveOrganizationID != nil {
		return *s.ActiveOrganizationID
	}
	return ""
}
