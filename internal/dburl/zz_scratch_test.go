package dburl

import (
	"context"
	"fmt"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

func TestScratch(t *testing.T) {
	for _, plugins := range []string{"", "admin,organization,jwt,username,twoFactor,apiKey"} {
		ps, _ := ba.ParsePlugins(plugins)
		for _, raw := range []string{"sqlite:" + testdb.SQLite(t), testdb.Postgres(t), testdb.MySQL(t)} {
			u, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			s, c, err := Open(context.Background(), u, ba.Schema{Plugins: ps})
			if err != nil {
				t.Fatal(err)
			}
			applied, err := s.Migrate(context.Background())
			fmt.Println("==", u.Driver, plugins, len(applied), err); for _, a := range applied { fmt.Println("   ", a) }
			plan, err := s.PlanMigration(context.Background())
			fmt.Println("  plan after:", plan, err)
			r, err := s.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range r.Findings {
				fmt.Println("  ", f)
			}
			fmt.Println("  detected", r.DetectedPlugins, r.Compatible())
			// Check with default schema
			s2, c2, _ := Open(context.Background(), u, ba.Schema{})
			r2, _ := s2.Check(context.Background())
			fmt.Println("  core-schema check:", len(r2.Findings))
			for _, f := range r2.Findings {
				fmt.Println("    ", f)
			}
			c2()
			c()
		}
	}
}
