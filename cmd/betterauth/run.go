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
  account        a user's provider token (account access-token --user EMAIL --provider ID)
  session        revoke every session of a user (session revoke --user EMAIL)
  hash-password  hash a password read from stdin the way Better Auth does
  config         export the Better Auth app's configuration (config export, in the app's directory)
  generate       write typed Go for the app's own fields (generate --config FILE)
  help           show this help, or "betterauth help <command>" for a command's flags

Environment:
  BETTER_AUTH_CONFIG  the app's exported configuration; --config overrides it
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
		return runSession(ctx, rest, stdout, stderr)
	case "account":
		return runAccount(ctx, rest, stdout, stderr)
	case "config":
		return runConfig(ctx, rest, stdout, stderr)
	case "generate":
		return runGenerate(ctx, rest, stdout, stderr)
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
	config      string
	// app is the app's exported config, loaded by resolve from --config
	// or BETTER_AUTH_CONFIG; nil without one.
	app              *ba.AppConfig
	secondaryStorage bool
	storeSessionInDB bool
	verificationInDB bool
}

const dbFlagsHelp = `  --database-url URL   the database; overrides DATABASE_URL. Prefer the
                       environment variable: arguments are visible to other
                       users of the machine. Forms: ` + dburl.Forms + `
  --plugins LIST       comma-separated Better Auth plugins whose tables the
                       database has: admin, organization, jwt, username,
                       twoFactor, apiKey (bearer is accepted and has no tables);
                       with --config, replaces the app's plugin list.
                       Without either, doctor, serve and user create use the
                       plugins the database carries; serve refuses a list
                       that leaves out twoFactor or admin where it has them
  --config FILE        the app's configuration, written by "betterauth config
                       export" (default: BETTER_AUTH_CONFIG): tables, renames,
                       additional fields, plugins, cookies, sessions; flags
                       given beside it override it
  --secondary-storage  Better Auth runs with secondaryStorage (Redis): as in
                       Better Auth, the database has no session and no
                       verification table (serve keeps both in Redis and
                       needs --redis)
  --store-session-in-database
                       with --secondary-storage: Better Auth's
                       session.storeSessionInDatabase (the session table
                       stays; sessions are written to both)
  --verification-in-database
                       with --secondary-storage: Better Auth's
                       verification.storeInDatabase (the verification table
                       stays; values are written to both)
`

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.databaseURL, "database-url", "", "")
	fs.StringVar(&f.plugins, "plugins", "", "")
	fs.StringVar(&f.config, "config", "", "")
	fs.BoolVar(&f.secondaryStorage, "secondary-storage", false, "")
	fs.BoolVar(&f.storeSessionInDB, "store-session-in-database", false, "")
	fs.BoolVar(&f.verificationInDB, "verification-in-database", false, "")
}

// loadConfig loads the app config of --config, else of BETTER_AUTH_CONFIG
// (nil when neither is set), and prints its warnings to stderr.
func (f *dbFlags) loadConfig(stderr io.Writer) error {
	path, source := f.config, "--config"
	if path == "" {
		path, source = os.Getenv("BETTER_AUTH_CONFIG"), "BETTER_AUTH_CONFIG"
	}
	if path == "" {
		return nil
	}
	app, err := ba.LoadConfig(path)
	if err != nil {
		return fmt.Errorf("%s: %w (write it with `betterauth config export` in the app's directory)", source, err)
	}
	for _, w := range app.Warnings {
		fmt.Fprintln(stderr, "warning: config: "+oneLine(w))
	}
	f.app = app
	return nil
}

