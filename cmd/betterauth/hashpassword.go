package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	ba "github.com/betterauth-go/betterauth"
)

const hashPasswordHelp = `Usage: betterauth hash-password < password.txt

Reads a password from stdin, removes one trailing newline (\n or \r\n), and
prints its hash in Better Auth's format (scrypt, "hexsalt:hexkey"), ready for
the "password" column of a credential account:

  printf '%s' "$PASSWORD" | betterauth hash-password

Better Auth's sign-up accepts 8 to 128 characters by default; a password
outside that range is hashed anyway, with a warning on stderr.
`

// maxPasswordInput bounds how much of stdin is read; far above any real
// password (Better Auth's default maximum is 128 characters).
const maxPasswordInput = 64 << 10

func runHashPassword(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("hash-password")
	if done, err := parseFlags(fs, args, hashPasswordHelp, stdout); done || err != nil {
		return err
	}
	if f, ok := stdin.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintln(stderr, "Type the password (it is shown as you type), then Enter and Ctrl-D:")
		}
	}
	data, err := io.ReadAll(io.LimitReader(stdin, maxPasswordInput+1))
	if err != nil {
		return fmt.Errorf("hash-password: read stdin: %w", err)
	}
	if len(data) > maxPasswordInput {
		return fmt.Errorf("hash-password: input longer than %d bytes; is this a password?", maxPasswordInput)
	}
	password := string(data)
	if trimmed, ok := strings.CutSuffix(password, "\n"); ok {
		password = strings.TrimSuffix(trimmed, "\r")
	}
	if password == "" {
		return errors.New(`hash-password: no password on stdin (printf '%s' "$PASSWORD" | betterauth hash-password)`)
	}
	if !utf8.ValidString(password) {
		// Node decodes request bodies as UTF-8, replacing bad bytes, so a
		// hash of these bytes would never match what Better Auth checks.
		return errors.New("hash-password: the password is not valid UTF-8")
	}
	if n := ba.PasswordLength(password); n < ba.MinPasswordLength || n > ba.MaxPasswordLength {
		fmt.Fprintf(stderr, "warning: the password is %d characters; Better Auth's sign-up accepts %d to %d by default\n", n, ba.MinPasswordLength, ba.MaxPasswordLength)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	hash, err := ba.HashPassword(password)
	if err != nil {
		return fmt.Errorf("hash-password: %w", err)
	}
	fmt.Fprintln(stdout, hash)
	return nil
}
