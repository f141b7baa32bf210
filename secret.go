package betterauth

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Secret is one of Better Auth's secrets. Version is empty for a single
// secret (BETTER_AUTH_SECRET) and set for rotation (BETTER_AUTH_SECRETS).
type Secret struct {
	Version string
	Value   string
}

// DefaultSecret is the secret Better Auth falls back to in development.
// Anyone can sign cookies with it, so a Verifier refuses it.
const DefaultSecret = "better-auth-secret-12345678901234567890"

// ParseSecrets parses BETTER_AUTH_SECRETS: a comma-separated list of
// "version:value", current secret first (e.g. "2:new-secret,1:old-secret").
// Values may contain ':'; the version is what comes before the first one.
func ParseSecrets(list string) ([]Secret, error) {
	var out []Secret
	seen := map[string]bool{}
	for i, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		version, value, ok := strings.Cut(part, ":")
		version, value = strings.TrimSpace(version), strings.TrimSpace(value)
		if !ok || version == "" || value == "" {
			return nil, fmt.Errorf("betterauth: BETTER_AUTH_SECRETS entry %d is not \"version:secret\"", i+1)
		}
		if seen[version] {
			return nil, fmt.Errorf("betterauth: BETTER_AUTH_SECRETS has version %q twice", version)
		}
		seen[version] = true
		out = append(out, Secret{Version: version, Value: value})
	}
	if len(out) == 0 {
		return nil, errors.New("betterauth: BETTER_AUTH_SECRETS is empty")
	}
	return out, nil
}

// SecretsFromEnv resolves secrets as Better Auth 1.7 does:
// BETTER_AUTH_SECRETS (versioned, current first), else BETTER_AUTH_SECRET,
// else AUTH_SECRET. It returns ErrNoSecret when none is set.
func SecretsFromEnv() ([]Secret, error) {
	return secretsFrom(os.Getenv)
}

func secretsFrom(getenv func(string) string) ([]Secret, error) {
	if list := getenv("BETTER_AUTH_SECRETS"); strings.TrimSpace(list) != "" {
		return ParseSecrets(list)
	}
	for _, name := range []string{"BETTER_AUTH_SECRET", "AUTH_SECRET"} {
		if v := getenv(name); v != "" {
			return []Secret{{Value: v}}, nil
		}
	}
	return nil, ErrNoSecret
}
