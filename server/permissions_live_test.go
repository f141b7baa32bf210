package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const permSecret = "permissions-live-secret-0123456789abcdef"

// The custom access control both sides are configured with: admin roles
// with a custom support and auditor role, organization roles with a custom
// editor and a project resource, dynamic access control on.
var (
	permAdminAC = access.Statements{
		"user":    {"create", "list", "set-role", "ban", "impersonate", "impersonate-admins", "delete", "set-password", "set-email", "set-phone", "get", "update"},
		"session": {"list", "revoke", "delete"},
		"project": {"read"},
	}
	permAdminRoles = map[string]access.Statements{
		"admin":   access.AdminDefaultRoles()["admin"].Statements,
		"user":    {"user": {}, "session": {}},
		"support": {"user": {"list", "get"}, "session": {"list"}},
		"auditor": {"project": {"read"}},
	}
	permOrgAC = access.Statements{
		"organization": {"update", "delete"}, "member": {"create", "update", "delete"}, "invitation": {"create", "cancel"},
		"team": {"create", "update", "delete"}, "ac": {"create", "read", "update", "delete"}, "project": {"read", "write", "delete"},
	}
	permOrgRoles = map[string]access.Statements{
		"owner":  access.OrganizationDefaultRoles()["owner"].Statements,
		"admin":  access.OrganizationDefaultRoles()["admin"].Statements,
		"member": access.OrganizationDefaultRoles()["member"].Statements,
		"editor": {"project": {"read", "write"}},
	}
)

func permHarnessConfig(dialect, db string, adminUserIDs []string) batest.Config {
	admin := map[string]any{"rolesStatements": permAdminRoles, "acStatements": permAdminAC}
	if adminUserIDs != nil {
		admin["adminUserIds"] = adminUserIDs
	}
	return batest.Config{Dialect: dialect, URL: db, Secret: permSecret, Plugins: []string{"admin", "organization"},
		Extra: map[string]any{"pluginOptions": map[string]any{
			"admin":        admin,
			"organization": map[string]any{"rolesStatements": permOrgRoles, "acStatements": permOrgAC, "dynamicAccessControl": map[string]any{"enabled": true}},
		}}}
}

// TestHasPermissionMatchesBetterAuth asks Better Auth's own
// /admin/has-permission and /organization/has-permission and Go's, on one
// database (SQLite, PostgreSQL and MariaDB), the same matrix: users whose roles are default, custom,
// comma lists (with and without spaces, a trailing comma) and an
// adminUserIds entry; organization members with static, custom, trimmed
// comma-list and dynamic (organizationRole) roles, in two organizations, by
// active organization and by organizationId; and the quirks (userId/role in
// the body ignored, the deprecated permission field, both fields, none). The
// status and JSON body must be identical.
func TestHasPermissionMatchesBetterAuth(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind.String(), func(t *testing.T) { testHasPermissionMatchesBetterAuth(t, kind) })
	}
}

