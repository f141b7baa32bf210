package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
)

// envNames are the variables the cookie names, the base URL and the
// trusted origins depend on; every case sets them all, empty meaning
// unset (as both sides read them).
var envNames = []string{"NODE_ENV", "BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL", "PUBLIC_BETTER_AUTH_URL",
	"NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL", "BETTER_AUTH_TRUSTED_ORIGINS"}

// baResolved is what Better Auth resolved for one case, or its error.
type baResolved struct {
	SessionToken, SessionData, BaseURL, Error string
	TrustedOrigins                            []string
}

// TestCookieNamesAndBaseURLMatchBetterAuth runs the real Better Auth and
// NewVerifier on the same options and environment: they read the same
// single session_token and session_data names, or both refuse the base
// URL; BETTER_AUTH_TRUSTED_ORIGINS gives the same origins.
func TestCookieNamesAndBaseURLMatchBetterAuth(t *testing.T) {
	dir := batest.Ensure(t)
	yes, no := true, false
	type testCase struct {
		name    string
		env     map[string]string
		baseURL string // the baseURL option / VerifierConfig.BaseURL
		secure  *bool  // advanced.useSecureCookies / Cookies.Secure
		prefix  string // advanced.cookiePrefix / Cookies.Prefix
	}
	cases := []testCase{
		{name: "Nothing"},
		{name: "Development", env: map[string]string{"NODE_ENV": "development"}},
		{name: "Production", env: map[string]string{"NODE_ENV": "production"}},
		{name: "ProductionPrefix", env: map[string]string{"NODE_ENV": "production"}, prefix: "myapp"},
		{name: "HTTPS", env: map[string]string{"BETTER_AUTH_URL": "https://app.example.com"}},
		{name: "HTTPSUpperCase", env: map[string]string{"BETTER_AUTH_URL": "HTTPS://APP.example.com"}},
		{name: "HTTPInProduction", env: map[string]string{"NODE_ENV": "production", "BETTER_AUTH_URL": "http://localhost:3000"}},
		{name: "BetterAuthURLFirst", env: map[string]string{"BETTER_AUTH_URL": "http://localhost:3000", "NEXT_PUBLIC_BETTER_AUTH_URL": "https://app.example.com"}},
		{name: "NextPublic", env: map[string]string{"NEXT_PUBLIC_BETTER_AUTH_URL": "https://app.example.com", "PUBLIC_BETTER_AUTH_URL": "http://localhost:3000"}},
		{name: "Public", env: map[string]string{"PUBLIC_BETTER_AUTH_URL": "https://app.example.com", "NUXT_PUBLIC_BETTER_AUTH_URL": "http://localhost:3000"}},
		{name: "NuxtPublic", env: map[string]string{"NUXT_PUBLIC_BETTER_AUTH_URL": "https://app.example.com", "NUXT_PUBLIC_AUTH_URL": "http://localhost:3000"}},
		{name: "NuxtPublicAuth", env: map[string]string{"NUXT_PUBLIC_AUTH_URL": "https://app.example.com", "BASE_URL": "http://localhost:3000"}},
		{name: "BaseURL", env: map[string]string{"BASE_URL": "https://app.example.com", "NODE_ENV": "production"}},
		{name: "BaseURLSlashIgnored", env: map[string]string{"BASE_URL": "/", "NODE_ENV": "production"}},
		{name: "UseSecureCookiesOff", env: map[string]string{"NODE_ENV": "production", "BETTER_AUTH_URL": "https://app.example.com"}, secure: &no},
		{name: "UseSecureCookiesOn", env: map[string]string{"BETTER_AUTH_URL": "http://localhost:3000"}, secure: &yes},
		{name: "OptionOverInvalidEnv", env: map[string]string{"BETTER_AUTH_URL": "invalid"}, baseURL: "https://cfg.example.com"},
		{name: "TrustedOrigins", env: map[string]string{"BETTER_AUTH_URL": "http://localhost:3000", "BETTER_AUTH_TRUSTED_ORIGINS": ",https://a.example.com, https://b.example.com,,*.c.example.com,"}},
		{name: "RefusedInvalid", env: map[string]string{"BETTER_AUTH_URL": "invalid"}},
		{name: "RefusedNoScheme", env: map[string]string{"BETTER_AUTH_URL": "localhost:3000"}},
		{name: "RefusedFTP", env: map[string]string{"NEXT_PUBLIC_BETTER_AUTH_URL": "ftp://app.example.com"}},
		{name: "RefusedNoHost", env: map[string]string{"PUBLIC_BETTER_AUTH_URL": "http://"}},
		{name: "RefusedTrailingSpace", env: map[string]string{"BETTER_AUTH_URL": "https://app.example.com "}},
		{name: "RefusedBaseURLPath", env: map[string]string{"BASE_URL": "/app/"}},
		{name: "RefusedOption", baseURL: "nope"},
	}

	// One node process per NODE_ENV (read when Better Auth loads), each
	// resolving all of that NODE_ENV's cases.
	byNodeEnv := map[string][]int{}
	for i, tc := range cases {
		byNodeEnv[tc.env["NODE_ENV"]] = append(byNodeEnv[tc.env["NODE_ENV"]], i)
	}
	resolved := make([]baResolved, len(cases))
	for nodeEnvValue, indexes := range byNodeEnv {
		var input []map[string]any
		for _, i := range indexes {
			tc := cases[i]
			env := map[string]string{}
			for _, name := range envNames[1:] { // all but NODE_ENV
				env[name] = tc.env[name]
			}
			options := map[string]any{}
			if tc.baseURL != "" {
				options["baseURL"] = tc.baseURL
			}
			advanced := map[string]any{}
			if tc.secure != nil {
				advanced["useSecureCookies"] = *tc.secure
			}
			if tc.prefix != "" {
				advanced["cookiePrefix"] = tc.prefix
			}
			if len(advanced) > 0 {
				options["advanced"] = advanced
			}
			input = append(input, map[string]any{"options": options, "env": env})
		}
		stdin, _ := json.Marshal(input)
		cmd := exec.Command("node", "cookienames.mjs")
		cmd.Dir = dir
		cmd.Env = nodeEnv(nodeEnvValue)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		if err != nil {
			t.Fatalf("node cookienames.mjs: %v\n%s", err, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
		if len(lines) != len(indexes) {
			t.Fatalf("node cookienames.mjs: %d lines for %d cases:\n%s\n%s", len(lines), len(indexes), stdout, stderr.String())
		}
		for j, i := range indexes {
			if err := json.Unmarshal([]byte(lines[j]), &resolved[i]); err != nil {
				t.Fatalf("%v: %s", err, lines[j])
			}
		}
	}

	for i, tc := range cases {
		want := resolved[i]
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range envNames {
				t.Setenv(name, tc.env[name])
			}
			v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: noSessions{},
				BaseURL: tc.baseURL, Cookies: ba.CookieConfig{Secure: tc.secure, Prefix: tc.prefix}})
			if want.Error != "" {
				if !errors.Is(err, ba.ErrInvalidBaseURL) {
					t.Fatalf("Better Auth refuses (%s); NewVerifier: %v", want.Error, err)
				}
				if tc.baseURL == "" {
					if _, err := ba.BaseURLFromEnv(); !errors.Is(err, ba.ErrInvalidBaseURL) {
						t.Fatalf("Better Auth refuses (%s); BaseURLFromEnv: %v", want.Error, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Better Auth starts (%+v); NewVerifier: %v", want, err)
			}
			if got := v.SessionCookieName(); got != want.SessionToken {
				t.Errorf("session_token %q, Better Auth %q", got, want.SessionToken)
			}
			if got := v.CookieName("session_data"); got != want.SessionData {
				t.Errorf("session_data %q, Better Auth %q", got, want.SessionData)
			}
			// Better Auth trusts its base URL's origin, then the
			// environment's origins.
			if got := ba.TrustedOriginsFromEnv(); !slices.Equal(got, trimBaseOrigin(want.TrustedOrigins, want.BaseURL)) {
				t.Errorf("trusted origins %q, Better Auth %q (base URL %q)", got, want.TrustedOrigins, want.BaseURL)
			}
		})
	}
}

// nodeEnv is the test process's environment without any of envNames (nor
// TEST), with NODE_ENV set when nodeEnvValue is not empty.
func nodeEnv(nodeEnvValue string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TEST" || slices.Contains(envNames, name) {
			continue
		}
		env = append(env, kv)
	}
	if nodeEnvValue != "" {
		env = append(env, "NODE_ENV="+nodeEnvValue)
	}
	return env
}

// trimBaseOrigin drops the base URL's origin from the front of Better
// Auth's trusted origins.
func trimBaseOrigin(trusted []string, baseURL string) []string {
	if baseURL != "" && len(trusted) > 0 && strings.HasPrefix(strings.ToLower(baseURL), strings.ToLower(trusted[0])) {
		trusted = trusted[1:]
	}
	if len(trusted) == 0 {
		return nil
	}
	return trusted
}

// noSessions is a SessionStore that knows none: only the names matter here.
type noSessions struct{}

func (noSessions) GetSessionAndUser(context.Context, string) (*ba.Session, *ba.User, error) {
	return nil, nil, ba.ErrNotFound
}
