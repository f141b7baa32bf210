package betterauth_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlite"
)

// Custom user fields (Better Auth's user.additionalFields) are declared in
// the schema with their types, then read and written through
// User.Fields — by name with FieldValue, or all at once into your own
// struct with Decode.
func Example_customFields() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	// The same fields your TypeScript config declares:
	//   user: { additionalFields: { bio: { type: "string", required: false }, … } }
	schema := ba.Schema{Tables: map[string]ba.TableConfig{
		ba.ModelUser: {AdditionalFields: []ba.Field{
			{Name: "bio", Type: ba.TypeString},
			{Name: "website", Type: ba.TypeString},
			{Name: "stripeCustomerId", Type: ba.TypeString, Unique: true},
			{Name: "theme", Type: ba.TypeString, Default: "light"},
		}},
	}}
	store, err := sqlite.New(db, sqlite.Options{Schema: schema})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	// Write custom fields from a struct of your own.
	type Extra struct {
		Bio              string  `json:"bio"`
		Website          *string `json:"website,omitempty"`
		StripeCustomerID string  `json:"stripeCustomerId"`
		Theme            string  `json:"theme,omitempty"`
	}
	fields, _ := ba.FieldsOf(Extra{Bio: "Gopher", StripeCustomerID: "cus_123"})
	u := ba.NewUser(ba.UserCreate{Name: "Ada", Email: "Ada@Example.com", Fields: fields}, time.Now())
	if err := store.CreateUser(ctx, u); err != nil {
		log.Fatal(err)
	}

	got, err := store.GetUserByEmail(ctx, "ada@example.com")
	if err != nil {
		log.Fatal(err)
	}
	bio, _ := ba.FieldValue[string](got.Fields, "bio")
	var extra Extra
	if err := got.Fields.Decode(&extra); err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Email, bio, extra.StripeCustomerID, extra.Theme, extra.Website == nil)
	// Output: ada@example.com Gopher cus_123 light true
}

// A table of your own next to Better Auth's — here the seed's profile,
// one-to-one with user and deleted with it — lives in the same database and
// is used through the same handle.
func Example_relatedTable() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	// Your own migration. Better Auth never touches this table.
	_, err = db.ExecContext(ctx, `create table if not exists "profile" (
		"userId" text not null primary key references "user" ("id") on delete cascade,
		"company" text, "location" text)`)
	if err != nil {
		log.Fatal(err)
	}

	u := &ba.User{Name: "Grace", Email: "grace@example.com"}
	if err := store.CreateUser(ctx, u); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `insert into "profile" ("userId", "company", "location") values (?, ?, ?)`, u.ID, "Navy", "Arlington"); err != nil {
		log.Fatal(err)
	}
	var company string
	err = db.QueryRowContext(ctx, `select p."company" from "profile" p join "user" u on u."id" = p."userId" where u."email" = ?`, "grace@example.com").Scan(&company)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(company)

	// Deleting the user through the store cascades to the profile.
	if err := store.DeleteUser(ctx, u.ID); err != nil {
		log.Fatal(err)
	}
	var n int
	_ = db.QueryRowContext(ctx, `select count(*) from "profile"`).Scan(&n)
	fmt.Println(n)
	// Output:
	// Navy
	// 0
}

// HashPassword and VerifyPassword are interchangeable with Better Auth's.
func ExampleHashPassword() {
	hash, err := ba.HashPassword("correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	ok, _ := ba.VerifyPassword(hash, "correct horse battery staple")
	fmt.Println(len(hash), ok)
	// Output: 161 true
}

// The app's own configuration, exported by `betterauth config export` in
// the app's directory, gives the schema (plugins, renames, additional
// fields) and the Verifier's cookies, cookie cache and bearer settings.
func ExampleLoadConfig() {
	ctx := context.Background()
	app, err := ba.LoadConfig(filepath.Join("testdata", "appconfig", "fixture.config.json"))
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range app.Warnings {
		log.Print("config: ", w) // options the Go side does not follow
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{Schema: app.Schema()})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	cfg := app.VerifierConfig(store)
	cfg.Secrets = []ba.Secret{{Value: "a-secret-of-at-least-32-characters-long"}}
	if _, err := ba.NewVerifier(cfg); err != nil {
		log.Fatal(err)
	}
	plan, _ := store.Schema().Table(ba.ModelUser).Field("plan")
	fmt.Println("Better Auth", app.BetterAuthVersion, "cookie", cfg.Cookies.Prefix+".session_token", "sessions", app.SessionExpiresIn())
	fmt.Printf("user.plan: required %t, default %q\n", plan.Required, plan.Default)
	// Output:
	// Better Auth 1.7.25 cookie myapp.session_token sessions 720h0m0s
	// user.plan: required true, default "free"
}
