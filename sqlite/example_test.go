package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlite"
)

// Open a SQLite file, create Better Auth's tables in it, and read back a
// session and its user by token, as a Verifier does on every request.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "sqlite-example")
	defer os.RemoveAll(dir)

	db, err := sqlite.OpenWAL(ctx, filepath.Join(dir, "auth.db")) // the Better Auth app's file
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil { // only adds what is missing
		log.Fatal(err)
	}

	now := time.Now()
	user := ba.NewUser(ba.UserCreate{Name: "Ada", Email: "Ada@Example.com"}, now)
	if err := store.CreateUser(ctx, user); err != nil {
		log.Fatal(err)
	}
	session := ba.NewSession(ba.SessionCreate{UserID: user.ID}, now)
	if err := store.CreateSession(ctx, session, user); err != nil {
		log.Fatal(err)
	}

	_, got, err := store.GetSessionAndUser(ctx, session.Token)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Email) // stored lower-cased, as Better Auth stores it
	// Output: ada@example.com
}
