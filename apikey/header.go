package apikey

import (
	"net/http"
	"strings"
)

// FromHeader returns the key in the first of the named headers that has
// one, read the way Better Auth reads it (Fetch's Headers.get): each value
// stripped of surrounding spaces, tabs, CRs and LFs, and several values of
// one header joined with ", ". A header present only with empty values is
// skipped, like an absent one. It returns "" when no header has a key.
func FromHeader(h http.Header, names ...string) string {
	for _, name := range names {
		values := h.Values(name)
		if len(values) == 0 {
			continue
		}
		var key string
		if len(values) == 1 {
			key = trimHTTPSpace(values[0])
		} else {
			parts := make([]string, len(values))
			for i, v := range values {
				parts[i] = trimHTTPSpace(v)
			}
			key = strings.Join(parts, ", ")
		}
		if key != "" {
			return key
		}
	}
	return ""
}

// trimHTTPSpace strips HTTP whitespace (Fetch's "normalize").
func trimHTTPSpace(s string) string { return strings.Trim(s, " \t\r\n") }
