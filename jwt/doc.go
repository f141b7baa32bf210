// Package jwt verifies the JSON Web Tokens that Better Auth's jwt plugin
// mints (better-auth 1.7.25), so that a Go service can accept them without
// calling Better Auth for each request.
//
// Better Auth hands a token out at GET /api/auth/token (as {"token": …})
// and in the set-auth-jwt header of GET /api/auth/get-session. The token is
// a compact JWS signed with the key the plugin keeps in its jwks table
// (Ed25519 by default), whose header names the key by kid; its claims are
// the user object plus sub, iat, exp (15 minutes), iss and aud (both the
// origin of Better Auth's baseURL by default).
//
// A Verifier checks the signature with a key from a KeySource — the /jwks
// endpoint over HTTP (NewRemoteJWKS), or the jwks table of a shared
// database (NewStoreJWKS) — and then exp, nbf, iss, aud and sub, the way
// Better Auth's own verifyJWT (jose's jwtVerify) does. Keys are cached; an
// unknown kid (after a key rotation) causes one refetch, rate-limited.
//
// A Signer (NewSigner) mints the same tokens in Go with the keys of the
// jwks table, decrypting their private keys as Better Auth stores them
// (and making an encrypted key when there is none), so Better Auth's
// verifyJWT and /jwks accept them; the Verifier never needs private keys.
//
// What it is not: it is not an OAuth/OIDC client (no discovery, no token introspection), and a JWT is
// not a session: a token stays valid until exp even if the user signs out
// or is banned. Use the session Verifier of the root package when
// revocation must take effect at once.
//
// The smallest use:
//
//	keys, err := jwt.NewRemoteJWKS("https://auth.example.com/api/auth/jwks", jwt.RemoteOptions{})
//	v, err := jwt.New(jwt.Config{Keys: keys, BaseURL: "https://auth.example.com"})
//	claims, err := v.Verify(ctx, jwt.FromRequest(r))
//	user := claims.User()
//
// Errors: ErrNoToken when there is none; a verdict matching ErrTokenInvalid
// (answer 401) and one of ErrTokenMalformed, ErrAlgorithmNotAllowed,
// ErrUnknownKey, ErrBadSignature, ErrTokenExpired, ErrTokenNotYetValid,
// ErrWrongIssuer, ErrWrongAudience; or betterauth.ErrUnavailable (answer
// 503) when the keys could not be fetched.
package jwt
