package betterauth_test

import (
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// TestSchemaResolveErrors has a case for every way Schema.Resolve refuses a
// schema (one per error return, a few with a second way to reach it); each
// error must name the problem: the model, field, column or table at fault.
func TestSchemaResolveErrors(t *testing.T) {
	user := func(cfg ba.TableConfig) map[string]ba.TableConfig {
		return map[string]ba.TableConfig{ba.ModelUser: cfg}
	}
	extra := func(fields ...ba.Field) map[string]ba.TableConfig {
		return user(ba.TableConfig{AdditionalFields: fields})
	}
	for _, tt := range []struct {
		name   string
		schema ba.Schema
		want   string
	}{
		{"ErrUnknownPlugin", ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, "passkey"}},
			`unknown plugin "passkey"`},
		{"ErrPluginTableWithoutPlugin", ba.Schema{Tables: map[string]ba.TableConfig{ba.ModelOrganization: {Name: "orgs"}}},
			`table "organization" is configured but its plugin is not enabled`},
		{"ErrTeamTableWithoutTeams", ba.Schema{Plugins: []ba.Plugin{ba.PluginOrganization}, Tables: map[string]ba.TableConfig{ba.ModelTeam: {Name: "teams"}}},
			`table "team" is configured but its plugin is not enabled`},
		{"ErrUnknownModel", ba.Schema{Tables: map[string]ba.TableConfig{"profile": {}}},
			`unknown model "profile"`},
		{"ErrAdditionalFieldWithoutName", ba.Schema{Tables: extra(ba.Field{Type: ba.TypeString})},
			`user: additional field name "" is not a valid identifier`},
		{"ErrAdditionalFieldBadName", ba.Schema{Tables: extra(ba.Field{Name: "bio-text", Type: ba.TypeString})},
			`user: additional field name "bio-text" is not a valid identifier`},
		{"ErrAdditionalFieldClash", ba.Schema{Tables: extra(ba.Field{Name: "email", Type: ba.TypeString})},
			`user: additional field "email" clashes with a built-in field`},
		{"ErrAdditionalFieldClashWithPluginField", ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}, Tables: extra(ba.Field{Name: "role", Type: ba.TypeString})},
			`user: additional field "role" clashes with a built-in field`},
		{"ErrAdditionalFieldClashWithRenamedField", ba.Schema{Tables: user(ba.TableConfig{Fields: map[string]string{"email": "mail"}, AdditionalFields: []ba.Field{{Name: "email", Type: ba.TypeString}}})},
			`user: additional field "email" clashes with a built-in field`},
		{"ErrAdditionalFieldTwice", ba.Schema{Tables: extra(ba.Field{Name: "bio", Type: ba.TypeString}, ba.Field{Name: "bio", Column: "bio2", Type: ba.TypeString})},
			`user: additional field "bio" is declared twice`},
		{"ErrAdditionalFieldType", ba.Schema{Tables: extra(ba.Field{Name: "balance", Type: "money"})},
			`user.balance: unknown type "money"`},
		{"ErrAdditionalFieldNoType", ba.Schema{Tables: extra(ba.Field{Name: "balance"})},
			`user.balance: unknown type ""`},
		{"ErrAdditionalFieldReference", ba.Schema{Tables: extra(ba.Field{Name: "teamRef", Type: ba.TypeString, References: &ba.Reference{Model: ba.ModelTeam, Field: "id"}})},
			`user.teamRef references unknown model "team"`},
		{"ErrRenameUnknownField", ba.Schema{Tables: user(ba.TableConfig{Fields: map[string]string{"nickname": "nick"}})},
			`user: cannot rename unknown field "nickname"`},
		{"ErrRenamePluginFieldWithoutPlugin", ba.Schema{Tables: map[string]ba.TableConfig{ba.ModelSession: {Fields: map[string]string{"impersonatedBy": "impersonated_by"}}}},
			`session: cannot rename unknown field "impersonatedBy"`},
		{"ErrColumnName", ba.Schema{Tables: user(ba.TableConfig{Fields: map[string]string{"email": "e-mail"}})},
			`user.email: column name "e-mail" is not a valid identifier`},
		{"ErrColumnNameTooLong", ba.Schema{Tables: user(ba.TableConfig{Fields: map[string]string{"email": strings.Repeat("e", 64)}})},
			`user.email: column name "` + strings.Repeat("e", 64) + `" is not a valid identifier`},
		{"ErrAdditionalFieldColumn", ba.Schema{Tables: extra(ba.Field{Name: "bio", Column: "1bio", Type: ba.TypeString})},
			`user.bio: column name "1bio" is not a valid identifier`},
		{"ErrDuplicateColumn", ba.Schema{Tables: user(ba.TableConfig{Fields: map[string]string{"name": "email"}})},
			`user: fields "name" and "email" both map to column "email"`},
		{"ErrDuplicateColumnIgnoringCase", ba.Schema{Tables: user(ba.TableConfig{Fields: map[string]string{"name": "EMAIL"}})},
			`user: fields "name" and "email" both map to column "email"`},
		{"ErrDuplicateColumnSnakeCase", ba.Schema{Casing: ba.CasingSnake, Tables: extra(ba.Field{Name: "email_verified", Type: ba.TypeBoolean})},
			`user: fields "emailVerified" and "email_verified" both map to column "email_verified"`},
		{"ErrTableName", ba.Schema{Tables: user(ba.TableConfig{Name: "app user"})},
			`user: table name "app user" is not a valid identifier`},
		{"ErrDuplicateTable", ba.Schema{Tables: map[string]ba.TableConfig{ba.ModelSession: {Name: "user"}}},
			`models "user" and "session" both map to table "user"`},
		{"ErrDuplicateTablePluralIgnoringCase", ba.Schema{UsePlural: true, Tables: map[string]ba.TableConfig{ba.ModelAccount: {Name: "Sessions"}}},
			`models "session" and "account" both map to table "Sessions"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.schema.Resolve()
			if err == nil {
				t.Fatalf("Resolve accepted the schema: %d tables", len(r.Tables))
			}
			if r != nil {
				t.Errorf("Resolve returned a schema with its error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "betterauth: schema: ") {
				t.Errorf("error %q does not start with betterauth: schema:", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q\ndoes not name the problem %q", msg, tt.want)
			}
		})
	}
}

// TestSchemaResolveAcceptsWhatTheErrorsRefuse checks the near misses of the
// cases above: each differs from a refused schema by the one thing the error
// names.
func TestSchemaResolveAcceptsWhatTheErrorsRefuse(t *testing.T) {
	for _, tt := range []struct {
		name   string
		schema ba.Schema
	}{
		{"PluginTableWithPlugin", ba.Schema{Plugins: []ba.Plugin{ba.PluginOrganization}, Tables: map[string]ba.TableConfig{ba.ModelOrganization: {Name: "orgs"}}}},
		{"TeamTableWithTeams", ba.Schema{Plugins: []ba.Plugin{ba.PluginOrganization}, Teams: true, Tables: map[string]ba.TableConfig{ba.ModelTeam: {Name: "teams"}}}},
		{"AdditionalFieldReference", ba.Schema{Tables: map[string]ba.TableConfig{ba.ModelSession: {AdditionalFields: []ba.Field{{Name: "ownerId", Type: ba.TypeString, References: &ba.Reference{Model: ba.ModelUser, Field: "id"}}}}}}},
		{"ColumnName63Bytes", ba.Schema{Tables: map[string]ba.TableConfig{ba.ModelUser: {Fields: map[string]string{"email": strings.Repeat("e", 63)}}}}},
		{"SwappedColumns", ba.Schema{Tables: map[string]ba.TableConfig{ba.ModelUser: {Fields: map[string]string{"name": "email", "email": "name"}}}}},
		{"SnakeCaseAdditionalField", ba.Schema{Casing: ba.CasingSnake, Tables: map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: []ba.Field{{Name: "emailVerifiedAt", Type: ba.TypeDate}}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.schema.Resolve(); err != nil {
				t.Fatalf("Resolve: %v", err)
			}
		})
	}
}
