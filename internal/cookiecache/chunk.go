package cookiecache

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// MaxCookieSize is Better Auth's per-cookie byte ceiling (1.6.30+),
	// counting name, value and attributes as serialized.
	MaxCookieSize = 4050
	// MaxChunks is the most chunks Better Auth splits a value into; a
	// larger value is not stored at all.
	MaxChunks = 100
)

// ErrTooLarge means a value needs more than MaxChunks chunks. Better Auth
// then skips the cookie cache (it logs a warning and sets nothing).
var ErrTooLarge = errors.New("cookiecache: value too large for the cookie cache even after chunking")

// Join returns the session_data value the way Better Auth's
// getChunkedCookie reads it: the cookie called name when it is present and
// not empty, otherwise the concatenation of every name.<i> chunk in
// ascending numeric order (gaps are not an error; <i> is a canonical
// decimal). When a name repeats, its first cookie counts, as in
// better-call's parseCookies, and values containing '%' are URL-decoded
// the same way (decodeURIComponent, kept as is when that fails). ok is false
// when neither the cookie nor any chunk is present.
func Join(cookies []*http.Cookie, name string) (value string, ok bool) {
	pairs := make([]Cookie, 0, len(cookies))
	for _, c := range cookies {
		if c != nil {
			pairs = append(pairs, Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return JoinParsed(pairs, name)
}

// JoinParsed is Join over the pairs Parse read from a request.
func JoinParsed(cookies []Cookie, name string) (value string, ok bool) {
	// The common case first: the first cookie called name, not empty,
	// wins over any chunks and needs no bookkeeping.
	for _, c := range cookies {
		if c.Name == name {
			if whole := tryDecode(c.Value); whole != "" {
				return whole, true
			}
			break
		}
	}
	seen := make(map[string]bool, len(cookies))
	type chunk struct {
		index uint64
		value string
	}
	var chunks []chunk
	for _, c := range cookies {
		if seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		if i, isChunk := chunkIndex(name, c.Name); isChunk {
			chunks = append(chunks, chunk{i, tryDecode(c.Value)})
		}
	}
	if len(chunks) == 0 {
		return "", false
	}
	sort.Slice(chunks, func(i, j int) bool { return chunks[i].index < chunks[j].index })
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(c.value)
	}
	return b.String(), true
}

// chunkIndex parses "<name>.<i>" like parseCookieChunkIndex: i must be
// String(Number(i)) for a safe integer >= 0.
func chunkIndex(name, cookieName string) (uint64, bool) {
	suffix, ok := strings.CutPrefix(cookieName, name+".")
	if !ok || suffix == "" || (suffix[0] == '0' && len(suffix) > 1) {
		return 0, false
	}
	i, err := strconv.ParseUint(suffix, 10, 64)
	if err != nil || i > maxSafeInteger {
		return 0, false
	}
	return i, true
}

// tryDecode is better-call's tryDecode: decodeURIComponent when the value
// contains '%', the value itself when that fails.
func tryDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	d, err := url.PathUnescape(s)
	if err != nil || !utf8.ValidString(d) {
		return s
	}
	return d
}

// Split returns the Set-Cookie cookies Better Auth 1.7 writes for c: c
// itself when its value fits, otherwise chunks <name>.0, <name>.1, … with
// c's attributes. The chunk size is MaxCookieSize minus the length of
// "<name>.99=" with c's attributes as better-call serializes them, so the
// boundaries match Better Auth's byte for byte. It returns ErrTooLarge
// when more than MaxChunks chunks would be needed.
//
// c.MaxAge follows net/http: 0 writes no Max-Age (Better Auth's
// dontRememberMe cache), negative writes Max-Age=0. Split does not expire
// stale chunks; Better Auth also sends Max-Age=0 for every session_data
// cookie and chunk the request carried.
func Split(c *http.Cookie) ([]*http.Cookie, error) {
	size := MaxCookieSize - serializedLen(c.Name+".99", c)
	n := len(c.Value)
	if size > 0 && n <= size {
		return []*http.Cookie{withValue(c, c.Name, c.Value)}, nil
	}
	if size <= 0 || (n+size-1)/size > MaxChunks {
		return nil, ErrTooLarge
	}
	var out []*http.Cookie
	for i := 0; i*size < n; i++ {
		out = append(out, withValue(c, c.Name+"."+strconv.Itoa(i), c.Value[i*size:min(n, (i+1)*size)]))
	}
	return out, nil
}

func withValue(c *http.Cookie, name, value string) *http.Cookie {
	cc := *c
	cc.Name, cc.Value, cc.Raw, cc.Unparsed = name, value, "", nil
	return &cc
}

// serializedLen is the length of better-call's serializeCookie(name, "",
// attributes) for c's attributes, including the prefixes' forced
// attributes (__Secure- and __Host- force Secure; __Host- also Path=/ and no
// Domain; SameSite=None and Partitioned force Secure).
func serializedLen(name string, c *http.Cookie) int {
	secure, path, domain := c.Secure, c.Path, c.Domain
	switch lower := strings.ToLower(name); {
	case strings.HasPrefix(lower, "__host-"):
		secure, path, domain = true, "/", ""
	case strings.HasPrefix(lower, "__secure-"):
		secure = true
	}
	if c.Partitioned || c.SameSite == http.SameSiteNoneMode {
		secure = true
	}
	n := len(name) + len("=")
	switch {
	case c.MaxAge > 0:
		n += len("; Max-Age=") + len(strconv.Itoa(c.MaxAge))
	case c.MaxAge < 0:
		n += len("; Max-Age=0")
	}
	if domain != "" {
		n += len("; Domain=") + len(domain)
	}
	if path != "" {
		n += len("; Path=") + len(path)
	}
	if !c.Expires.IsZero() {
		n += len("; Expires=") + len("Thu, 01 Jan 1970 00:00:00 GMT")
	}
	if c.HttpOnly {
		n += len("; HttpOnly")
	}
	if secure {
		n += len("; Secure")
	}
	switch c.SameSite {
	case http.SameSiteLaxMode:
		n += len("; SameSite=Lax")
	case http.SameSiteStrictMode:
		n += len("; SameSite=Strict")
	case http.SameSiteNoneMode:
		n += len("; SameSite=None")
	}
	if c.Partitioned {
		n += len("; Partitioned")
	}
	return n
}
