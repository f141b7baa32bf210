// Command nethttp is a small API next to a Better Auth app: GET /api/me
// answers only to a Better Auth session, with net/http and httpauth alone.
//
//	BETTER_AUTH_SECRET=… DATABASE_URL=sqlite:app.db go run . -migrate
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	databaseURL := flag.String("database-url", envOr("DATABASE_URL", "sqlite:betterauth.db"), "Better Auth's database: postgres://…, mysql://… or sqlite:PATH (env DATABASE_URL)")
	migrate := flag.Bool("migrate", false, "create Better Auth's tables when missing (not on the database of an existing Better Auth app)")
	flag.Parse()

	store, err := openStore(context.Background(), *databaseURL, *migrate)
	if err != nil {
		log.Fatal(err)
	}
	// Secrets come from BETTER_AUTH_SECRET / BETTER_AUTH_SECRETS, as in Better Auth.
	verifier, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store})
	if err != nil {
		log.Fatal(err)
	}
	trusted := []string{envOr("BETTER_AUTH_URL", "http://"+*addr)}
	log.Printf("listening on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, newHandler(verifier, trusted)))
}

// newHandler is all the wiring betterauth needs: Verify finds the session
// of every request, Require turns the ones without away (401, or 503 while
// the store is down), CheckOrigin refuses cookie-carrying writes from
// origins Better Auth would not trust.
func newHandler(verifier *betterauth.Verifier, trustedOrigins []string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", httpauth.Require(http.HandlerFunc(me)))
	return httpauth.CheckOrigin(trustedOrigins)(httpauth.Verify(verifier)(mux))
}

// me answers with the signed-in user, as Better Auth's get-session shows it.
func me(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(httpauth.User(r.Context()).Private())
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
