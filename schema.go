package betterauth

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// FieldType is a Better Auth logical field type.
type FieldType string

// The logical types Better Auth knows (CORE/db/type.ts).
const (
	TypeString      FieldType = "string"
	TypeNumber      FieldType = "number"
	TypeBoolean     FieldType = "boolean"
	TypeDate        FieldType = "date"
	TypeJSON        FieldType = "json"
	TypeStringArray FieldType = "string[]"
	TypeNumberArray FieldType = "number[]"
)

func (t FieldType) valid() bool {
	switch t {
	case TypeString, TypeNumber, TypeBoolean, TypeDate, TypeJSON, TypeStringArray, TypeNumberArray:
		return true
	}
	return false
}

// Reference is a foreign key from a field to another model's id.
type Reference struct {
	Model    string // referenced model, e.g. "user"
	Field    string // referenced field, always "id" in Better Auth's schemas
	OnDelete string // "cascade" (Better Auth's default), "set null", "restrict", "no action"
}

// Field is one column of a Better Auth table, described the way Better Auth
// describes it (a DBFieldAttribute), plus the column it lives in.
type Field struct {
	// Name is the logical field name Better Auth uses in JSON and in code,
	// e.g. "emailVerified".
	Name string
	// Column is the column name in the database. Empty means Name (or its
	// snake_case form with CasingSnake). Better Auth calls this fieldName.
	Column string
	// Type is the logical type.
	Type FieldType
	// Required makes the column NOT NULL. Better Auth's own default for
	// additionalFields is true; here the zero value is false, so state it.
	// Better Auth 1.7.3+ refuses to run when its tables hold a NOT NULL column
	// without a default that it does not write, so custom required fields must
	// be declared to both sides.
	Required bool
	// Unique adds a UNIQUE constraint.
	Unique bool
	// Index adds a "<table>_<column>_idx" index.
	Index bool
	// Sortable makes strings varchar(255) on MySQL (Better Auth's sortable).
	Sortable bool
	// BigInt makes a number column bigint.
	BigInt bool
	// References makes the column a foreign key.
	References *Reference
	// DefaultNow marks a date the application fills with the current time on
	// create; Better Auth's migrator also gives it DEFAULT CURRENT_TIMESTAMP on
	// PostgreSQL and MySQL.
	DefaultNow bool
	// Default is a static value the application writes when the caller gives
	// none (Better Auth's defaultValue). It is not emitted into CREATE TABLE,
	// as Better Auth does not emit it either.
	Default any
	// NoInput marks a field clients may not set through the API (input:false).
	NoInput bool
	// NotReturned marks a field never sent to clients (returned:false).
	NotReturned bool
}

// Plugin names a Better Auth plugin whose schema a database may carry.
type Plugin string

// Plugins with a schema. PluginBearer has none and is accepted so that one
// plugin list can serve every command.
const (
	PluginAdmin        Plugin = "admin"
	PluginOrganization Plugin = "organization"
	PluginJWT          Plugin = "jwt"
	PluginUsername     Plugin = "username"
	PluginTwoFactor    Plugin = "twoFactor"
	PluginAPIKey       Plugin = "apiKey"
	PluginBearer       Plugin = "bearer"
)

// KnownPlugins lists every plugin name ParsePlugins accepts.
var KnownPlugins = []Plugin{PluginAdmin, PluginOrganization, PluginJWT, PluginUsername, PluginTwoFactor, PluginAPIKey, PluginBearer}

// ParsePlugins parses a comma-separated plugin list such as
// "admin,organization,jwt". Names are matched case-insensitively; "two-factor"
// and "api-key" are accepted for twoFactor and apiKey.
func ParsePlugins(list string) ([]Plugin, error) {
	var out []Plugin
	seen := map[Plugin]bool{}
	for _, raw := range strings.Split(list, ",") {
		name := strings.TrimSpace(raw)
		if name == "" {
			continue
		}
		key := strings.ToLower(strings.ReplaceAll(name, "-", ""))
		var found Plugin
		for _, p := range KnownPlugins {
			if strings.ToLower(string(p)) == key {
				found = p
			}
		}
		if found == "" {
			names := make([]string, len(KnownPlugins))
			for i, p := range KnownPlugins {
				names[i] = string(p)
			}
			return nil, fmt.Errorf("unknown plugin %q (known: %s)", name, strings.Join(names, ", "))
		}
		if !seen[found] {
			seen[found] = true
			out = append(out, found)
		}
	}
	return out, nil
}

