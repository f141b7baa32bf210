package main

import (
	"net/http/httptest"
	"testing"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/exampletest"
)

// TestService runs the checks every example shares (internal/exampletest)
// against this one's real handler.
func TestService(t *testing.T) { exampletest.Run(t, startServer) }

// startServer serves the real handler on a loopback port.
func startServer(t *testing.T, verifier *betterauth.Verifier, schema *betterauth.ResolvedSchema, trustedOrigins []string) string {
	srv := httptest.NewServer(newHandler(verifier, schema, trustedOrigins))
	t.Cleanup(srv.Close)
	return srv.URL
}
