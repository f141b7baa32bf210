package apikey_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/apikey"
)

// memKeys holds one key in memory.
type memKeys map[string]*ba.APIKey

func (m memKeys) GetAPIKeyByHash(_ context.Context, hashed string) (*ba.APIKey, error) {
	if k, ok := m[hashed]; ok {
		c := *k
		return &c, nil
	}
	return nil, ba.ErrNotFound
}

type memUsers struct{}

func (memUsers) GetUser(_ context.Context, id string) (*ba.User, error) {
	return &ba.User{ID: id}, nil
}

// FuzzFromHeader checks that reading a key from arbitrary header values
// follows Fetch's Headers.get, and that verifying whatever comes out never
// panics and ends in one of the documented errors.
func FuzzFromHeader(f *testing.F) {
	valid := newKey("ba_")
	f.Add(valid, "", false)
	f.Add(" "+valid+"\t", "", false)
	f.Add(valid, valid, true)
	f.Add("", valid, true)
	f.Add("\r\n", "", false)
	f.Add("ba_\x00"+strings.Repeat("é", 40), "", false)
	f.Add(strings.Repeat("k", 5000), "", false)
	v, err := apikey.New(apikey.Config{
		Keys:  memKeys{apikey.Hash(valid): {ID: "k1", Key: apikey.Hash(valid), ReferenceID: "u1", ConfigID: "default"}},
		Users: memUsers{},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, first, second string, two bool) {
		h := http.Header{}
		h["X-Api-Key"] = []string{first}
		want := strings.Trim(first, " \t\r\n")
		if two {
			h["X-Api-Key"] = append(h["X-Api-Key"], second)
			// Fetch combines even empty values: "a, ", ", b", ", ".
			want += ", " + strings.Trim(second, " \t\r\n")
		}
		got := apikey.FromHeader(h, "x-api-key")
		if got != want {
			t.Fatalf("FromHeader(%q) = %q, want %q", h["X-Api-Key"], got, want)
		}
		if apikey.FromHeader(h, "authorization") != "" {
			t.Fatal("read a header that is not configured")
		}
		res, err := v.VerifyKey(context.Background(), got)
		switch {
		case err == nil:
			if got != valid || res.User.ID != "u1" {
				t.Fatalf("accepted %q as %+v", got, res)
			}
		case errors.Is(err, apikey.ErrNoKey), errors.Is(err, apikey.ErrInvalidKey):
			if got == valid {
				t.Fatalf("refused the valid key: %v", err)
			}
		default:
			t.Fatalf("unexpected error %v for %q", err, got)
		}
	})
}
