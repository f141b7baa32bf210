package main

import (
	"encoding/json"
	"os"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
)

// TestAccessFromApp: serve's admin and organization access control comes
// from the exported config's plugin options.
func TestAccessFromApp(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/appconfig/fixture.config.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc["plugins"].([]any) {
		p := p.(map[string]any)
		switch p["id"] {
		case "admin":
			p["options"] = map[string]any{"adminUserIds": []string{"root"}, "roles": map[string]any{"support": map[string]any{"user": []string{"list"}}}}
		case "organization":
			p["options"] = map[string]any{"ac": map[string]any{"project": []string{"read"}}, "roles": map[string]any{"editor": map[string]any{"project": []string{"read"}}},
				"dynamicAccessControl": map[string]any{"enabled": true}, "creatorRole": "founder"}
		}
	}
	raw, _ = json.Marshal(doc)
	app, err := ba.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	admin, org := accessFromApp(app)
	list := access.Permissions(access.Statements{"user": {"list"}})
	if admin == nil || !admin.HasPermission("u", "support", list) || admin.HasPermission("u", "admin", list) || !admin.HasPermission("root", "", list) {
		t.Errorf("admin %+v", admin)
	}
	if org == nil || !org.Dynamic() || org.CreatorRole != "founder" || !org.RoleHasPermission("member, editor", access.Permissions(access.Statements{"project": {"read"}})) {
		t.Errorf("organization %+v", org)
	}
}
