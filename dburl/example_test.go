package dburl_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Open is the one call from a DATABASE_URL to a store; the same code runs
// on postgres://…, mysql://… and sqlite:PATH.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	databaseURL := "sqlite:" + filepath.Join(dir, "auth.db") // os.Getenv("DATABASE_URL")

	store, closeDB, err := dburl.Open(ctx, databaseURL, sqlstore.Options{
		Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer closeDB()
	// A database of its own; next to a Better Auth app, its schema is
	// Better Auth's to create.
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	_, _, err = store.GetSessionAndUser(ctx, "no-such-token")
	fmt.Println(store.Kind(), errors.Is(err, ba.ErrNotFound))
	// Output: sqlite true
}

// Parse reads a URL without connecting; its errors and its printed form
// never show the password.
func ExampleParse() {
	u, err := dburl.Parse("postgres://app:s3cret@db.internal:5432/app?sslmode=disable")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Kind, u)

	_, err = dburl.Parse("postgres://app:s3cret/app")
	fmt.Println(err)
	// Output:
	// postgres postgres://app:***@db.internal:5432/app?sslmode=disable
	// invalid database URL: PostgreSQL URL: invalid port (if the password contains @ : / ? or #, percent-encode them) (expected postgres://USER:PASSWORD@HOST:5432/DATABASE, mysql://USER:PASSWORD@HOST:3306/DATABASE, sqlite:PATH or file:PATH)
}
