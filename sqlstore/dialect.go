package sqlstore

import (
	"strconv"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth"
)

// Kind identifies a SQL dialect.
type Kind int

// The dialects Better Auth's Kysely adapter supports and we mirror.
const (
	Postgres Kind = iota + 1
	MySQL
	SQLite
)

func (k Kind) String() string {
	switch k {
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	case SQLite:
		return "sqlite"
	}
	return "unknown"
}

// Quote quotes an identifier for the dialect. Schema names are validated to
// [A-Za-z0-9_] by betterauth.Schema.Resolve, so quoting cannot be escaped;
// doubling the quote character keeps it safe regardless.
func (k Kind) Quote(id string) string {
	if k == MySQL {
		return "`" + strings.ReplaceAll(id, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
}

// Placeholder returns the n-th (1-based) bind parameter.
func (k Kind) Placeholder(n int) string {
	if k == Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// Time encodes a date as Better Auth's adapter does: SQLite gets
// toISOString text (compared as strings, so the exact layout matters),
// MySQL a UTC "YYYY-MM-DD HH:MM:SS.mmm" (timestamp(3); independent of the
// driver's loc setting), PostgreSQL a time.Time for timestamptz.
func (k Kind) Time(t time.Time) any {
	switch k {
	case SQLite:
		return betterauth.FormatTime(t)
	case MySQL:
		return t.UTC().Format("2006-01-02 15:04:05.000")
	}
	return betterauth.Truncate(t)
}

// Bool encodes a boolean: native on PostgreSQL, 1/0 elsewhere.
func (k Kind) Bool(b bool) any {
	if k == Postgres {
		return b
	}
	if b {
		return int64(1)
	}
	return int64(0)
}
