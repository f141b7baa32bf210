// Package betterauth is the Go side of Better Auth (https://better-auth.com):
// everything a Go service needs to share a database and sessions with a
// TypeScript app that runs Better Auth 1.7, byte for byte.
//
// What is here, by file:
//
//   - user.go, session.go, account.go, verification.go, plugins.go: the
//     models of Better Auth's tables (User, Session, Account, Verification,
//     Organization, Member, Invitation, JWK, APIKey), their create and
//     update shapes, and their JSON as Better Auth writes it.
//   - schema.go: Schema, Better Auth's table and field names with renames,
//     plural tables, plugin tables and custom fields (additionalFields);
//     ResolvedSchema.UserJSON and GetSessionJSON write what get-session
//     returns.
//   - cookie.go, setcookie.go, cookiecache.go: the signed session_token
//     cookie, and the session_data cookie cache (compact, jwt, jwe).
//   - verifier.go: the Verifier, which decides which session and user a
//     request belongs to (cookie, bearer token, cookie cache), exactly as
//     Better Auth would; SessionStore and SessionBackend say where sessions
//     are read and written.
//   - errors.go: the sentinel errors, each with the HTTP answer Better Auth
//     gives for it (Error, ErrorResponse).
//   - password.go, id.go, secret.go, env.go, timefmt.go: scrypt passwords,
//     ids and tokens, secrets and their rotation, BETTER_AUTH_URL and the
//     variables Better Auth reads after it, toISOString dates.
//
// What is not here: database code and HTTP middleware. The stores are
// [github.com/betterauth-go/betterauth/sqlstore] (built by the postgres,
// mysql and sqlite packages, or by dburl from a DATABASE_URL) and
// [github.com/betterauth-go/betterauth/redis]; the net/http middleware is
// [github.com/betterauth-go/betterauth/httpauth]; the server behind
// `betterauth serve` is [github.com/betterauth-go/betterauth/server]. This
// package depends on none of them.
//
// The smallest use, the session of a request:
//
//	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{})
//	verifier, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store}) // BETTER_AUTH_SECRET, BETTER_AUTH_URL
//	res, err := verifier.Verify(ctx, r) // res.User, res.Session; errors.Is(err, betterauth.ErrNoSession) …
package betterauth
