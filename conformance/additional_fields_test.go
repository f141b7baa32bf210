package conformance

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestProductionAdditionalFields: on a database Better Auth migrated for
// an app with storetest.ProductionFields, Check with the app's schema finds nothing
// (a required field with a default is NOT NULL without a database
// default, and that is right); without the declaration it names every
// undeclared column, the NOT NULL ones as problems. A user the Go store
// creates with only the required field is, to Better Auth, the user its
// own sign-up creates from the same body: same row (defaults written),
// same answer byte for byte.
func TestProductionAdditionalFields(t *testing.T) {
	forEachDialect(t, func(t *testing.T, newDB func(t *testing.T) database) {
		ctx := context.Background()
		db := newDB(t)
		plugins := []string{"admin", "twoFactor"}
		h := startBA(t, db, plugins, func(c *batest.Config) {
			c.Extra = map[string]any{"additionalFields": storetest.ProductionFields}
		})
		h.MustCall(t, "migrate", nil, nil)
		declared := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}, Tables: map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: storetest.ProductionGoFields()}}}
		store := db.open(t, sqlstore.Options{Schema: declared})

		rep, err := store.Check(ctx)
		must(t, err)
		for _, f := range rep.Findings {
			t.Errorf("Check with the app's schema: %s", f)
		}
		if !rep.Compatible() || len(rep.Undeclared) != 0 || len(rep.OmittedSecurityPlugins) != 0 {
			t.Errorf("Check with the app's schema: %+v", rep)
		}

		bare := db.open(t, sqlstore.Options{Schema: ba.Schema{Plugins: declared.Plugins}})
		rep, err = bare.Check(ctx)
		must(t, err)
		var undeclared, unfillable []string
		for _, c := range rep.Undeclared {
			undeclared = append(undeclared, c.Column+":"+string(c.FieldType))
		}
		for _, c := range rep.Unfillable() {
			unfillable = append(unfillable, c.Column)
		}
		wantBoolean := "boolean"
		if db.dialect == "sqlite" {
			wantBoolean = "number" // integer: a boolean or a number
		}
		if want := []string{"bio:string", "country:string", "internalNote:string", "notificationsEnabled:" + wantBoolean, "plan:string", "stripeCustomerId:string", "theme:string"}; !slices.Equal(undeclared, want) {
			t.Errorf("undeclared columns %v, want %v", undeclared, want)
		}
		if want := []string{"country", "notificationsEnabled", "plan"}; !slices.Equal(unfillable, want) || rep.Compatible() {
			t.Errorf("unfillable columns %v (compatible %v), want %v", unfillable, rep.Compatible(), want)
		}

		// The same sign-up body, through Better Auth and through the Go store.
		res := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": "ba@example.com", "password": "password123", "name": "N", "country": "NL"})
		if res.Status != 200 {
			t.Fatalf("Better Auth sign-up: %d %s", res.Status, res.Text)
		}
		hash, err := ba.HashPassword("password123")
		must(t, err)
		user := ba.NewUser(ba.UserCreate{Name: "N", Email: "go@example.com", Fields: ba.Fields{"country": "NL"}}, time.Now())
		if _, err := store.CreateUserWithPassword(ctx, user, hash); err != nil {
			t.Fatal(err)
		}
		in := h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "go@example.com", "password": "password123"})
		if in.Status != 200 {
			t.Fatalf("Better Auth signs in the user Go created: %d %s", in.Status, in.Text)
		}
		var up, signIn struct{ User json.RawMessage }
		must(t, res.Decode(&up))
		must(t, in.Decode(&signIn))
		if a, b := volatile(string(up.User), "ba@"), volatile(string(signIn.User), "go@"); a != b {
			t.Errorf("Better Auth's answer for its own user and for Go's differ\n  its own: %s\n  Go's:    %s", a, b)
		}
		// What the Go server answers for the user it created is what Better
		// Auth answers for it.
		if a, b := volatile(string(store.Schema().UserJSON(user)), "go@"), volatile(string(signIn.User), "go@"); a != b {
			t.Errorf("Go's answer for the user it created differs from Better Auth's\n  Better Auth: %s\n  Go:          %s", b, a)
		}
		baUser, err := store.GetUserByEmail(ctx, "ba@example.com")
		must(t, err)
		goUser, err := store.GetUserByEmail(ctx, "go@example.com")
		must(t, err)
		// Every column, returned:false ones included (User's own JSON).
		baRow, err := json.Marshal(baUser)
		must(t, err)
		goRow, err := json.Marshal(goUser)
		must(t, err)
		if a, b := volatile(string(baRow), "ba@"), volatile(string(goRow), "go@"); a != b {
			t.Errorf("rows differ\n  Better Auth's: %s\n  Go's:          %s", a, b)
		}
	})
}

var volatileJSON = regexp.MustCompile(`"(id|createdAt|updatedAt)":"[^"]*"`)

// volatile replaces ids and dates, and the email's local part.
func volatile(s, local string) string {
	s = volatileJSON.ReplaceAllString(s, `"$1":"<$1>"`)
	return regexp.MustCompile(regexp.QuoteMeta(local)).ReplaceAllString(s, "<local>@")
}
