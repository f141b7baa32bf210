package sqlstore

import (
	"context"
	"regexp"
	"sort"
	"strings"
)

// Catalog is the live structure of a database as its catalog reports it
// (information_schema / pg_catalog / PRAGMA), normalised so that two
// databases built by different migrators can be compared.
type Catalog struct {
	Tables map[string]*CatalogTable
}

// CatalogTable is one table of a Catalog.
type CatalogTable struct {
	Name        string
	Columns     map[string]CatalogColumn
	Indexes     []CatalogIndex
	ForeignKeys []CatalogForeignKey
}

// CatalogColumn is one column: normalised type ("text", "timestamptz",
// "varchar(255)", "boolean", …), nullability, normalised default.
type CatalogColumn struct {
	Name       string
	Type       string
	NotNull    bool
	Default    string
	PrimaryKey bool
}

// CatalogIndex is one index (including those behind UNIQUE and PRIMARY KEY).
type CatalogIndex struct {
	Name    string
	Columns []string
	Unique  bool
	Primary bool
}

// CatalogForeignKey is one single-column foreign key.
type CatalogForeignKey struct {
	Column, RefTable, RefColumn, OnDelete string
}

// HasUniqueOn reports whether a unique index covers exactly column.
func (t *CatalogTable) HasUniqueOn(column string) bool {
	for _, ix := range t.Indexes {
		if ix.Unique && len(ix.Columns) == 1 && ix.Columns[0] == column {
			return true
		}
	}
	return false
}

// HasIndexOn reports whether an index starts with column.
func (t *CatalogTable) HasIndexOn(column string) bool {
	for _, ix := range t.Indexes {
		if len(ix.Columns) > 0 && ix.Columns[0] == column {
			return true
		}
	}
	return false
}

// ForeignKey returns the foreign key on column, if any.
func (t *CatalogTable) ForeignKey(column string) (CatalogForeignKey, bool) {
	for _, fk := range t.ForeignKeys {
		if fk.Column == column {
			return fk, true
		}
	}
	return CatalogForeignKey{}, false
}

func (c *Catalog) table(name string) *CatalogTable {
	if c.Tables == nil {
		c.Tables = map[string]*CatalogTable{}
	}
	t := c.Tables[name]
	if t == nil {
		t = &CatalogTable{Name: name, Columns: map[string]CatalogColumn{}}
		c.Tables[name] = t
	}
	return t
}

// Inspect reads the live catalog of the database the store points at.
func (s *Store) Inspect(ctx context.Context) (*Catalog, error) {
	var c *Catalog
	var err error
	switch s.kind {
	case Postgres:
		c, err = s.inspectPostgres(ctx)
	case MySQL:
		c, err = s.inspectMySQL(ctx)
	default:
		c, err = s.inspectSQLite(ctx)
	}
	if err != nil {
		return nil, s.wrap("inspect database", err)
	}
	for _, t := range c.Tables {
		sort.Slice(t.Indexes, func(i, j int) bool { return t.Indexes[i].Name < t.Indexes[j].Name })
		sort.Slice(t.ForeignKeys, func(i, j int) bool { return t.ForeignKeys[i].Column < t.ForeignKeys[j].Column })
	}
	return c, nil
}

var (
	pgCast       = regexp.MustCompile(`::[a-z ]+$`)
	mysqlIntType = regexp.MustCompile(`^(tinyint|smallint|mediumint|int|bigint)\(\d+\)`)
)

// normalizeDefault folds the ways catalogs print the same default.
func normalizeDefault(d string) string {
	d = strings.TrimSpace(d)
	if d == "" || strings.EqualFold(d, "null") {
		return ""
	}
	lower := strings.ToLower(d)
	if strings.HasPrefix(lower, "current_timestamp") || lower == "now()" {
		return "CURRENT_TIMESTAMP"
	}
	d = pgCast.ReplaceAllString(d, "")
	d = strings.Trim(d, "'")
	return d
}

