package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v3"
)

type testKey struct{}

// adapt must stop fiber where the middleware answers (with its status,
// headers and body), and otherwise go on with the context the middleware
// passed and the headers it set.
func TestAdapt(t *testing.T) {
	answers := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTeapot)
			_, _ = io.WriteString(w, `{"code":"TEAPOT"}`)
		})
	}
	passes := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Cookie")
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), testKey{}, "value")))
		})
	}
	ran := false
	app := fiber.New()
	app.Get("/answers", adapt(answers), func(fiber.Ctx) error { ran = true; return nil })
	app.Get("/passes", adapt(passes), func(c fiber.Ctx) error {
		return c.SendString(c.Context().Value(testKey{}).(string))
	})

	for _, tc := range []struct {
		name, path, body, header, value string
		status                          int
	}{
		{"Answers", "/answers", `{"code":"TEAPOT"}`, "Content-Type", "application/json", http.StatusTeapot},
		{"Passes", "/passes", "value", "Vary", "Cookie", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := app.Test(httptest.NewRequest(http.MethodGet, tc.path, nil))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status || string(body) != tc.body || res.Header.Get(tc.header) != tc.value {
				t.Errorf("status %d, body %q, %s %q; want %d, %q, %q", res.StatusCode, body, tc.header, res.Header.Get(tc.header), tc.status, tc.body, tc.value)
			}
		})
	}
	if ran {
		t.Error("the handler after an answering middleware ran")
	}
}
