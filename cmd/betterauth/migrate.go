package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const migrateHelp = `Usage: betterauth migrate [--database-url URL] [--plugins LIST] [--dry-run]

Creates the Better Auth 1.7 tables, columns and indexes the database lacks,
with the SQL Better Auth's own migrator ("npx @better-auth/cli migrate")
runs. It never alters or drops anything, so running it again is safe: an
up-to-date database prints "schema is up to date". It refuses to add a
required column without a default to a table that has rows.

PostgreSQL and SQLite apply the statements in one transaction. MySQL commits
each statement: if one fails, those before it stay applied; fix the cause and
run migrate again.

Flags:
` + dbFlagsHelp + `  --dry-run            print the SQL that would run, one statement per line,
                       and change nothing (not even create a SQLite file)
`

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate")
	var db dbFlags
	db.register(fs)
	dryRun := fs.Bool("dry-run", false, "")
	if done, err := parseFlags(fs, args, migrateHelp, stdout); done || err != nil {
		return err
	}
	u, schema, err := db.resolve(stderr)
	if err != nil {
		return err
	}
	if *dryRun {
		return migrateDryRun(ctx, u, schema, stdout)
	}
	store, closeStore, err := connect(ctx, u, schema, false)
	if err != nil {
		return err
	}
	defer closeStore()
	applied, err := store.Migrate(ctx)
	if err != nil {
		return migrateError(u, applied, err, stdout)
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
		return nil
	}
	for _, stmt := range applied {
		fmt.Fprintln(stdout, stmt)
	}
	fmt.Fprintf(stdout, "applied %d statement%s\n", len(applied), plural(len(applied)))
	return nil
}

// migrateDryRun prints the plan. Lines that are not SQL are SQL comments,
// so the output can be saved and fed to the database's shell.
func migrateDryRun(ctx context.Context, u dburl.URL, schema ba.Schema, stdout io.Writer) error {
	store, closeStore, err := connect(ctx, u, schema, true)
	if err != nil {
		return err
	}
	defer closeStore()
	if u.Missing() {
		fmt.Fprintf(stdout, "-- the SQLite file %s does not exist yet; migrate will create it\n", u.DSN)
	}
	plan, err := store.PlanMigration(ctx)
	if err != nil {
		if isUnsafe(err) {
			return failed(fmt.Errorf("migration refused: %w", err))
		}
		return failed(fmt.Errorf("plan migration: %w", err))
	}
	if len(plan) == 0 {
		fmt.Fprintln(stdout, "-- schema is up to date")
		return nil
	}
	for _, stmt := range plan {
		fmt.Fprintln(stdout, stmt)
	}
	fmt.Fprintf(stdout, "-- dry run: %d statement%s would run; nothing was changed\n", len(plan), plural(len(plan)))
	return nil
}

// isUnsafe reports whether a migration was refused by the plan: a required
// column without a default for a table that has rows. The plan is the only
// source of betterauth.ErrInvalid before a statement runs. (The store's
// error wrapping keeps only the betterauth sentinel, so errors.Is with
// sqlstore.ErrUnsafeMigration alone does not match yet.)
func isUnsafe(err error) bool {
	return errors.Is(err, sqlstore.ErrUnsafeMigration) || errors.Is(err, ba.ErrInvalid)
}

// migrateError explains what a failed migration left behind.
func migrateError(u dburl.URL, applied []string, err error, stdout io.Writer) error {
	switch {
	case len(applied) == 0 && isUnsafe(err):
		return failed(fmt.Errorf("migration refused, nothing was changed: %w", err))
	case u.Kind == sqlstore.MySQL && len(applied) > 0:
		// MySQL commits DDL as it goes: what ran before the failure stays.
		for _, stmt := range applied {
			fmt.Fprintln(stdout, stmt)
		}
		return failed(fmt.Errorf("migration failed after %d statement%s (MySQL keeps them; fix the cause and run `betterauth migrate` again): %w", len(applied), plural(len(applied)), err))
	case u.Kind == sqlstore.MySQL:
		return failed(fmt.Errorf("migration failed: %w", err))
	}
	return failed(fmt.Errorf("migration failed and was rolled back, nothing was changed: %w", err))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
