package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

type testKey struct{}

// adapt must stop gin where the middleware answers, and otherwise go on
// with the request (and context) the middleware passed.
func TestAdapt(t *testing.T) {
	answers := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
		})
	}
	passes := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Middleware", "ran")
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), testKey{}, "value")))
		})
	}
	ran := false
	r := gin.New()
	r.GET("/answers", adapt(answers), func(*gin.Context) { ran = true })
	r.GET("/passes", adapt(passes), func(c *gin.Context) {
		c.String(http.StatusOK, "%v", c.Request.Context().Value(testKey{}))
	})

	t.Run("Answers", func(t *testing.T) {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/answers", nil))
		if w.Code != http.StatusTeapot || ran {
			t.Errorf("status %d, handler ran %v; want 418 and the handler not run", w.Code, ran)
		}
	})
	t.Run("Passes", func(t *testing.T) {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/passes", nil))
		if w.Code != http.StatusOK || w.Body.String() != "value" || w.Header().Get("X-Middleware") != "ran" {
			t.Errorf("status %d, body %q, X-Middleware %q; want 200, the context value and the header", w.Code, w.Body, w.Header().Get("X-Middleware"))
		}
	})
}
