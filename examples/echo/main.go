// Command echo is a small API next to a Better Auth app: GET /api/me answers
// only to a Better Auth session. adapter.go runs httpauth's net/http
// middleware as echo middleware.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	databaseURL := flag.String("database-url", envOr("DATABASE_URL", "sqlite:betterauth.db"), "Better Auth's database: postgres://…, mysql://… or sqlite:PATH")
	migrate := flag.Bool("migrate", false, "create Better Auth's missing tables (not on the database of an existing Better Auth app)")
	flag.Parse()
	if err := run(*addr, *databaseURL, *migrate); err != nil {
		log.Fatal(err)
	}
}

func run(addr, databaseURL string, migrate bool) error {
	ctx := context.Background()
	// DATABASE_URL as Better Auth and `betterauth serve` write it:
	// postgres://…, mysql://… or sqlite:PATH.
	store, closeDB, err := dburl.Open(ctx, databaseURL, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer closeDB()
	// Only on a database of its own: next to a Better Auth app, the schema
	// is Better Auth's.
	if migrate {
		if _, err := store.Migrate(ctx); err != nil {
			return err
		}
	}
	// Secrets come from BETTER_AUTH_SECRET / BETTER_AUTH_SECRETS, as in Better Auth.
	verifier, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store})
	if err != nil {
		return err
	}
	// The origin Better Auth trusts, from its environment: BETTER_AUTH_URL
	// (or the variables Better Auth reads after it) and
	// BETTER_AUTH_TRUSTED_ORIGINS.
	base, err := betterauth.BaseURLFromEnv()
	if err != nil {
		return err
	}
	if base == "" {
		base = "http://" + addr
	}
	trusted := append([]string{base}, betterauth.TrustedOriginsFromEnv()...)
	log.Printf("listening on http://%s", addr)
	return http.ListenAndServe(addr, newHandler(verifier, store.Schema(), trusted))
}

// newHandler is all the wiring betterauth needs: verify finds the session
// of every request, require turns away the ones without (401, or 503 while
// the store is down), and checkOrigin refuses cookie-carrying writes from
// origins Better Auth would not trust (see adapter.go).
func newHandler(verifier *betterauth.Verifier, schema *betterauth.ResolvedSchema, trustedOrigins []string) http.Handler {
	e := echo.New()
	e.Use(middleware.Recover(), checkOrigin(trustedOrigins), verify(verifier))
	e.GET("/api/me", me(schema), require)
	return e
}

// me answers with the signed-in user in Better Auth's own bytes for this
// schema (get-session's "user"), as `betterauth serve` answers GET /api/me.
func me(schema *betterauth.ResolvedSchema) echo.HandlerFunc {
	return func(c *echo.Context) error {
		return c.Blob(http.StatusOK, "application/json", schema.UserJSON(currentUser(c)))
	}
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
