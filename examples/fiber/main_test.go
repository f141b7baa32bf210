package main

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/exampletest"
)

// TestService runs the checks every example shares (internal/exampletest)
// against this one's real handler.
func TestService(t *testing.T) { exampletest.Run(t, startServer) }

// startServer serves the real fiber app on a loopback port.
func startServer(t *testing.T, verifier *betterauth.Verifier, trustedOrigins []string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(verifier, trustedOrigins)
	go func() { _ = app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	s, closeDB, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "app.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	if _, _, err := s.GetSessionAndUser(ctx, "no-such-token"); !errors.Is(err, betterauth.ErrNotFound) {
		t.Errorf("lookup on a migrated database: %v, want ErrNotFound", err)
	}
	if _, _, err := openStore(ctx, "redis://127.0.0.1:6379", false); err == nil {
		t.Error("redis:// accepted as a SQL database")
	}
}