func testHasPermissionMatchesBetterAuth(t *testing.T, kind sqlstore.Kind) {
	db := storetest.NewDatabase(t, kind)
	h := batest.Start(t, permHarnessConfig(kind.String(), db.DSN, nil))
	h.MustCall(t, "migrate", nil, nil)

	roles := []string{"admin", "user", "support", "support,auditor", "user, admin", "user,admin", "admin,", "auditor", "nobody", "plain"}
	type person struct{ id, cookie, role string }
	var people []person
	for i, role := range roles {
		r := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": fmt.Sprintf("p%d@example.com", i), "password": "password123", "name": "P"})
		if r.Status != 200 {
			t.Fatalf("sign-up: %d %s", r.Status, r.Text)
		}
		var out struct{ User struct{ ID string } }
		if err := r.Decode(&out); err != nil {
			t.Fatal(err)
		}
		if role != "plain" {
			h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user", "where": []map[string]any{{"field": "id", "value": out.User.ID}}, "update": map[string]any{"role": role}}}, nil)
		}
		people = append(people, person{id: out.User.ID, cookie: batest.CookieHeader(r.SetCookie), role: role})
	}
	// "nobody" (role nobody) is in adminUserIds: Better Auth's init again.
	superID := people[8].id
	h.MustCall(t, "init", permHarnessConfig(kind.String(), db.DSN, []string{superID}), nil)

	now := time.Now().UTC().Format(time.RFC3339)
	create := func(model string, data map[string]any) string {
		data["createdAt"] = now
		var out struct{ ID string }
		h.MustCall(t, "adapter", map[string]any{"method": "create", "args": map[string]any{"model": model, "data": data}}, &out)
		return out.ID
	}
	orgA := create("organization", map[string]any{"name": "A", "slug": "a"})
	orgB := create("organization", map[string]any{"name": "B", "slug": "b"})
	memberRoles := map[string][]string{ // per person: role in A, role in B ("" = not a member)
		people[0].id: {"owner", "member"},
		people[1].id: {"admin", ""},
		people[2].id: {"member", "editor"},
		people[3].id: {"editor, member", "admin"},
		people[4].id: {"reviewer", "reviewer"},
		people[5].id: {" member , reviewer", ""},
		people[6].id: {"member", "owner"},
	}
	for uid, rs := range memberRoles {
		for i, org := range []string{orgA, orgB} {
			if rs[i] != "" {
				create("member", map[string]any{"organizationId": org, "userId": uid, "role": rs[i]})
			}
		}
	}
	// Dynamic roles: reviewer only in A; member gains project:delete in A.
	create("organizationRole", map[string]any{"organizationId": orgA, "role": "reviewer", "permission": `{"project":["read"],"team":["create"]}`})
	create("organizationRole", map[string]any{"organizationId": orgA, "role": "member", "permission": `{"project":["delete"],"ac":["read","update"]}`})
	create("organizationRole", map[string]any{"organizationId": orgB, "role": "editor", "permission": `{"project":["delete"]}`})
	// Active organizations: A for some, B for others, none for the rest.
	for i, org := range []string{orgA, orgA, orgB, orgB, orgA, orgA} {
		r := h.Request(t, "POST", "/api/auth/organization/set-active", map[string]string{"cookie": people[i].cookie}, map[string]any{"organizationId": org})
		if r.Status != 200 {
			t.Fatalf("set-active: %d %s", r.Status, r.Text)
		}
	}

	// Dynamic access control on a schema without the organizationRole
	// table is refused when the server is built, not answered with a 400
	// on every call.
	noRoles := db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginOrganization}}})
	if _, err := server.New(server.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: noRoles, Secrets: []ba.Secret{{Value: permSecret}},
		Organization: &access.Organization{DynamicAccessControl: true}}); err == nil || !strings.Contains(err.Error(), "organizationRole") {
		t.Errorf("dynamic access control without the organizationRole table: %v", err)
	}
	st := db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginOrganization}, DynamicAccessControl: true}})
	srv, err := server.New(server.Config{
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store: st, Secrets: []ba.Secret{{Value: permSecret}}, BaseURL: "http://localhost:3000",
		Admin:        &access.Admin{Roles: access.RolesOf(permAdminRoles), AdminUserIDs: []string{superID}},
		Organization: &access.Organization{Roles: access.RolesOf(permOrgRoles), AccessControl: permOrgAC, DynamicAccessControl: true},
	})
	if err != nil {
		t.Fatal(err)
	}

	adminPerms := []string{
		`{"user":["list"]}`, `{"user":["ban"]}`, `{"user":["impersonate-admins"]}`, `{"session":["revoke"]}`,
		`{"user":["list","get"]}`, `{"project":["read"]}`, `{"user":["list"],"session":["list"]}`, `{"user":[]}`, `{}`, `{"nope":["x"]}`,
	}
	orgPerms := []string{
		`{"organization":["delete"]}`, `{"member":["create"]}`, `{"ac":["read"]}`, `{"ac":["update"]}`, `{"project":["read"]}`,
		`{"project":["write"]}`, `{"project":["delete"]}`, `{"team":["create"]}`, `{"invitation":["create"],"team":["create"]}`, `{"member":[]}`, `{}`,
	}
	type call struct{ path, cookie, body string }
	var calls []call
	for _, p := range people {
		for _, perm := range adminPerms {
			calls = append(calls,
				call{"/api/auth/admin/has-permission", p.cookie, `{"permissions":` + perm + `}`},
				call{"/api/auth/admin/has-permission", p.cookie, `{"permissions":` + perm + `,"userId":"` + superID + `","role":"admin"}`})
		}
		for _, perm := range orgPerms {
			calls = append(calls,
				call{"/api/auth/organization/has-permission", p.cookie, `{"permissions":` + perm + `}`},
				call{"/api/auth/organization/has-permission", p.cookie, `{"permissions":` + perm + `,"organizationId":"` + orgA + `"}`},
				call{"/api/auth/organization/has-permission", p.cookie, `{"permissions":` + perm + `,"organizationId":"` + orgB + `"}`})
		}
		for _, path := range []string{"/api/auth/admin/has-permission", "/api/auth/organization/has-permission"} {
			calls = append(calls,
				call{path, p.cookie, `{"permission":{"user":["list"]},"organizationId":"` + orgA + `"}`},
				call{path, p.cookie, `{"organizationId":"` + orgA + `","permissions":{"member":["create"]},"permission":{"member":["create"]}}`},
				call{path, p.cookie, `{}`},
				call{path, p.cookie, `{"permissions":{"member":["create"]},"organizationId":"no-such-org"}`})
		}
	}
	for _, path := range []string{"/api/auth/admin/has-permission", "/api/auth/organization/has-permission"} {
		calls = append(calls, call{path, "", `{"permissions":{"user":["list"]}}`},
			call{path, "", `{"permissions":{"user":["list"]},"userId":"` + superID + `","role":"admin"}`})
	}
	seen := map[string]int{}
	for i, c := range calls {
		var body any
		if err := json.Unmarshal([]byte(c.body), &body); err != nil {
			t.Fatal(err)
		}
		headers := map[string]string{"content-type": "application/json", "origin": "http://localhost:3000"}
		if c.cookie != "" {
			headers["cookie"] = c.cookie
		}
		want := h.Request(t, "POST", c.path, headers, body)
		req := httptest.NewRequest("POST", "http://localhost:3000"+c.path, strings.NewReader(c.body))
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		got, _ := io.ReadAll(rec.Body)
		if rec.Code != want.Status || !sameJSON(got, []byte(want.Text)) {
			t.Errorf("call %d %s %s: Go %d %s, Better Auth %d %s", i, c.path, c.body, rec.Code, got, want.Status, want.Body)
		}
		seen[fmt.Sprint(want.Status, " ", string(want.Body))]++
	}
	if seen[`200 {"error":null,"success":true}`] < 20 || seen[`200 {"error":null,"success":false}`] < 20 || len(seen) < 6 {
		t.Errorf("the matrix is lopsided: %v", seen)
	}
}

