package server

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/betterauth-go/betterauth/httpauth"
)

// Redirect targets as Better Auth 1.7.25 handles them: which it trusts
// (auth/trusted-origins.mjs, matchesOriginPattern with allowRelativePaths)
// and the Location it builds from one (api/routes/password.mjs,
// redirectCallback: new URL(callbackURL, ctx.baseURL), then
// url.searchParams.set(…), then url.href). The parsing and serialising are
// the WHATWG URL Standard's, for the URLs that can get this far: a
// root-relative path, or an http(s) URL on a trusted origin.

// safeRedirect reports whether Better Auth accepts target as a callback or
// redirect URL: a safe root-relative path (safeRelativeURL), or an
// absolute http(s) URL whose origin is trusted.
func (s *Server) safeRedirect(target string) bool {
	if strings.HasPrefix(target, "/") {
		return safeRelativeURL(target)
	}
	u, ok := parseAbsoluteURL(target)
	return ok && httpauth.OriginTrusted(u.origin(), s.trusted)
}

// safeRelativeURL is Better Auth's isSafeRelativeURL: a path that starts
// with one "/", holds no backslash and no control character (U+0000–U+001F,
// U+007F–U+009F), has no encoded "/" or "\" (%2F, %5C) before its query,
// and stays on the origin it is resolved against.
func safeRelativeURL(v string) bool {
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.Contains(v, "\\") {
		return false
	}
	for _, r := range v {
		if r <= 0x1f || r >= 0x7f && r <= 0x9f {
			return false
		}
	}
	path := v
	if i := strings.IndexAny(v, "?#"); i >= 0 {
		path = v[:i]
	}
	lower := strings.ToLower(path)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return false
	}
	// new URL(v, origin) keeps the origin for any such path: with no
	// leading "//", tab, newline or backslash, v cannot name a host.
	return true
}

// whatwgURL is a parsed http(s) URL: the parts of its href, each already
// serialised, and its query as URLSearchParams holds it.
type whatwgURL struct {
	scheme   string // "http" or "https"
	userinfo string // "user:pass@" or ""
	host     string // host, with ":port" unless the default
	path     string // "/a/b"
	query    [][2]string
	hasQuery bool
	fragment *string
}

func (u *whatwgURL) origin() string { return u.scheme + "://" + u.host }

// set is URLSearchParams.set: the first pair named name takes value and
// the others named name go; without one, the pair is appended.
func (u *whatwgURL) set(name, value string) {
	out := u.query[:0]
	found := false
	for _, kv := range u.query {
		if kv[0] != name {
			out = append(out, kv)
		} else if !found {
			found = true
			out = append(out, [2]string{name, value})
		}
	}
	if !found {
		out = append(out, [2]string{name, value})
	}
	u.query, u.hasQuery = out, true
}

// href serialises u as URL.href does. A query, once URLSearchParams has
// touched it, is its application/x-www-form-urlencoded serialisation.
func (u *whatwgURL) href() string {
	var b strings.Builder
	b.WriteString(u.scheme + "://" + u.userinfo + u.host + u.path)
	if q := serializeURLEncoded(u.query); u.hasQuery && q != "" {
		b.WriteString("?" + q)
	}
	if u.fragment != nil {
		b.WriteString("#" + *u.fragment)
	}
	return b.String()
}

// resolveURL is new URL(input, base) for an input that is a root-relative
// path or an absolute http(s) URL, and a base that is an http(s) URL.
func resolveURL(input, base string) (*whatwgURL, bool) {
	input = trimURLInput(input)
	if strings.HasPrefix(input, "/") || strings.HasPrefix(input, "\\") {
		if len(input) > 1 && (input[1] == '/' || input[1] == '\\') {
			return nil, false // scheme-relative: refused before this point
		}
		u, ok := parseAbsoluteURL(base)
		if !ok {
			return nil, false
		}
		u.path, u.query, u.hasQuery, u.fragment = "", nil, false, nil
		u.parsePathQueryFragment(input)
		return u, true
	}
	return parseAbsoluteURL(input)
}

// trimURLInput removes leading and trailing C0 controls and spaces, and
// every tab and newline, as the URL parser does first.
func trimURLInput(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= 0x20 })
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// parseAbsoluteURL parses an http or https URL. A host that needs more
// than lower-casing (percent-escapes, non-ASCII, IPv4 in other notations)
// is not parsed: such URLs are refused instead.
func parseAbsoluteURL(s string) (*whatwgURL, bool) {
	s = trimURLInput(s)
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return nil, false
	}
	u := &whatwgURL{scheme: strings.ToLower(s[:colon])}
	defaultPort := map[string]string{"http": "80", "https": "443"}[u.scheme]
	if defaultPort == "" {
		return nil, false
	}
	rest := strings.TrimLeft(s[colon+1:], "/\\")
	end := strings.IndexAny(rest, "/\\?#")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		user, pass, _ := strings.Cut(authority[:at], ":")
		user, pass = percentEncode(user, userinfoSet), percentEncode(pass, userinfoSet)
		switch {
		case pass != "":
			u.userinfo = user + ":" + pass + "@"
		case user != "":
			u.userinfo = user + "@"
		}
		authority = authority[at+1:]
	}
	host, port := authority, ""
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.Contains(authority[i:], "]") {
		host, port = authority[:i], authority[i+1:]
	}
	host = strings.ToLower(host)
	if host == "" || !plainHost(host) {
		return nil, false
	}
	if port != "" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || strings.Trim(port, "0123456789") != "" {
			return nil, false
		}
		if p := strconv.FormatUint(n, 10); p != defaultPort {
			host += ":" + p
		}
	}
	u.host = host
	u.parsePathQueryFragment(rest[end:])
	return u, true
}

