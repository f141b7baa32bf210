package betterauth_test

import (
	"errors"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// The username plugin's rules as Better Auth 1.7.25 applies them
// (plugins/username/index.mjs: minUsernameLength || 3, maxUsernameLength
// || 30, /^[a-zA-Z0-9_.]+$/ on the username as sent, lengths in UTF-16
// code units, too short before too long before invalid).
func TestUsernameRules(t *testing.T) {
	cases := []struct {
		rules    ba.UsernameRules
		username string
		want     error
	}{
		{ba.UsernameRules{}, "abc", nil},
		{ba.UsernameRules{}, "Alice_1.x", nil},
		{ba.UsernameRules{}, strings.Repeat("a", 30), nil},
		{ba.UsernameRules{}, "", ba.ErrUsernameTooShort},
		{ba.UsernameRules{}, "ab", ba.ErrUsernameTooShort},
		{ba.UsernameRules{}, strings.Repeat("a", 31), ba.ErrUsernameTooLong},
		{ba.UsernameRules{}, "invalid username!", ba.ErrUsernameInvalid},
		{ba.UsernameRules{}, "ééé", ba.ErrUsernameInvalid},
		{ba.UsernameRules{}, "😀", ba.ErrUsernameTooShort}, // 2 UTF-16 code units
		{ba.UsernameRules{}, "😀😀", ba.ErrUsernameInvalid}, // 4: long enough, then invalid
		{ba.UsernameRules{}, "a-b", ba.ErrUsernameInvalid},
		{ba.UsernameRules{MinLength: 5, MaxLength: 8}, "abcd", ba.ErrUsernameTooShort},
		{ba.UsernameRules{MinLength: 5, MaxLength: 8}, "abcdefgh", nil},
		{ba.UsernameRules{MinLength: 5, MaxLength: 8}, "abcdefghi", ba.ErrUsernameTooLong},
		{ba.UsernameRules{MinLength: -1}, "", ba.ErrUsernameInvalid}, // -1 || 3 is -1
	}
	for _, c := range cases {
		if got := c.rules.Check(c.username); !errors.Is(got, c.want) || (c.want == nil && got != nil) {
			t.Errorf("%+v.Check(%q) = %v, want %v", c.rules, c.username, got, c.want)
		}
	}
	if got := ba.NormalizeUsername("Alice_1.X"); got != "alice_1.x" {
		t.Errorf("NormalizeUsername = %q", got)
	}
	bad := "no way"
	if err := (ba.UserCreate{Name: "N", Email: "n@example.com", Username: &bad}).Validate(); err == nil || !strings.Contains(err.Error(), "username") {
		t.Errorf("UserCreate.Validate with username %q: %v", bad, err)
	}
}
