package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

var (
	_ server.VerificationStore   = (*redis.Store)(nil)
	_ server.VerificationStore   = (*redis.DualVerifications)(nil)
	_ redis.SessionDatabase      = (*sqlstore.Store)(nil)
	_ redis.VerificationDatabase = (*sqlstore.Store)(nil)
)

// A schema that keeps sessions and verification values in secondary
// storage (no tables) needs the Redis store for both: New says so rather
// than serving on tables that do not exist.
func TestNewSecondaryStorageNeedsBackends(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{SecondaryStorage: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateVerification(ctx, &ba.Verification{Identifier: "x"}); !errors.Is(err, sqlstore.ErrNotInDatabase) {
		t.Fatalf("CreateVerification without a verification table: %v", err)
	}
	if _, _, err := store.GetSessionAndUser(ctx, "t"); !errors.Is(err, sqlstore.ErrNotInDatabase) {
		t.Fatalf("GetSessionAndUser without a session table: %v", err)
	}
	rs, err := redis.New(goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"}), redis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []ba.Secret{{Value: strings.Repeat("s", 40)}}
	for _, c := range []struct {
		name string
		cfg  server.Config
		want string
	}{
		{"NoSessions", server.Config{Store: store, Secrets: secrets, Verifications: rs}, "Config.Sessions must be the Redis store"},
		{"NoVerifications", server.Config{Store: store, Secrets: secrets, Sessions: rs}, "Config.Verifications must be the Redis store"},
		{"SQLSessions", server.Config{Store: store, Secrets: secrets, Sessions: store, Verifications: rs}, "Config.Sessions is the SQL store"},
		{"SQLVerifications", server.Config{Store: store, Secrets: secrets, Sessions: rs, Verifications: store}, "Config.Verifications is the SQL store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := server.New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New: %v, want %q", err, c.want)
			}
		})
	}
	if _, err := server.New(server.Config{Store: store, Secrets: secrets, Sessions: rs, Verifications: rs}); err != nil {
		t.Fatal(err)
	}
}
