package access_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/access"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

// TestAuthorizeMatchesBetterAuth compares Role.Authorize with Better Auth's
// role(statements).authorize from better-auth/plugins/access, run by the
// harness, on a deterministic matrix of requests: known, empty and unknown
// resources, plain action lists and the {actions, connector} form, non-string
// actions, and the top-level connector AND, OR, omitted and a bogus value.
func TestAuthorizeMatchesBetterAuth(t *testing.T) {
	h := batest.Start(t, batest.Config{Dialect: "sqlite", URL: testdb.SQLite(t), Secret: "access-authorize-secret-0123456789abcdef"})
	statements := access.Statements{
		"user":    {"create", "list", "delete"},
		"session": {"list"},
		"empty":   {},
	}
	resources := []string{"user", "session", "empty", "project"}
	actions := []string{`"create"`, `"list"`, `"delete"`, `"ban"`, `""`, `1`}
	rng := rand.New(rand.NewSource(16))
	pick := func() string {
		n := rng.Intn(4)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = actions[rng.Intn(len(actions))]
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	var cases []string
	for i := 0; i < 400; i++ {
		n := 1 + rng.Intn(3)
		if i%97 == 0 {
			n = 0
		}
		perm := rng.Perm(len(resources))[:n]
		var fields []string
		for _, ri := range perm {
			v := pick()
			switch rng.Intn(5) {
			case 0:
				v = `{"actions":` + v + `,"connector":"OR"}`
			case 1:
				v = `{"actions":` + v + `,"connector":"AND"}`
			case 2:
				v = `{"actions":` + v + `}`
			}
			if rng.Intn(20) == 0 {
				v = `{"connector":"OR"}`
			}
			fields = append(fields, fmt.Sprintf("%q:%s", resources[ri], v))
		}
		cases = append(cases, "{"+strings.Join(fields, ",")+"}")
	}
	connectors := []access.Connector{access.AND, access.OR, "", "XOR"}
	seen := map[string]int{}
	for i, raw := range cases {
		conn := connectors[i%len(connectors)]
		var req access.Request
		if err := json.Unmarshal([]byte(raw), &req); err != nil {
			t.Fatalf("case %d %s: %v", i, raw, err)
		}
		got := access.NewRole(statements).Authorize(req, conn)
		args := map[string]any{"statements": statements, "request": json.RawMessage(raw)}
		if conn != "" {
			args["connector"] = conn
		}
		var want struct {
			Success bool   `json:"success"`
			Error   string `json:"error"`
			Thrown  string `json:"thrown"`
		}
		h.MustCall(t, "authorize", args, &want)
		if want.Thrown != "" {
			t.Fatalf("case %d %s: Better Auth threw %s", i, raw, want.Thrown)
		}
		kind := want.Error
		if i := strings.IndexAny(kind, ":\""); i > 0 {
			kind = kind[:i]
		}
		seen[fmt.Sprint(want.Success, kind)]++
		if got.Success != want.Success || got.Error != want.Error {
			t.Errorf("case %d %s connector %q: Go %+v, Better Auth %+v", i, raw, conn, got, want)
		}
	}
	if len(seen) < 4 {
		t.Errorf("the matrix only produced %v; want success and each of Better Auth's three errors", seen)
	}
}
