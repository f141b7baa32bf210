package access_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/betterauth-go/betterauth/access"
)

func TestAdminHasPermission(t *testing.T) {
	a := &access.Admin{AdminUserIDs: []string{"root"}}
	listUsers := access.Permissions(access.Statements{"user": {"list"}})
	for _, c := range []struct {
		id, role string
		want     bool
	}{
		{"u", "admin", true},
		{"u", "user", false},
		{"u", "", false}, // defaultRole user
		{"u", "user,admin", true},
		{"u", "user, admin", false}, // not trimmed
		{"u", "admin,", true},
		{"root", "user", true},
		{"", "user", false},
	} {
		if got := a.HasPermission(c.id, c.role, listUsers); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.id, c.role, got, c.want)
		}
	}
	if a.HasPermission("u", "admin", nil) {
		t.Error("nil permissions allowed")
	}
	if (&access.Admin{DefaultRole: "admin"}).HasPermission("u", "", listUsers) != true {
		t.Error("defaultRole admin not used for an empty role")
	}
	if a.HasPermission("u", "admin", access.Permissions(access.Statements{"user": {"impersonate-admins"}})) {
		t.Error("admin may impersonate admins by default")
	}
	custom := &access.Admin{Roles: access.Roles{"support": access.NewRole(access.Statements{"user": {"list"}})}}
	if !custom.HasPermission("u", "support", listUsers) || custom.HasPermission("u", "admin", listUsers) {
		t.Error("custom roles must replace the defaults")
	}
	if !a.IsAdmin("u", "user,admin") || a.IsAdmin("u", "user, admin") || !a.IsAdmin("root", "user") || a.IsAdmin("u", "") {
		t.Error("IsAdmin")
	}
}

func TestParseRoleList(t *testing.T) {
	if got := access.ParseRoleList(" admin , ,member,"); !reflect.DeepEqual(got, []string{"admin", "member"}) {
		t.Errorf("%q", got)
	}
}

type store struct {
	member access.Member
	ok     bool
	rows   []access.OrganizationRole
}

func (s store) FindMember(context.Context, string, string) (access.Member, bool, error) {
	return s.member, s.ok, nil
}
func (s store) ListOrganizationRoles(context.Context, string) ([]access.OrganizationRole, error) {
	return s.rows, nil
}

func TestOrganizationDynamic(t *testing.T) {
	ctx := context.Background()
	o := &access.Organization{AccessControl: access.OrganizationStatements(), DynamicAccessControl: true}
	st := store{member: access.Member{OrganizationID: "A", Role: "member"}, ok: true,
		rows: []access.OrganizationRole{{Role: "member", Permission: `{"team":["create"]}`}, {Role: "member", Permission: `{"team":["update","create"]}`}}}
	perm := access.Permissions(access.Statements{"team": {"create", "update"}, "ac": {"read"}})
	if ok, err := o.HasPermission(ctx, st, "A", "u", perm); !ok || err != nil {
		t.Errorf("merged static ∪ rows: %v %v", ok, err)
	}
	o.DynamicAccessControl = false
	if ok, _ := o.HasPermission(ctx, st, "A", "u", perm); ok {
		t.Error("rows used with dynamic access control off")
	}
	o.DynamicAccessControl, o.AccessControl = true, nil
	if ok, _ := o.HasPermission(ctx, st, "A", "u", perm); ok {
		t.Error("rows used without ac, which Better Auth requires")
	}
	o.AccessControl = access.OrganizationStatements()
	st.rows = []access.OrganizationRole{{Role: "member", Permission: `{"team":null}`}}
	if _, err := o.HasPermission(ctx, st, "A", "u", perm); !errors.Is(err, access.ErrInvalidRolePermissions) {
		t.Errorf("invalid row: %v", err)
	}
	st.ok = false
	if _, err := o.HasPermission(ctx, st, "A", "u", perm); !errors.Is(err, access.ErrNotMember) {
		t.Errorf("not a member: %v", err)
	}
	if !o.Creator("admin, owner") || o.Creator("admin") {
		t.Error("Creator")
	}
}

func TestRequestJSONKeepsOrder(t *testing.T) {
	var r access.Request
	if err := json.Unmarshal([]byte(`{"z":["a"],"a":{"actions":["b","c"],"connector":"OR"}}`), &r); err != nil {
		t.Fatal(err)
	}
	want := access.Request{{Resource: "z", Actions: []string{"a"}, Connector: access.AND}, {Resource: "a", Actions: []string{"b", "c"}, Connector: access.OR}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("%+v", r)
	}
	if err := json.Unmarshal([]byte(`{"z":"a"}`), &r); err == nil {
		t.Error("a string action request accepted")
	}
}

func BenchmarkAdminHasPermission(b *testing.B) {
	a := &access.Admin{}
	req := access.Permissions(access.Statements{"user": {"list", "ban"}, "session": {"revoke"}})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !a.HasPermission("u", "user,admin", req) {
			b.Fatal("denied")
		}
	}
}

func BenchmarkOrganizationHasPermission(b *testing.B) {
	o := &access.Organization{}
	st := store{member: access.Member{OrganizationID: "A", Role: "member, admin"}, ok: true}
	req := access.Permissions(access.Statements{"member": {"create"}, "team": {"update"}})
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if ok, _ := o.HasPermission(ctx, st, "A", "u", req); !ok {
			b.Fatal("denied")
		}
	}
}
