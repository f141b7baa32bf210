package oauthtoken

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// AuthStyle is how a refresh request authenticates the client.
type AuthStyle int

const (
	// AuthPost sends client_id and client_secret in the form body
	// (Better Auth's default, client_secret_post; client_id alone when
	// there is no secret).
	AuthPost AuthStyle = iota
	// AuthBasic sends them as HTTP Basic credentials, each form-url-encoded
	// first (generic-oauth's authentication: "basic").
	AuthBasic
)

// Provider is what a refresh needs from an OAuth provider. ClientSecret is
// never logged or printed: String and GoString leave it out.
type Provider struct {
	ID       string
	TokenURL string
	ClientID string
	// ClientSecret comes from the environment (FromEnv), never the config.
	ClientSecret string
	Auth         AuthStyle
	// Params are extra refresh parameters (Microsoft sends its scopes).
	Params url.Values
	// DefaultExpiresIn is generic-oauth's accessTokenExpiresIn: the
	// lifetime assumed when the provider's answer has no expires_in.
	DefaultExpiresIn time.Duration
}

func (p Provider) String() string {
	return fmt.Sprintf("oauthtoken.Provider{ID: %q, TokenURL: %q, ClientID: %q, ClientSecret: %s}", p.ID, p.TokenURL, p.ClientID, redacted(p.ClientSecret))
}

// GoString keeps %#v from printing the secret.
func (p Provider) GoString() string { return p.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// Token endpoints of the social providers Better Auth 1.7 ships, as its
// refreshAccessToken uses them (all client_secret_post).
const (
	GitHubTokenURL  = "https://github.com/login/oauth/access_token"
	GoogleTokenURL  = "https://oauth2.googleapis.com/token"
	GitLabTokenURL  = "https://gitlab.com/oauth/token"
	DiscordTokenURL = "https://discord.com/api/oauth2/token"
	// MicrosoftTokenURL is for the "common" tenant; see Microsoft.
	MicrosoftTokenURL = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
)

// Builtin returns Better Auth's provider id ("github", "google", "gitlab",
// "discord", "microsoft") with its default endpoint. It reports false for
// other ids (generic-oauth providers: use Generic).
func Builtin(id, clientID, clientSecret string) (Provider, bool) {
	p := Provider{ID: id, ClientID: clientID, ClientSecret: clientSecret}
	switch id {
	case "github":
		p.TokenURL = GitHubTokenURL
	case "google":
		p.TokenURL = GoogleTokenURL
	case "gitlab":
		p.TokenURL = GitLabTokenURL
	case "discord":
		p.TokenURL = DiscordTokenURL
	case "microsoft":
		return Microsoft("", "", clientID, clientSecret, nil), true
	default:
		return Provider{}, false
	}
	return p, true
}

// GitLab is the gitlab provider of a self-hosted issuer (Better Auth's
// issuer option): <issuer>/oauth/token.
func GitLab(issuer, clientID, clientSecret string) Provider {
	if issuer == "" {
		issuer = "https://gitlab.com"
	}
	return Provider{ID: "gitlab", TokenURL: strings.TrimRight(issuer, "/") + "/oauth/token", ClientID: clientID, ClientSecret: clientSecret}
}

// Microsoft is Better Auth's microsoft (Entra ID) provider: tenant
// (default "common") under authority (default
// https://login.microsoftonline.com), and the scope parameter its refresh
// sends: openid profile email User.Read offline_access followed by extra.
func Microsoft(tenant, authority, clientID, clientSecret string, extra []string) Provider {
	if tenant == "" {
		tenant = "common"
	}
	if authority == "" {
		authority = "https://login.microsoftonline.com"
	}
	scopes := append([]string{"openid", "profile", "email", "User.Read", "offline_access"}, extra...)
	return Provider{
		ID: "microsoft", TokenURL: strings.TrimRight(authority, "/") + "/" + tenant + "/oauth2/v2.0/token",
		ClientID: clientID, ClientSecret: clientSecret, Params: url.Values{"scope": {strings.Join(scopes, " ")}},
	}
}

// Generic is a generic-oauth provider: its providerId and tokenUrl from
// the app's config.
func Generic(id, tokenURL, clientID, clientSecret string) Provider {
	return Provider{ID: id, TokenURL: tokenURL, ClientID: clientID, ClientSecret: clientSecret}
}

// SecretEnv is the environment variable FromEnv reads a provider's client
// secret from: the id upper-cased, '-' and '.' as '_', then _CLIENT_SECRET
// (GITHUB_CLIENT_SECRET, MY_IDP_CLIENT_SECRET).
func SecretEnv(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, strings.ToUpper(id)) + "_CLIENT_SECRET"
}

// FromEnv builds provider id with its client id (from the app's config) and
// its client secret from SecretEnv(id). tokenURL is needed for generic-oauth
// providers and overrides a built-in provider's endpoint when set.
func FromEnv(id, clientID, tokenURL string) (Provider, error) {
	secret := os.Getenv(SecretEnv(id))
	p, ok := Builtin(id, clientID, secret)
	if !ok {
		if tokenURL == "" {
			return Provider{}, fmt.Errorf("oauthtoken: provider %q is not one Better Auth ships; give its token URL", id)
		}
		p = Generic(id, tokenURL, clientID, secret)
	} else if tokenURL != "" {
		p.TokenURL = tokenURL
	}
	if clientID == "" {
		return Provider{}, fmt.Errorf("oauthtoken: provider %q has no client id", id)
	}
	return p, nil
}

// FromConfig builds the providers of an app's exported config
// (AppConfig.OAuthProviders): client ids, token endpoints and
// authentication from the config, each client secret from SecretEnv(id).
// A provider it cannot refresh with (a built-in one Go does not know, a
// generic one without a token URL) is left out, with a note in skipped
// (never a secret).
func FromConfig(providers []ba.AppOAuthProvider) (out []Provider, skipped []string) {
	for _, c := range providers {
		secret := os.Getenv(SecretEnv(c.ID))
		var p Provider
		switch {
		case c.Type == "generic":
			if c.TokenURL == "" {
				skipped = append(skipped, fmt.Sprintf("provider %q: no tokenUrl in the config (discovery was not resolved at export)", c.ID))
				continue
			}
			p = Generic(c.ID, c.TokenURL, c.ClientID, secret)
			if c.Authentication == "basic" {
				p.Auth = AuthBasic
			}
			p.DefaultExpiresIn = c.AccessTokenExpiresIn.Duration()
		case c.ID == "gitlab":
			p = GitLab(c.Issuer, c.ClientID, secret)
		case c.ID == "microsoft":
			p = Microsoft(c.TenantID, c.Authority, c.ClientID, secret, nil)
		default:
			var ok bool
			if p, ok = Builtin(c.ID, c.ClientID, secret); !ok {
				skipped = append(skipped, fmt.Sprintf("provider %q: its token endpoint is not known to the Go side", c.ID))
				continue
			}
		}
		if p.ClientID == "" {
			skipped = append(skipped, fmt.Sprintf("provider %q: no clientId in the config", c.ID))
			continue
		}
		out = append(out, p)
	}
	return out, skipped
}
