package sqlstore

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// UserFilter is one condition of FindUsers, as Better Auth's adapter takes
// a where clause: Field is a logical field name (or the column name of a
// renamed field, or "_id"), Operator one of eq, ne, lt, lte, gt, gte, in,
// not_in, contains, starts_with, ends_with, and Value a string or a list
// of strings (an admin list-users query's values).
type UserFilter struct {
	Field    string
	Operator string
	Value    any
}

// UserFind is a query of FindUsers, the admin plugin's listUsers: nil
// Limit and Offset are absent (no LIMIT, no OFFSET), an empty SortBy leaves
// the order to the database, as Better Auth's adapter does.
type UserFind struct {
	Where    []UserFilter
	Limit    *float64
	Offset   *float64
	SortBy   string
	SortDesc bool
}

// FindUsers runs the admin plugin's listUsers and countTotalUsers with the
// SQL Better Auth's Kysely adapter sends: LIKE patterns unescaped, values
// converted by the field's type (a boolean field compares with value ==
// "true", a number field with the number), LIMIT and OFFSET as given. A
// field the user table lacks fails with ErrInvalid before any query; the
// database's own refusals (a negative LIMIT on PostgreSQL, OFFSET without
// LIMIT on SQLite and MySQL, LIKE on a boolean column) come back as its
// errors, which Better Auth answers with an empty list.
func (s *Store) FindUsers(ctx context.Context, q UserFind) ([]ba.User, int64, error) {
	const op = "find users"
	c, k := s.user, s.kind
	var conds []string
	var args []any
	for _, w := range q.Where {
		col, f, err := s.userColumn(w.Field)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		v := w.Value
		if w.Operator == "in" {
			if _, ok := v.([]string); !ok {
				return nil, 0, s.wrap(op, fmt.Errorf("%w: Value must be an array", ba.ErrInvalid))
			}
		}
		v = filterValue(f, v)
		ph := func(v any) string {
			if b, ok := v.(boolArg); ok {
				v = k.Bool(bool(b))
			}
			args = append(args, v)
			return k.Placeholder(len(args))
		}
		switch w.Operator {
		case "in", "not_in":
			list, ok := v.([]any)
			if !ok {
				list = []any{v}
			}
			if len(list) == 0 {
				// Kysely compiles an empty list to "in ()", which every
				// dialect refuses.
				return nil, 0, s.wrap(op, fmt.Errorf("%w: empty list", ba.ErrInvalid))
			}
			phs := make([]string, len(list))
			for i, x := range list {
				phs[i] = ph(x)
			}
			neg := ""
			if w.Operator == "not_in" {
				neg = "not "
			}
			conds = append(conds, col+" "+neg+"in ("+strings.Join(phs, ", ")+")")
		case "contains", "starts_with", "ends_with":
			if k == Postgres && f.Type != ba.TypeString {
				// PostgreSQL has no LIKE for booleans, numbers or dates
				// (42883), which Better Auth answers with an empty page.
				return nil, 0, s.wrap(op, fmt.Errorf("%w: %s on a %s field", ba.ErrInvalid, w.Operator, f.Type))
			}
			if b, ok := v.(boolArg); ok {
				// Bound as 1/0 on SQLite and MySQL, so the pattern is
				// "%0%".
				v = fmt.Sprint(k.Bool(bool(b)))
			}
			text := jsString(v)
			switch w.Operator {
			case "contains":
				text = "%" + text + "%"
			case "starts_with":
				text += "%"
			default:
				text = "%" + text
			}
			conds = append(conds, col+" like "+ph(text))
		case "eq", "ne", "lt", "lte", "gt", "gte":
			if _, isList := v.([]any); isList {
				return nil, 0, s.wrap(op, fmt.Errorf("%w: a list compared with %s", ba.ErrInvalid, w.Operator))
			}
			sqlOp := map[string]string{"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[w.Operator]
			conds = append(conds, col+" "+sqlOp+" "+ph(v))
		default:
			return nil, 0, s.wrap(op, fmt.Errorf("%w: operator %q", ba.ErrInvalid, w.Operator))
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	order := ""
	if q.SortBy != "" {
		col, _, err := s.userColumn(q.SortBy)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		order = " ORDER BY " + col + " asc"
		if q.SortDesc {
			order = " ORDER BY " + col + " desc"
		}
	}
	query := "SELECT " + c.selectList("") + " FROM " + c.name + where + order
	pageArgs := append([]any(nil), args...)
	for _, p := range []struct {
		kw string
		v  *float64
	}{{" LIMIT ", q.Limit}, {" OFFSET ", q.Offset}} {
		if p.v == nil {
			if p.kw == " LIMIT " && q.Offset != nil {
				// SQLite and MySQL have no OFFSET without LIMIT; Better
				// Auth's Kysely dialects write an unbounded LIMIT for it.
				switch k {
				case MySQL:
					query += " LIMIT 18446744073709551615"
				case SQLite:
					query += " LIMIT -1"
				}
			}
			continue
		}
		if (k == MySQL && *p.v < 0) || *p.v != math.Trunc(*p.v) {
			// Better Auth's mysql2 inlines the number, which MySQL's
			// grammar refuses, and node-postgres sends "1.5", which
			// PostgreSQL refuses as a bigint; bound here, both would be
			// accepted (pgx rounds).
			return nil, 0, s.wrap(op, fmt.Errorf("%w: %s %v", ba.ErrInvalid, strings.TrimSpace(p.kw), *p.v))
		}
		pageArgs = append(pageArgs, jsNumberArg(*p.v))
		query += p.kw + k.Placeholder(len(pageArgs))
	}
	users, err := getMany(ctx, s, c, op, query, pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := s.queryOne(ctx, "SELECT COUNT(*) FROM "+c.name+where, args, []any{int64Scanner{&total}}); err != nil {
		return nil, 0, s.wrap("count users", err)
	}
	return users, total, nil
}

// userColumn is Better Auth's getDefaultFieldName then getFieldName: a
// logical name, or a renamed field's column name, or "_id".
func (s *Store) userColumn(name string) (string, ba.Field, error) {
	if name == "_id" {
		name = "id"
	}
	if i, ok := s.user.byName[name]; ok {
		return s.user.cols[i].quoted, s.user.cols[i].Field, nil
	}
	for _, col := range s.user.cols {
		if col.Column == name {
			return col.quoted, col.Field, nil
		}
	}
	return "", ba.Field{}, fmt.Errorf("%w: Field %s not found in model user", ba.ErrInvalid, name)
}

// filterValue is the adapter factory's transformWhereClause on a value:
// a string compared with a boolean field becomes value == "true", a
// string or list of strings compared with a number field its number(s),
// then booleans are bound as the dialect stores them.
func filterValue(f ba.Field, v any) any {
	switch x := v.(type) {
	case string:
		switch f.Type {
		case ba.TypeBoolean:
			return boolArg(x == "true")
		case ba.TypeNumber:
			if strings.TrimSpace(x) != "" {
				if n, ok := jsNumber(x); ok {
					return jsNumberArg(n)
				}
			}
		}
		return x
	case []string:
		out := make([]any, len(x))
		nums := f.Type == ba.TypeNumber
		for i, e := range x {
			out[i] = e
			if nums {
				n, ok := jsNumber(e)
				if !ok || strings.TrimSpace(e) == "" {
					nums = false
					continue
				}
				out[i] = jsNumberArg(n)
			}
		}
		if !nums {
			for i, e := range x {
				out[i] = e
			}
		}
		return out
	}
	return v
}

// boolArg marks a boolean for the dialect's encoding at bind time.
type boolArg bool

// jsString is `${value}` for a filter value.
func jsString(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsString(e)
		}
		return strings.Join(parts, ",")
	case boolArg:
		return strconv.FormatBool(bool(x))
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// jsNumberArg binds a JavaScript number: a whole number as an integer,
// anything else as a float.
func jsNumberArg(n float64) any {
	if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
		return int64(n)
	}
	return n
}

// jsNumber is JavaScript's Number(string) for decimal and hexadecimal
// text: surrounding white space ignored, "" is 0, anything else NaN
// (ok false).
func jsNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	switch s {
	case "Infinity", "+Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B') {
		base := map[byte]int{'x': 16, 'o': 8, 'b': 2}[s[1]|0x20]
		n, err := strconv.ParseUint(s[2:], base, 64)
		return float64(n), err == nil
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789.eE+-", r) {
			return 0, false
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// JSNumber is JavaScript's Number(string) (decimal and 0x/0o/0b text;
// ok false for NaN), for callers that mirror Better Auth's
// Number(query.limit).
func JSNumber(s string) (float64, bool) { return jsNumber(s) }
