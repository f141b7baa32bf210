package dburl

import (
	"context"
	"fmt"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

func TestScratch(t *testing.T) {
	ctx := context.Background()
	all, _ := ba.ParsePlugins("admin,organization,jwt,username,twoFactor,apiKey")
	for _, raw := range []string{"sqlite:" + testdb.SQLite(t), testdb.Postgres(t), testdb.MySQL(t)} {
		u, _ := Parse(raw)
		s, c, err := Open(ctx, u, ba.Schema{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Migrate(ctx)
		now := time.Now()
		err = s.CreateUser(ctx, &ba.User{ID: "u1", Name: "n", Email: "a@b.c", CreatedAt: now, UpdatedAt: now})
		fmt.Println("create user:", err)
		c()
		s, c, _ = Open(ctx, u, ba.Schema{Plugins: all})
		applied, err := s.Migrate(ctx)
		fmt.Println("==", u.Driver, len(applied), err)
		for _, a := range applied {
			fmt.Println("   ", a)
		}
		r, _ := s.Check(ctx)
		for _, f := range r.Findings {
			fmt.Println("  F ", f)
		}
		fmt.Println("  detected", r.DetectedPlugins, r.Compatible())
		plan, err := s.PlanMigration(ctx)
		fmt.Println("  plan after:", plan, err)
		c()
	}
}
