package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// ErrUnsafeMigration is returned when a migration would add a required
// column without a default to a table that already has rows — Better Auth's
// UnsafeMigrationError. Nothing is changed.
var ErrUnsafeMigration = fmt.Errorf("%w: unsafe migration", ba.ErrInvalid)

// PlanMigration returns the statements that bring the database up to the
// schema, following Better Auth's migrator: missing tables are created,
// missing columns added, missing indexes created. Nothing is ever altered or
// dropped. An up-to-date database gives no statements.
func (s *Store) PlanMigration(ctx context.Context) ([]string, error) {
	cat, err := s.Inspect(ctx)
	if err != nil {
		return nil, err
	}
	var creates, alters, indexes []string
	for _, t := range s.schema.Tables {
		live := cat.Tables[t.Name]
		if live == nil {
			creates = append(creates, s.createTableDDL(t))
			for _, f := range t.Fields {
				if f.Index && !f.Unique {
					indexes = append(indexes, s.createIndexDDL(t, f, false))
				}
			}
			continue
		}
		for _, f := range t.Fields {
			if _, ok := live.Columns[f.Column]; !ok {
				if f.Required && s.kind.dbDefault(f) == "" && s.kind.staticDefault(f) == "" {
					n, err := s.countRows(ctx, t.Name)
					if err != nil {
						return nil, err
					}
					if n > 0 {
						return nil, s.wrap("plan migration", fmt.Errorf("%w: %s.%s is required and has no default, but %s already has %d rows; add it as optional or give it a default", ErrUnsafeMigration, t.Name, f.Column, t.Name, n))
					}
				}
				alters = append(alters, "alter table "+s.kind.Quote(t.Name)+" add column "+s.columnDDL(t, f, true)+";")
				if f.Unique {
					indexes = append(indexes, s.createIndexDDL(t, f, true))
				}
			}
			if f.Index && !f.Unique && !live.HasIndexOn(f.Column) {
				indexes = append(indexes, s.createIndexDDL(t, f, false))
			}
		}
	}
	return append(append(creates, alters...), indexes...), nil
}

func (s *Store) countRows(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := s.queryOne(ctx, "SELECT COUNT(*) FROM "+s.kind.Quote(table), nil, []any{int64Scanner{&n}}); err != nil {
		return 0, s.wrap("count rows", err)
	}
	return n, nil
}

// Migrate plans and applies the migration in one transaction where the
// database supports transactional DDL (PostgreSQL, SQLite); MySQL commits
// each statement, so a failure there leaves the statements before it
// applied — run it again to finish. It returns the statements it ran.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	var applied []string
	// Schema changes may take longer than Options.QueryTimeout.
	err := s.untimed().WithTx(ctx, func(tx *Store) error {
		plan, err := tx.PlanMigration(ctx)
		if err != nil {
			return err
		}
		for _, stmt := range plan {
			if _, err := tx.drv.DB.Exec(ctx, strings.TrimSuffix(stmt, ";")); err != nil {
				return tx.wrap("migrate: "+firstWords(stmt), err)
			}
			applied = append(applied, stmt)
		}
		return nil
	})
	if err != nil {
		return applied, s.wrap("migrate", err)
	}
	return applied, nil
}

func firstWords(stmt string) string {
	if i := strings.Index(stmt, " ("); i > 0 {
		return stmt[:i]
	}
	return stmt
}

// Severity of a doctor finding.
type Severity string

// Problems make the database incompatible; warnings are worth knowing.
const (
	Problem Severity = "problem"
	Warning Severity = "warning"
)

// Finding is one difference between the live database and the schema.
type Finding struct {
	Severity Severity
	Table    string
	Column   string
	Message  string
}

func (f Finding) String() string {
	where := f.Table
	if f.Column != "" {
		where += "." + f.Column
	}
	return fmt.Sprintf("%s: %s: %s", f.Severity, where, f.Message)
}

