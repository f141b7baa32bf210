package access_test

import (
	"fmt"

	"github.com/betterauth-go/betterauth/access"
)

// The admin plugin's default roles: "user" may not list users, "admin"
// may, and an id in adminUserIds may whatever its role.
func ExampleAdmin_HasPermission() {
	admin := &access.Admin{AdminUserIDs: []string{"usr_root"}}
	list := access.Permissions(access.Statements{"user": {"list"}})
	fmt.Println(admin.HasPermission("usr_1", "user", list))
	fmt.Println(admin.HasPermission("usr_2", "admin", list))
	fmt.Println(admin.HasPermission("usr_root", "user", list))
	// Output:
	// false
	// true
	// true
}

// The organization plugin's default roles: a member may not invite, an
// admin may; several roles are a comma-separated list.
func ExampleOrganization_RoleHasPermission() {
	orgs := &access.Organization{AccessControl: access.OrganizationStatements()}
	invite := access.Permissions(access.Statements{"invitation": {"create"}})
	fmt.Println(orgs.RoleHasPermission("member", invite))
	fmt.Println(orgs.RoleHasPermission("member, admin", invite))
	// Output:
	// false
	// true
}
