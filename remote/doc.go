// Package remote verifies Better Auth sessions for services that cannot
// reach Better Auth's database: it asks Better Auth itself, through
// GET <BaseURL>/api/auth/get-session, and caches the answer.
//
// A Source is a betterauth.SessionStore, so it plugs into the ordinary
// betterauth.Verifier and the httpauth middleware. The Verifier first
// checks the cookie's (or bearer token's) HMAC signature locally with the
// app's secret; only a well-signed token reaches the Source, so a forged
// cookie is refused without a request. The Source then rebuilds the signed
// cookie from the token (it needs the same secret, and the cookie name
// Better Auth reads) and sends
//
//	GET <BaseURL>/api/auth/get-session?disableCookieCache=true&disableRefresh=true
//	Cookie: better-auth.session_token=<token>.<signature>
//
// disableCookieCache makes Better Auth read its session store rather than
// trust a session_data cookie, and disableRefresh makes the call read-only:
// it never slides expiresAt nor sets cookies (both are query parameters of
// get-session in better-auth 1.7.25). Better Auth answers 200 with
// {"session": …, "user": …}, or 200 with null when the session does not
// exist or has expired; the Verifier then checks expiry and the admin
// plugin's ban itself.
//
// # Behaviour
//
//   - Found sessions are cached for PositiveTTL (10 s), "no session" for
//     NegativeTTL (2 s), in an LRU of at most MaxEntries (10 000) entries
//     keyed by the SHA-256 of the token: the cache holds no raw tokens
//     (cached sessions are kept with Token cleared).
//   - Concurrent lookups of one token share one request.
//   - 429 (Better Auth's rate limiter) stops all lookups for its
//     X-Retry-After (or Retry-After) seconds; meanwhile cached answers are
//     served and everything else fails with ErrUnavailable and
//     ErrRateLimited — never with "no session".
//   - Timeouts (Timeout, 3 s), network errors, 5xx, any status but 200 or
//     429, a malformed answer, or one larger than MaxBodyBytes (1 MiB) are
//     betterauth.ErrUnavailable, which httpauth.Require turns into 503 with
//     Retry-After, so clients retry instead of signing the user out.
//   - Only https, or http to a loopback address, unless AllowInsecureHTTP:
//     every request carries a live session cookie.
//   - Invalidate(token) drops a cached answer, e.g. after this service signs
//     the session out through Better Auth.
//
// Keep the signature check in front: do not turn on the Verifier's
// Bearer.AllowUnsigned with a Source, nor pass unverified tokens to
// VerifyToken, or anyone can make this service spend Better Auth's rate
// limit with made-up tokens and deny everyone else.
//
// What it is not: it does not sign in, sign out or refresh sessions (a
// session used only through this service is not extended by Better Auth's
// updateAge rule and ends at its expiresAt), it does not read
// session_data cookie caches or JWTs (see package jwt), and it is no faster
// than the database on a cache miss: each miss is an HTTP round trip plus
// Better Auth's own database read.
//
// The smallest use (secrets from BETTER_AUTH_SECRET, as for the Verifier):
//
//	src, err := remote.New(remote.Config{BaseURL: "https://auth.example.com"})
//	v, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: src, BaseURL: "https://auth.example.com"})
//	http.Handle("/api/", httpauth.Verify(v)(httpauth.Require(api)))
//
// # Compared with the other modes
//
//	                      database mode             remote mode (this)          JWKS mode (package jwt)
//	needs                 DB (or Redis) + secret    Better Auth URL + secret    JWKS URL, no secret
//	credential            cookie / bearer           cookie / bearer             Authorization: Bearer <JWT>
//	cost per request      one indexed query         cache hit: no I/O, ~4 µs    signature check, keys cached
//	                                                with the HMAC check; miss:
//	                                                HTTP round trip to Better
//	                                                Auth + its DB query
//	revocation reaches Go at once                   within PositiveTTL (10 s)   at the JWT's exp (15 min)
//	load on Better Auth   none (load on the DB)     ≤ 1 get-session per active  one /jwks fetch per TTL
//	                                                session per PositiveTTL     (10 min)
//	Better Auth's rate    not involved              counts against get-session  not involved
//	limit                                           (shared bucket, see below)
//	Better Auth down      unaffected                cached sessions work for    unaffected until keys
//	                                                ≤ PositiveTTL, then 503     are MaxStale (1 h)
//
// # Rate limiting, and why caching and coalescing matter
//
// Better Auth 1.7.25 rate-limits every endpoint when rateLimit.enabled,
// which defaults to NODE_ENV == "production": 100 requests per 10 s per
// key, the key being client IP plus path. /get-session has no special rule
// (the stricter built-in ones cover /sign-in*, /sign-up*, /change-password*,
// /change-email* and the email-sending endpoints). Over the limit it
// answers 429 with X-Retry-After: seconds until the window ends.
//
// Better Auth takes the client IP from request headers only
// (advanced.ipAddress.ipAddressHeaders, default X-Forwarded-For with a
// single address unless trustedProxies is set), never from the socket. A
// request without one falls into a single bucket shared by every client
// whose IP could not be resolved. So every lookup this service makes —
// for all of its users together — counts against one 100-per-10-s bucket,
// which it may share with browsers too. Without a cache, the 101st
// authenticated request within 10 s would get 429 and every user would
// see 503. With it, the budget is spent per distinct active session per
// PositiveTTL (about 100 sessions active within 10 s at the defaults), and
// coalescing keeps a burst of N parallel requests from one page load at
// one request. For more, raise the limit for this path in Better Auth
// (rateLimit.customRules: {"/get-session": {window: 10, max: 1000}}), give
// this service its own bucket with Config.Header (X-Forwarded-For naming
// it, when Better Auth trusts that header from it), or raise PositiveTTL
// and accept a longer revocation delay. With several Better Auth
// instances and the default in-memory limiter storage, each instance has
// its own buckets.
package remote
