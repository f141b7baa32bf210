// Package apikey verifies API keys issued by Better Auth's apiKey plugin
// (@better-auth/api-key 1.7.x, with better-auth 1.7.25) against the same
// apikey table, so a Go service can accept the keys users create in a
// Better Auth app.
//
// It is not a key issuer: keys are created, listed, updated and deleted
// through Better Auth (POST /api/auth/api-key/create and friends). It
// supports the plugin's default "database" storage, not its
// secondary-storage modes, and it does not check a key's permissions.
//
//	keys, _ := store.APIKeys() // store from the postgres, mysql or sqlite package
//	v, _ := apikey.New(apikey.Config{Keys: keys, Users: store})
//	mux.Handle("GET /api/things", apikey.Require(http.HandlerFunc(things)))
//	handler := apikey.Middleware(v)(mux)
//
//	func things(w http.ResponseWriter, r *http.Request) {
//		user := apikey.User(r.Context())
//		…
//	}
//
// # What a key is
//
// The plugin generates prefix + 64 random letters [a-zA-Z], shows it once,
// and stores base64url(SHA-256(key)) without padding in apikey.key (or the
// key itself with disableKeyHashing). Clients send it in the x-api-key
// header (apiKeyHeaders; the first listed header with a value wins).
// referenceId is the owning user's id, or an organization's with
// references: "organization".
//
// # Checks, in Better Auth's order
//
//  1. No row with that hash: ErrInvalidKey (401 INVALID_API_KEY). The
//     session hook first refuses keys shorter than defaultKeyLength (64)
//     with 403 INVALID_API_KEY: ErrKeyTooShort, see Config.MinKeyLength.
//  2. enabled = false: ErrKeyDisabled (401 KEY_DISABLED).
//  3. now > expiresAt: ErrKeyExpired (401 KEY_EXPIRED). Better Auth deletes
//     the row.
//  4. remaining = 0 and refillAmount NULL: ErrUsageExceeded (429
//     USAGE_EXCEEDED). Better Auth deletes the row.
//  5. Quota, when remaining is not NULL (below).
//  6. Rate limit (below).
//  7. updatedAt = now.
//  8. The owner: a user that must exist (401
//     INVALID_REFERENCE_ID_FROM_API_KEY), or the organization id.
//
// # Quota and refill
//
// A refill is due when refillInterval and refillAmount are both set and
// non-zero and more than refillInterval ms have passed since lastRefillAt
// (createdAt before the first refill). The verification that wins the
// refill (a compare-and-swap on the lastRefillAt it read) sets
// remaining = refillAmount - 1 and lastRefillAt = now: the refill counts as
// a use. Otherwise remaining is decremented if it is above zero, else the
// key is refused with ErrUsageExceeded (the row stays).
//
// # Rate limit
//
// Per key, unless the plugin's rateLimit.enabled is false
// (Config.DisableRateLimit) or the key's rateLimitEnabled is false, in which
// case lastRequest = now is still recorded. A key with rateLimitTimeWindow
// or rateLimitMax NULL is not limited and lastRequest is not written.
// Otherwise, with since = now - lastRequest in ms:
//
//   - lastRequest NULL: requestCount = 1, lastRequest = now.
//   - since > rateLimitTimeWindow: a new window, requestCount = 1,
//     lastRequest = now.
//   - requestCount >= rateLimitMax: ErrRateLimited (429 RATE_LIMITED, body
//     details.tryAgainIn = rateLimitTimeWindow - since ms).
//   - otherwise requestCount + 1, lastRequest = now (guarded on the window
//     still being open and the count below the max).
//
// The window runs from lastRequest, which every counted request moves
// forward, so it is a gap rule rather than a fixed window. The quota is
// consumed before the rate limit is checked, so a rate-limited request
// still uses up one of remaining, exactly as in Better Auth.
//
// # CountUsage
//
// By default Verify only reads: it refuses what Better Auth would refuse at
// that moment and writes nothing, so remaining, requestCount and
// lastRequest keep describing the traffic Better Auth saw. With
// Config.CountUsage every verification performs Better Auth's writes (the
// guarded single-row UPDATEs above, then updatedAt, and the deletions of
// expired and used-up keys), so that Go and Better Auth share one quota and
// one rate limit. The guards make concurrent verifications from both sides
// safe.
package apikey
