// Package cookiecache reads and writes Better Auth's cookie cache, the
// session_data cookie (session.cookieCache), byte-compatible with Better
// Auth 1.7: the three strategies compact (HMAC-signed base64url JSON), jwt
// (HS256) and jwe (dir + A256CBC-HS512 under an HKDF-derived key, with
// secret rotation by kid), and 1.7's chunking of large values into
// <name>.0, <name>.1, ….
//
// It works on raw JSON: Payload.Session and Payload.User are the objects'
// bytes exactly as in the cookie, for the caller to unmarshal. It does not
// know Better Auth's configuration, cookie names or models, and it does not
// make the checks get-session makes after decoding (session.token equals
// the signed session_token, the cache version, session.expiresAt); the
// root package does. It must not import the root package.
//
// Reading a request's cache:
//
//	value, ok := cookiecache.Join(r.Cookies(), "better-auth.session_data")
//	// or, reading the Cookie header without a *http.Cookie per pair, as
//	// the Verifier does on every request:
//	var buf [16]cookiecache.Cookie
//	value, ok = cookiecache.JoinParsed(cookiecache.Parse(buf[:0], r.Header, nil), "better-auth.session_data")
//	if ok {
//		p, err := cookiecache.DecodeCompact(value, secrets[0].Value, time.Now())
//		// errors.Is(err, cookiecache.ErrSignature), ErrExpired, ErrMalformed
//	}
//
// Writing one:
//
//	v, err := cookiecache.EncodeCompact(p, secret)
//	cookies, err := cookiecache.Split(&http.Cookie{Name: "better-auth.session_data", Value: v,
//		MaxAge: 300, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
//
// The formats are described in FORMATS.md §4 (shared research notes) and
// are checked against the real Better Auth by this package's live tests.
package cookiecache
