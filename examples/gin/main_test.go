package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/exampletest"
)

func init() { gin.SetMode(gin.TestMode) }

// TestService runs the checks every example shares (internal/exampletest)
// against this one's real handler.
func TestService(t *testing.T) { exampletest.Run(t, startServer) }

// startServer serves the real handler on a loopback port.
func startServer(t *testing.T, verifier *betterauth.Verifier, trustedOrigins []string) string {
	srv := httptest.NewServer(newHandler(verifier, trustedOrigins))
	t.Cleanup(srv.Close)
	return srv.URL
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
