package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// The organization plugin's tables with teams, on a SQLite file: an
// organization, its owner, a team and its member, read back as Better
// Auth's organization/list and list-user-teams return them.
func ExampleStore_ListOrganizationsByUser() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "orgs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginOrganization}, Teams: true}
	store, closeDB, err := dburl.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"), sqlstore.Options{Schema: schema})
	if err != nil {
		log.Fatal(err)
	}
	defer closeDB()
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	user := &ba.User{Name: "Ada", Email: "ada@example.com"}
	org := &ba.Organization{Name: "Acme", Slug: "acme"}
	if err := store.CreateUser(ctx, user); err != nil {
		log.Fatal(err)
	}
	if err := store.CreateOrganization(ctx, org); err != nil {
		log.Fatal(err)
	}
	if err := store.CreateMember(ctx, &ba.Member{OrganizationID: org.ID, UserID: user.ID, Role: "owner"}); err != nil {
		log.Fatal(err)
	}
	team := &ba.Team{Name: "Platform", OrganizationID: org.ID}
	if err := store.CreateTeam(ctx, team); err != nil {
		log.Fatal(err)
	}
	if err := store.AddTeamMember(ctx, &ba.TeamMember{TeamID: team.ID, UserID: user.ID}); err != nil {
		log.Fatal(err)
	}
	orgs, _ := store.ListOrganizationsByUser(ctx, user.ID)
	teams, _ := store.ListTeamsByUser(ctx, user.ID)
	fmt.Println(len(orgs), orgs[0].Slug, len(teams), teams[0].Name)
	// Output: 1 acme 1 Platform
}
