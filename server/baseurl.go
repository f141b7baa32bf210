package server

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/betterauth-go/betterauth/internal/weburl"
)

// normalizeBaseURL turns Config.BaseURL into the origin the server builds
// links, redirects, trusted origins and the OpenAPI server from, as Better
// Auth keeps new URL(baseURL).origin: scheme and host lower-cased, the
// default port and a trailing slash dropped. A path is refused, except
// Better Auth's basePath /api/auth itself (BETTER_AUTH_URL is sometimes
// written with it): this server serves /api/auth at the root, so a base
// URL under another path would hand out links it does not answer. User
// info, a query or a fragment are refused too.
func normalizeBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("server: Config.BaseURL %q is not an absolute http:// or https:// URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		// Redacted: user info may hold a password.
		return "", fmt.Errorf("server: Config.BaseURL %q must be an origin like https://auth.example.com, without user info, query or fragment", u.Redacted())
	}
	if p := strings.TrimRight(u.EscapedPath(), "/"); p != "" && p != "/api/auth" {
		return "", fmt.Errorf("server: Config.BaseURL %q has the path %q; it must be an origin like https://auth.example.com (the server answers /api/auth at its root)", raw, u.EscapedPath())
	}
	origin, err := weburl.Origin(u.String())
	if err != nil {
		return "", fmt.Errorf("server: Config.BaseURL %q: %v", raw, err)
	}
	return origin, nil
}
