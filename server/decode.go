package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// maxBodyBytes bounds every request body; larger bodies get 413.
const maxBodyBytes = 1 << 20

// bodySchema is the top of the zod schema Better Auth 1.7.25 declares for
// a route's body. It decides which bodies reach the route and the message
// for the others: z.object says "expected object, received array",
// z.record "expected record, received array".
type bodySchema int

const (
	// noSchema: the route declares no body (revoke-sessions,
	// revoke-other-sessions); any JSON value is ignored.
	noSchema bodySchema = iota
	// objectSchema: z.object({...}) (sign-in, change-password, …).
	objectSchema
	// optionalObjectSchema: z.object({...}).optional(); no body is {}
	// (sign-out).
	optionalObjectSchema
	// recordSchema: z.record(z.string(), z.any()) (update-user).
	recordSchema
	// objectAndRecordSchema: z.object({...}).and(z.record(...))
	// (sign-up), whose refusal of a non-object names both.
	objectAndRecordSchema
)

// bodySpec is what a route accepts as its body.
type bodySpec struct {
	schema bodySchema
	// form also accepts application/x-www-form-urlencoded, as Better
	// Auth's sign-up and sign-in do (allowedMediaTypes).
	form bool
}

func (s bodySpec) allowedMediaTypes() string {
	if s.form {
		return "application/x-www-form-urlencoded, application/json"
	}
	return "application/json"
}

// body is a decoded request body: the JS type of its value, as Better
// Auth's router sees it, and, for an object, its members. Members are read
// with typed getters that record zod's validation issues ("[body.email]
// Invalid input: expected string, received number"), in the order they are
// read — which must be the order of the route's zod schema, since Better
// Auth joins every issue, in schema order, with "; ".
type body struct {
	kind string // "undefined", "object", "array", "string", "number", "boolean", "null"
	m    map[string]json.RawMessage
	errs map[string]string
	msgs []string
}

// readBody reads the request body as Better Auth's router does, then
// checks its top-level shape against spec.schema:
//
//   - no Content-Type, or Content-Length 0: no body (undefined), whatever
//     was sent (better-call's node adapter passes no body then);
//   - a media type spec does not allow (application/json; for sign-up and
//     sign-in also form-urlencoded; parameters ignored, case-insensitive):
//     415 UNSUPPORTED_MEDIA_TYPE naming the Content-Type as sent;
//   - JSON that JSON.parse refuses (nothing but whitespace included): 400
//     BAD_REQUEST "Invalid JSON in request body"; a UTF-8 byte order mark
//     is skipped, as Request.json() does;
//   - a form: an object of strings, the last of repeated names winning;
//   - then the global origin check's test of callback URLs in the body
//     (callbackURLError), and the schema's verdict on a value that is not
//     an object (VALIDATION_ERROR).
//
// Every POST route calls it before anything else, a session check
// included, because Better Auth validates the body before its session
// middleware runs.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, spec bodySpec) (*body, error) {
	b, err := parseBody(w, r, spec)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(r.URL.Path, "/api/auth/") {
		if err := s.callbackURLError(r, b); err != nil {
			return nil, err
		}
	}
	if err := b.checkSchema(spec.schema); err != nil {
		return nil, err
	}
	return b, nil
}

// parseBody is the part of readBody that is better-call's getBody.
func parseBody(w http.ResponseWriter, r *http.Request, spec bodySpec) (*body, error) {
	contentType := r.Header.Get("Content-Type")
	if contentType == "" || r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return &body{kind: "undefined"}, nil
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if mediaType != "application/json" && !(spec.form && mediaType == "application/x-www-form-urlencoded") {
		return nil, &apiError{status: http.StatusUnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
			message: `Content-Type "` + contentType + `" is not allowed. Allowed types: ` + spec.allowedMediaTypes()}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errTooLarge
		}
		return nil, errInvalidJSON
	}
	if mediaType == "application/x-www-form-urlencoded" {
		m := map[string]json.RawMessage{}
		for _, kv := range parseURLEncoded(string(raw)) {
			v, _ := json.Marshal(kv[1])
			m[kv[0]] = v
		}
		return &body{kind: "object", m: m}, nil
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	if !json.Valid(raw) {
		return nil, errInvalidJSON
	}
	raw = bytes.TrimLeft(raw, " \t\r\n")
	b := &body{kind: jsType(raw)}
	if b.kind == "object" {
		if err := json.Unmarshal(raw, &b.m); err != nil {
			return nil, errInvalidJSON
		}
	}
	return b, nil
}

// checkSchema is zod's verdict on the body's top-level type.
func (b *body) checkSchema(schema bodySchema) error {
	if b.kind == "object" || schema == noSchema || (schema == optionalObjectSchema && b.kind == "undefined") {
		if b.m == nil {
			b.m = map[string]json.RawMessage{}
		}
		return nil
	}
	msg := "[body] Invalid input: expected object, received " + b.kind
	switch schema {
	case recordSchema:
		msg = "[body] Invalid input: expected record, received " + b.kind
	case objectAndRecordSchema:
		msg += "; [body] Invalid input: expected record, received " + b.kind
	}
	return validationError(msg, nil)
}