// Report is the result of Check.
type Report struct {
	Findings []Finding
	// DetectedPlugins are the Better Auth plugins whose tables or columns the
	// database has.
	DetectedPlugins []ba.Plugin
	// OmittedSecurityPlugins are the DetectedPlugins the schema leaves out
	// whose absence a server would turn into a bypass (OmittedPluginRisk):
	// twoFactor (a password alone would sign in a user who turned on a
	// second factor) and admin (banned users would sign in). Each is also
	// a problem finding.
	OmittedSecurityPlugins []ba.Plugin
	// Undeclared are the columns of the schema's tables that neither the
	// schema nor any plugin declares, in table then column order: the
	// app's additional fields, most likely. Each is also a finding: a
	// problem when Unfillable, a warning otherwise.
	Undeclared []UndeclaredColumn
}

// Unfillable returns the Undeclared columns a store cannot fill when it
// inserts a row (UndeclaredColumn.Unfillable).
func (r *Report) Unfillable() []UndeclaredColumn {
	var out []UndeclaredColumn
	for _, c := range r.Undeclared {
		if c.Unfillable() {
			out = append(out, c)
		}
	}
	return out
}

// Compatible reports whether no finding is a problem.
func (r *Report) Compatible() bool {
	for _, f := range r.Findings {
		if f.Severity == Problem {
			return false
		}
	}
	return true
}

// compatibleTypes lists live types that are not what Better Auth 1.7 creates
// but that it (and this library) reads and writes correctly — typically left
// by older Better Auth versions.
var compatibleTypes = map[Kind]map[string][]string{
	Postgres: {"timestamptz": {"timestamp"}, "jsonb": {"json", "text"}},
	MySQL:    {"timestamp(3)": {"datetime", "datetime(3)", "timestamp"}, "varchar(255)": {"text", "varchar(191)"}, "text": {"varchar(255)", "varchar(191)", "longtext", "mediumtext"}, "varchar(36)": {"text", "varchar(255)"}, "json": {"longtext", "text"}},
	SQLite:   {"date": {"text", "datetime", "timestamp"}, "integer": {"boolean", "int"}},
}

