// Package httpauth is net/http middleware around a betterauth.Verifier.
//
// Verify puts the verification result (or its error) in the request
// context and always calls the next handler; Require, RequireRole and
// RequireOrgRole enforce, answering with Better Auth's JSON error bodies
// ({"message":…,"code":…}). CheckOrigin applies Better Auth's
// trusted-origins check to cookie-authenticated state-changing requests, so
// that a Go API next to Better Auth is not a CSRF hole. Nothing here wraps
// the ResponseWriter.
//
//	v, _ := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store})
//	mux := http.NewServeMux()
//	mux.Handle("GET /api/me", httpauth.Require(http.HandlerFunc(me)))
//	handler := httpauth.CheckOrigin([]string{"https://app.example.com"})(httpauth.Verify(v)(mux))
//
//	func me(w http.ResponseWriter, r *http.Request) {
//		user := httpauth.User(r.Context())
//		…
//	}
package httpauth