func (s *Store) inspectPostgres(ctx context.Context) (*Catalog, error) {
	c := &Catalog{}
	const cols = `SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
	COALESCE(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`
	err := s.queryRows(ctx, cols, nil, func(r Rows) error {
		var table, name, typ, def string
		var notNull bool
		if err := r.Scan(&table, &name, &typ, &notNull, &def); err != nil {
			return err
		}
		switch typ {
		case "timestamp with time zone":
			typ = "timestamptz"
		case "timestamp without time zone":
			typ = "timestamp"
		case "character varying":
			typ = "varchar"
		}
		c.table(table).Columns[name] = CatalogColumn{Name: name, Type: typ, NotNull: notNull, Default: normalizeDefault(def)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	const idx = `SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary,
	array_to_string(ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',')
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema()`
	err = s.queryRows(ctx, idx, nil, func(r Rows) error {
		var table, name, columns string
		var unique, primary bool
		if err := r.Scan(&table, &name, &unique, &primary, &columns); err != nil {
			return err
		}
		t := c.table(table)
		t.Indexes = append(t.Indexes, CatalogIndex{Name: name, Columns: strings.Split(columns, ","), Unique: unique, Primary: primary})
		if primary {
			for _, col := range strings.Split(columns, ",") {
				cc := t.Columns[col]
				cc.PrimaryKey = true
				t.Columns[col] = cc
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	const fks = `SELECT t.relname::text, a.attname::text, rt.relname::text, ra.attname::text, con.confdeltype::text
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_class rt ON rt.oid = con.confrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = con.conkey[1]
JOIN pg_attribute ra ON ra.attrelid = rt.oid AND ra.attnum = con.confkey[1]
WHERE con.contype = 'f' AND n.nspname = current_schema()`
	err = s.queryRows(ctx, fks, nil, func(r Rows) error {
		var table, col, refTable, refCol, action string
		if err := r.Scan(&table, &col, &refTable, &refCol, &action); err != nil {
			return err
		}
		actions := map[string]string{"c": "cascade", "a": "no action", "r": "restrict", "n": "set null", "d": "set default"}
		t := c.table(table)
		t.ForeignKeys = append(t.ForeignKeys, CatalogForeignKey{Column: col, RefTable: refTable, RefColumn: refCol, OnDelete: actions[action]})
		return nil
	})
	return c, err
}

func (s *Store) inspectMySQL(ctx context.Context) (*Catalog, error) {
	c := &Catalog{}
	const cols = `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COALESCE(COLUMN_DEFAULT, ''), COLUMN_KEY
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`
	err := s.queryRows(ctx, cols, nil, func(r Rows) error {
		var table, name, typ, nullable, def, key string
		if err := r.Scan(stringScanner{&table}, stringScanner{&name}, stringScanner{&typ}, stringScanner{&nullable}, stringScanner{&def}, stringScanner{&key}); err != nil {
			return err
		}
		typ = strings.ToLower(typ)
		switch {
		case typ == "tinyint(1)":
			typ = "boolean"
		case typ == "longtext" && strings.Contains(strings.ToLower(def), "json"):
			typ = "json"
		}
		typ = mysqlIntType.ReplaceAllStringFunc(typ, func(m string) string {
			if strings.HasPrefix(m, "int") {
				return "integer"
			}
			return m[:strings.IndexByte(m, '(')]
		})
		c.table(table).Columns[name] = CatalogColumn{Name: name, Type: typ, NotNull: nullable == "NO", Default: normalizeDefault(def), PrimaryKey: key == "PRI"}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// MariaDB reports a json column as longtext with a json_valid CHECK.
	const checks = `SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`
	_ = s.queryRows(ctx, checks, nil, func(r Rows) error {
		var table, clause string
		if err := r.Scan(stringScanner{&table}, stringScanner{&clause}); err != nil {
			return err
		}
		if m := regexp.MustCompile("json_valid\\(`([^`]+)`\\)").FindStringSubmatch(clause); m != nil {
			if t := c.Tables[table]; t != nil {
				if col, ok := t.Columns[m[1]]; ok && col.Type == "longtext" {
					col.Type = "json"
					t.Columns[m[1]] = col
				}
			}
		}
		return nil
	})
	const idx = `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`
	byName := map[[2]string]int{}
	err = s.queryRows(ctx, idx, nil, func(r Rows) error {
		var table, name, col string
		var nonUnique int64
		if err := r.Scan(stringScanner{&table}, stringScanner{&name}, int64Scanner{&nonUnique}, stringScanner{&col}); err != nil {
			return err
		}
		t := c.table(table)
		key := [2]string{table, name}
		if i, ok := byName[key]; ok {
			t.Indexes[i].Columns = append(t.Indexes[i].Columns, col)
			return nil
		}
		byName[key] = len(t.Indexes)
		t.Indexes = append(t.Indexes, CatalogIndex{Name: name, Columns: []string{col}, Unique: nonUnique == 0, Primary: name == "PRIMARY"})
		return nil
	})
	if err != nil {
		return nil, err
	}
	const fks = `SELECT k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
	ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL`
	err = s.queryRows(ctx, fks, nil, func(r Rows) error {
		var table, col, refTable, refCol, rule string
		if err := r.Scan(stringScanner{&table}, stringScanner{&col}, stringScanner{&refTable}, stringScanner{&refCol}, stringScanner{&rule}); err != nil {
			return err
		}
		t := c.table(table)
		t.ForeignKeys = append(t.ForeignKeys, CatalogForeignKey{Column: col, RefTable: refTable, RefColumn: refCol, OnDelete: strings.ToLower(rule)})
		return nil
	})
	return c, err
}

func (s *Store) inspectSQLite(ctx context.Context) (*Catalog, error) {
	c := &Catalog{}
	var tables []string
	err := s.queryRows(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`, nil, func(r Rows) error {
		var name string
		if err := r.Scan(stringScanner{&name}); err != nil {
			return err
		}
		tables = append(tables, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range tables {
		t := c.table(name)
		err := s.queryRows(ctx, `SELECT name, type, "notnull", COALESCE(dflt_value, ''), pk FROM pragma_table_info(?)`, []any{name}, func(r Rows) error {
			var col, typ, def string
			var notNull, pk int64
			if err := r.Scan(stringScanner{&col}, stringScanner{&typ}, int64Scanner{&notNull}, stringScanner{&def}, int64Scanner{&pk}); err != nil {
				return err
			}
			t.Columns[col] = CatalogColumn{Name: col, Type: strings.ToLower(typ), NotNull: notNull == 1, Default: normalizeDefault(def), PrimaryKey: pk > 0}
			return nil
		})
		if err != nil {
			return nil, err
		}
		type ixInfo struct {
			name, origin string
			unique       bool
		}
		var ixs []ixInfo
		err = s.queryRows(ctx, `SELECT name, "unique", origin FROM pragma_index_list(?)`, []any{name}, func(r Rows) error {
			var ix ixInfo
			var unique int64
			if err := r.Scan(stringScanner{&ix.name}, int64Scanner{&unique}, stringScanner{&ix.origin}); err != nil {
				return err
			}
			ix.unique = unique == 1
			ixs = append(ixs, ix)
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, ix := range ixs {
			var cols []string
			err := s.queryRows(ctx, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, []any{ix.name}, func(r Rows) error {
				var col string
				if err := r.Scan(stringScanner{&col}); err != nil {
					return err
				}
				cols = append(cols, col)
				return nil
			})
			if err != nil {
				return nil, err
			}
			t.Indexes = append(t.Indexes, CatalogIndex{Name: ix.name, Columns: cols, Unique: ix.unique, Primary: ix.origin == "pk"})
		}
		err = s.queryRows(ctx, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)`, []any{name}, func(r Rows) error {
			var fk CatalogForeignKey
			if err := r.Scan(stringScanner{&fk.Column}, stringScanner{&fk.RefTable}, stringScanner{&fk.RefColumn}, stringScanner{&fk.OnDelete}); err != nil {
				return err
			}
			fk.OnDelete = strings.ToLower(fk.OnDelete)
			t.ForeignKeys = append(t.ForeignKeys, fk)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}
