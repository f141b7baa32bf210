package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAccountSelectionIssue: zod 4's verdicts on get-access-token's
// union body, including the unrecognized keys in JavaScript's key order
// (array indexes first, numerically).
func TestAccountSelectionIssue(t *testing.T) {
	for text, want := range map[string]string{
		`{"accountId":"a"}`:                               "",
		`{"accountId":"a","userId":"u"}`:                  "",
		`{"useAccountCookie":true}`:                       "",
		`{"useAccountCookie":false}`:                      "[body] Invalid input",
		`{"providerId":"p"}`:                              "[body] Invalid input",
		`{"accountId":"a","providerId":"p"}`:              `[body] Unrecognized key: "providerId"`,
		`{"b":1,"accountId":"a","2":1,"x":1,"10":1}`:      `[body] Unrecognized keys: "2", "10", "b", "x"`,
		`{"accountId":"a","useAccountCookie":true}`:       "[body] Invalid input",
		`{"accountId":"a","userId":1,"z":1}`:              "[body] Invalid input",
		`{"useAccountCookie":true,"01":1,"a\"b":1}`:       `[body] Unrecognized keys: "01", "a"b"`,
		`{"accountId":"a","k":1,"k":2}`:                   `[body] Unrecognized key: "k"`,
		`{"accountId":"a","4294967295":1,"4294967294":1}`: `[body] Unrecognized keys: "4294967294", "4294967295"`,
	} {
		b := &body{kind: "object"}
		if err := json.Unmarshal([]byte(text), &b.m); err != nil {
			t.Fatal(err)
		}
		if got := accountSelectionIssue(b, []byte(text)); got != want {
			t.Errorf("%s: %q, want %q", text, got, want)
		}
	}
	for _, kind := range []string{"array", "string", "null", "number", "undefined"} {
		if got := accountSelectionIssue(&body{kind: kind}, nil); !strings.HasSuffix(got, "Invalid input") {
			t.Errorf("%s: %q", kind, got)
		}
	}
}
