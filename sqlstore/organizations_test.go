package sqlstore_test

import (
	"context"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func TestTeamMembershipKey(t *testing.T) {
	// Computed in node with the formula of Better Auth 1.7.25's computeTeamMembershipKey
	// (base64url of SHA-256 of JSON.stringify([teamId, userId])); the live test checks Better Auth's own rows.
	for _, c := range []struct{ team, user, want string }{
		{"team-1", "user-1", "q2l3Rfjg7lVPxWsiTmz4MdMdWfSfMMgiwE_nXwdpNRc"},
		{"t\"é\u2028", "u\\n", "yO9ZH1WE1RHjB1jDSzQcPzRdms0QQlggGJ6Ol6Z-8ZY"},
	} {
		if got := ba.TeamMembershipKey(c.team, c.user); got != c.want {
			t.Errorf("TeamMembershipKey(%q, %q) = %s, want %s", c.team, c.user, got, c.want)
		}
	}
}

// TestOrganizationStoreAdditionalFields: the app's additional fields on
// invitation and team do not stop the store, and rows still read and
// write (the extra columns keep their defaults).
func TestOrganizationStoreAdditionalFields(t *testing.T) {
	ctx := context.Background()
	note := ba.Field{Name: "note", Type: ba.TypeString}
	store := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: ba.Schema{
		Plugins: []ba.Plugin{ba.PluginOrganization}, Teams: true,
		Tables: map[string]ba.TableConfig{ba.ModelInvitation: {AdditionalFields: []ba.Field{note}}, ba.ModelTeam: {AdditionalFields: []ba.Field{note}}},
	}})
	u := &ba.User{Name: "A", Email: "a@example.com"}
	if err := store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	o := &ba.Organization{Name: "O", Slug: "o"}
	if err := store.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	team := &ba.Team{Name: "T", OrganizationID: o.ID}
	if err := store.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	expired := &ba.Invitation{OrganizationID: o.ID, Email: "x@example.com", ExpiresAt: time.Now().Add(-time.Hour), InviterID: u.ID}
	live := &ba.Invitation{OrganizationID: o.ID, Email: "y@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: u.ID, TeamID: &team.ID}
	for _, i := range []*ba.Invitation{expired, live} {
		if err := store.CreateInvitation(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := store.ListPendingInvitations(ctx, o.ID)
	if err != nil || len(pending) != 1 || pending[0].ID != live.ID || !pending[0].TeamColumn {
		t.Fatalf("pending: %+v %v, want the unexpired one", pending, err)
	}
	if err := store.AddTeamMember(ctx, &ba.TeamMember{TeamID: "no-such-team", UserID: u.ID}); err == nil {
		t.Fatal("AddTeamMember to a missing team succeeded")
	}
	if members, err := store.ListTeamMembers(ctx, "no-such-team"); err != nil || len(members) != 0 {
		t.Fatalf("a failed AddTeamMember left %d rows (%v)", len(members), err)
	}
}
