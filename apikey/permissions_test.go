package apikey_test

import (
	"testing"

	"github.com/betterauth-go/betterauth/apikey"
)

func TestHasPermissions(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		name     string
		stored   *string
		required apikey.Permissions
		want     bool
	}{
		{"OK", s(`{"files":["read","write"]}`), apikey.Permissions{"files": {"read"}}, true},
		{"OKAll", s(`{"files":["read","write"],"u":["x"]}`), apikey.Permissions{"files": {"write", "read"}, "u": {"x"}}, true},
		{"ErrMissingAction", s(`{"files":["read"]}`), apikey.Permissions{"files": {"read", "write"}}, false},
		{"ErrUnknownResource", s(`{"files":["read"]}`), apikey.Permissions{"files": {"read"}, "x": {"read"}}, false},
		{"ErrNull", nil, apikey.Permissions{"files": {"read"}}, false},
		{"ErrNullJSON", s(`null`), apikey.Permissions{"files": {"read"}}, false},
		{"ErrNotJSON", s(`{files`), apikey.Permissions{"files": {"read"}}, false},
		{"ErrEmptyRequired", s(`{"files":["read"]}`), apikey.Permissions{}, false},
		{"ErrNoActions", s(`{"files":["read"]}`), apikey.Permissions{"files": {}}, false},
		{"StringIsSubstring", s(`{"files":"read,write"}`), apikey.Permissions{"files": {"ead"}}, true},
		{"ErrNonStringElement", s(`{"files":[1,true]}`), apikey.Permissions{"files": {"1"}}, false},
		{"ErrDateAction", s(`{"t":["2024-01-01T00:00:00.000Z"]}`), apikey.Permissions{"t": {"2024-01-01T00:00:00.000Z"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := apikey.HasPermissions(c.stored, c.required); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}
