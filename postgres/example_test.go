package postgres_test

import (
	"context"
	"database/sql"
	"log"
	"os"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/betterauth-go/betterauth/postgres"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// The store on a pgx pool: the Next.js app's own database.
func Example() {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, os.Getenv("DATABASE_URL")) // postgres://user:password@host:5432/app
	if err != nil {
		log.Fatal(err) // never names the password
	}
	defer pool.Close()
	store, err := postgres.New(pool, postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if report, err := store.Check(ctx); err != nil || !report.Compatible() {
		log.Fatalf("not Better Auth's schema: %v %v", report, err)
	}
	handle(store)
}

// The same store on a *sql.DB from pgx's database/sql driver, the handle
// gorm, bun, ent and sqlx hold.
func ExampleNewFromDB() {
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := postgres.NewFromDB(db, postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	handle(store)
}

// handle takes the store every database package builds.
func handle(*sqlstore.Store) {}
