package sessioncache_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sessioncache"
	"github.com/betterauth-go/betterauth/sqlite"
)

// A cache in front of the store: lookups within the TTL are answered from
// memory, and this process's own sign-outs and revocations through the
// wrapper apply at once.
func ExampleWrapBackend() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "sessioncache-example")
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
	sessions, err := sessioncache.WrapBackend(store, sessioncache.Options{TTL: 5 * time.Second})
	if err != nil {
		log.Fatal(err)
	}

	user := ba.NewUser(ba.UserCreate{Name: "Ada", Email: "ada@example.com"}, time.Now())
	session := ba.NewSession(ba.SessionCreate{UserID: user.ID}, time.Now())
	_ = store.CreateUser(ctx, user)
	_ = sessions.CreateSession(ctx, session, user)

	_, u, err := sessions.GetSessionAndUser(ctx, session.Token) // read, then cached
	fmt.Println(u.Name, err)
	_ = sessions.DeleteSessionByToken(ctx, session.Token) // sign-out: forgotten at once
	_, _, err = sessions.GetSessionAndUser(ctx, session.Token)
	fmt.Println(err != nil)
	// Output:
	// Ada <nil>
	// true
}
