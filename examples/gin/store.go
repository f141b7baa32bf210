package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlite"
)

// store is what this service needs of a store package: the session lookup
// the Verifier makes, and the migration for a database of its own. The
// postgres, mysql and sqlite packages have the same API.
type store interface {
	betterauth.SessionStore
	Migrate(ctx context.Context) ([]string, error)
}

// openStore opens the store for a DATABASE_URL as Better Auth and
// `betterauth serve` write it: postgres://…, mysql://… or sqlite:PATH. With
// migrate it creates Better Auth's missing tables; leave that off on the
// database of an existing Better Auth app, which owns the schema. closeDB
// releases the connections.
func openStore(ctx context.Context, databaseURL string, migrate bool) (s store, closeDB func(), err error) {
	if s, closeDB, err = open(ctx, databaseURL); err != nil {
		return nil, nil, err
	}
	if migrate {
		if _, err := s.Migrate(ctx); err != nil {
			closeDB()
			return nil, nil, err
		}
	}
	return s, closeDB, nil
}

func open(ctx context.Context, databaseURL string) (store, func(), error) {
	scheme, path, _ := strings.Cut(databaseURL, ":")
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		pool, err := postgres.Open(ctx, databaseURL)
		if err != nil {
			return nil, nil, err
		}
		s, err := postgres.New(pool, postgres.Options{})
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return s, pool.Close, nil
	case "mysql":
		db, err := mysql.Open(ctx, databaseURL)
		if err != nil {
			return nil, nil, err
		}
		s, err := mysql.New(db, mysql.Options{})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return s, func() { db.Close() }, nil
	case "sqlite", "file":
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		s, err := sqlite.New(db, sqlite.Options{})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return s, func() { db.Close() }, nil
	}
	return nil, nil, fmt.Errorf("DATABASE_URL: unsupported scheme %q (expected postgres://, mysql:// or sqlite:PATH)", scheme)
}
