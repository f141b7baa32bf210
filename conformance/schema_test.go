package conformance

import (
	"context"
	"reflect"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

var pluginSets = map[string][]string{
	"core":    nil,
	"plugins": {"admin", "organization", "jwt", "username"},
}

// baAdditionalFields declares to Better Auth the same custom fields the Go
// schema below declares.
var baAdditionalFields = map[string]any{
	"bio":              map[string]any{"type": "string", "required": false},
	"stripeCustomerId": map[string]any{"type": "string", "required": false, "unique": true},
	"theme":            map[string]any{"type": "string", "required": false, "defaultValue": "light"},
	"age":              map[string]any{"type": "number", "required": false},
	"premium":          map[string]any{"type": "boolean", "required": false},
	"birthday":         map[string]any{"type": "date", "required": false},
	"prefs":            map[string]any{"type": "json", "required": false},
	"tags":             map[string]any{"type": "string[]", "required": false},
}

var goAdditionalFields = []ba.Field{
	{Name: "bio", Type: ba.TypeString},
	{Name: "stripeCustomerId", Type: ba.TypeString, Unique: true},
	{Name: "theme", Type: ba.TypeString, Default: "light"},
	{Name: "age", Type: ba.TypeNumber},
	{Name: "premium", Type: ba.TypeBoolean},
	{Name: "birthday", Type: ba.TypeDate},
	{Name: "prefs", Type: ba.TypeJSON},
	{Name: "tags", Type: ba.TypeStringArray},
}

func goSchema(plugins []string, custom bool) ba.Schema {
	list, _ := ba.ParsePlugins(strings.Join(plugins, ","))
	s := ba.Schema{Plugins: list}
	if custom {
		s.Tables = map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: goAdditionalFields}}
	}
	return s
}

// TestSchemaParity migrates one database with Better Auth's own migrator
// and another with ours, then compares the two catalogs: tables, columns,
// types, nullability, defaults, primary keys, unique constraints, indexes
// and foreign keys must be identical.
func TestSchemaParity(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		for _, variant := range []struct {
			name       string
			plugins    []string
			custom     bool
			production bool // storetest.ProductionFields: required with defaults, NOT NULL by omission
			orgTables  bool // organization with teams and dynamic access control
		}{{"core", nil, false, false, false}, {"plugins", pluginSets["plugins"], false, false, false}, {"customFields", nil, true, false, false}, {"productionFields", nil, false, true, false},
			{"teamsAndRoles", []string{"organization"}, false, false, true}} {
			t.Run(variant.name, func(t *testing.T) {
				baDB, goDB := newDB(t), newDB(t)
				h := startBA(t, baDB, variant.plugins, func(c *batest.Config) {
					if variant.custom {
						c.AdditionalFields = baAdditionalFields
					}
					if variant.production {
						c.Extra = map[string]any{"additionalFields": storetest.ProductionFields}
					}
					if variant.orgTables {
						c.Extra = map[string]any{"pluginOptions": map[string]any{"organization": map[string]any{
							"teams": map[string]any{"enabled": true}, "dynamicAccessControl": map[string]any{"enabled": true},
						}}}
					}
				})
				h.MustCall(t, "migrate", nil, nil)

				opts := sqlstore.Options{Schema: goSchema(variant.plugins, variant.custom)}
				if variant.production {
					opts.Schema.Tables = map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: storetest.ProductionGoFields()}}
				}
				if variant.orgTables {
					opts.Schema.Teams, opts.Schema.DynamicAccessControl = true, true
				}
				migrateMatchesBetterAuth(t, goDB, baDB, opts)
			})
		}
	})
}

func compareCatalogs(t *testing.T, want, got *sqlstore.Catalog) {
	t.Helper()
	for name, wt := range want.Tables {
		gt := got.Tables[name]
		if gt == nil {
			t.Errorf("table %s: created by Better Auth, missing in Go's", name)
			continue
		}
		for col, wc := range wt.Columns {
			gc, ok := gt.Columns[col]
			if !ok {
				t.Errorf("%s.%s: missing in Go's", name, col)
				continue
			}
			if wc != gc {
				t.Errorf("%s.%s: Go %+v, Better Auth %+v", name, col, gc, wc)
			}
		}
		for col := range gt.Columns {
			if _, ok := wt.Columns[col]; !ok {
				t.Errorf("%s.%s: Go has a column Better Auth does not create", name, col)
			}
		}
		if !reflect.DeepEqual(indexSet(wt), indexSet(gt)) {
			t.Errorf("%s indexes:\n Go %v\n BA %v", name, indexSet(gt), indexSet(wt))
		}
		if !reflect.DeepEqual(wt.ForeignKeys, gt.ForeignKeys) {
			t.Errorf("%s foreign keys:\n Go %+v\n BA %+v", name, gt.ForeignKeys, wt.ForeignKeys)
		}
	}
	for name := range got.Tables {
		if want.Tables[name] == nil {
			t.Errorf("table %s: Go creates it, Better Auth does not", name)
		}
	}
}

// indexSet describes indexes by name, columns and uniqueness. Names that
// the database generates (sqlite_autoindex_*, PostgreSQL's *_key) are kept:
// they must match too, since both sides ran the same DDL.
func indexSet(t *sqlstore.CatalogTable) map[string]string {
	out := map[string]string{}
	for _, ix := range t.Indexes {
		desc := strings.Join(ix.Columns, ",")
		if ix.Unique {
			desc += " unique"
		}
		if ix.Primary {
			desc += " primary"
		}
		out[ix.Name] = desc
	}
	return out
}

// TestMigrationSQLMatchesBetterAuth compares the SQL text of a migration
// of an empty database, which is also recorded in testdata as a golden
// vector.
func TestMigrationSQLMatchesBetterAuth(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		for name, plugins := range pluginSets {
			t.Run(name, func(t *testing.T) {
				db := newDB(t)
				h := startBA(t, db, plugins, nil)
				var out struct{ SQL string }
				h.MustCall(t, "compileMigrations", nil, &out)
				store := db.open(t, sqlstore.Options{Schema: goSchema(plugins, false)})
				plan, err := store.PlanMigration(context.Background())
				must(t, err)
				want, got := normalizeSQL(out.SQL), normalizeSQL(strings.Join(plan, "\n"))
				if want != got {
					t.Errorf("migration SQL differs\n Go:\n%s\n Better Auth:\n%s", got, want)
				}
				checkGolden(t, "ddl-"+db.dialect+"-"+name+".sql", want)
			})
		}
	})
}

// migrateMatchesBetterAuth migrates goDB with opts and checks that it then
// has exactly the catalog Better Auth's migrator gave baDB, and that on
// Better Auth's own database doctor finds nothing and migrate has nothing
// to do.
func migrateMatchesBetterAuth(t *testing.T, goDB, baDB database, opts sqlstore.Options) {
	t.Helper()
	ctx := context.Background()
	goStore := goDB.open(t, opts)
	if _, err := goStore.Migrate(ctx); err != nil {
		t.Fatalf("Go migrate: %v", err)
	}
	baStore := baDB.open(t, opts)
	want, err := baStore.Inspect(ctx)
	must(t, err)
	got, err := goStore.Inspect(ctx)
	must(t, err)
	compareCatalogs(t, want, got)
	rep, err := baStore.Check(ctx)
	must(t, err)
	for _, f := range rep.Findings {
		t.Errorf("doctor on Better Auth's database: %s", f)
	}
	plan, err := baStore.PlanMigration(ctx)
	must(t, err)
	if len(plan) != 0 {
		t.Errorf("migrate on Better Auth's database would run %q", plan)
	}
}
