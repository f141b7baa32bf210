package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	ba "github.com/betterauth-go/betterauth"
)

const sessionHelp = `Usage: betterauth session revoke --user EMAIL

Deletes every session of the user (signs them out everywhere), as Better
Auth's revoke-sessions does, and prints how many there were. Sessions kept
in Redis (secondaryStorage) are not in the database: revoke them through the
server instead.

Flags:
` + dbFlagsHelp

func runSession(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(stdout, sessionHelp)
		return nil
	}
	if len(args) == 0 || args[0] != "revoke" {
		return errors.New(`session: expected "revoke" (run "betterauth session -h" for usage)`)
	}
	fs := newFlagSet("session revoke")
	var db dbFlags
	db.register(fs)
	email := fs.String("user", "", "")
	if done, err := parseFlags(fs, args[1:], sessionHelp, stdout); done || err != nil {
		return err
	}
	if *email == "" {
		return errors.New("session revoke: --user EMAIL is required")
	}
	u, schema, err := db.resolve(stderr)
	if err != nil {
		return err
	}
	if schema.SecondaryStorage {
		// Deleting rows alone would leave the Redis entries, which Better
		// Auth reads first: the user would stay signed in.
		return errors.New("session revoke: with --secondary-storage Better Auth's sessions live in Redis; revoke them through the server (DELETE /api/admin/users/{id}/sessions with the admin plugin, or Better Auth's revoke-sessions), which clears Redis and the database together")
	}
	store, closeStore, err := connect(ctx, u, schema, false)
	if err != nil {
		return err
	}
	defer closeStore()
	user, err := store.GetUserByEmail(ctx, *email)
	if errors.Is(err, ba.ErrNotFound) {
		return failed(errors.New("session revoke: no user with that email"))
	}
	if err != nil {
		return failed(fmt.Errorf("session revoke: %w", err))
	}
	n, err := store.RevokeUserSessions(ctx, user.ID)
	if err != nil {
		return failed(fmt.Errorf("session revoke: %w", err))
	}
	fmt.Fprintf(stdout, "revoked %d sessions of %s\n", n, user.Email)
	return nil
}
