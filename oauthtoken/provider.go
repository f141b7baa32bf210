package oauthtoken

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
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
