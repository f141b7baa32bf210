package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxBodyBytes bounds every request body; larger bodies get 413.
const maxBodyBytes = 1 << 20

// body is a decoded JSON object whose members are read with typed getters
// that record Better-Auth-style validation errors ("[body.email] Invalid
// input: expected string, received number").
type body struct {
	m    map[string]json.RawMessage
	errs map[string]string
	msg  string
}

// readBody decodes the request's JSON object. An empty body is an empty
// object for routes that take no input (Better Auth's POST endpoints accept
// "{}").
func readBody(w http.ResponseWriter, r *http.Request, allowEmpty bool) (*body, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errTooLarge
		}
		return nil, validationError("could not read the request body", nil)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		if allowEmpty {
			return &body{m: map[string]json.RawMessage{}}, nil
		}
		return nil, validationError("[body] Invalid input: expected object, received undefined", nil)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, &apiError{status: http.StatusUnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", message: "Content-Type must be application/json"}
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, validationError("[body] Invalid input: expected a JSON object", nil)
	}
	return &body{m: m}, nil
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

func (b *body) fail(field, expected string, raw json.RawMessage) {
	if b.errs == nil {
		b.errs = map[string]string{}
	}
	msg := fmt.Sprintf("Invalid input: expected %s, received %s", expected, jsType(raw))
	b.errs[field] = msg
	if b.msg == "" {
		b.msg = "[body." + field + "] " + msg
	}
}

func (b *body) has(field string) bool { _, ok := b.m[field]; return ok }

// str reads a required string.
func (b *body) str(field string) string {
	raw, ok := b.m[field]
	var s string
	if !ok || json.Unmarshal(raw, &s) != nil || jsType(raw) != "string" {
		b.fail(field, "string", raw)
		return ""
	}
	return s
}

// optStr reads an optional string; null counts as absent.
func (b *body) optStr(field string) *string {
	raw, ok := b.m[field]
	if !ok || jsType(raw) == "null" {
		return nil
	}
	var s string
	if jsType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		b.fail(field, "string", raw)
		return nil
	}
	return &s
}

// nullableStr reads an optional string where null means "clear".
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

func (b *body) optBool(field string) *bool {
	raw, ok := b.m[field]
	if !ok || jsType(raw) == "null" {
		return nil
	}
	var v bool
	if jsType(raw) != "boolean" || json.Unmarshal(raw, &v) != nil {
		b.fail(field, "boolean", raw)
		return nil
	}
	return &v
}

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

// err returns the validation error collected so far, or nil.
func (b *body) err() error {
	if len(b.errs) == 0 {
		return nil
	}
	return validationError(b.msg, b.errs)
}
