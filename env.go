package betterauth

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

var getenv = os.Getenv

// baseURLVars are the variables Better Auth's getBaseURL reads when the
// app configures no baseURL, in its order (better-auth/dist/utils/url.mjs).
var baseURLVars = []string{
	"BETTER_AUTH_URL",
	"NEXT_PUBLIC_BETTER_AUTH_URL",
	"PUBLIC_BETTER_AUTH_URL",
	"NUXT_PUBLIC_BETTER_AUTH_URL",
	"NUXT_PUBLIC_AUTH_URL",
	"BASE_URL",
}

// BaseURLFromEnv returns the base URL a Better Auth app with no baseURL
// option takes from its environment: the first of BETTER_AUTH_URL,
// NEXT_PUBLIC_BETTER_AUTH_URL, PUBLIC_BETTER_AUTH_URL,
// NUXT_PUBLIC_BETTER_AUTH_URL, NUXT_PUBLIC_AUTH_URL and BASE_URL that is
// set and not empty, where BASE_URL "/" (what Vite sets) does not count.
// It returns "" when none is set.
//
// The value comes back as set. When it is not an absolute http:// or
// https:// URL, the error matches ErrInvalidBaseURL and names the
// variable: Better Auth refuses to start on it, and a later variable does
// not stand in for it.
func BaseURLFromEnv() (string, error) {
	_, value, err := baseURLFromEnv()
	return value, err
}

// baseURLFromEnv is BaseURLFromEnv that also says which variable it read.
func baseURLFromEnv() (name, value string, err error) {
	for _, name := range baseURLVars {
		value := getenv(name)
		if value == "" || name == "BASE_URL" && value == "/" {
			continue
		}
		if _, err := parseBaseURL(name, value); err != nil {
			return name, "", err
		}
		return name, value, nil
	}
	return "", "", nil
}

// TrustedOriginsFromEnv returns the origins of BETTER_AUTH_TRUSTED_ORIGINS,
// which Better Auth trusts besides its baseURL and trustedOrigins option:
// the value split at commas, empty entries dropped, nothing trimmed
// (getTrustedOrigins in better-auth/dist/context/helpers.mjs). An entry
// with a space around it ("a, b") never matches a request's origin in
// Better Auth. nil when the variable is not set.
func TrustedOriginsFromEnv() []string {
	var out []string
	for _, o := range strings.Split(getenv("BETTER_AUTH_TRUSTED_ORIGINS"), ",") {
		if o != "" {
			out = append(out, o)
		}
	}
	return out
}

// parseBaseURL checks a base URL as Better Auth's withPath does (an http:
// or https: URL that parses) and that it has a host, which net/url, unlike
// the WHATWG parser, does not require ("http://"). It is a little stricter
// than the WHATWG parser, which also takes "https:host" and ignores
// leading spaces: those are refused. source names where the value came
// from, for the error.
func parseBaseURL(source, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) || u.Host == "" {
		return nil, fmt.Errorf("%w: %s=%q is not an absolute http:// or https:// URL (such as https://app.example.com)", ErrInvalidBaseURL, source, raw)
	}
	return u, nil
}
