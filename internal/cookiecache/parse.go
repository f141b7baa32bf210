package cookiecache

import (
	"net/http"
	"strings"
)

// A Cookie is one name=value pair of a request's Cookie header. Name and
// Value are substrings of the header: reading them allocates nothing.
type Cookie struct {
	Name, Value string
}

// maxCookies is net/http's limit (GODEBUG httpcookiemaxnum's default):
// a request with more cookie pairs than this has none at all.
const maxCookies = 3000

// Parse appends to dst the cookies of h's Cookie lines, read exactly as
// net/http's Request.Cookies reads them — the same pairs in the same
// order, names that are not tokens and values with invalid bytes skipped,
// one pair of surrounding double quotes stripped — but without a
// *http.Cookie per pair: a session check reads this header on every
// request. When keep is not nil, only the cookies whose name it accepts
// are checked and appended (a browser sends every cookie of the site; a
// session check needs two). GODEBUG httpcookiemaxnum is not consulted; the
// limit is its default, 3000 pairs.
func Parse(dst []Cookie, h http.Header, keep func(name string) bool) []Cookie {
	lines := h["Cookie"]
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if len(lines) == 0 || n > maxCookies {
		return dst
	}
	for _, line := range lines {
		line = trimSpace(line)
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = trimSpace(part)
			if part == "" {
				continue
			}
			name, value, _ := strings.Cut(part, "=")
			name = trimSpace(name)
			if keep != nil && !keep(name) || !isToken(name) {
				continue
			}
			if len(value) > 1 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1]
			}
			if !validValue(value) {
				continue
			}
			dst = append(dst, Cookie{Name: name, Value: value})
		}
	}
	return dst
}

// trimSpace is textproto.TrimString: ASCII space, tab, CR and LF.
func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// ValidName reports whether name can be a cookie name: a non-empty RFC
// 6265 token (RFC 7230 tchar: letters, digits and !#$%&'*+-.^_`|~), the
// rule of net/http's cookie parser and of Better Auth's cookieNameRegex
// (cookies/cookie-utils.mjs). Both drop a cookie with any other name, so a
// Verifier configured with one would silently find no session: every
// place a cookie name or prefix is configured refuses it with this check,
// the same one Parse applies.
func ValidName(name string) bool { return isToken(name) }

// isToken reports whether s is a non-empty RFC 7230 token, as net/http
// requires of a cookie name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte[s[i]] {
			return false
		}
	}
	return true
}

// validValue is net/http's cookie value rule: printable ASCII except
// '"', ';' and '\'. A table lookup per byte: the session_data value is
// most of a request's bytes.
func validValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if !valueByte[s[i]] {
			return false
		}
	}
	return true
}

var valueByte = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = b != '"' && b != ';' && b != '\\'
	}
	return t
}()

var tokenByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
