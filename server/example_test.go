package server_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
)

// The server is an http.Handler: Better Auth's /api/auth routes and the
// application API over a store. `betterauth serve` is this, with flags.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "server-example")
	defer os.RemoveAll(dir)
	db, err := sqlite.OpenWAL(ctx, filepath.Join(dir, "auth.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	srv, err := server.New(server.Config{
		Store:   store,
		Secrets: []ba.Secret{{Value: "a-secret-of-at-least-32-characters-long!"}},
		BaseURL: "http://127.0.0.1:8080",
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	req, _ := http.NewRequest("POST", ts.URL+"/api/auth/sign-up/email",
		strings.NewReader(`{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://127.0.0.1:8080")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	fmt.Println(res.StatusCode, res.Cookies()[0].Name)
	// Output: 200 better-auth.session_token
}
