package betterauth_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// baseURLVars are the variables Better Auth's getBaseURL reads, in order
// (better-auth/dist/utils/url.mjs).
var baseURLVars = []string{"BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL", "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL"}

// clearBaseURLEnv unsets (as Better Auth reads them: empty is unset) every
// variable the base URL and the cookie name depend on.
func clearBaseURLEnv(t *testing.T) {
	t.Helper()
	for _, name := range append(slices.Clone(baseURLVars), "NODE_ENV", "BETTER_AUTH_TRUSTED_ORIGINS") {
		t.Setenv(name, "")
	}
}

func TestBaseURLFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
		err  string // the variable the error must name
	}{
		{"OKUnset", nil, "", ""},
		{"OKBetterAuthURL", map[string]string{"BETTER_AUTH_URL": "https://a.example", "NEXT_PUBLIC_BETTER_AUTH_URL": "https://b.example", "BASE_URL": "https://f.example"}, "https://a.example", ""},
		{"OKNextPublic", map[string]string{"NEXT_PUBLIC_BETTER_AUTH_URL": "https://b.example", "PUBLIC_BETTER_AUTH_URL": "https://c.example"}, "https://b.example", ""},
		{"OKPublic", map[string]string{"PUBLIC_BETTER_AUTH_URL": "https://c.example", "NUXT_PUBLIC_BETTER_AUTH_URL": "https://d.example"}, "https://c.example", ""},
		{"OKNuxtPublic", map[string]string{"NUXT_PUBLIC_BETTER_AUTH_URL": "https://d.example", "NUXT_PUBLIC_AUTH_URL": "https://e.example"}, "https://d.example", ""},
		{"OKNuxtPublicAuth", map[string]string{"NUXT_PUBLIC_AUTH_URL": "https://e.example", "BASE_URL": "https://f.example"}, "https://e.example", ""},
		{"OKBaseURL", map[string]string{"BASE_URL": "http://localhost:3000/api/auth"}, "http://localhost:3000/api/auth", ""},
		{"OKBaseURLSlashIsVites", map[string]string{"BASE_URL": "/"}, "", ""},
		{"OKEmptyIsUnset", map[string]string{"BETTER_AUTH_URL": "", "PUBLIC_BETTER_AUTH_URL": "https://c.example"}, "https://c.example", ""},
		{"OKUpperCaseScheme", map[string]string{"BETTER_AUTH_URL": "HTTPS://A.example"}, "HTTPS://A.example", ""},
		{"ErrInvalid", map[string]string{"BETTER_AUTH_URL": "invalid"}, "", "BETTER_AUTH_URL"},
		{"ErrInvalidWinsOverValidLater", map[string]string{"BETTER_AUTH_URL": "invalid", "BASE_URL": "https://f.example"}, "", "BETTER_AUTH_URL"},
		{"ErrScheme", map[string]string{"NEXT_PUBLIC_BETTER_AUTH_URL": "ftp://b.example"}, "", "NEXT_PUBLIC_BETTER_AUTH_URL"},
		{"ErrHostPort", map[string]string{"PUBLIC_BETTER_AUTH_URL": "localhost:3000"}, "", "PUBLIC_BETTER_AUTH_URL"},
		{"ErrNoHost", map[string]string{"NUXT_PUBLIC_BETTER_AUTH_URL": "http://"}, "", "NUXT_PUBLIC_BETTER_AUTH_URL"},
		{"ErrSpaceInHost", map[string]string{"NUXT_PUBLIC_AUTH_URL": "https://exa mple.com"}, "", "NUXT_PUBLIC_AUTH_URL"},
		{"ErrBlank", map[string]string{"BETTER_AUTH_URL": " "}, "", "BETTER_AUTH_URL"},
		{"ErrTrailingSpace", map[string]string{"BETTER_AUTH_URL": "https://a.example "}, "", "BETTER_AUTH_URL"},
		{"ErrControl", map[string]string{"BETTER_AUTH_URL": "https://a.example/\n"}, "", "BETTER_AUTH_URL"},
		{"ErrBaseURLPath", map[string]string{"BASE_URL": "/app/"}, "", "BASE_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearBaseURLEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			got, err := ba.BaseURLFromEnv()
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !errors.Is(err, ba.ErrInvalidBaseURL) || !strings.Contains(err.Error(), tc.err+"=") || got != "" {
				t.Fatalf("got %q, %v; want ErrInvalidBaseURL naming %s", got, err, tc.err)
			}
		})
	}
}

func TestTrustedOriginsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      []string
	}{
		{"Unset", "", nil},
		{"One", "https://a.example", []string{"https://a.example"}},
		// Split at commas, empty entries dropped, nothing trimmed: Better
		// Auth's getTrustedOrigins (context/helpers.mjs).
		{"EmptiesDroppedNotTrimmed", ",https://a.example,, https://b.example,*.c.example,", []string{"https://a.example", " https://b.example", "*.c.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("BETTER_AUTH_TRUSTED_ORIGINS", tc.env)
			if got := ba.TrustedOriginsFromEnv(); !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// NewVerifier takes its base URL from the environment as Better Auth does,
// and refuses one Better Auth would refuse to start on, configured or not.
func TestNewVerifierBaseURL(t *testing.T) {
	f := newFixture(t, ba.Schema{})
	newVerifier := func(baseURL string) (*ba.Verifier, error) {
		return ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: f.store, BaseURL: baseURL})
	}
	t.Run("OKFromNextPublic", func(t *testing.T) {
		clearBaseURLEnv(t)
		t.Setenv("NEXT_PUBLIC_BETTER_AUTH_URL", "https://app.example.com")
		v, err := newVerifier("")
		if err != nil || v.SessionCookieName() != "__Secure-better-auth.session_token" {
			t.Fatalf("%v %v", v, err)
		}
	})
	t.Run("OKConfiguredWinsOverEnv", func(t *testing.T) {
		clearBaseURLEnv(t)
		t.Setenv("BETTER_AUTH_URL", "invalid")
		v, err := newVerifier("http://localhost:3000")
		if err != nil || v.SessionCookieName() != "better-auth.session_token" {
			t.Fatalf("%v %v", v, err)
		}
	})
	t.Run("ErrInvalidEnv", func(t *testing.T) {
		clearBaseURLEnv(t)
		t.Setenv("BETTER_AUTH_URL", "invalid")
		if _, err := newVerifier(""); !errors.Is(err, ba.ErrInvalidBaseURL) || !strings.Contains(err.Error(), "BETTER_AUTH_URL") {
			t.Fatalf("err %v", err)
		}
	})
	for _, bad := range []string{"invalid", "app.example.com", "ftp://app.example.com", "https://", "//app.example.com"} {
		t.Run("ErrInvalidConfigured", func(t *testing.T) {
			clearBaseURLEnv(t)
			if _, err := newVerifier(bad); !errors.Is(err, ba.ErrInvalidBaseURL) || !strings.Contains(err.Error(), "VerifierConfig.BaseURL") {
				t.Fatalf("%q: err %v", bad, err)
			}
		})
	}
}
