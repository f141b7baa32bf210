package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const userHelp = `Usage:
  betterauth user create --email EMAIL --name NAME [--password-stdin] [--role ROLE] [--verified]
  betterauth user list [--search TEXT] [--limit N] [--offset N]

create adds a user the way Better Auth's sign-up does (lower-cased email,
credential account with an scrypt hash when --password-stdin is given,
the plugins' and the additional fields' defaults). --role needs the admin
plugin. Without --plugins both use the plugins the database carries; a
NOT NULL column without a default that nobody declared stops create.
list prints id, email, name, role and creation time.

Flags:
` + dbFlagsHelp

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprint(stdout, userHelp)
			return nil
		}
		return errors.New(`user: expected "create" or "list" (run "betterauth user -h" for usage)`)
	}
	switch args[0] {
	case "create":
		return runUserCreate(ctx, args[1:], stdin, stdout, stderr)
	case "list":
		return runUserList(ctx, args[1:], stdout, stderr)
	}
	return errors.New(`user: unknown subcommand (expected "create" or "list")`)
}

func runUserCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("user create")
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "")
	name := fs.String("name", "", "")
	role := fs.String("role", "", "")
	verified := fs.Bool("verified", false, "")
	passwordStdin := fs.Bool("password-stdin", false, "")
	if done, err := parseFlags(fs, args, userHelp, stdout); done || err != nil {
		return err
	}
	create := ba.UserCreate{Name: *name, Email: *email}
	var password string
	if *passwordStdin {
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		password = pw
		create.Password = &password
	}
	if err := create.Validate(); err != nil {
		return fmt.Errorf("user create: %v", err)
	}
	u, schema, err := db.resolve(stderr)
	if err != nil {
		return err
	}
	store, closeStore, err := connect(ctx, u, schema, false)
	if err != nil {
		return err
	}
	defer closeStore()
	// As serve does: the database's plugins unless --plugins says, so
	// that their defaults (role "user", banned false) are written.
	store, rep, err := useDatabaseSchema(ctx, store, schema, db.declared())
	if err != nil {
		return err
	}
	if err := fillable(rep, "user create", ba.ModelUser, ba.ModelAccount); err != nil {
		return failed(err)
	}
	if *role != "" && !store.Schema().HasPlugin(ba.PluginAdmin) {
		return errors.New("user create: --role needs the admin plugin (add --plugins admin)")
	}
	user := ba.NewUser(create, time.Now())
	user.EmailVerified = *verified
	if *role != "" {
		user.Role = role
	}
	if *passwordStdin {
		hash, err := ba.HashPassword(password)
		if err != nil {
			return err
		}
		_, err = store.CreateUserWithPassword(ctx, user, hash)
		if err != nil {
			return userCreateError(err)
		}
	} else if err := store.CreateUser(ctx, user); err != nil {
		return userCreateError(err)
	}
	fmt.Fprintf(stdout, "created user %s <%s>\n", user.ID, user.Email)
	return nil
}

func userCreateError(err error) error {
	if errors.Is(err, ba.ErrDuplicate) {
		return failed(errors.New("user create: a user with this email already exists"))
	}
	return failed(fmt.Errorf("user create: %w", err))
}

// readPassword reads one line from stdin without echoing it anywhere.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(stdin, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %v", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("--password-stdin: no password on stdin")
	}
	return line, nil
}

func runUserList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user list")
	var db dbFlags
	db.register(fs)
	search := fs.String("search", "", "")
	limit := fs.Int("limit", 50, "")
	offset := fs.Int("offset", 0, "")
	if done, err := parseFlags(fs, args, userHelp, stdout); done || err != nil {
		return err
	}
	if *limit < 1 || *limit > 100 {
		return errors.New("user list: --limit must be 1 to 100")
	}
	u, schema, err := db.resolve(stderr)
	if err != nil {
		return err
	}
	store, closeStore, err := connect(ctx, u, schema, true)
	if err != nil {
		return err
	}
	defer closeStore()
	if store, _, err = useDatabaseSchema(ctx, store, schema, db.declared()); err != nil {
		return err
	}
	users, total, err := store.ListUsers(ctx, sqlstore.UserQuery{Search: *search, Limit: *limit, Offset: *offset})
	if err != nil {
		return failed(fmt.Errorf("user list: %w", err))
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tCREATED")
	for _, u := range users {
		role := "-"
		if u.Role != nil {
			role = *u.Role
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, oneLine(u.Name), role, ba.FormatTime(u.CreatedAt))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d of %d users\n", len(users), total)
	return nil
}
