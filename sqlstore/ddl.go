package sqlstore

import (
	"fmt"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// columnType returns the column type Better Auth's migrator (get-migration.ts
// getType) gives a field on this dialect.
func (k Kind) columnType(f ba.Field) string {
	switch f.Type {
	case ba.TypeString:
		switch k {
		case MySQL:
			switch {
			case f.Name == "id" || f.References != nil:
				return "varchar(36)"
			case f.Unique || f.Sortable || f.Index:
				return "varchar(255)"
			}
			return "text"
		}
		return "text"
	case ba.TypeBoolean:
		switch k {
		case SQLite:
			return "integer"
		}
		return "boolean"
	case ba.TypeNumber:
		if f.BigInt {
			return "bigint"
		}
		return "integer"
	case ba.TypeDate:
		switch k {
		case SQLite:
			return "date"
		case MySQL:
			return "timestamp(3)"
		}
		return "timestamptz"
	case ba.TypeJSON, ba.TypeStringArray, ba.TypeNumberArray:
		switch k {
		case SQLite:
			return "text"
		case MySQL:
			return "json"
		}
		return "jsonb"
	}
	return "text"
}

// dbDefault is the DEFAULT clause Better Auth's CREATE TABLE emits: only
// dates with a function default, and only on PostgreSQL and MySQL.
func (k Kind) dbDefault(f ba.Field) string {
	if f.Type != ba.TypeDate || !f.DefaultNow {
		return ""
	}
	switch k {
	case Postgres:
		return "CURRENT_TIMESTAMP"
	case MySQL:
		return "CURRENT_TIMESTAMP(3)"
	}
	return ""
}

// staticDefault is the DEFAULT Better Auth 1.7 adds to ALTER TABLE … ADD
// COLUMN for a static string, number or boolean default.
func (k Kind) staticDefault(f ba.Field) string {
	switch v := f.Default.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case bool:
		if k == Postgres || k == MySQL {
			return fmt.Sprint(v)
		}
		if v {
			return "1"
		}
		return "0"
	case int64:
		return fmt.Sprint(v)
	case int:
		return fmt.Sprint(v)
	}
	return ""
}

// columnDDL renders one column as Better Auth's Kysely migrator does:
// type, default, not null, primary key / unique, references.
func (s *Store) columnDDL(t *ba.Table, f ba.Field, alter bool) string {
	k := s.kind
	parts := []string{k.Quote(f.Column), k.columnType(f)}
	def := k.dbDefault(f)
	if def == "" && alter {
		def = k.staticDefault(f)
	}
	if def != "" {
		parts = append(parts, "default "+def)
	}
	if f.Required {
		parts = append(parts, "not null")
	}
	if f.Name == "id" {
		parts = append(parts, "primary key")
	} else if f.Unique && !alter {
		parts = append(parts, "unique")
	}
	if r := f.References; r != nil {
		target := s.schema.Table(r.Model)
		onDelete := r.OnDelete
		if onDelete == "" {
			onDelete = "cascade"
		}
		parts = append(parts, "references "+k.Quote(target.Name)+" ("+k.Quote(target.Column(r.Field))+") on delete "+onDelete)
	}
	return strings.Join(parts, " ")
}

// createTableDDL renders CREATE TABLE for t.
func (s *Store) createTableDDL(t *ba.Table) string {
	cols := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		cols[i] = s.columnDDL(t, f, false)
	}
	return "create table " + s.kind.Quote(t.Name) + " (" + strings.Join(cols, ", ") + ");"
}

// indexName is Better Auth's "<table>_<column>_idx" ("_uidx" for unique
// indexes added after the table exists).
func indexName(table, column string, unique bool) string {
	if unique {
		return table + "_" + column + "_uidx"
	}
	return table + "_" + column + "_idx"
}

func (s *Store) createIndexDDL(t *ba.Table, f ba.Field, unique bool) string {
	k := s.kind
	kw := "create index "
	if unique {
		kw = "create unique index "
	}
	return kw + k.Quote(indexName(t.Name, f.Column, unique)) + " on " + k.Quote(t.Name) + " (" + k.Quote(f.Column) + ");"
}
