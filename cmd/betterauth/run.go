package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const usage = `betterauth manages the database of a Better Auth 1.7 app.

Usage:
  betterauth <command> [flags]

Commands:
  serve          run the HTTP API (embedded SQLite by default; see "betterauth help serve")
  migrate        create the missing Better Auth tables, columns and indexes
  doctor         check the database against Better Auth 1.7's schema (read-only)
  user           create or list users (user create --email E --name N [--password-stdin] [--role R]; user list)
  session        revoke every session of a user (session revoke --user EMAIL)
  hash-password  hash a password read from stdin the way Better Auth does
  help           show this help, or "betterauth help <command>" for a command's flags

Environment:
  DATABASE_URL   the database; --database-url overrides it. One of
                   postgres://USER:PASSWORD@HOST:5432/DATABASE  (or postgresql://)
                   mysql://USER:PASSWORD@HOST:3306/DATABASE     (MySQL or MariaDB)
                   sqlite:PATH or file:PATH                     (a SQLite file)

Exit status:
  0  success
  1  doctor found problems, or a migration was refused or failed
  2  usage, configuration or connection error
`

// connectTimeout bounds connecting to the database, so that a firewalled
// host gives an error instead of a hang.
const connectTimeout = 15 * time.Second

// run is the whole program except process wiring: main passes it the
// arguments (without the program name) and the standard streams, and turns
// the error into an exit status with exitStatus.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && rest[0] != "help" && !strings.HasPrefix(rest[0], "-") {
			return run(ctx, []string{rest[0], "-h"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, rest, stdout, stderr)
	case "hash-password":
		return runHashPassword(ctx, rest, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdin, stdout, stderr)
	case "session":
		return runSession(ctx, rest, stdout)
	default:
		// The command is not echoed when it looks like a URL, which may
		// carry a password.
		if strings.Contains(cmd, ":") || strings.Contains(cmd, "@") {
			return errors.New(`unknown command (run "betterauth help" for the list)`)
		}
		return fmt.Errorf("unknown command %q (run \"betterauth help\" for the list)", cmd)
	}
}

// statusError gives an error an exit status other than 2.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// failed marks an error that happened after the command got going — the
// database was reached but a migration failed or doctor found problems:
// exit status 1.
func failed(err error) error { return &statusError{status: 1, err: err} }

// exitStatus maps run's error to the process exit status: 0 for nil, 1 for
// failed errors, 2 for everything else (usage, configuration, connection).
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	return 2
}

// oneLine keeps an error message on one line of stderr.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// newFlagSet makes a flag set that reports errors through run's error
// rather than printing them, and prints help to stdout on -h.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args into fs. It returns done=true when -h was asked
// for (help has been printed to stdout). Positional arguments are refused
// without being echoed: a misplaced argument is often a database URL.
func parseFlags(fs *flag.FlagSet, args []string, help string, stdout io.Writer) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, help)
			return true, nil
		}
		return false, fmt.Errorf("%s: %v (run \"betterauth %s -h\" for usage)", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected argument (give the database with --database-url or DATABASE_URL; run \"betterauth %s -h\" for usage)", fs.Name(), fs.Name())
	}
	return false, nil
}

// dbFlags are the flags of the commands that work on a database.
type dbFlags struct {
	databaseURL string
	plugins     string
}

const dbFlagsHelp = `  --database-url URL   the database; overrides DATABASE_URL. Prefer the
                       environment variable: arguments are visible to other
                       users of the machine. Forms: ` + dburl.Forms + `
  --plugins LIST       comma-separated Better Auth plugins whose tables the
                       database has: admin, organization, jwt, username,
                       twoFactor, apiKey (bearer is accepted and has no tables).
                       Without it, doctor, serve and user create use the
                       plugins the database carries; serve refuses a list
                       that leaves out twoFactor or admin where it has them
`

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.databaseURL, "database-url", "", "")
	fs.StringVar(&f.plugins, "plugins", "", "")
}

// resolve reads the database URL (flag, then DATABASE_URL) and the schema.
func (f *dbFlags) resolve() (dburl.URL, ba.Schema, error) {
	raw, source := f.databaseURL, "--database-url"
	if raw == "" {
		raw, source = os.Getenv("DATABASE_URL"), "DATABASE_URL"
	}
	if strings.TrimSpace(raw) == "" {
		return dburl.URL{}, ba.Schema{}, errors.New("DATABASE_URL is not set (expected " + dburl.Forms + "; or pass --database-url)")
	}
	u, err := dburl.Parse(raw)
	if err != nil {
		return dburl.URL{}, ba.Schema{}, fmt.Errorf("%s: %w", source, err)
	}
	plugins, err := ba.ParsePlugins(f.plugins)
	if err != nil {
		return dburl.URL{}, ba.Schema{}, fmt.Errorf("--plugins: %w", err)
	}
	return u, ba.Schema{Plugins: plugins}, nil
}

// pluginsFlag renders the --plugins flag to repeat in a suggested command.
func pluginsFlag(plugins []ba.Plugin) string {
	if len(plugins) == 0 {
		return ""
	}
	names := make([]string, len(plugins))
	for i, p := range plugins {
		names[i] = string(p)
	}
	return " --plugins " + strings.Join(names, ",")
}

// connect opens the store. With readOnly, nothing on disk changes: a SQLite
// file is opened read-only, and one that does not exist is not created (an
// empty in-memory database stands in for it).
func connect(ctx context.Context, u dburl.URL, schema ba.Schema, readOnly bool) (*sqlstore.Store, func(), error) {
	return connectWith(ctx, u, sqlstore.Options{Schema: schema}, readOnly)
}

// connectWith is connect with all of the store's options (read-only, only
// the schema).
func connectWith(ctx context.Context, u dburl.URL, opts sqlstore.Options, readOnly bool) (*sqlstore.Store, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	open := u.Open
	if readOnly {
		open = u.OpenReadOnly
	}
	store, closeDB, err := open(ctx, opts)
	if err != nil {
		if u.Kind == sqlstore.SQLite {
			return nil, nil, fmt.Errorf("%w (check the path and that its directory exists and is writable)", err)
		}
		return nil, nil, fmt.Errorf("%w (check that the server is running and the database URL is right)", err)
	}
	return store, func() { _ = closeDB() }, nil
}
