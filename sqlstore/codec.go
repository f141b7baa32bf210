package sqlstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth"
)

// accessor reads a model field as a driver value and gives a scan target
// for it.
type accessor[M any] struct {
	get  func(k Kind, m *M) (any, error)
	scan func(m *M) any
}

func str[M any](p func(*M) *string) accessor[M] {
	return accessor[M]{
		get:  func(_ Kind, m *M) (any, error) { return *p(m), nil },
		scan: func(m *M) any { return stringScanner{p(m)} },
	}
}

func nullStr[M any](p func(*M) **string) accessor[M] {
	return accessor[M]{
		get: func(_ Kind, m *M) (any, error) {
			if v := *p(m); v != nil {
				return *v, nil
			}
			return nil, nil
		},
		scan: func(m *M) any { return nullStringScanner{p(m)} },
	}
}

func boolean[M any](p func(*M) *bool) accessor[M] {
	return accessor[M]{
		get:  func(k Kind, m *M) (any, error) { return k.Bool(*p(m)), nil },
		scan: func(m *M) any { return boolScanner{p(m)} },
	}
}

func nullBool[M any](p func(*M) **bool) accessor[M] {
	return accessor[M]{
		get: func(k Kind, m *M) (any, error) {
			if v := *p(m); v != nil {
				return k.Bool(*v), nil
			}
			return nil, nil
		},
		scan: func(m *M) any { return nullBoolScanner{p(m)} },
	}
}

func date[M any](p func(*M) *time.Time) accessor[M] {
	return accessor[M]{
		get:  func(k Kind, m *M) (any, error) { return k.Time(*p(m)), nil },
		scan: func(m *M) any { return timeScanner{p(m)} },
	}
}

func nullDate[M any](p func(*M) **time.Time) accessor[M] {
	return accessor[M]{
		get: func(k Kind, m *M) (any, error) {
			if v := *p(m); v != nil {
				return k.Time(*v), nil
			}
			return nil, nil
		},
		scan: func(m *M) any { return nullTimeScanner{p(m)} },
	}
}

func custom[M any](f betterauth.Field, p func(*M) *betterauth.Fields) accessor[M] {
	return accessor[M]{
		get: func(k Kind, m *M) (any, error) {
			// Better Auth's withApplyDefault: the default stands in for a
			// field left out, and for NULL only where NULL cannot go.
			v, ok := (*p(m))[f.Name]
			if (!ok || (v == nil && f.Required)) && f.Default != nil {
				return k.encodeField(f, f.Default)
			}
			return k.encodeField(f, v)
		},
		scan: func(m *M) any { return fieldScanner{fields: p(m), field: f} },
	}
}

// column is one mapped column of a model.
type column[M any] struct {
	betterauth.Field
	quoted string
	accessor[M]
}

// codec maps a model to its table: the columns in schema order and the
// pre-quoted names that every statement is built from.
type codec[M any] struct {
	table  *betterauth.Table
	kind   Kind
	name   string // quoted table name
	cols   []column[M]
	byName map[string]int
}

func newCodec[M any](k Kind, t *betterauth.Table, builtin func(name string) (accessor[M], bool), fields func(*M) *betterauth.Fields) (*codec[M], error) {
	c := &codec[M]{table: t, kind: k, name: k.Quote(t.Name), byName: map[string]int{}}
	for _, f := range t.Fields {
		acc, ok := builtin(f.Name)
		if !ok {
			if fields == nil {
				return nil, fmt.Errorf("table %s: custom fields are not supported on %s", t.Name, t.Model)
			}
			acc = custom(f, fields)
		}
		c.byName[f.Name] = len(c.cols)
		c.cols = append(c.cols, column[M]{Field: f, quoted: k.Quote(f.Column), accessor: acc})
	}
	return c, nil
}

// col returns the quoted column of a logical field; it panics on a field the
// table lacks, which is a programming error caught by the store tests.
func (c *codec[M]) col(name string) string {
	i, ok := c.byName[name]
	if !ok {
		panic(fmt.Sprintf("sqlstore: table %s has no field %s", c.table.Model, name))
	}
	return c.cols[i].quoted
}

func (c *codec[M]) has(name string) bool { _, ok := c.byName[name]; return ok }

// selectList returns the column list, each prefixed by alias when not empty.
func (c *codec[M]) selectList(alias string) string {
	parts := make([]string, len(c.cols))
	for i, col := range c.cols {
		if alias != "" {
			parts[i] = alias + "." + col.quoted
		} else {
			parts[i] = col.quoted
		}
	}
	return strings.Join(parts, ", ")
}

// insertSQL returns INSERT INTO t (all columns) VALUES (…).
func (c *codec[M]) insertSQL() string {
	names := make([]string, len(c.cols))
	marks := make([]string, len(c.cols))
	for i, col := range c.cols {
		names[i] = col.quoted
		marks[i] = c.kind.Placeholder(i + 1)
	}
	return "INSERT INTO " + c.name + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
}

// values returns the driver values of m in column order.
func (c *codec[M]) values(m *M) ([]any, error) {
	out := make([]any, len(c.cols))
	for i, col := range c.cols {
		v, err := col.get(c.kind, m)
		if err != nil {
			return nil, err
		}
		if v == nil && col.Required {
			return nil, fmt.Errorf("%w: %s is required", betterauth.ErrInvalid, col.Name)
		}
		out[i] = v
	}
	return out, nil
}

// targets returns scan targets for m in column order.
func (c *codec[M]) targets(m *M) []any {
	out := make([]any, len(c.cols))
	for i, col := range c.cols {
		out[i] = col.scan(m)
	}
	return out
}

// set is one "column = value" of an UPDATE.
type set struct {
	col   string
	value any
}

// updateSQL builds UPDATE t SET … WHERE <whereCol> = ? for the given sets.
// Updates change a handful of columns chosen per call, so their text is
// built per call from the pre-quoted names; the hot read path never does
// this.
func (c *codec[M]) updateSQL(sets []set, whereCol string) (string, []any) {
	var b strings.Builder
	b.WriteString("UPDATE " + c.name + " SET ")
	args := make([]any, 0, len(sets)+1)
	for i, s := range sets {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, s.value)
		b.WriteString(s.col + " = " + c.kind.Placeholder(len(args)))
	}
	args = append(args, nil)
	b.WriteString(" WHERE " + whereCol + " = " + c.kind.Placeholder(len(args)))
	return b.String(), args
}

// newBuiltinCodec maps only the table's built-in fields: the organization
// plugin's invitation and team tables may carry the app's additional
// fields, which these models do not hold. Reads leave them out; inserts
// leave them to the column's default.
func newBuiltinCodec[M any](k Kind, t *betterauth.Table, builtin func(name string) (accessor[M], bool)) (*codec[M], error) {
	only := *t
	only.Fields = nil
	for _, f := range t.Fields {
		if _, ok := builtin(f.Name); ok {
			only.Fields = append(only.Fields, f)
		}
	}
	return newCodec(k, &only, builtin, nil)
}
