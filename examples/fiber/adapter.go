package main

import (
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
)

// verify is httpauth.Verify for fiber: every request goes on, carrying the
// verification result in c.Context() (see currentUser).
func verify(verifier *betterauth.Verifier) fiber.Handler {
	return adapt(httpauth.Verify(verifier))
}

// require is httpauth.Require for fiber: no session answers 401 with Better
// Auth's {"message":"Unauthorized","code":"UNAUTHORIZED"}, a banned user
// 403, a store that is down 503, and fiber stops there.
var require = adapt(httpauth.Require)

// checkOrigin is httpauth.CheckOrigin for fiber: 403 INVALID_ORIGIN for a
// cookie-carrying write from an untrusted origin.
func checkOrigin(trustedOrigins []string) fiber.Handler {
	return adapt(httpauth.CheckOrigin(trustedOrigins))
}

// currentUser returns the user verify found, or nil.
func currentUser(c fiber.Ctx) *betterauth.User {
	return httpauth.User(c.Context())
}

// adapt runs net/http middleware inside fiber, on a net/http copy of the
// request whose context is fiber's c.Context(). When the middleware calls
// the next handler, fiber goes on with that handler's request context as
// c.Context() (so with what the middleware put there); when it answers
// itself, fiber sends that answer. It suits middleware that does nothing
// after calling next, as httpauth's.
//
// Not adaptor.HTTPMiddleware: it hands the middleware the fasthttp
// RequestCtx as the request's context, and a RequestCtx that reaches
// database/sql (the Verifier's session lookup) races with the server's
// Shutdown (valyala/fasthttp#2402); and it carries context values back
// into fiber by reflecting over the context's unexported fields.
func adapt(middleware func(http.Handler) http.Handler) fiber.Handler {
	return func(c fiber.Ctx) error {
		r, err := adaptor.ConvertRequest(c, true)
		if err != nil {
			return err
		}
		passed := false
		w := &responseWriter{c: c, header: http.Header{}}
		middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			passed = true
			c.SetContext(r.Context())
		})).ServeHTTP(w, r.WithContext(c.Context()))
		w.writeHeader()
		if !passed {
			return nil
		}
		return c.Next()
	}
}

// responseWriter writes a net/http answer into fiber's response.
type responseWriter struct {
	c           fiber.Ctx
	header      http.Header
	wroteHeader bool
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.writeHeader()
	w.c.Status(status)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.c.Write(b)
}

// writeHeader copies the headers set so far (also those of a middleware
// that only sets headers and goes on, as Verify sets Vary).
func (w *responseWriter) writeHeader() {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	for name, values := range w.header {
		for _, v := range values {
			w.c.Response().Header.Add(name, v)
		}
	}
}
