package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
)

// verify is httpauth.Verify for gin: every request goes on, carrying the
// verification result in c.Request's context (see currentUser).
func verify(verifier *betterauth.Verifier) gin.HandlerFunc {
	return adapt(httpauth.Verify(verifier))
}

// require is httpauth.Require for gin: no session answers 401 with Better
// Auth's {"message":"Unauthorized","code":"UNAUTHORIZED"}, a banned user
// 403, a store that is down 503, and gin stops there.
var require = adapt(httpauth.Require)

// checkOrigin is httpauth.CheckOrigin for gin: 403 INVALID_ORIGIN for a
// cookie-carrying write from an untrusted origin.
func checkOrigin(trustedOrigins []string) gin.HandlerFunc {
	return adapt(httpauth.CheckOrigin(trustedOrigins))
}

// currentUser returns the user verify found, or nil.
func currentUser(c *gin.Context) *betterauth.User {
	return httpauth.User(c.Request.Context())
}

// adapt runs net/http middleware inside gin. When the middleware calls the
// next handler, gin goes on with the request it passed (and so with what it
// put in the request's context); when it answers itself, gin stops. It
// suits middleware that does nothing after calling next, as httpauth's.
func adapt(middleware func(http.Handler) http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		passed := false
		middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			passed = true
			c.Request = r
		})).ServeHTTP(c.Writer, c.Request)
		if !passed {
			c.Abort()
		}
	}
}