// Casing selects how logical field names become column names.
type Casing int

const (
	// CasingCamel keeps Better Auth's camelCase column names ("emailVerified").
	// This is what Better Auth's own migrator creates.
	CasingCamel Casing = iota
	// CasingSnake uses snake_case columns ("email_verified", "user_id"), as in
	// databases created by Drizzle or Prisma with @map / snake_case casing.
	CasingSnake
)

// TableConfig customises one model's table, like Better Auth's
// `user: { modelName, fields, additionalFields }` options.
type TableConfig struct {
	// Name is the table name (Better Auth's modelName). Empty means the
	// model name, pluralised with UsePlural.
	Name string
	// Fields renames columns: logical field name → column name.
	Fields map[string]string
	// AdditionalFields are custom fields (Better Auth's additionalFields).
	// Each needs a Name and a Type.
	AdditionalFields []Field
}

// Schema describes the Better Auth tables a database holds: which plugins,
// table and column names, and custom fields. The zero value is Better Auth's
// default core schema: singular tables, camelCase columns.
type Schema struct {
	// Plugins whose tables and fields the database carries.
	Plugins []Plugin
	// Teams adds the organization plugin's team tables and
	// session.activeTeamId (organization({ teams: { enabled: true } })).
	Teams bool
	// UsePlural names tables "users", "sessions", … (Better Auth's usePlural).
	UsePlural bool
	// Casing of column names; CasingCamel by default.
	Casing Casing
	// Tables customises tables by model name ("user", "session", "account",
	// "verification", "organization", "member", "invitation", "jwks", …).
	Tables map[string]TableConfig
	// SecondaryStorage says Better Auth runs with a secondaryStorage (Redis,
	// usually through @better-auth/redis-storage). As Better Auth's
	// getAuthTables does then, the session and verification tables are not
	// part of the database — sessions and verification values live in
	// secondary storage — unless StoreSessionInDatabase or
	// StoreVerificationInDatabase keeps them there too. migrate creates
	// neither table, doctor and serve do not ask for them, and a SQL store
	// refuses their methods. Default false: both are tables.
	SecondaryStorage bool
	// StoreSessionInDatabase is Better Auth's session.storeSessionInDatabase:
	// with SecondaryStorage, the session table stays (sessions are written to
	// both). Without SecondaryStorage it changes nothing. Default false.
	StoreSessionInDatabase bool
	// StoreVerificationInDatabase is Better Auth's
	// verification.storeInDatabase: with SecondaryStorage, the verification
	// table stays. Without SecondaryStorage it changes nothing. Default false.
	StoreVerificationInDatabase bool
}

// Table is one resolved table: its model name, table name and fields in
// Better Auth's order, id first.
type Table struct {
	Model  string
	Name   string
	Fields []Field
	index  map[string]int
}

// Field returns the field with the given logical name.
func (t *Table) Field(name string) (Field, bool) {
	i, ok := t.index[name]
	if !ok {
		return Field{}, false
	}
	return t.Fields[i], true
}

// Has reports whether the table has a field with this logical name.
func (t *Table) Has(name string) bool { _, ok := t.index[name]; return ok }

// Column returns the column name of a logical field, or "" if the table has
// no such field.
func (t *Table) Column(name string) string {
	f, ok := t.Field(name)
	if !ok {
		return ""
	}
	return f.Column
}

