package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const doctorHelp = `Usage: betterauth doctor [--database-url URL] [--plugins LIST] [--secondary-storage …]

Compares the database with the tables Better Auth 1.7 expects, without
changing anything, and prints one line per finding (with
--secondary-storage, as Better Auth, it expects no session and no
verification table, and says so when they are there):

  problem: TABLE.COLUMN: …   Better Auth (or this library) would fail
  warning: TABLE.COLUMN: …   works, but worth knowing

then the Better Auth plugins whose tables or columns the database carries,
then a verdict. Exit status 0 when the database is compatible (warnings
allowed), 1 when there are problems.

Without --plugins, the plugins the database carries are checked. With
--plugins, leaving out twoFactor or admin where the database has them is
a problem: a server on that list would sign in two-factor users with a
password alone, or banned users. Columns nobody declared (the app's
additional fields) are listed with the declaration they need: a warning,
or a problem when NOT NULL without a default (Better Auth fills those
from the app's config; this program cannot).

Flags:
` + dbFlagsHelp

func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("doctor")
	var db dbFlags
	db.register(fs)
	if done, err := parseFlags(fs, args, doctorHelp, stdout); done || err != nil {
		return err
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
	if u.Missing() {
		fmt.Fprintf(stdout, "note: the SQLite file %s does not exist yet; `betterauth migrate` will create it\n", u.DSN)
	}
	store, report, err := useDatabaseSchema(ctx, store, schema, db.declared())
	if err != nil {
		return err
	}

	problems, warnings, byMigrate := 0, 0, 0
	for _, f := range report.Findings {
		fmt.Fprintln(stdout, f.String())
		if f.Severity == sqlstore.Problem {
			problems++
			// Check marks what migrate adds (missing tables, columns and
			// indexes) with this hint; the rest needs a hand.
			if strings.Contains(f.Message, "betterauth migrate") {
				byMigrate++
			}
		} else {
			warnings++
		}
	}
	if db.app != nil && strings.TrimSpace(db.plugins) == "" {
		fmt.Fprintln(stdout, detectedLineConfig(report.DetectedPlugins, schema.Plugins))
	} else {
		fmt.Fprintln(stdout, detectedLine(report.DetectedPlugins, schema.Plugins, db.plugins != ""))
	}

	counts := fmt.Sprintf("%d problem%s, %d warning%s", problems, plural(problems), warnings, plural(warnings))
	if report.Compatible() {
		fmt.Fprintf(stdout, "verdict: compatible with Better Auth 1.7 (%s)\n", counts)
		return nil
	}
	fmt.Fprintf(stdout, "verdict: NOT compatible with Better Auth 1.7 (%s)\n", counts)
	suggested := db.suggestedFlags(schema.Plugins)
	if !db.declared() {
		// Checked as the database's plugins: migrate needs them named.
		suggested = pluginsFlag(report.DetectedPlugins)
	}
	for _, step := range nextSteps(ctx, store, suggested+db.topologySuggestion(schema), problems, byMigrate) {
		fmt.Fprintln(stdout, "next: "+step)
	}
	return failed(fmt.Errorf("doctor found %d problem%s", problems, plural(problems)))
}

// detectedLine names the plugins the database carries, and points out those
// left out of --plugins, whose tables doctor therefore did not check.
// Without --plugins (pluginsGiven false) doctor checked the detected ones.
func detectedLine(detected, given []ba.Plugin, pluginsGiven bool) string {
	if len(detected) == 0 {
		return "detected plugins: none"
	}
	if !pluginsGiven {
		return "detected plugins: " + strings.ReplaceAll(pluginNames(detected), ",", ", ") + " (no --plugins given: checked as the database's plugins)"
	}
	names := make([]string, len(detected))
	var unchecked []string
	for i, p := range detected {
		names[i] = string(p)
		if !slices.Contains(given, p) {
			unchecked = append(unchecked, string(p))
		}
	}
	line := "detected plugins: " + strings.Join(names, ", ")
	if len(unchecked) > 0 {
		all := slices.Clone(given)
		for _, p := range detected {
			if !slices.Contains(all, p) {
				all = append(all, p)
			}
		}
		line += fmt.Sprintf(" (not in --plugins, so not checked: %s; run `betterauth doctor%s` to check them too)", strings.Join(unchecked, ", "), pluginsFlag(all))
	}
	return line
}

// detectedLineConfig is detectedLine for a schema from the app's config:
// a plugin the database carries that the app does not use is pointed out
// as such (the config, not a flag, is what to fix).
func detectedLineConfig(detected, configured []ba.Plugin) string {
	if len(detected) == 0 {
		return "detected plugins: none"
	}
	names := make([]string, len(detected))
	var extra []string
	for i, p := range detected {
		names[i] = string(p)
		if !slices.Contains(configured, p) {
			extra = append(extra, string(p))
		}
	}
	line := "detected plugins: " + strings.Join(names, ", ")
	if len(extra) > 0 {
		line += fmt.Sprintf(" (the app's config does not use %s: its tables were not checked)", strings.Join(extra, ", "))
	}
	return line
}

// nextSteps suggests what to run. The migration plan is computed (it only
// reads) so the suggestion says how many statements migrate would run, or
// why it cannot.
func nextSteps(ctx context.Context, store *sqlstore.Store, flags string, problems, byMigrate int) []string {
	var steps []string
	plan, err := store.PlanMigration(ctx)
	switch {
	case errors.Is(err, sqlstore.ErrUnsafeMigration) || errors.Is(err, ba.ErrInvalid):
		steps = append(steps, fmt.Sprintf("`betterauth migrate` cannot fix this on its own: %v", err))
	case err != nil:
		steps = append(steps, fmt.Sprintf("could not plan a migration: %v", err))
	case len(plan) > 0:
		steps = append(steps, fmt.Sprintf("run `betterauth migrate%s` to add what is missing (%d statement%s; add --dry-run to see the SQL first)", flags, len(plan), plural(len(plan))))
	}
	if problems > byMigrate {
		steps = append(steps, "fix the other problems by hand (migrate never alters or drops existing columns), then run `betterauth doctor` again")
	}
	return steps
}
