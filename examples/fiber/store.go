package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlite"
)

// store is what this service needs of a store package: the session lookup
// the Verifier makes, and the schema migration for a database of its own.
// postgres, mysql and sqlite all have the same API.
type store interface {
	betterauth.SessionStore
	Migrate(ctx context.Context) ([]string, error)
}

// openStore opens the store for a DATABASE_URL as Better Auth and
// `betterauth serve` write it: postgres://…, mysql://… or sqlite:PATH. With
// migrate it creates Better Auth's missing tables; leave it off on the
// database of an existing Better Auth app, which owns the schema.
func openStore(ctx context.Context, databaseURL string, migrate bool) (store, error) {
	s, err := open(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := s.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func open(ctx context.Context, databaseURL string) (store, error) {
	scheme, rest, _ := strings.Cut(databaseURL, ":")
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		pool, err := postgres.Open(ctx, databaseURL)
		if err != nil {
			return nil, err
		}
		return postgres.New(pool, postgres.Options{})
	case "mysql":
		db, err := mysql.Open(ctx, databaseURL)
		if err != nil {
			return nil, err
		}
		return mysql.New(db, mysql.Options{})
	case "sqlite", "file":
		db, err := sqlite.Open(ctx, rest)
		if err != nil {
			return nil, err
		}
		return sqlite.New(db, sqlite.Options{})
	case "":
		return nil, errors.New("DATABASE_URL is empty")
	}
	return nil, fmt.Errorf("DATABASE_URL: unsupported scheme %q (expected postgres://, mysql:// or sqlite:PATH)", scheme)
}