// resolve reads the database URL (flag, then DATABASE_URL), the app config
// (--config, then BETTER_AUTH_CONFIG; its warnings go to stderr) and the
// schema: the config's, with --plugins replacing its plugin list when
// given.
func (f *dbFlags) resolve(stderr io.Writer) (dburl.URL, ba.Schema, error) {
	if err := f.loadConfig(stderr); err != nil {
		return dburl.URL{}, ba.Schema{}, err
	}
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
	if !f.secondaryStorage {
		// Without secondaryStorage Better Auth keeps both in the database
		// anyway: a flag that changes nothing is more likely a mistake.
		switch {
		case f.storeSessionInDB:
			return dburl.URL{}, ba.Schema{}, errors.New("--store-session-in-database: only means something with --secondary-storage (without it sessions are in the database anyway)")
		case f.verificationInDB:
			return dburl.URL{}, ba.Schema{}, errors.New("--verification-in-database: only means something with --secondary-storage (without it verification values are in the database anyway)")
		}
	}
	schema := ba.Schema{Plugins: plugins}
	if f.app != nil {
		schema = f.app.Schema()
		if strings.TrimSpace(f.plugins) != "" {
			schema = withPlugins(schema, plugins)
			fmt.Fprintf(stderr, "warning: --plugins replaces the config's plugins (%s)%s\n", pluginNames(f.app.Schema().Plugins), pluginsFlag(plugins))
		}
		// The app's config says where Better Auth keeps sessions and
		// verification values; the flags can only add to it.
		schema.SecondaryStorage = f.app.SecondaryStorage
		schema.StoreSessionInDatabase = f.app.SecondaryStorage && f.app.SessionsInDatabase()
		schema.StoreVerificationInDatabase = f.app.SecondaryStorage && f.app.VerificationInDatabase()
	}
	if f.secondaryStorage {
		schema.SecondaryStorage = true
		schema.StoreSessionInDatabase = schema.StoreSessionInDatabase || f.storeSessionInDB
		schema.StoreVerificationInDatabase = schema.StoreVerificationInDatabase || f.verificationInDB
	}
	return u, schema, nil
}

// suggestedFlags are the flags to repeat in a suggested command: the
// --config given on the command line (BETTER_AUTH_CONFIG carries over by
// itself), or the plugins.
func (f *dbFlags) suggestedFlags(plugins []ba.Plugin) string {
	if f.app != nil {
		if f.config == "" {
			return pluginsFlag(nil)
		}
		flags := " --config " + f.config
		if strings.TrimSpace(f.plugins) != "" {
			flags += pluginsFlag(plugins)
		}
		return flags
	}
	return pluginsFlag(plugins)
}

// withPlugins replaces a schema's plugins, dropping the table settings of
// plugins no longer in it.
func withPlugins(s ba.Schema, plugins []ba.Plugin) ba.Schema {
	s.Plugins = plugins
	probe := ba.Schema{Plugins: plugins, Teams: s.Teams}
	r, err := probe.Resolve()
	if err != nil {
		return s
	}
	for model := range s.Tables {
		if r.Table(model) == nil {
			delete(s.Tables, model)
		}
	}
	return s
}

func pluginNames(plugins []ba.Plugin) string {
	if len(plugins) == 0 {
		return "none"
	}
	names := make([]string, len(plugins))
	for i, p := range plugins {
		names[i] = string(p)
	}
	return strings.Join(names, ",")
}

// topologyFlags renders the secondary-storage flags to repeat in a
// suggested command.
func topologyFlags(schema ba.Schema) string {
	var out string
	if schema.SecondaryStorage {
		out += " --secondary-storage"
	}
	if schema.StoreSessionInDatabase {
		out += " --store-session-in-database"
	}
	if schema.StoreVerificationInDatabase {
		out += " --verification-in-database"
	}
	return out
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

// topologySuggestion is topologyFlags for a suggested command, unless the
// app's config (repeated by suggestedFlags) already says it.
func (f *dbFlags) topologySuggestion(schema ba.Schema) string {
	if f.app != nil && f.config != "" && !f.secondaryStorage {
		return ""
	}
	return topologyFlags(schema)
}

// declared reports whether the app's plugins were given (--plugins or the
// app's config); without them the commands that need the truth use the
// plugins the database carries.
func (f *dbFlags) declared() bool {
	return strings.TrimSpace(f.plugins) != "" || f.app != nil
}
