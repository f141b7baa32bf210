package mysql_test

import (
	"context"
	"log"
	"os"

	"github.com/betterauth-go/betterauth/mysql"
)

// The store on MySQL or MariaDB. mysql.Open sets the session time zone to
// UTC, as Better Auth's timestamp(3) columns need.
func Example() {
	ctx := context.Background()
	db, err := mysql.Open(ctx, os.Getenv("DATABASE_URL")) // mysql://user:password@host:3306/app
	if err != nil {
		log.Fatal(err) // never names the password
	}
	defer db.Close()
	store, err := mysql.New(db, mysql.Options{})
	if err != nil {
		log.Fatal(err)
	}
	user, err := store.GetUserByEmail(ctx, "ada@example.com")
	if err != nil {
		log.Fatal(err)
	}
	log.Println(user.Name)
}
