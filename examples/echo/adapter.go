package main

import (
	"github.com/labstack/echo/v5"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
)

// httpauth is net/http middleware; echo.WrapMiddleware runs it in echo,
// going on with the request it passes to next (and so with the
// verification result in that request's context), or stopping where it
// answers itself.

// verify is httpauth.Verify for echo: every request goes on, carrying the
// verification result (see currentUser).
func verify(verifier *betterauth.Verifier) echo.MiddlewareFunc {
	return echo.WrapMiddleware(httpauth.Verify(verifier))
}

// require is httpauth.Require for echo: no session answers 401 with Better
// Auth's {"message":"Unauthorized","code":"UNAUTHORIZED"}, a banned user
// 403, a store that is down 503.
var require = echo.WrapMiddleware(httpauth.Require)

// checkOrigin is httpauth.CheckOrigin for echo: 403 INVALID_ORIGIN for a
// cookie-carrying write from an untrusted origin.
func checkOrigin(trustedOrigins []string) echo.MiddlewareFunc {
	return echo.WrapMiddleware(httpauth.CheckOrigin(trustedOrigins))
}

// currentUser returns the user verify found, or nil.
func currentUser(c *echo.Context) *betterauth.User {
	return httpauth.User(c.Request().Context())
}