// plainHost accepts the hosts whose URL serialisation is their lower-case
// self: a domain of ASCII letters, digits, "-", "." and "_" whose last
// label is not a number, an IPv4 address in dotted-decimal form, or a
// bracketed IPv6 address as the URL Standard serialises it. Other forms
// (percent-escapes, non-ASCII, IPv4 in hex or shorthand) would be
// rewritten by the URL parser, or refused by it.
func plainHost(h string) bool {
	if inner, ok := strings.CutPrefix(h, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		a, err := netip.ParseAddr(inner)
		return ok && err == nil && a.Is6() && !a.Is4In6() && a.Zone() == "" && a.String() == inner
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	if last := labels[len(labels)-1]; last == "" || strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x") {
		return canonicalIPv4(h) // ends in a number: an IPv4 address
	}
	return true
}

func canonicalIPv4(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is4() && a.String() == h
}

// parsePathQueryFragment parses what follows the host, which is empty or
// starts with "/" or "\": the path, query and fragment states of the URL
// parser for a special scheme.
func (u *whatwgURL) parsePathQueryFragment(rest string) {
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		frag := percentEncode(rest[i+1:], fragmentSet)
		u.fragment = &frag
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		u.query, u.hasQuery = parseURLEncoded(rest[i+1:]), true
		rest = rest[:i]
	}
	if rest != "" {
		rest = rest[1:]
	}
	// Each "/" or "\" ends a segment, and so does the end; "." and ".."
	// (also percent-encoded) are resolved, and a trailing one leaves an
	// empty last segment.
	var raw []string
	start := 0
	for i := 0; i <= len(rest); i++ {
		if i == len(rest) || rest[i] == '/' || rest[i] == '\\' {
			raw = append(raw, rest[start:i])
			start = i + 1
		}
	}
	var segments []string
	for i, seg := range raw {
		last := i == len(raw)-1
		enc := percentEncode(seg, pathSet)
		switch strings.ToLower(enc) {
		case "..", ".%2e", "%2e.", "%2e%2e":
			if len(segments) > 0 {
				segments = segments[:len(segments)-1]
			}
			if last {
				segments = append(segments, "")
			}
		case ".", "%2e":
			if last {
				segments = append(segments, "")
			}
		default:
			segments = append(segments, enc)
		}
	}
	u.path = "/" + strings.Join(segments, "/")
}

// Percent-encode sets of the URL Standard, beyond the C0 controls and the
// code points above U+007E that all of them hold.
const (
	fragmentSet = " \"<>`"
	pathSet     = " \"#<>?`{}"
	userinfoSet = pathSet + "/:;=@[\\]^|"
)

// percentEncode is UTF-8 percent-encode of every code point of s in the
// set: the C0 controls, everything above U+007E, and extra.
func percentEncode(s, extra string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x1f || c >= 0x7f || strings.IndexByte(extra, c) >= 0 {
			b.WriteString(hexByte(c))
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hexByte(c byte) string {
	const hex = "0123456789ABCDEF"
	return string([]byte{'%', hex[c>>4], hex[c&15]})
}

// parseURLEncoded is the application/x-www-form-urlencoded parser (what
// URLSearchParams and request.formData() use): "&"-separated pairs, empty
// ones skipped, split at the first "=", "+" as space, then percent-decoded
// leniently (a "%" without two hex digits stays) and decoded as UTF-8 with
// U+FFFD for each invalid sequence.
func parseURLEncoded(s string) [][2]string {
	var out [][2]string
	for _, pair := range strings.Split(s, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		out = append(out, [2]string{formDecode(name), formDecode(value)})
	}
	return out
}

func formDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return decodeUTF8(b)
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// decodeUTF8 is the Encoding Standard's UTF-8 decode without BOM: each
// maximal subpart of an ill-formed sequence becomes one U+FFFD (where
// Go's conversions would give one per byte, or one per run).
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n > 1 {
			out.WriteRune(r)
			i += n
			continue
		}
		out.WriteRune(utf8.RuneError)
		i += maximalSubpart(b[i:])
	}
	return out.String()
}

// maximalSubpart is the length of the longest prefix of b that starts a
// well-formed UTF-8 sequence without completing it (at least 1).
func maximalSubpart(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xbf)
	switch {
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c == 0xe0:
		need, lo = 2, 0xa0
	case c >= 0xe1 && c <= 0xec, c == 0xee, c == 0xef:
		need = 2
	case c == 0xed:
		need, hi = 2, 0x9f
	case c == 0xf0:
		need, lo = 3, 0x90
	case c >= 0xf1 && c <= 0xf3:
		need = 3
	case c == 0xf4:
		need, hi = 3, 0x8f
	default:
		return 1
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xbf
	}
	return n
}

// serializeURLEncoded is the application/x-www-form-urlencoded serialiser
// (URLSearchParams.toString()): ASCII letters, digits and *-._ as they
// are, space as "+", every other byte of the UTF-8 as %XX.
func serializeURLEncoded(pairs [][2]string) string {
	var b strings.Builder
	for i, kv := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		formEncode(&b, kv[0])
		b.WriteByte('=')
		formEncode(&b, kv[1])
	}
	return b.String()
}

func formEncode(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			b.WriteByte('+')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		default:
			b.WriteString(hexByte(c))
		}
	}
}