// callbackURLError is Better Auth's originCheckMiddleware on the body of a
// POST: each of callbackURL (or, without one, the query's callbackURL),
// redirectTo, errorCallbackURL and newUserCallbackURL that is truthy in
// JavaScript must be a string ("Invalid callbackURL: expected a string",
// 400 without a code) naming a trusted origin or a safe relative path
// (403 INVALID_CALLBACK_URL and its kin).
func (s *Server) callbackURLError(r *http.Request, b *body) error {
	callbackURL := b.m["callbackURL"]
	if !jsTruthy(callbackURL) {
		callbackURL = nil
		if q := r.URL.Query()["callbackURL"]; len(q) == 1 {
			callbackURL, _ = json.Marshal(q[0])
		} else if len(q) > 1 {
			callbackURL, _ = json.Marshal(q)
		}
	}
	for _, c := range []struct {
		raw   json.RawMessage
		label string
		err   *apiError
	}{
		{callbackURL, "callbackURL", errInvalidCallbackURL},
		{b.m["redirectTo"], "redirectURL", errInvalidRedirectURL},
		{b.m["errorCallbackURL"], "errorCallbackURL", newError(403, "INVALID_ERROR_CALLBACK_URL", "Invalid errorCallbackURL")},
		{b.m["newUserCallbackURL"], "newUserCallbackURL", newError(403, "INVALID_NEW_USER_CALLBACK_URL", "Invalid newUserCallbackURL")},
	} {
		if !jsTruthy(c.raw) {
			continue
		}
		var target string
		if jsType(c.raw) != "string" || json.Unmarshal(c.raw, &target) != nil {
			return newError(400, "", "Invalid "+c.label+": expected a string")
		}
		if !s.safeRedirect(target) {
			return c.err
		}
	}
	return nil
}

// jsTruthy reports whether a JSON value is truthy in JavaScript (absent is
// undefined, falsy).
func jsTruthy(raw json.RawMessage) bool {
	switch jsType(raw) {
	case "undefined", "null":
		return false
	case "boolean":
		return raw[0] == 't'
	case "string":
		return len(raw) > 2 // "" is falsy
	case "number":
		// Only zero is falsy; a number too large for a float64 is
		// ±Infinity to JSON.parse, which is truthy.
		var f float64
		return json.Unmarshal(raw, &f) != nil || f != 0
	}
	return true
}

func jsType(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "undefined"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// issue records a zod issue about a member.
func (b *body) issue(field, message string) {
	if b.errs == nil {
		b.errs = map[string]string{}
	}
	if _, seen := b.errs[field]; !seen {
		b.errs[field] = message
	}
	b.msgs = append(b.msgs, "[body."+field+"] "+message)
}

func (b *body) fail(field, expected string, raw json.RawMessage) {
	b.issue(field, "Invalid input: expected "+expected+", received "+jsType(raw))
}

func (b *body) has(field string) bool { _, ok := b.m[field]; return ok }

// str reads a required string (z.string()).
func (b *body) str(field string) string {
	raw, ok := b.m[field]
	var s string
	if !ok || jsType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		b.fail(field, "string", raw)
		return ""
	}
	return s
}

// nonEmptyStr reads a required non-empty string (z.string().nonempty()).
func (b *body) nonEmptyStr(field string) string {
	raw, ok := b.m[field]
	s := b.str(field)
	if ok && jsType(raw) == "string" && s == "" {
		b.issue(field, "Too small: expected string to have >=1 characters")
	}
	return s
}

// optStr reads an optional string (z.string().optional()): absent is nil;
// null is refused, as zod's optional admits only undefined.
func (b *body) optStr(field string) *string {
	raw, ok := b.m[field]
	if !ok {
		return nil
	}
	var s string
	if jsType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		b.fail(field, "string", raw)
		return nil
	}
	return &s
}

// nullableStr reads a member of a z.record(z.any()) body meant to be a
// string, where null means "clear".
func (b *body) nullableStr(field string) (value *string, set bool) {
	raw, ok := b.m[field]
	if !ok {
		return nil, false
	}
	if jsType(raw) == "null" {
		return nil, true
	}
	return b.optStr(field), true
}

// optBool reads an optional boolean (z.boolean().optional()).
func (b *body) optBool(field string) *bool {
	raw, ok := b.m[field]
	if !ok {
		return nil
	}
	var v bool
	if jsType(raw) != "boolean" || json.Unmarshal(raw, &v) != nil {
		b.fail(field, "boolean", raw)
		return nil
	}
	return &v
}

// optNumber reads an optional number; null counts as absent (the
// application API's own fields).
func (b *body) optNumber(field string) *float64 {
	raw, ok := b.m[field]
	if !ok || jsType(raw) == "null" {
		return nil
	}
	var v float64
	if jsType(raw) != "number" || json.Unmarshal(raw, &v) != nil {
		b.fail(field, "number", raw)
		return nil
	}
	return &v
}

// any decodes a member into a generic JSON value.
func (b *body) any(field string) (any, bool) {
	raw, ok := b.m[field]
	if !ok {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		b.fail(field, "JSON", raw)
		return nil, false
	}
	return v, true
}

// err returns the validation error collected so far, or nil: every issue,
// joined with "; " as Better Auth's validator does.
func (b *body) err() error {
	if len(b.msgs) == 0 {
		return nil
	}
	return validationError(strings.Join(b.msgs, "; "), b.errs)
}
