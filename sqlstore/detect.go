package sqlstore

import (
	"fmt"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// UndeclaredColumn is a column of one of the schema's tables that the
// schema does not declare and that belongs to no Better Auth plugin:
// typically one of the app's additional fields (user.additionalFields),
// which Better Auth knows from the app's config and a store only from its
// Schema. The store neither reads nor writes it; a row it inserts leaves
// it to its database default, or NULL.
type UndeclaredColumn struct {
	Model  string // the table's model, e.g. "user"
	Table  string
	Column string
	// Type is the column's SQL type as Inspect reports it, and FieldType
	// the Better Auth type it most likely holds (string for text, number
	// for integer, …; "" when none fits). On SQLite an integer column
	// may hold a boolean as well as a number.
	Type      string
	FieldType ba.FieldType
	NotNull   bool
	// Default is the column's database default, "" when it has none.
	Default string
}

// Unfillable reports whether a row inserted without a value for the
// column is refused: NOT NULL without a database default. Better Auth
// fills such a column when the app declares it as an additional field
// with a defaultValue (or requires it in the body); a store that does
// not know the field cannot.
func (c UndeclaredColumn) Unfillable() bool { return c.NotNull && c.Default == "" }

// GoDeclaration is the additional field that declares the column, as Go
// source to complete: its Required and Default must be the app's (a
// NOT NULL column without a database default is Required, and has the
// app's defaultValue unless every sign-up sends it).
func (c UndeclaredColumn) GoDeclaration() string {
	t := c.FieldType
	if t == "" {
		t = ba.TypeString
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ba.Field{Name: %q, Type: %s", c.Column, goFieldType(t))
	if c.NotNull {
		b.WriteString(", Required: true")
	}
	if c.Unfillable() {
		b.WriteString(", Default: <the app's defaultValue>")
	}
	b.WriteString("}")
	return b.String()
}

func goFieldType(t ba.FieldType) string {
	switch t {
	case ba.TypeNumber:
		return "ba.TypeNumber"
	case ba.TypeBoolean:
		return "ba.TypeBoolean"
	case ba.TypeDate:
		return "ba.TypeDate"
	case ba.TypeJSON:
		return "ba.TypeJSON"
	case ba.TypeStringArray:
		return "ba.TypeStringArray"
	case ba.TypeNumberArray:
		return "ba.TypeNumberArray"
	}
	return "ba.TypeString"
}

// guessFieldType is the Better Auth type a column of this SQL type (as
// Inspect normalises it) most likely holds: the inverse of columnType,
// widened to the types other tools create.
func guessFieldType(sqlType string) ba.FieldType {
	t := strings.ToLower(sqlType)
	if i := strings.IndexByte(t, '('); i > 0 {
		t = t[:i]
	}
	switch t {
	case "text", "varchar", "char", "character", "nvarchar", "mediumtext", "longtext", "tinytext", "uuid", "citext":
		return ba.TypeString
	case "boolean", "bool":
		return ba.TypeBoolean
	case "integer", "int", "int2", "int4", "int8", "smallint", "bigint", "tinyint", "mediumint", "real", "double", "double precision", "float", "numeric", "decimal":
		return ba.TypeNumber
	case "timestamptz", "timestamp", "datetime", "date":
		return ba.TypeDate
	case "json", "jsonb":
		return ba.TypeJSON
	}
	return ""
}

// pluginColumn reports whether column of model is one of the fields some
// Better Auth plugin adds (in camelCase or snake_case), so that a
// database holding it carries that plugin rather than a custom field.
func pluginColumn(model, column string) bool {
	return !ba.IsCustomField(model, column) || !ba.IsCustomField(model, camel(column))
}

// camel turns "two_factor_enabled" into "twoFactorEnabled".
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		switch {
		case r == '_':
			up = true
			continue
		case up && r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// securityPlugins are the plugins whose absence from a schema lets a
// server bypass what they enforce, with the column that marks them and
// what a server without them would do.
var securityPlugins = []struct {
	plugin ba.Plugin
	column string
	marks  string
	risk   string
}{
	{ba.PluginTwoFactor, "twoFactorEnabled", "the twoFactor plugin's tables", "sign in two-factor users with a password alone"},
	{ba.PluginAdmin, "banned", "the admin plugin's ban columns", "let banned users sign in and keep their sessions"},
}

// OmittedPluginRisk says what a server whose schema leaves out p, which
// the database carries, would do wrong ("sign in two-factor users with a
// password alone"), and what in the database shows the plugin; ok is
// false for plugins whose absence bypasses nothing.
func OmittedPluginRisk(p ba.Plugin) (marks, risk string, ok bool) {
	for _, s := range securityPlugins {
		if s.plugin == p {
			return s.marks, s.risk, true
		}
	}
	return "", "", false
}

// undeclaredFinding is Check's finding about an undeclared column.
func undeclaredFinding(c UndeclaredColumn) (Severity, string) {
	withFields := c.Model == ba.ModelUser || c.Model == ba.ModelSession
	typ := c.Type
	if c.NotNull {
		typ += " NOT NULL"
	}
	declare := "declare it: run `betterauth config export` in the app, or add " + c.GoDeclaration() + " to Schema.Tables[\"" + c.Model + "\"].AdditionalFields"
	switch {
	case c.Unfillable() && withFields:
		return Problem, fmt.Sprintf("is %s without a database default and not declared: betterauth-go cannot fill it and would fail to create a %s; if it is one of the app's additional fields (Better Auth fills those itself; any other such column makes Better Auth 1.7.3+ refuse to run), %s", typ, c.Model, declare)
	case c.Unfillable():
		return Problem, fmt.Sprintf("is %s without a database default and not declared: betterauth-go has no additional fields on %s and cannot fill it, so creating a %s fails; make it nullable or give it a default", typ, c.Model, c.Model)
	case withFields:
		return Warning, fmt.Sprintf("is not declared (%s): betterauth-go neither reads nor answers it and new rows get its database default or NULL, where Better Auth, when the app declares it as an additional field, writes and returns it; %s", typ, declare)
	}
	return Warning, fmt.Sprintf("is not declared (%s): betterauth-go leaves it alone, and new rows get its database default or NULL", typ)
}
