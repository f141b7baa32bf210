package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	ba "github.com/betterauth-go/betterauth"
)

// apiError is an error with the status and Better Auth error code a client
// sees. Handlers return it; writeError renders it.
type apiError struct {
	status  int
	code    string
	message string
	fields  map[string]string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, message string) *apiError {
	return &apiError{status: status, code: code, message: message}
}

// Better Auth's error codes and messages, as 1.7.25 sends them.
var (
	errUnauthorized         = fromTable(ba.ErrNoSession)
	errInvalidCredentials   = newError(401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password")
	errInvalidEmail         = newError(400, "INVALID_EMAIL", "Invalid email")
	errPasswordTooShort     = newError(400, "PASSWORD_TOO_SHORT", "Password too short")
	errPasswordTooLong      = newError(400, "PASSWORD_TOO_LONG", "Password too long")
	errSignUpDisabled       = newError(400, "EMAIL_PASSWORD_SIGN_UP_DISABLED", "Email and password sign up is not enabled")
	errUserExists           = newError(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email.")
	errBanned               = fromTable(ba.ErrUserBanned)
	errEmailNotVerified     = newError(403, "EMAIL_NOT_VERIFIED", "Email not verified")
	errInvalidPassword      = newError(400, "INVALID_PASSWORD", "Invalid password")
	errInvalidToken         = newError(400, "INVALID_TOKEN", "Invalid token")
	errEmailCannotBeUpdated = newError(400, "EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated")
	// Better Auth's answer when the database refuses a new user (a NOT
	// NULL column given null, say).
	errFailedToCreateUser = newError(422, "FAILED_TO_CREATE_USER", "Failed to create user")
	// Better Auth sends this one without a code.
	errNoFieldsToUpdate = newError(400, "", "No fields to update")
	errEmailAddress     = validationError("[body.email] Invalid email address", nil)
	errForbidden        = newError(403, "FORBIDDEN", "You are not allowed to access this resource")
	errNotFound         = fromTable(ba.ErrNotFound)
	errUnavailable      = fromTable(ba.ErrUnavailable)
	errTooLarge         = newError(413, "PAYLOAD_TOO_LARGE", "Request body too large")
	errInternal         = fromTable(ba.ErrInternal)
	errInvalidJSON      = newError(400, "BAD_REQUEST", "Invalid JSON in request body")
	// The origin check's answers about a callbackURL or redirectTo.
	errInvalidCallbackURL = newError(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
	errInvalidRedirectURL = newError(403, "INVALID_REDIRECT_URL", "Invalid redirectURL")
	// The username plugin's (plugins/username/error-codes.mjs), all 400 on
	// sign-up and update-user.
	errUsernameTaken = newError(400, "USERNAME_IS_ALREADY_TAKEN", "Username is already taken. Please try another.")
)

// usernameError is the answer to a username UsernameRules.Check refused.
// The error carries the plugin's code and message (betterauth.Error); an
// unexpected one is still a refusal, never a pass.
func usernameError(err error) *apiError {
	var e *ba.Error
	if errors.As(err, &e) && e.Status == 400 {
		return fromTable(e)
	}
	return fromTable(ba.ErrUsernameInvalid)
}

func validationError(message string, fields map[string]string) *apiError {
	return &apiError{status: 400, code: "VALIDATION_ERROR", message: message, fields: fields}
}

// fieldNotAllowed is Better Auth's answer to a body setting a field clients
// may not set (input: false), such as role.
func fieldNotAllowed(field string) *apiError {
	return &apiError{status: 400, code: "FIELD_NOT_ALLOWED", message: field + " is not allowed to be set", fields: map[string]string{field: "is not allowed to be set"}}
}

// missingField is Better Auth's answer to a sign-up without a required
// field that has no default (parseInputData's MISSING_FIELD).
func missingField(field string) *apiError {
	return &apiError{status: 400, code: "MISSING_FIELD", message: field + " is required", fields: map[string]string{field: "is required"}}
}

// toAPIError maps any error a handler meets to what the client sees: the
// handler's own apiError, field errors, or else betterauth.ErrorResponse
// (store errors by sentinel: bad input 400, a missing row 404, a conflict
// 422, the database being down 503 — never a 401 that would sign the user
// out; anything unknown 500, its cause only in the log).
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var fe ba.FieldErrors
	if errors.As(err, &fe) {
		return validationError(fe.Error(), fe)
	}
	return fromTable(err)
}

// fromTable is betterauth.ErrorResponse's answer for err (the module's one
// table of sentinels to statuses, codes and messages) as an apiError.
func fromTable(err error) *apiError {
	e := ba.ErrorResponse(err)
	return &apiError{status: e.Status, code: e.Code, message: e.Message}
}

// Header values every JSON response carries, shared instead of allocated
// per response. Safe because nothing writes into a header's value slice:
// Header.Set replaces it, Header.Add appends to a full slice (a copy),
// and net/http copies the map before writing it.
var (
	jsonContentType = []string{"application/json"}
	noStore         = []string{"no-store"}
)

func writeJSON(w http.ResponseWriter, status int, body any) {
	h := w.Header()
	h["Content-Type"], h["Cache-Control"] = jsonContentType, noStore
	w.WriteHeader(status)
	switch b := body.(type) {
	case []byte:
		_, _ = w.Write(b)
	case json.RawMessage:
		_, _ = w.Write(b)
	default:
		// As JSON.stringify writes it: no HTML escaping, no newline.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(body)
		_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := toAPIError(err)
	if ae.status >= 500 {
		// The cause goes to the log (store errors carry no values or
		// secrets); the client gets the code only.
		s.log.ErrorContext(r.Context(), "request failed", "status", ae.status, "error", err.Error())
	}
	if ae.status == 503 {
		w.Header().Set("Retry-After", "1")
	}
	// Better Auth's body is {"message","code"} in that order. The
	// application API adds the field errors; /api/auth keeps Better Auth's
	// exact shape.
	kv := []any{"message", ae.message}
	if ae.code != "" {
		kv = append(kv, "code", ae.code)
	}
	if len(ae.fields) > 0 && !strings.HasPrefix(r.URL.Path, "/api/auth/") {
		kv = append(kv, "fields", ae.fields)
	}
	writeJSON(w, ae.status, jsonObject(kv...))
}

// responseBuffers recycles the buffers the hot read routes (GET /api/me,
// get-session) render their JSON into: ResponseWriter.Write copies the
// bytes, so a buffer can be reused as soon as it returns.
var responseBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// getResponseBuffer returns an empty buffer from responseBuffers; give it
// back with putResponseBuffer once written.
func getResponseBuffer() *[]byte {
	b := responseBuffers.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

func putResponseBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 { // an outsized one goes to the collector
		responseBuffers.Put(b)
	}
}