// Check compares the live database with the schema without changing
// anything. The report lists missing tables, columns and indexes, wrong
// types and nullability, and columns that would make Better Auth 1.7.3+
// refuse to run.
func (s *Store) Check(ctx context.Context) (*Report, error) {
	cat, err := s.Inspect(ctx)
	if err != nil {
		return nil, err
	}
	r := &Report{DetectedPlugins: detectPlugins(cat, s.schema)}
	add := func(sev Severity, table, column, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Severity: sev, Table: table, Column: column, Message: fmt.Sprintf(format, args...)})
	}
	for _, p := range r.DetectedPlugins {
		marks, risk, security := OmittedPluginRisk(p)
		if !security || s.schema.HasPlugin(p) {
			continue
		}
		r.OmittedSecurityPlugins = append(r.OmittedSecurityPlugins, p)
		add(Problem, s.schema.Table(ba.ModelUser).Name, "", "the database has %s, but the schema leaves the %s plugin out: a server on this schema would %s; add %s to the plugins", marks, p, risk, p)
	}
	for _, t := range s.schema.Tables {
		live := cat.Tables[t.Name]
		if live == nil {
			add(Problem, t.Name, "", "table is missing (run `betterauth migrate`)")
			continue
		}
		known := map[string]bool{}
		for _, f := range t.Fields {
			known[f.Column] = true
			col, ok := live.Columns[f.Column]
			if !ok {
				add(Problem, t.Name, f.Column, "column is missing (run `betterauth migrate`)")
				continue
			}
			want := s.kind.columnType(f)
			if col.Type != want {
				sev := Problem
				for _, alt := range compatibleTypes[s.kind][want] {
					if col.Type == alt {
						sev = Warning
					}
				}
				add(sev, t.Name, f.Column, "type is %s, Better Auth 1.7 creates %s", col.Type, want)
			}
			if f.Required && !col.NotNull {
				add(Warning, t.Name, f.Column, "is nullable; Better Auth creates it NOT NULL")
			}
			if !f.Required && col.NotNull && col.Default == "" {
				add(Problem, t.Name, f.Column, "is NOT NULL without a default, but Better Auth treats it as optional and may insert NULL")
			}
			if f.Unique && !live.HasUniqueOn(f.Column) {
				add(Problem, t.Name, f.Column, "has no unique constraint or index")
			}
			if f.Index && !f.Unique && !live.HasIndexOn(f.Column) {
				add(Problem, t.Name, f.Column, "index %s is missing (run `betterauth migrate`)", indexName(t.Name, f.Column, false))
			}
			if f.References != nil {
				if _, ok := live.ForeignKey(f.Column); !ok {
					add(Warning, t.Name, f.Column, "has no foreign key to %s; deleting a user will not cascade in the database", f.References.Model)
				}
			}
		}
		cols := make([]string, 0, len(live.Columns))
		for name := range live.Columns {
			cols = append(cols, name)
		}
		sort.Strings(cols)
		for _, name := range cols {
			col := live.Columns[name]
			switch {
			case known[name]:
			case !pluginColumn(t.Model, name):
				u := UndeclaredColumn{Model: t.Model, Table: t.Name, Column: name, Type: col.Type, FieldType: guessFieldType(col.Type), NotNull: col.NotNull, Default: col.Default}
				r.Undeclared = append(r.Undeclared, u)
				sev, msg := undeclaredFinding(u)
				add(sev, t.Name, name, "%s", msg)
			case col.NotNull && col.Default == "":
				// A column of a plugin the schema leaves out.
				add(Problem, t.Name, name, "is NOT NULL without a default and Better Auth does not write it: Better Auth 1.7.3+ refuses to run (unexpected-required-column); make it nullable or give it a default")
			}
		}
	}
	// With secondaryStorage Better Auth neither creates nor reads these
	// tables; one that is there anyway is a sign the configuration differs.
	for _, m := range []struct{ model, option string }{
		{ba.ModelSession, "session.storeSessionInDatabase"},
		{ba.ModelVerification, "verification.storeInDatabase"},
	} {
		if t := s.schema.Table(m.model); t != nil && !s.schema.InDatabase(m.model) && cat.Tables[t.Name] != nil {
			add(Warning, t.Name, "", "table exists, but with secondaryStorage and without %s Better Auth keeps its rows in secondary storage and never reads this table", m.option)
		}
	}
	return r, nil
}

// detectPlugins names the plugins whose marks the database carries, using
// the schema's table names for renamed core tables.
func detectPlugins(cat *Catalog, schema *ba.ResolvedSchema) []ba.Plugin {
	tableName := func(model string) string {
		if t := schema.Table(model); t != nil {
			return t.Name
		}
		return model
	}
	hasTable := func(name string) bool { return cat.Tables[name] != nil }
	hasColumn := func(model, column string) bool {
		t := cat.Tables[tableName(model)]
		if t == nil {
			return false
		}
		if _, ok := t.Columns[column]; ok {
			return true
		}
		_, ok := t.Columns[snake(column)]
		return ok
	}
	var out []ba.Plugin
	// The ban column alone marks the admin plugin: it is what a server
	// must not ignore.
	if hasColumn(ba.ModelUser, "banned") {
		out = append(out, ba.PluginAdmin)
	}
	if hasTable(tableName(ba.ModelOrganization)) || hasTable("organization") {
		out = append(out, ba.PluginOrganization)
	}
	if hasTable(tableName(ba.ModelJWKS)) || hasTable("jwks") {
		out = append(out, ba.PluginJWT)
	}
	if hasColumn(ba.ModelUser, "username") {
		out = append(out, ba.PluginUsername)
	}
	if hasTable("twoFactor") || hasTable("two_factor") || hasColumn(ba.ModelUser, "twoFactorEnabled") {
		out = append(out, ba.PluginTwoFactor)
	}
	if hasTable("apikey") || hasTable("api_key") {
		out = append(out, ba.PluginAPIKey)
	}
	return out
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