func sameJSON(a, b []byte) bool {
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return len(bytes.TrimSpace(a)) == 0 && len(bytes.TrimSpace(b)) == 0
	}
	var x, y any
	if json.Unmarshal(bytes.TrimSpace(a), &x) != nil || json.Unmarshal(bytes.TrimSpace(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// TestAdminRoutesCheckPermissions: the app API's admin routes ask the admin
// access control for user:list, user:ban, user:set-role and
// session:revoke, so a custom role with some of them gets exactly those, a
// role list is split untrimmed.
func TestAdminRoutesCheckPermissions(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.Admin = &access.Admin{Roles: access.Roles{
			"admin":   access.AdminDefaultRoles()["admin"],
			"user":    access.AdminDefaultRoles()["user"],
			"support": access.NewRole(access.Statements{"user": {"list"}, "session": {"revoke"}}),
		}}
	})
	support, spaced, target := e.client(), e.client(), e.client()
	s := support.signUp("support@example.com", "password123")["user"].(map[string]any)
	sp := spaced.signUp("spaced@example.com", "password123")["user"].(map[string]any)
	u := target.signUp("target@example.com", "password123")["user"].(map[string]any)
	ctx := context.Background()
	for id, role := range map[string]string{s["id"].(string): "user,support", sp["id"].(string): "user, support"} {
		if _, err := e.store.UpdateUser(ctx, id, ba.UserUpdate{Role: ba.Value(role)}); err != nil {
			t.Fatal(err)
		}
	}
	uid := u["id"].(string)
	expect(t, support.do("GET", "/api/admin/users", nil), 200, "")
	expect(t, support.do("DELETE", "/api/admin/users/"+uid+"/sessions", nil), 200, "")
	expect(t, support.do("POST", "/api/admin/users/"+uid+"/ban", map[string]any{}), 403, "FORBIDDEN")
	expect(t, support.do("POST", "/api/admin/users/"+uid+"/unban", nil), 403, "FORBIDDEN")
	expect(t, support.do("POST", "/api/admin/users/"+uid+"/role", map[string]any{"role": "admin"}), 403, "FORBIDDEN")
	expect(t, spaced.do("GET", "/api/admin/users", nil), 403, "FORBIDDEN") // " support" is no role
}
