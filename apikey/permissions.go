package apikey

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// Permissions is what a key may do, as its permissions column holds it:
// resource → actions, e.g. Permissions{"files": {"read", "write"}}.
type Permissions map[string][]string

// ErrKeyNotFound means the key lacks the permissions the caller requires
// (or has none: a NULL permissions column). Better Auth answers 401
// KEY_NOT_FOUND, the same as for a key it cannot find.
var ErrKeyNotFound = &ba.Error{Status: http.StatusUnauthorized, Code: "KEY_NOT_FOUND", Message: "API Key not found", Text: "apikey: the key lacks the required permissions"}

// HasPermissions reports whether a key whose permissions column is stored
// (nil: NULL) grants required, as Better Auth's verification decides it:
// role(JSON.parse(stored)).authorize(required) with the default "AND"
// connector. Every required resource must be in the key's permissions
// with every required action; an empty required map, or a resource with no
// actions, is refused, as Better Auth refuses it.
func HasPermissions(stored *string, required Permissions) bool {
	if stored == nil || *stored == "" {
		return false
	}
	var granted any
	if err := json.Unmarshal([]byte(*stored), &granted); err != nil {
		return false // safeJSONParse gives null
	}
	statements, ok := granted.(map[string]any)
	if !ok || len(required) == 0 {
		// A JSON null, false or 0 is no permissions; an array, string or
		// number has no resources, so every request is an unknown one.
		return false
	}
	for resource, actions := range required {
		if len(actions) == 0 || !allows(statements[resource], actions) {
			return false
		}
	}
	return true
}

// iso8601 is the pattern of safeJSONParse's date reviver: such strings
// become Date objects, which no requested action equals.
var iso8601 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$`)

// allows is Better Auth's isResourceAuthorized for the "AND" connector,
// with JavaScript's includes: element equality on an array, substring
// on a string. Anything else (missing, null, "", numbers, objects) grants
// nothing.
func allows(granted any, actions []string) bool {
	switch g := granted.(type) {
	case []any:
		for _, a := range actions {
			if !slices.ContainsFunc(g, func(e any) bool { s, ok := e.(string); return ok && s == a && !iso8601.MatchString(s) }) {
				return false
			}
		}
		return true
	case string:
		if g == "" || iso8601.MatchString(g) {
			return false
		}
		for _, a := range actions {
			if !strings.Contains(g, a) {
				return false
			}
		}
		return true
	}
	return false
}