// Additional returns the table's custom (additionalFields) fields.
func (t *Table) Additional() []Field {
	var out []Field
	for _, f := range t.Fields {
		if isAdditional(t.Model, f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// InputFields returns the fields Better Auth's input parsing reads from a
// request body (db/schema.mjs getFields in "input" mode), in its order: the
// table's additional fields as declared, then its plugins' fields. Core
// fields (id, email, emailVerified, createdAt, …) are not among them: a
// body's values for those are ignored, neither written nor refused.
func (t *Table) InputFields() []Field {
	out := t.Additional()
	for _, f := range t.Fields {
		if !isAdditional(t.Model, f.Name) && !coreFieldNames[t.Model][f.Name] {
			out = append(out, f)
		}
	}
	return out
}

// ApplyDefaults gives f the static defaults (Default) of t's additional
// fields as Better Auth's adapter does when it creates a row
// (withApplyDefault): a field absent from f gets its default, and so does
// a Required field set to nil; an optional field set to nil stays NULL.
// The defaults are normalised to the Go types of Fields. It returns f, or
// a new map when f is nil and a default applies; a default that does not
// fit its field's type is left for the store to refuse.
func (t *Table) ApplyDefaults(f Fields) Fields {
	for _, field := range t.Additional() {
		if field.Default == nil {
			continue
		}
		v, present := f[field.Name]
		if present && (v != nil || !field.Required) {
			continue
		}
		def, err := NormalizeFieldValue(field.Type, field.Default)
		if err != nil {
			continue
		}
		if f == nil {
			f = Fields{}
		}
		f[field.Name] = def
	}
	return f
}

// ResolvedSchema is a Schema with every table and column name worked out.
// Stores build all their SQL from it once, when they are created.
type ResolvedSchema struct {
	// Tables are the tables of the database, in Better Auth's order: those
	// Better Auth's getAuthTables returns, so without session and
	// verification when they live in secondary storage (see InDatabase).
	Tables    []*Table
	byModel   map[string]*Table
	plugins   map[Plugin]bool
	external  map[string]bool // models kept in secondary storage only
	secondary bool
}

// Table returns the table of a model ("user", "session", …) or nil when the
// schema does not have it (a plugin table whose plugin is off). A model kept
// in secondary storage (Schema.SecondaryStorage) is still returned: its
// fields shape the session JSON and cookie cache all the same; InDatabase
// tells whether it is a table.
func (r *ResolvedSchema) Table(model string) *Table { return r.byModel[model] }

// InDatabase reports whether a model is a table of the database: false for
// a model the schema does not have, and for session and verification when
// they live in secondary storage only (Schema.SecondaryStorage without
// StoreSessionInDatabase / StoreVerificationInDatabase).
func (r *ResolvedSchema) InDatabase(model string) bool {
	return r.byModel[model] != nil && !r.external[model]
}

// SecondaryStorage reports whether the schema was resolved for a Better
// Auth with secondaryStorage (Schema.SecondaryStorage).
func (r *ResolvedSchema) SecondaryStorage() bool { return r.secondary }

// HasPlugin reports whether the schema includes a plugin.
func (r *ResolvedSchema) HasPlugin(p Plugin) bool { return r.plugins[p] }

// Model names.
const (
	ModelUser         = "user"
	ModelSession      = "session"
	ModelAccount      = "account"
	ModelVerification = "verification"
	ModelOrganization = "organization"
	ModelMember       = "member"
	ModelInvitation   = "invitation"
	ModelTeam         = "team"
	ModelTeamMember   = "teamMember"
	ModelJWKS         = "jwks"
	ModelTwoFactor    = "twoFactor"
	ModelAPIKey       = "apikey"
)

func ref(model string) *Reference { return &Reference{Model: model, Field: "id", OnDelete: "cascade"} }

func idField() Field { return Field{Name: "id", Type: TypeString, Required: true} }

// builtinTables returns Better Auth 1.7.25's tables for the given plugins, in
// Better Auth's order. The field lists mirror CORE/db/get-tables.ts and the
// plugin schemas; keep them in step with the DDL in testdata.
func builtinTables(plugins map[Plugin]bool, teams bool) []*Table {
	user := &Table{Model: ModelUser, Fields: []Field{
		idField(),
		{Name: "name", Type: TypeString, Required: true, Sortable: true},
		{Name: "email", Type: TypeString, Required: true, Unique: true, Sortable: true},
		{Name: "emailVerified", Type: TypeBoolean, Required: true, Default: false, NoInput: true},
		{Name: "image", Type: TypeString},
		{Name: "createdAt", Type: TypeDate, Required: true, DefaultNow: true},
		{Name: "updatedAt", Type: TypeDate, Required: true, DefaultNow: true},
	}}
	session := &Table{Model: ModelSession, Fields: []Field{
		idField(),
		{Name: "expiresAt", Type: TypeDate, Required: true},
		{Name: "token", Type: TypeString, Required: true, Unique: true},
		{Name: "createdAt", Type: TypeDate, Required: true, DefaultNow: true},
		{Name: "updatedAt", Type: TypeDate, Required: true},
		{Name: "ipAddress", Type: TypeString},
		{Name: "userAgent", Type: TypeString},
		{Name: "userId", Type: TypeString, Required: true, References: ref(ModelUser), Index: true},
	}}
	account := &Table{Model: ModelAccount, Fields: []Field{
		idField(),
		{Name: "accountId", Type: TypeString, Required: true},
		{Name: "providerId", Type: TypeString, Required: true},
		{Name: "userId", Type: TypeString, Required: true, References: ref(ModelUser), Index: true},
		{Name: "accessToken", Type: TypeString, NotReturned: true},
		{Name: "refreshToken", Type: TypeString, NotReturned: true},
		{Name: "idToken", Type: TypeString, NotReturned: true},
		{Name: "accessTokenExpiresAt", Type: TypeDate, NotReturned: true},
		{Name: "refreshTokenExpiresAt", Type: TypeDate, NotReturned: true},
		{Name: "scope", Type: TypeString},
		{Name: "password", Type: TypeString, NotReturned: true},
		{Name: "createdAt", Type: TypeDate, Required: true, DefaultNow: true},
		{Name: "updatedAt", Type: TypeDate, Required: true},
	}}
	verification := &Table{Model: ModelVerification, Fields: []Field{
		idField(),
		{Name: "identifier", Type: TypeString, Required: true, Index: true},
		{Name: "value", Type: TypeString, Required: true},
		{Name: "expiresAt", Type: TypeDate, Required: true},
		{Name: "createdAt", Type: TypeDate, Required: true, DefaultNow: true},
		{Name: "updatedAt", Type: TypeDate, Required: true, DefaultNow: true},
	}}
	tables := []*Table{user, session, account, verification}

	// Plugin fields on core tables, in the order Better Auth merges them
	// (plugin order: admin, twoFactor, username, organization).
	if plugins[PluginAdmin] {
		user.Fields = append(user.Fields,
			Field{Name: "role", Type: TypeString, NoInput: true},
			Field{Name: "banned", Type: TypeBoolean, Default: false, NoInput: true},
			Field{Name: "banReason", Type: TypeString, NoInput: true},
			Field{Name: "banExpires", Type: TypeDate, NoInput: true},
		)
		session.Fields = append(session.Fields, Field{Name: "impersonatedBy", Type: TypeString, NoInput: true})
	}
	if plugins[PluginTwoFactor] {
		user.Fields = append(user.Fields, Field{Name: "twoFactorEnabled", Type: TypeBoolean, Default: false, NoInput: true})
	}
	if plugins[PluginUsername] {
		user.Fields = append(user.Fields,
			Field{Name: "username", Type: TypeString, Unique: true, Sortable: true},
			Field{Name: "displayUsername", Type: TypeString},
		)
	}
	if plugins[PluginOrganization] {
		session.Fields = append(session.Fields, Field{Name: "activeOrganizationId", Type: TypeString, NoInput: true})
		if teams {
			session.Fields = append(session.Fields, Field{Name: "activeTeamId", Type: TypeString, NoInput: true})
		}
		tables = append(tables, &Table{Model: ModelOrganization, Fields: []Field{
			idField(),
			{Name: "name", Type: TypeString, Required: true, Sortable: true},
			{Name: "slug", Type: TypeString, Required: true, Unique: true, Sortable: true},
			{Name: "logo", Type: TypeString},
			{Name: "createdAt", Type: TypeDate, Required: true},
			{Name: "metadata", Type: TypeString},
		}})
		if teams {
			tables = append(tables,
				&Table{Model: ModelTeam, Fields: []Field{
					idField(),
					{Name: "name", Type: TypeString, Required: true},
					{Name: "memberCount", Type: TypeNumber, Required: true, Default: int64(0), NoInput: true, NotReturned: true},
					{Name: "organizationId", Type: TypeString, Required: true, References: ref(ModelOrganization), Index: true},
					{Name: "createdAt", Type: TypeDate, Required: true},
					{Name: "updatedAt", Type: TypeDate},
				}},
				&Table{Model: ModelTeamMember, Fields: []Field{
					idField(),
					{Name: "teamId", Type: TypeString, Required: true, References: ref(ModelTeam), Index: true},
					{Name: "userId", Type: TypeString, Required: true, References: ref(ModelUser), Index: true},
					{Name: "membershipKey", Type: TypeString, Unique: true, Sortable: true, NoInput: true, NotReturned: true},
					{Name: "createdAt", Type: TypeDate},
				}},
			)
		}
		tables = append(tables,
			&Table{Model: ModelMember, Fields: []Field{
				idField(),
				{Name: "organizationId", Type: TypeString, Required: true, References: ref(ModelOrganization), Index: true},
				{Name: "userId", Type: TypeString, Required: true, References: ref(ModelUser), Index: true},
				{Name: "role", Type: TypeString, Required: true, Sortable: true, Default: "member"},
				{Name: "createdAt", Type: TypeDate, Required: true},
			}},
			&Table{Model: ModelInvitation, Fields: invitationFields(teams)},
		)
	}
	if plugins[PluginTwoFactor] {
		tables = append(tables, &Table{Model: ModelTwoFactor, Fields: []Field{
			idField(),
			{Name: "secret", Type: TypeString, Required: true, Index: true, NotReturned: true},
			{Name: "backupCodes", Type: TypeString, Required: true, NotReturned: true},
			{Name: "userId", Type: TypeString, Required: true, References: ref(ModelUser), Index: true, NotReturned: true},
			{Name: "verified", Type: TypeBoolean, Default: true, NoInput: true},
			{Name: "failedVerificationCount", Type: TypeNumber, Default: int64(0), NoInput: true, NotReturned: true},
			{Name: "lockedUntil", Type: TypeDate, NoInput: true, NotReturned: true},
		}})
	}
	if plugins[PluginJWT] {
		tables = append(tables, &Table{Model: ModelJWKS, Fields: []Field{
			idField(),
			{Name: "publicKey", Type: TypeString, Required: true},
			{Name: "privateKey", Type: TypeString, Required: true},
			{Name: "createdAt", Type: TypeDate, Required: true},
			{Name: "expiresAt", Type: TypeDate},
			{Name: "alg", Type: TypeString},
			{Name: "crv", Type: TypeString},
		}})
	}
	if plugins[PluginAPIKey] {
		tables = append(tables, &Table{Model: ModelAPIKey, Fields: []Field{
			idField(),
			{Name: "configId", Type: TypeString, Required: true, Index: true, Default: "default", NoInput: true},
			{Name: "name", Type: TypeString},
			{Name: "start", Type: TypeString},
			{Name: "referenceId", Type: TypeString, Required: true, Index: true},
			{Name: "prefix", Type: TypeString},
			{Name: "key", Type: TypeString, Required: true, Index: true},
			{Name: "refillInterval", Type: TypeNumber},
			{Name: "refillAmount", Type: TypeNumber},
			{Name: "lastRefillAt", Type: TypeDate},
			{Name: "enabled", Type: TypeBoolean, Default: true},
			{Name: "rateLimitEnabled", Type: TypeBoolean, Default: true},
			{Name: "rateLimitTimeWindow", Type: TypeNumber, Default: int64(86400000)},
			{Name: "rateLimitMax", Type: TypeNumber, Default: int64(10)},
			{Name: "requestCount", Type: TypeNumber, Default: int64(0)},
			{Name: "remaining", Type: TypeNumber},
			{Name: "lastRequest", Type: TypeDate},
			{Name: "expiresAt", Type: TypeDate},
			{Name: "createdAt", Type: TypeDate, Required: true},
			{Name: "updatedAt", Type: TypeDate, Required: true},
			{Name: "permissions", Type: TypeString},
			{Name: "metadata", Type: TypeString},
		}})
	}
	return tables
}

func invitationFields(teams bool) []Field {
	f := []Field{
		idField(),
		{Name: "organizationId", Type: TypeString, Required: true, References: ref(ModelOrganization), Index: true},
		{Name: "email", Type: TypeString, Required: true, Index: true, Sortable: true},
		{Name: "role", Type: TypeString, Sortable: true},
	}
	if teams {
		f = append(f, Field{Name: "teamId", Type: TypeString, Sortable: true})
	}
	return append(f,
		Field{Name: "status", Type: TypeString, Required: true, Sortable: true, Default: "pending"},
		Field{Name: "expiresAt", Type: TypeDate, Required: true},
		Field{Name: "createdAt", Type: TypeDate, Required: true, DefaultNow: true},
		Field{Name: "inviterId", Type: TypeString, Required: true, References: ref(ModelUser)},
	)
}

// builtinFieldNames records which fields of each model are Better Auth's own
// (for any plugin), so that the rest are known to be additional fields.
var builtinFieldNames = func() map[string]map[string]bool {
	all := map[Plugin]bool{}
	for _, p := range KnownPlugins {
		all[p] = true
	}
	out := map[string]map[string]bool{}
	for _, t := range builtinTables(all, true) {
		m := map[string]bool{}
		for _, f := range t.Fields {
			m[f.Name] = true
		}
		out[t.Model] = m
	}
	return out
}()

// coreFieldNames records the fields of each model without any plugin.
var coreFieldNames = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, t := range builtinTables(nil, false) {
		m := map[string]bool{}
		for _, f := range t.Fields {
			m[f.Name] = true
		}
		out[t.Model] = m
	}
	return out
}()

// IsCustomField reports whether field is not one of Better Auth's own fields
// of model (for any plugin), i.e. it can only be an additional field.
func IsCustomField(model, field string) bool { return isAdditional(model, field) }

func isAdditional(model, field string) bool {
	m, ok := builtinFieldNames[model]
	return ok && !m[field]
}

// Resolve checks the schema and works out every table and column name.
func (s Schema) Resolve() (*ResolvedSchema, error) {
	plugins := map[Plugin]bool{}
	for _, p := range s.Plugins {
		known := false
		for _, k := range KnownPlugins {
			if p == k {
				known = true
			}
		}
		if !known {
			return nil, fmt.Errorf("betterauth: schema: unknown plugin %q", p)
		}
		plugins[p] = true
	}
	tables := builtinTables(plugins, s.Teams && plugins[PluginOrganization])
	r := &ResolvedSchema{byModel: map[string]*Table{}, plugins: plugins}
	for _, t := range tables {
		r.byModel[t.Model] = t
	}
	models := make([]string, 0, len(s.Tables))
	for m := range s.Tables {
		models = append(models, m)
	}
	sort.Strings(models)
	for _, model := range models {
		if r.byModel[model] == nil {
			if _, builtin := builtinFieldNames[model]; builtin {
				return nil, fmt.Errorf("betterauth: schema: table %q is configured but its plugin is not enabled", model)
			}
			return nil, fmt.Errorf("betterauth: schema: unknown model %q", model)
		}
	}
	tableNames := map[string]string{}
	for _, t := range tables {
		cfg := s.Tables[t.Model]
		for _, af := range cfg.AdditionalFields {
			if af.Name == "" || !validName(af.Name) {
				return nil, fmt.Errorf("betterauth: schema: %s: additional field name %q is not a valid identifier", t.Model, af.Name)
			}
			// t.index is built below: look the name up in the fields.
			if t.hasLogical(af.Name) {
				if isAdditional(t.Model, af.Name) {
					return nil, fmt.Errorf("betterauth: schema: %s: additional field %q is declared twice", t.Model, af.Name)
				}
				return nil, fmt.Errorf("betterauth: schema: %s: additional field %q clashes with a built-in field", t.Model, af.Name)
			}
			if !af.Type.valid() {
				return nil, fmt.Errorf("betterauth: schema: %s.%s: unknown type %q", t.Model, af.Name, af.Type)
			}
			if af.References != nil && r.byModel[af.References.Model] == nil {
				return nil, fmt.Errorf("betterauth: schema: %s.%s references unknown model %q", t.Model, af.Name, af.References.Model)
			}
			t.Fields = append(t.Fields, af)
		}
		for field := range cfg.Fields {
			if !t.hasLogical(field) {
				return nil, fmt.Errorf("betterauth: schema: %s: cannot rename unknown field %q", t.Model, field)
			}
		}
		t.index = map[string]int{}
		columns := map[string]string{}
		for i := range t.Fields {
			f := &t.Fields[i]
			switch {
			case cfg.Fields[f.Name] != "":
				f.Column = cfg.Fields[f.Name]
			case f.Column != "":
			case s.Casing == CasingSnake:
				f.Column = snakeCase(f.Name)
			default:
				f.Column = f.Name
			}
			if !validName(f.Column) {
				return nil, fmt.Errorf("betterauth: schema: %s.%s: column name %q is not a valid identifier", t.Model, f.Name, f.Column)
			}
			key := strings.ToLower(f.Column)
			if other, dup := columns[key]; dup {
				return nil, fmt.Errorf("betterauth: schema: %s: fields %q and %q both map to column %q", t.Model, other, f.Name, f.Column)
			}
			columns[key] = f.Name
			t.index[f.Name] = i
		}
		switch {
		case cfg.Name != "":
			t.Name = cfg.Name
		case s.UsePlural:
			t.Name = t.Model + "s"
		default:
			t.Name = t.Model
		}
		if !validName(t.Name) {
			return nil, fmt.Errorf("betterauth: schema: %s: table name %q is not a valid identifier", t.Model, t.Name)
		}
		if other, dup := tableNames[strings.ToLower(t.Name)]; dup {
			return nil, fmt.Errorf("betterauth: schema: models %q and %q both map to table %q", other, t.Model, t.Name)
		}
		tableNames[strings.ToLower(t.Name)] = t.Model
	}
	r.secondary = s.SecondaryStorage
	r.external = map[string]bool{}
	if s.SecondaryStorage {
		// Better Auth's getAuthTables: neither table exists with
		// secondaryStorage unless its storeInDatabase option says so.
		r.external[ModelSession] = !s.StoreSessionInDatabase
		r.external[ModelVerification] = !s.StoreVerificationInDatabase
	}
	for _, t := range tables {
		if !r.external[t.Model] {
			r.Tables = append(r.Tables, t)
		}
	}
	return r, nil
}

func (t *Table) hasLogical(name string) bool {
	for _, f := range t.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// validName accepts identifiers that are safe to quote on every dialect:
// letters, digits and underscores, not starting with a digit, at most 63
// bytes (PostgreSQL's limit).
func validName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		if r > unicode.MaxASCII || !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// snakeCase turns "emailVerified" into "email_verified" and "idToken" into
// "id_token", as Drizzle's and Prisma's snake_case casing do.
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
