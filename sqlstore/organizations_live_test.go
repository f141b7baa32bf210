package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const orgLiveSecret = "organization-live-test-secret-0123456789abcdef-012345"

type orgLive struct {
	h     *batest.Harness
	store *sqlstore.Store
}

type orgUser struct {
	id, email, cookie string
}

func (l *orgLive) signUp(t *testing.T, email, name string) orgUser {
	t.Helper()
	r := l.h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": email, "password": "correct-horse-battery", "name": name})
	var body struct{ User struct{ ID string } }
	if r.Status != 200 || r.Decode(&body) != nil {
		t.Fatalf("sign-up %s: %d %s", email, r.Status, r.Text)
	}
	return orgUser{id: body.User.ID, email: email, cookie: batest.CookieHeader(r.SetCookie)}
}

// call is a Better Auth route as u; it must answer 200.
func (l *orgLive) call(t *testing.T, u orgUser, method, path string, body any, out any) {
	t.Helper()
	r := l.h.Request(t, method, "/api/auth"+path, map[string]string{"cookie": u.cookie}, body)
	if r.Status != 200 {
		t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Text)
	}
	if out != nil {
		if err := r.Decode(out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, r.Text)
		}
	}
}

// jsonOf is Go's JSON (the models' MarshalJSON) read back as generic
// values, to compare with Better Auth's answers.
func jsonOf(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// byID sorts a list of objects by id: Better Auth's lists have no order.
func byID(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	sort.Slice(list, func(i, j int) bool {
		return fmt.Sprint(list[i].(map[string]any)["id"]) < fmt.Sprint(list[j].(map[string]any)["id"])
	})
	return list
}

func same(t *testing.T, what string, goValue, baValue any) {
	t.Helper()
	g, b := byID(jsonOf(t, goValue)), byID(baValue)
	if !reflect.DeepEqual(g, b) {
		gj, _ := json.Marshal(g)
		bj, _ := json.Marshal(b)
		t.Errorf("%s:\n  Go          %s\n  Better Auth %s", what, gj, bj)
	}
}

// TestLiveOrganizations: what Better Auth 1.7.25's organization plugin
// (teams on) writes, Go reads as Better Auth's own routes return it; what
// Go writes (organization, members, team, teamMember with its
// membershipKey, invitation), Better Auth's routes return and build on.
func TestLiveOrganizations(t *testing.T) {
	storetest.ForEachKind(t, testLiveOrganizations)
}

func testLiveOrganizations(t *testing.T, kind sqlstore.Kind) {
	ctx := context.Background()
	db := storetest.NewDatabase(t, kind)
	l := &orgLive{store: db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginOrganization}, Teams: true}})}
	l.h = batest.Start(t, batest.Config{
		Dialect: kind.String(), URL: db.DSN, Secret: orgLiveSecret, Plugins: []string{"organization"},
		Extra: map[string]any{"pluginOptions": map[string]any{"organization": map[string]any{"teams": map[string]any{"enabled": true}}}},
	})
	l.h.MustCall(t, "migrate", nil, nil)
	alice := l.signUp(t, "alice@example.com", "Alice")
	bob := l.signUp(t, "bob@example.com", "Bob")
	carol := l.signUp(t, "carol@example.com", "Carol")
	dave := l.signUp(t, "dave@example.com", "Dave")

	var org struct{ ID string }
	t.Run("BetterAuthWritesGoReads", func(t *testing.T) {
		l.call(t, alice, "POST", "/organization/create", map[string]any{"name": "Acme", "slug": "acme", "metadata": map[string]any{"tier": "gold"}}, &org)
		var inv struct{ ID string }
		l.call(t, alice, "POST", "/organization/invite-member", map[string]any{"email": bob.email, "role": "admin", "organizationId": org.ID}, &inv)
		l.call(t, bob, "POST", "/organization/accept-invitation", map[string]any{"invitationId": inv.ID}, nil)
		l.call(t, alice, "POST", "/organization/invite-member", map[string]any{"email": carol.email, "role": "member", "organizationId": org.ID}, nil)
		var team struct{ ID string }
		l.call(t, alice, "POST", "/organization/create-team", map[string]any{"name": "Core", "organizationId": org.ID}, &team)
		l.call(t, alice, "POST", "/organization/add-team-member", map[string]any{"teamId": team.ID, "userId": bob.id}, nil)

		var baOrgs any
		l.call(t, alice, "GET", "/organization/list", nil, &baOrgs)
		goOrgs, err := l.store.ListOrganizationsByUser(ctx, alice.id)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "organization/list", goOrgs, baOrgs)

		var baMembers struct{ Members any }
		l.call(t, alice, "GET", "/organization/list-members?organizationId="+url.QueryEscape(org.ID), nil, &baMembers)
		goMembers, err := l.store.ListMembers(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(goMembers) != 2 {
			t.Fatalf("%d members, want alice and bob", len(goMembers))
		}
		same(t, "list-members", goMembers, baMembers.Members)

		var baTeams any
		l.call(t, alice, "GET", "/organization/list-teams?organizationId="+url.QueryEscape(org.ID), nil, &baTeams)
		goTeams, err := l.store.ListTeams(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "list-teams", goTeams, baTeams)

		var baTeamMembers any
		// Only a member of the team may list it.
		l.call(t, bob, "GET", "/organization/list-team-members?teamId="+url.QueryEscape(team.ID), nil, &baTeamMembers)
		goTeamMembers, err := l.store.ListTeamMembers(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "list-team-members", goTeamMembers, baTeamMembers)
		for _, m := range goTeamMembers {
			if m.MembershipKey == nil || *m.MembershipKey != ba.TeamMembershipKey(m.TeamID, m.UserID) {
				t.Errorf("teamMember %s: membershipKey %v, Go computes %s", m.ID, m.MembershipKey, ba.TeamMembershipKey(m.TeamID, m.UserID))
			}
		}
		if g, err := l.store.GetTeam(ctx, team.ID); err != nil || g.MemberCount != int64(len(goTeamMembers)) {
			t.Errorf("team memberCount: %+v %v, %d rows", g, err, len(goTeamMembers))
		}

		var baInvitations any
		l.call(t, alice, "GET", "/organization/list-invitations?organizationId="+url.QueryEscape(org.ID), nil, &baInvitations)
		goInvitations, err := l.store.ListInvitations(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "list-invitations", goInvitations, baInvitations)
		pending, err := l.store.ListPendingInvitations(ctx, org.ID)
		if err != nil || len(pending) != 1 || pending[0].Email != carol.email || pending[0].Status != "pending" {
			t.Errorf("pending invitations: %+v %v, want carol's only", pending, err)
		}

		// organization/create made it alice's active organization.
		sessions, err := l.store.ListUserSessions(ctx, alice.id)
		if err != nil || len(sessions) != 1 {
			t.Fatalf("alice's sessions: %d %v", len(sessions), err)
		}
		var baActive any
		l.call(t, alice, "GET", "/organization/get-active-member", nil, &baActive)
		goActive, err := l.store.ActiveMember(ctx, &sessions[0])
		if err != nil {
			t.Fatal(err)
		}
		// get-active-member adds the user; compare the member's own fields.
		if m, ok := baActive.(map[string]any); ok {
			delete(m, "user")
		}
		same(t, "get-active-member", goActive, baActive)
		if _, err := l.store.ActiveMember(ctx, &ba.Session{UserID: alice.id}); !isNotFound(err) {
			t.Errorf("no active organization: %v, want ErrNotFound", err)
		}
	})

	t.Run("GoWritesBetterAuthReads", func(t *testing.T) {
		now := ba.Truncate(time.Now().UTC())
		logo, meta := "https://example.com/logo.png", `{"plan":"pro"}`
		o := &ba.Organization{Name: "Go Writes", Slug: "go-writes", Logo: &logo, Metadata: &meta}
		if err := l.store.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
		owner := &ba.Member{OrganizationID: o.ID, UserID: alice.id, Role: "owner"}
		member := &ba.Member{OrganizationID: o.ID, UserID: dave.id}
		for _, m := range []*ba.Member{owner, member} {
			if err := l.store.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		team := &ba.Team{Name: "Platform", OrganizationID: o.ID}
		if err := l.store.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		tm := &ba.TeamMember{TeamID: team.ID, UserID: alice.id}
		if err := l.store.AddTeamMember(ctx, tm); err != nil {
			t.Fatal(err)
		}
		if err := l.store.AddTeamMember(ctx, &ba.TeamMember{TeamID: team.ID, UserID: alice.id}); !isDuplicate(err) {
			t.Fatalf("second AddTeamMember of alice: %v, want ErrDuplicate", err)
		}
		role := "member"
		inv := &ba.Invitation{OrganizationID: o.ID, Email: carol.email, Role: &role, TeamID: &team.ID, ExpiresAt: now.Add(48 * time.Hour), InviterID: alice.id}
		if err := l.store.CreateInvitation(ctx, inv); err != nil {
			t.Fatal(err)
		}

		var baOrgs []map[string]any
		l.call(t, alice, "GET", "/organization/list", nil, &baOrgs)
		found := false
		for _, g := range baOrgs {
			if g["id"] == o.ID {
				found = true
				same(t, "organization/list entry", o, g)
			}
		}
		if !found {
			t.Fatalf("Better Auth's organization/list lacks Go's organization")
		}

		var full map[string]any
		l.call(t, alice, "GET", "/organization/get-full-organization?organizationId="+url.QueryEscape(o.ID), nil, &full)
		goMembers, err := l.store.ListMembers(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "get-full-organization members", goMembers, full["members"])
		same(t, "get-full-organization invitations", []*ba.Invitation{inv}, full["invitations"])
		// get-full-organization, unlike list-teams, leaves memberCount in.
		withCount := jsonOf(t, team).(map[string]any)
		withCount["memberCount"] = float64(1)
		same(t, "get-full-organization teams", []any{withCount}, full["teams"])
		for _, k := range []string{"members", "invitations", "teams"} {
			delete(full, k)
		}
		same(t, "get-full-organization", o, full)

		var baTeams any
		l.call(t, alice, "GET", "/organization/list-teams?organizationId="+url.QueryEscape(o.ID), nil, &baTeams)
		same(t, "list-teams", []*ba.Team{team}, baTeams)
		var baTeamMembers any
		l.call(t, alice, "GET", "/organization/list-team-members?teamId="+url.QueryEscape(team.ID), nil, &baTeamMembers)
		same(t, "list-team-members", []*ba.TeamMember{tm}, baTeamMembers)
		var baInvitations any
		l.call(t, alice, "GET", "/organization/list-invitations?organizationId="+url.QueryEscape(o.ID), nil, &baInvitations)
		same(t, "list-invitations", []*ba.Invitation{inv}, baInvitations)

		// Better Auth builds on Go's rows: adding alice again finds Go's
		// row by its membershipKey (no second row), adding dave counts from
		// Go's memberCount, and carol accepts Go's invitation.
		l.call(t, alice, "POST", "/organization/add-team-member", map[string]any{"teamId": team.ID, "userId": alice.id, "organizationId": o.ID}, nil)
		l.call(t, alice, "POST", "/organization/add-team-member", map[string]any{"teamId": team.ID, "userId": dave.id, "organizationId": o.ID}, nil)
		rows, err := l.store.ListTeamMembers(ctx, team.ID)
		if err != nil || len(rows) != 2 {
			t.Fatalf("team members after Better Auth's adds: %d %v, want alice and dave", len(rows), err)
		}
		if g, err := l.store.GetTeam(ctx, team.ID); err != nil || g.MemberCount != 2 {
			t.Errorf("memberCount after Better Auth's adds: %+v %v, want 2", g, err)
		}
		l.call(t, carol, "POST", "/organization/accept-invitation", map[string]any{"invitationId": inv.ID}, nil)
		if m, err := l.store.GetMember(ctx, o.ID, carol.id); err != nil || m.Role != "member" {
			t.Errorf("carol after accepting Go's invitation: %+v %v", m, err)
		}
		if got, err := l.store.GetInvitation(ctx, inv.ID); err != nil || got.Status != "accepted" {
			t.Errorf("Go's invitation after accept: %+v %v", got, err)
		}
		if teams, err := l.store.ListTeamsByUser(ctx, carol.id); err != nil || len(teams) != 1 || teams[0].ID != team.ID {
			t.Errorf("carol's teams after accepting an invitation to Go's team: %+v %v", teams, err)
		}
	})
}

