package server

import (
	"strings"
	"testing"
)

// Reset-link redirects as Better Auth 1.7.25 builds them (new
// URL(callbackURL, baseURL + "/api/auth"), searchParams.set, href), each
// answer as TestHTTPCompatibility saw the real one give it.
func TestResetRedirectHref(t *testing.T) {
	const base = "http://127.0.0.1:3000/api/auth"
	cases := []struct{ callback, key, value, want string }{
		{"/callback?foo=bar&baz=qux", "token", "T", "http://127.0.0.1:3000/callback?foo=bar&baz=qux&token=T"},
		{"/callback?token=old&x=1", "token", "T", "http://127.0.0.1:3000/callback?token=T&x=1"},
		{"/callback?x=1&token=old&y=2&token=older", "token", "T", "http://127.0.0.1:3000/callback?x=1&token=T&y=2"},
		{"/callback?tok%65n=old&x=1", "token", "T", "http://127.0.0.1:3000/callback?token=T&x=1"},
		{"/callback?token=old&x=1", "error", "INVALID_TOKEN", "http://127.0.0.1:3000/callback?token=old&x=1&error=INVALID_TOKEN"},
		{"/callback?", "token", "T", "http://127.0.0.1:3000/callback?token=T"},
		{"/callback?x=1#", "token", "T", "http://127.0.0.1:3000/callback?x=1&token=T#"},
		{"/callback?a=1#frag?x=y&z", "token", "T", "http://127.0.0.1:3000/callback?a=1&token=T#frag?x=y&z"},
		{"/callback?q=a%20b+c&r=a+b", "token", "T", "http://127.0.0.1:3000/callback?q=a+b+c&r=a+b&token=T"},
		{"/callback?q=%7E~!'()*-._&s=a/b:c@d,e;f$g", "token", "T", "http://127.0.0.1:3000/callback?q=%7E%7E%21%27%28%29*-._&s=a%2Fb%3Ac%40d%2Ce%3Bf%24g&token=T"},
		{"/callback?flag&other=", "token", "T", "http://127.0.0.1:3000/callback?flag=&other=&token=T"},
		{"/callback?&&a=1&&", "token", "T", "http://127.0.0.1:3000/callback?a=1&token=T"},
		{"/callback?x=%zz&y=%&z=%4", "token", "T", "http://127.0.0.1:3000/callback?x=%25zz&y=%25&z=%254&token=T"},
		{"/callback?x=%FF%FE&y=%E2%82", "token", "T", "http://127.0.0.1:3000/callback?x=%EF%BF%BD%EF%BF%BD&y=%EF%BF%BD&token=T"},
		{"/callback?é=ü&k=€", "token", "T", "http://127.0.0.1:3000/callback?%C3%A9=%C3%BC&k=%E2%82%AC&token=T"},
		{"/callback?x=1 2#a b", "token", "T", "http://127.0.0.1:3000/callback?x=1+2&token=T#a%20b"},
		{"/pa th/ü/x?x=1", "token", "T", "http://127.0.0.1:3000/pa%20th/%C3%BC/x?x=1&token=T"},
		{`/p<a>"t{h}|^` + "`" + `[]@:;=,$&'()*+!~?x=1`, "token", "T", `http://127.0.0.1:3000/p%3Ca%3E%22t%7Bh%7D|^%60[]@:;=,$&'()*+!~?x=1&token=T`},
		{"/a/./b/../c?x=1", "token", "T", "http://127.0.0.1:3000/a/c?x=1&token=T"},
		{"/a/%2e%2E/c", "token", "T", "http://127.0.0.1:3000/c?token=T"},
		{"/a/b/..", "token", "T", "http://127.0.0.1:3000/a/?token=T"},
		{"/callback ", "token", "T", "http://127.0.0.1:3000/callback?token=T"},
		{"HTTP://127.0.0.1:3000/CallBack?X=1", "token", "T", "http://127.0.0.1:3000/CallBack?X=1&token=T"},
		{"http://us er:p@ss@127.0.0.1:3000/callback?x=1", "token", "T", "http://us%20er:p%40ss@127.0.0.1:3000/callback?x=1&token=T"},
		{`http://127.0.0.1:3000\callback\x?y=1`, "token", "T", "http://127.0.0.1:3000/callback/x?y=1&token=T"},
		{"http://127.0.0.1:3000#f", "token", "T", "http://127.0.0.1:3000/?token=T#f"},
		{"http://127.0.0.1:3000/api/auth/error", "error", "INVALID_TOKEN", "http://127.0.0.1:3000/api/auth/error?error=INVALID_TOKEN"},
		{"https://example.com:443/x", "token", "T", "https://example.com/x?token=T"},
	}
	for _, c := range cases {
		u, ok := resolveURL(c.callback, base)
		if !ok {
			t.Errorf("resolveURL(%q) failed", c.callback)
			continue
		}
		u.set(c.key, c.value)
		if got := u.href(); got != c.want {
			t.Errorf("%q: href %s\n%*s want %s", c.callback, got, len(c.callback)+4, "", c.want)
		}
	}
}

// Better Auth's isSafeRelativeURL, as measured.
func TestSafeRelativeURL(t *testing.T) {
	for v, want := range map[string]bool{
		"/callback": true, "/a?b=%2F": true, "/callback ": true, "/a/%2e%2e/c": true,
		"//evil.example": false, `/\evil.example`: false, "/a\\b": false, "/cb\t?x": false, "/x\u0085": false,
		"/callback%2Fx": false, "/a%5cb": false, "relative": false, "": false,
	} {
		if got := safeRelativeURL(v); got != want {
			t.Errorf("safeRelativeURL(%q) = %t, want %t", v, got, want)
		}
	}
}

// FuzzResolveURL: no input panics the parser, and a callback that passes
// safeRelativeURL never leaves the origin it is resolved against.
func FuzzResolveURL(f *testing.F) {
	for _, s := range []string{"/callback?foo=bar&baz=qux", "/a/../../b", "/%2e%2e/x#y", "http://127.0.0.1:3000/x", "/\\x", "/x?%zz&=&a=b=c#\x00"} {
		f.Add(s)
	}
	const base = "http://127.0.0.1:3000/api/auth"
	f.Fuzz(func(t *testing.T, callback string) {
		u, ok := resolveURL(callback, base)
		if !ok {
			return
		}
		u.set("token", "T")
		href := u.href()
		if safeRelativeURL(callback) && !strings.HasPrefix(href, "http://127.0.0.1:3000/") {
			t.Fatalf("safe relative %q left the origin: %s", callback, href)
		}
	})
}
