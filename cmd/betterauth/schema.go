package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// useDatabaseSchema completes the declared schema, store's, with what its
// database shows when nothing is declared: without --plugins (pluginsGiven false),
// the plugins whose tables or columns it carries. It returns the store on
// the schema to use and that schema's Check report.
//
// A declared plugin list is kept as given; whether it leaves out a plugin
// that matters is for safeToWrite to say. The database's additional
// columns are not served undeclared: their input and returned rules are
// the app's, and guessing them would either let clients set what the app
// refuses (input: false) or send what it hides (returned: false). They
// are in the report (Undeclared), with a type guessed from the column.
func useDatabaseSchema(ctx context.Context, store *sqlstore.Store, declared ba.Schema, pluginsGiven bool) (*sqlstore.Store, *sqlstore.Report, error) {
	rep, err := store.Check(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("check the database: %w", err)
	}
	if pluginsGiven || len(rep.DetectedPlugins) == 0 {
		return store, rep, nil
	}
	schema := declared
	schema.Plugins = append([]ba.Plugin(nil), rep.DetectedPlugins...)
	detected, err := store.WithSchema(schema)
	if err != nil {
		return nil, nil, fmt.Errorf("use the plugins the database carries (%s): %w", pluginNames(rep.DetectedPlugins), err)
	}
	if rep, err = detected.Check(ctx); err != nil {
		return nil, nil, fmt.Errorf("check the database: %w", err)
	}
	return detected, rep, nil
}

// safeToServe refuses a schema that would make serve unsafe or broken on
// this database: a plugin the database carries that --plugins leaves out
// and whose checks serve would bypass (a two-factor user signed in with a
// password alone, a banned user signed in), and what fillable refuses.
func safeToServe(rep *sqlstore.Report, plugins []ba.Plugin) error {
	var problems []string
	for _, p := range rep.OmittedSecurityPlugins {
		marks, risk, _ := sqlstore.OmittedPluginRisk(p)
		problems = append(problems, fmt.Sprintf("the database has %s; with --plugins %s, serve would %s — add %s to --plugins or pass --config", marks, pluginNames(plugins), risk, p))
	}
	if err := fillable(rep, "serve", ba.ModelUser, ba.ModelSession, ba.ModelAccount, ba.ModelVerification); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

// fillable refuses a database with a NOT NULL column without a default
// that no one declared in a table of models: Better Auth fills it from the
// app's config, and command (serve, user create), which creates rows of
// those models, cannot.
func fillable(rep *sqlstore.Report, command string, models ...string) error {
	var problems []string
	for _, c := range rep.Unfillable() {
		if !slices.Contains(models, c.Model) {
			continue
		}
		problems = append(problems, fmt.Sprintf("the database's %s.%s is NOT NULL without a default and not declared: Better Auth fills it from the app's config (an additional field), %s cannot and would fail to create a %s — run `betterauth config export` in the app and pass the config with --config (or make the column nullable, or give it a database default)", c.Table, c.Column, command, c.Model))
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}
