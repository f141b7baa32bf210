package httpauth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
	"github.com/betterauth-go/betterauth/sqlite"
)

// Verify finds the session of every request and never rejects; Require
// answers 401 (503 while the store is down, 403 for a banned user) unless
// there is one. The handler then reads the user from the context.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "httpauth-example")
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "auth.db"))
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
	secret := "a-secret-of-at-least-32-characters-long!"
	verifier, err := ba.NewVerifier(ba.VerifierConfig{
		Sessions: store, Secrets: []ba.Secret{{Value: secret}}, BaseURL: "http://localhost:3000",
	})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /api/me", httpauth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello", httpauth.User(r.Context()).Name)
	})))
	handler := httpauth.Verify(verifier)(mux)

	// A session as Better Auth creates it at sign-in, and its cookie.
	user := ba.NewUser(ba.UserCreate{Name: "Ada", Email: "ada@example.com"}, time.Now())
	session := ba.NewSession(ba.SessionCreate{UserID: user.ID}, time.Now())
	_ = store.CreateUser(ctx, user)
	_ = store.CreateSession(ctx, session, user)

	for _, cookie := range []string{"", verifier.SessionCookieName() + "=" + ba.SignCookieValue(session.Token, secret)} {
		req := httptest.NewRequest("GET", "/api/me", nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 401 {"message":"Unauthorized","code":"UNAUTHORIZED"}
	// 200 hello Ada
}
