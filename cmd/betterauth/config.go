package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/configexport"
)

const configHelp = `Usage: betterauth config export [--dir DIR] [--auth PATH] [--out FILE]

Run in the Better Auth app's directory: loads the app's own auth module with
the app's own installed better-auth (TypeScript through the app's tsx, else
its jiti; tsconfig path aliases such as "@/lib/db" work) and writes what
Better Auth resolves from it — every table and field after plugins,
additional fields and renames, cookie names, session and cookie-cache
settings, plugins and their options, email/password and rate-limit rules —
as JSON that --config reads on serve, doctor, migrate, user, session and
generate. Secrets are never written (not the auth secret, client secrets or
database URLs), and no database is needed: the module is imported, not run.
Options the Go side does not use are listed as warnings.

Without --auth the module is found as Better Auth's CLI finds it: auth.ts,
lib/auth.ts, utils/auth.ts, server/auth.ts, lib/server/auth.ts, and the same
under src/ and app/ (also .tsx, .js, .jsx, .mts, .cts, .mjs, .cjs, and
auth.server.*); it must export the instance as "auth" or as the default
export (or export its options). Node.js 20+ must be on PATH; the app's
environment variables (secrets, DATABASE_URL) are passed to it as they are.

Flags:
  --dir DIR        the app's directory [.]
  --auth PATH      the auth module, relative to --dir
  --out FILE       where to write [DIR/betterauth.config.json]. Not
                   better-auth.json: with "baseUrl": "." in tsconfig.json,
                   TypeScript tools resolve the app's import of "better-auth"
                   to that file and the app breaks
  --timeout DUR    how long loading the module may take [2m]
`

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprint(stdout, configHelp)
		return nil
	}
	if len(args) == 0 || args[0] != "export" {
		return errors.New(`config: expected "export" (run "betterauth config -h" for usage)`)
	}
	fs := newFlagSet("config export")
	dir := fs.String("dir", ".", "")
	auth := fs.String("auth", "", "")
	out := fs.String("out", "", "")
	timeout := fs.Duration("timeout", configexport.DefaultTimeout, "")
	if done, err := parseFlags(fs, args[1:], configHelp, stdout); done || err != nil {
		return err
	}
	if *timeout <= 0 || *timeout > time.Hour {
		return fmt.Errorf("config export: --timeout %s is not between 0 and 1h", *timeout)
	}
	target := *out
	if target == "" {
		target = filepath.Join(*dir, "betterauth.config.json")
	}
	if w := configexport.ShadowWarning(*dir, target); w != "" {
		fmt.Fprintln(stderr, "warning: "+w)
	}
	res, err := configexport.Export(ctx, configexport.Options{Dir: *dir, AuthFile: *auth, Timeout: *timeout, Stderr: stderr})
	if err != nil {
		return fmt.Errorf("config export: %v", err)
	}
	if err := writeFileAtomic(target, res.JSON); err != nil {
		return fmt.Errorf("config export: write %s: %v", target, err)
	}
	c := res.Config
	var plugins []string
	for _, p := range c.Plugins {
		plugins = append(plugins, p.ID)
	}
	if len(plugins) == 0 {
		plugins = []string{"none"}
	}
	for _, w := range c.Warnings {
		fmt.Fprintln(stderr, "warning: "+oneLine(w))
	}
	fmt.Fprintf(stdout, "wrote %s from %s (Better Auth %s, %d tables, plugins: %s, %d warning%s)\n",
		target, res.AuthFile, c.BetterAuthVersion, len(c.Tables), strings.Join(plugins, ", "), len(c.Warnings), plural(len(c.Warnings)))
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so that a reader never sees half a document.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