func isNotFound(err error) bool  { return errors.Is(err, ba.ErrNotFound) }
func isDuplicate(err error) bool { return errors.Is(err, ba.ErrDuplicate) }

// TestLiveOrganizationRoles: the organizationRole table of dynamic access
// control, as Better Auth 1.7.25 migrates it: a row Go writes is listed by
// Better Auth's list-roles (permission parsed), and a row Better Auth's
// adapter writes Go reads. (create-role itself needs an ac instance, a
// JavaScript object the harness cannot pass.)
func TestLiveOrganizationRoles(t *testing.T) {
	storetest.ForEachKind(t, testLiveOrganizationRoles)
}

func testLiveOrganizationRoles(t *testing.T, kind sqlstore.Kind) {
	ctx := context.Background()
	db := storetest.NewDatabase(t, kind)
	l := &orgLive{store: db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginOrganization}, DynamicAccessControl: true}})}
	l.h = batest.Start(t, batest.Config{
		Dialect: kind.String(), URL: db.DSN, Secret: orgLiveSecret, Plugins: []string{"organization"},
		Extra: map[string]any{"pluginOptions": map[string]any{"organization": map[string]any{"dynamicAccessControl": map[string]any{"enabled": true}}}},
	})
	l.h.MustCall(t, "migrate", nil, nil)
	alice := l.signUp(t, "alice@example.com", "Alice")
	var org struct{ ID string }
	l.call(t, alice, "POST", "/organization/create", map[string]any{"name": "Acme", "slug": "acme"}, &org)

	goRole := &ba.OrganizationRole{OrganizationID: org.ID, Role: "auditor", Permission: `{"member":["read"],"invitation":["read"]}`}
	if err := l.store.CreateOrganizationRole(ctx, goRole); err != nil {
		t.Fatal(err)
	}
	if err := l.store.CreateOrganizationRole(ctx, &ba.OrganizationRole{OrganizationID: org.ID, Role: "bad", Permission: `["member"]`}); !errors.Is(err, ba.ErrInvalid) {
		t.Fatalf("a permission that is not an object: %v, want ErrInvalid", err)
	}
	var fromBA struct{ ID string }
	l.h.MustCall(t, "adapter", map[string]any{"method": "create", "args": map[string]any{"model": "organizationRole", "data": map[string]any{
		"organizationId": org.ID, "role": "billing", "permission": `{"organization":["update"]}`, "createdAt": ba.FormatTime(time.Now()),
	}}}, &fromBA)

	var listed []map[string]any
	l.call(t, alice, "GET", "/organization/list-roles?organizationId="+url.QueryEscape(org.ID), nil, &listed)
	goRoles, err := l.store.ListOrganizationRoles(ctx, org.ID)
	if err != nil || len(goRoles) != 2 || len(listed) != 2 {
		t.Fatalf("roles: Go %d %v, Better Auth %d", len(goRoles), err, len(listed))
	}
	for i := range goRoles {
		want := jsonOf(t, goRoles[i]).(map[string]any)
		var perm any
		if err := json.Unmarshal([]byte(goRoles[i].Permission), &perm); err != nil {
			t.Fatal(err)
		}
		want["permission"] = perm // list-roles parses it
		if _, ok := listed[0]["updatedAt"]; !ok {
			delete(want, "updatedAt")
		}
		same(t, "list-roles "+goRoles[i].Role, []any{want}, filterID(listed, goRoles[i].ID))
	}
	if r, err := l.store.GetOrganizationRole(ctx, org.ID, "billing"); err != nil || r.ID != fromBA.ID || r.Permission != `{"organization":["update"]}` {
		t.Errorf("Better Auth's row read by Go: %+v %v", r, err)
	}
}

func filterID(list []map[string]any, id string) []any {
	var out []any
	for _, m := range list {
		if m["id"] == id {
			out = append(out, m)
		}
	}
	return out
}
