package weburl_test

import (
	"testing"

	"github.com/betterauth-go/betterauth/internal/weburl"
)

// originsFromNode is new URL(input).origin as Node 20 computes it.
var originsFromNode = map[string]string{
	"HTTP://LocalHost:3100/":              "http://localhost:3100",
	"https://EXAMPLE.com:443/api/auth":    "https://example.com",
	"http://example.com:80":               "http://example.com",
	"http://example.com:080/":             "http://example.com",
	"HTTPS://Auth.Example.COM:8443/base/": "https://auth.example.com:8443",
	"http://[0:0::1]:3000":                "http://[::1]:3000",
	"http://[::FFFF:1.2.3.4]":             "http://[::ffff:102:304]",
	"http://[2001:DB8:0:0:1:0:0:1]":       "http://[2001:db8::1:0:0:1]",
	"http://[1:0:0:2:0:0:0:3]":            "http://[1:0:0:2::3]",
	"http://[1:2:3:4:5:6:7:0]":            "http://[1:2:3:4:5:6:7:0]",
	"http://[::]":                         "http://[::]",
	"http://127.1:3000":                   "http://127.0.0.1:3000",
	"http://0x7f.0.0.1":                   "http://127.0.0.1",
	"http://0177.0.0.1":                   "http://127.0.0.1",
	"http://2130706433":                   "http://127.0.0.1",
	"http://127.0.0.1.":                   "http://127.0.0.1",
	"http://user:pw@host.example/x":       "http://host.example",
	"http://a.example.:3000":              "http://a.example.:3000",
	"https://example.com:443?x#y":         "https://example.com",
	"http://EXAMPLE.com:65535":            "http://example.com:65535",
	"https://example.com:80":              "https://example.com:80",
	"http://example.com:":                 "http://example.com",
	"http://1.2.3.example":                "http://1.2.3.example",
}

func TestOriginMatchesNode(t *testing.T) {
	for in, want := range originsFromNode {
		got, err := weburl.Origin(in)
		if err != nil || got != want {
			t.Errorf("Origin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestOriginRefuses: what Node refuses (new URL throws, or the origin is
// "null"), and what this package cannot serialise exactly.
func TestOriginRefuses(t *testing.T) {
	for _, in := range []string{
		"", "/api/auth", "localhost:3000", "ftp://example.com", "http://", "http://:80",
		"http://example.com:65536", "http://example.com:x", "http://1.2.3.4.5", "http://256.0.0.1",
		"http://1.2.3.256", "http://08.0.0.1", "http://[fe80::1%25eth0]", "http://[1.2.3.4]",
		"http://bücher.example",
	} {
		if got, err := weburl.Origin(in); err == nil {
			t.Errorf("Origin(%q) = %q, want an error", in, got)
		}
	}
}
