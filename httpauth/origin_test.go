package httpauth_test

import (
	"testing"

	"github.com/betterauth-go/betterauth/httpauth"
)

// TestOriginTrusted: http(s) origins compare as WHATWG origins (Better
// Auth's new URL(…).origin), so a default port, upper case or another
// spelling of an IPv4 or IPv6 address in either the request or the
// trusted list is the same origin; other schemes compare by scheme and
// host; wildcards match as before.
func TestOriginTrusted(t *testing.T) {
	for _, tc := range []struct {
		origin  string
		trusted []string
		want    bool
	}{
		{"https://app.example.com", []string{"https://app.example.com"}, true},
		{"https://app.example.com", []string{"https://App.Example.com/"}, true},
		{"https://app.example.com", []string{"https://app.example.com:443"}, true},
		{"https://app.example.com:443", []string{"https://app.example.com"}, true},
		{"http://localhost:80", []string{"http://localhost"}, true},
		{"http://127.0.0.1", []string{"http://0x7f.0.0.1"}, true},
		{"http://[::1]:3000", []string{"http://[0:0:0:0:0:0:0:1]:3000"}, true},
		{"https://app.example.com", []string{"http://app.example.com"}, false},
		{"https://app.example.com:8443", []string{"https://app.example.com"}, false},
		{"https://evil.example.com", []string{"https://app.example.com"}, false},
		{"https://a.example.com", []string{"https://*.example.com"}, true},
		{"https://a.example.com", []string{"*.example.com"}, true},
		{"https://example.org", []string{"*.example.com"}, false},
		{"myapp://callback", []string{"myapp://callback"}, true},
		{"MyApp://Callback", []string{"myapp://callback"}, true},
		{"otherapp://callback", []string{"myapp://callback"}, false},
		{"https://app.example.com:99999", []string{"https://app.example.com"}, false},
		{"null", []string{"null"}, false},
		{"", []string{""}, false},
	} {
		if got := httpauth.OriginTrusted(tc.origin, tc.trusted); got != tc.want {
			t.Errorf("OriginTrusted(%q, %q) = %v, want %v", tc.origin, tc.trusted, got, tc.want)
		}
	}
}
