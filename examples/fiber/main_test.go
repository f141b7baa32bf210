package main

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/exampletest"
)

// TestService runs the checks every example shares (internal/exampletest)
// against this one's real handler.
func TestService(t *testing.T) { exampletest.Run(t, startServer) }

// startServer serves the real fiber app on a loopback port.
func startServer(t *testing.T, verifier *betterauth.Verifier, schema *betterauth.ResolvedSchema, trustedOrigins []string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(verifier, schema, trustedOrigins)
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}
