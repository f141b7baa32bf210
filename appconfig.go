package betterauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// The document `betterauth config export` writes, and the Better Auth
// release this module is tested against.
const (
	// AppConfigFormat is the value of the document's "format" member.
	AppConfigFormat = "betterauth-go.config"
	// AppConfigVersion is the format version this loader reads. A document
	// of a higher version is refused (it was written by a newer exporter).
	AppConfigVersion = 1
	// KnownBetterAuthVersion is the Better Auth release the Go side is
	// tested against. A config exported from a newer release loads, with a
	// warning naming both versions.
	KnownBetterAuthVersion = "1.7.25"
	// maxAppConfigSize bounds what LoadConfig reads: a real export is a
	// few tens of KB.
	maxAppConfigSize = 16 << 20
)

// ErrAppConfig is matched (errors.Is) by every error of ParseConfig and
// LoadConfig about the document's content.
var ErrAppConfig = errors.New("betterauth: invalid app config")

// AppConfig is a Better Auth app's own configuration, as the app's
// installed better-auth resolves it, exported by `betterauth config
// export` (JSON, betterauth.config.json by default) and read by
// LoadConfig or ParseConfig. It is the one source from which the Go side
// derives its Schema, its Verifier's configuration and the server's, so
// that the Go service follows the app instead of hand-copied flags.
//
// The document is one JSON object; durations are seconds, as in Better
// Auth's options. Its members, with the Go fields that hold them:
//
//	format, formatVersion    "betterauth-go.config", 1 (Format, FormatVersion)
//	betterAuthVersion        the app's installed better-auth, e.g. "1.7.25"
//	authFile                 the auth module that was loaded, relative to the app
//	baseURL, dynamicBaseURL  the static baseURL option ("" when unset), and
//	                         whether it is a dynamic {allowedHosts} config
//	basePath                 "/api/auth" by default
//	trustedOrigins           the static trustedOrigins option; dynamicTrustedOrigins
//	                         when it is a function
//	secondaryStorage         whether secondaryStorage is set (never its client)
//	database                 {adapter, usePlural, generateId}
//	tables                   every table as Better Auth's getAuthTables resolves
//	                         it (core, plugins, additionalFields, renames), in
//	                         its order: [{model, modelName, tableName, fields:
//	                         [{name, fieldName, type, enum?, required, inputRequired,
//	                         unique, index, sortable, bigint, input, returned,
//	                         references?, defaultValue?, defaultIsFunction?,
//	                         hasValidator?, hasTransform?}]}]
//	cookies                  {prefix, useSecureCookies (null: derived),
//	                         crossSubDomainCookies {enabled, domain},
//	                         sessionTokenName, sessionDataName (custom names),
//	                         defaultAttributes, resolved: the names and
//	                         attributes Better Auth computed at export}
//	session                  {expiresIn, updateAge, freshAge,
//	                         disableSessionRefresh, storeSessionInDatabase,
//	                         preserveSessionInDatabase, deferSessionRefresh,
//	                         cookieCache {enabled, strategy, maxAge, version}}
//	verification             {storeInDatabase, storeIdentifier {default,
//	                         overrides [{prefix, option}]}}
//	account                  {encryptOAuthTokens, storeAccountCookie,
//	                         accountLinking {allowUnlinkingAll}}
//	user                     {deleteUser {enabled, sendDeleteAccountVerification,
//	                         deleteTokenExpiresIn}, changeEmail {enabled,
//	                         updateEmailWithoutVerification,
//	                         sendChangeEmailConfirmation} (absent: not enabled)}
//	emailAndPassword         {enabled, minPasswordLength, maxPasswordLength,
//	                         requireEmailVerification, disableSignUp,
//	                         autoSignIn, revokeSessionsOnPasswordReset,
//	                         resetPasswordTokenExpiresIn, customPasswordHash,
//	                         sendResetPassword}
//	emailVerification        {sendOnSignUp, sendOnSignIn, autoSignInAfterVerification,
//	                         expiresIn, sendVerificationEmail}
//	rateLimit                {enabled (null: on in production), window, max,
//	                         storage, customRules [{path, window, max,
//	                         disabled?, dynamic?}]}
//	socialProviders          provider ids only (never a client secret)
//	oauthProviders           [{id, type ("social" or "generic"), clientId,
//	                         tokenUrl, discoveryUrl, authentication, issuer,
//	                         tenantId, authority, accessTokenExpiresIn}]: what
//	                         a token refresh needs (never a client secret)
//	plugins                  [{id, version, options}]: the options the Go side
//	                         uses (see AdminOptions, OrganizationOptions, …)
//	warnings                 what the exporter did not understand or cannot
//	                         express, by option path (never a value)
//
// No secret is ever in it: not the auth secret, not a client secret, not a
// database URL or password. Function-valued options are left out with a
// warning; a field whose defaultValue is a function is marked
// defaultIsFunction. Members this loader does not know are ignored, so an
// older Go side reads a newer export of the same format version.
//
// ParseConfig checks the document and works out the Schema once; the
// methods then derive the rest. Warnings holds the exporter's warnings
// followed by the loader's (a Better Auth newer than KnownBetterAuthVersion,
// tables or plugins the Go side does not know, fields whose Better Auth
// definition differs from the Go side's).
type AppConfig struct {
	Format                string               `json:"format"`
	FormatVersion         int                  `json:"formatVersion"`
	BetterAuthVersion     string               `json:"betterAuthVersion"`
	AuthFile              string               `json:"authFile,omitempty"`
	BaseURL               string               `json:"baseURL,omitempty"`
	DynamicBaseURL        bool                 `json:"dynamicBaseURL,omitempty"`
	BasePath              string               `json:"basePath,omitempty"`
	TrustedOrigins        []string             `json:"trustedOrigins,omitempty"`
	DynamicTrustedOrigins bool                 `json:"dynamicTrustedOrigins,omitempty"`
	SecondaryStorage      bool                 `json:"secondaryStorage"`
	Database              AppDatabase          `json:"database"`
	Tables                []AppTable           `json:"tables"`
	Cookies               AppCookies           `json:"cookies"`
	Session               AppSession           `json:"session"`
	Verification          AppVerification      `json:"verification"`
	Account               AppAccount           `json:"account"`
	User                  AppUser              `json:"user"`
	EmailAndPassword      AppEmailAndPassword  `json:"emailAndPassword"`
	EmailVerification     AppEmailVerification `json:"emailVerification"`
	RateLimit             AppRateLimit         `json:"rateLimit"`
	SocialProviders       []string             `json:"socialProviders,omitempty"`
	OAuthProviders        []AppOAuthProvider   `json:"oauthProviders,omitempty"`
	Plugins               []AppPlugin          `json:"plugins"`
	Warnings              []string             `json:"warnings"`

	schema  Schema
	options map[string]any // decoded plugin options by Go plugin name
}

// Seconds is a duration in seconds, as Better Auth's options give them.
type Seconds int64

// Duration converts s to a time.Duration (saturating).
func (s Seconds) Duration() time.Duration {
	if s > Seconds(math.MaxInt64/int64(time.Second)) {
		return time.Duration(math.MaxInt64)
	}
	if s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// AppDatabase says how Better Auth reaches the database (never where).
type AppDatabase struct {
	// Adapter is the adapter id: "kysely" for a pool or Kysely instance
	// (Better Auth's own migrator), "drizzle", "prisma", "mongodb", ….
	Adapter string `json:"adapter,omitempty"`
	// UsePlural is the adapter's usePlural: tables named model + "s".
	UsePlural bool `json:"usePlural,omitempty"`
	// GenerateID is advanced.database.generateId: "" (Better Auth's
	// 32-character ids), "uuid", "serial", "false" or "function".
	GenerateID string `json:"generateId,omitempty"`
}

// AppTable is one table as Better Auth's getAuthTables resolves it.
type AppTable struct {
	// Model is the schema key ("user", "session", "organization", …).
	Model string `json:"model"`
	// ModelName is Better Auth's modelName (after a rename).
	ModelName string `json:"modelName"`
	// TableName is the table in the database: ModelName, plus "s" with
	// usePlural. Empty means ModelName.
	TableName string `json:"tableName,omitempty"`
	// DisableMigrations is the plugin's disableMigration.
	DisableMigrations bool `json:"disableMigrations,omitempty"`
	// Fields in Better Auth's order, without id.
	Fields []AppField `json:"fields"`
}

// AppField is one field of an AppTable (a DBFieldAttribute).
type AppField struct {
	// Name is the logical field name (the key in Better Auth's schema).
	Name string `json:"name"`
	// FieldName is the column (Better Auth's fieldName). Empty means Name.
	FieldName string `json:"fieldName,omitempty"`
	// Type is "string", "number", "boolean", "date", "json", "string[]"
	// or "number[]". A literal-union type (["a","b"]) is "string" with Enum.
	Type FieldType `json:"type"`
	// Enum lists the values of a literal-union type.
	Enum []string `json:"enum,omitempty"`
	// Required is Better Auth's `required !== false`: the column is NOT
	// NULL (an additionalField without `required` is NOT NULL too).
	Required bool `json:"required"`
	// InputRequired is `required === true`: Better Auth's sign-up refuses
	// a body without it (and without a default) with MISSING_FIELD.
	InputRequired bool `json:"inputRequired,omitempty"`
	Unique        bool `json:"unique,omitempty"`
	Index         bool `json:"index,omitempty"`
	Sortable      bool `json:"sortable,omitempty"`
	BigInt        bool `json:"bigint,omitempty"`
	// Input is false for input:false (clients may not set it); absent
	// means true.
	Input *bool `json:"input,omitempty"`
	// Returned is false for returned:false (never sent to clients);
	// absent means true.
	Returned   *bool         `json:"returned,omitempty"`
	References *AppReference `json:"references,omitempty"`
	// DefaultValue is a static defaultValue, as JSON; absent when there is
	// none or it is a function.
	DefaultValue json.RawMessage `json:"defaultValue,omitempty"`
	// DefaultIsFunction marks a defaultValue that is a function (Better
	// Auth calls it on every create; for a date it is "now").
	DefaultIsFunction bool `json:"defaultIsFunction,omitempty"`
	// HasValidator and HasTransform mark input validators or transforms
	// that only Better Auth runs.
	HasValidator bool `json:"hasValidator,omitempty"`
	HasTransform bool `json:"hasTransform,omitempty"`
}

// AppReference is a field's foreign key.
type AppReference struct {
	Model    string `json:"model"`
	Field    string `json:"field"`
	OnDelete string `json:"onDelete,omitempty"`
}

// AppCookies is Better Auth's cookie configuration (advanced.*).
type AppCookies struct {
	// Prefix is advanced.cookiePrefix; empty means "better-auth".
	Prefix string `json:"prefix,omitempty"`
	// UseSecureCookies is advanced.useSecureCookies; nil means derived
	// from the base URL's scheme (and NODE_ENV), as CookieConfig.Secure.
	UseSecureCookies *bool `json:"useSecureCookies"`
	// CrossSubDomainCookies is advanced.crossSubDomainCookies.
	CrossSubDomainCookies struct {
		Enabled bool   `json:"enabled"`
		Domain  string `json:"domain,omitempty"`
	} `json:"crossSubDomainCookies"`
	// SessionTokenName and SessionDataName are
	// advanced.cookies.session_token.name and .session_data.name.
	SessionTokenName string `json:"sessionTokenName,omitempty"`
	SessionDataName  string `json:"sessionDataName,omitempty"`
	// DefaultAttributes is advanced.defaultCookieAttributes (JSON values).
	DefaultAttributes map[string]any `json:"defaultAttributes,omitempty"`
	// Resolved is what Better Auth computed at export: names and
	// attributes of sessionToken, sessionData, dontRememberToken. The
	// __Secure- prefix in it reflects the exporting environment's base
	// URL; the Go side derives its own from UseSecureCookies and its base
	// URL, as Better Auth does at run time.
	Resolved map[string]AppCookie `json:"resolved,omitempty"`
}

// AppCookie is one cookie's name and attributes as Better Auth resolved it.
type AppCookie struct {
	Name       string         `json:"name"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// AppSession is Better Auth's session configuration.
type AppSession struct {
	ExpiresIn                 Seconds `json:"expiresIn"`
	UpdateAge                 Seconds `json:"updateAge"`
	FreshAge                  Seconds `json:"freshAge"`
	DisableSessionRefresh     bool    `json:"disableSessionRefresh,omitempty"`
	StoreSessionInDatabase    bool    `json:"storeSessionInDatabase,omitempty"`
	PreserveSessionInDatabase bool    `json:"preserveSessionInDatabase,omitempty"`
	// DeferSessionRefresh is session.deferSessionRefresh: GET get-session
	// does not write, POST get-session refreshes.
	DeferSessionRefresh bool `json:"deferSessionRefresh,omitempty"`
	CookieCache         struct {
		Enabled  bool    `json:"enabled"`
		Strategy string  `json:"strategy,omitempty"`
		MaxAge   Seconds `json:"maxAge,omitempty"`
		Version  string  `json:"version,omitempty"`
	} `json:"cookieCache"`
}

// AppVerification is Better Auth's verification configuration.
type AppVerification struct {
	// StoreInDatabase is verification.storeInDatabase: with
	// secondaryStorage, also keep verification rows in SQL.
	StoreInDatabase bool `json:"storeInDatabase,omitempty"`
	// StoreIdentifier is verification.storeIdentifier.
	StoreIdentifier AppStoreIdentifier `json:"storeIdentifier"`
}

// AppStoreIdentifier is how verification identifiers are stored:
// "plain" (default) or "hashed" ("custom" for a hash function only Better
// Auth can run), per identifier prefix.
type AppStoreIdentifier struct {
	Default   string                       `json:"default,omitempty"`
	Overrides []AppStoreIdentifierOverride `json:"overrides,omitempty"`
}

// AppStoreIdentifierOverride applies Option to identifiers starting with
// Prefix; the first match wins, as in Better Auth.
type AppStoreIdentifierOverride struct {
	Prefix string `json:"prefix"`
	Option string `json:"option"`
}

// For returns the storage option of an identifier: "plain", "hashed" or
// "custom".
func (s AppStoreIdentifier) For(identifier string) string {
	for _, o := range s.Overrides {
		if strings.HasPrefix(identifier, o.Prefix) {
			return o.Option
		}
	}
	if s.Default == "" {
		return "plain"
	}
	return s.Default
}

// AppAccount is Better Auth's account configuration.
type AppAccount struct {
	// EncryptOAuthTokens is account.encryptOAuthTokens: access and refresh
	// tokens are stored encrypted with the secret.
	EncryptOAuthTokens bool `json:"encryptOAuthTokens,omitempty"`
	// StoreAccountCookie is account.storeAccountCookie: Better Auth keeps
	// the OAuth account in the account_data cookie.
	StoreAccountCookie bool `json:"storeAccountCookie,omitempty"`
	AccountLinking     struct {
		// AllowUnlinkingAll is accountLinking.allowUnlinkingAll:
		// unlink-account may remove a user's last account.
		AllowUnlinkingAll bool `json:"allowUnlinkingAll,omitempty"`
	} `json:"accountLinking"`
}

// AppOAuthProvider is a social provider (socialProviders) or a
// generic-oauth provider of the app, as far as refreshing its tokens
// needs: never its client secret, which the Go side reads from
// <PROVIDERID>_CLIENT_SECRET (oauthtoken.FromConfig).
type AppOAuthProvider struct {
	ID string `json:"id"`
	// Type is "social" (Better Auth's built-in providers) or "generic"
	// (the generic-oauth plugin).
	Type     string `json:"type"`
	ClientID string `json:"clientId,omitempty"`
	// TokenURL is generic-oauth's tokenUrl, or the token_endpoint of its
	// discoveryUrl as the exporter read it.
	TokenURL     string `json:"tokenUrl,omitempty"`
	DiscoveryURL string `json:"discoveryUrl,omitempty"`
	// Authentication is generic-oauth's "basic" or "post" (default).
	Authentication string `json:"authentication,omitempty"`
	// Issuer is gitlab's self-hosted issuer; TenantID and Authority are
	// microsoft's.
	Issuer    string `json:"issuer,omitempty"`
	TenantID  string `json:"tenantId,omitempty"`
	Authority string `json:"authority,omitempty"`
	// AccessTokenExpiresIn is generic-oauth's lifetime assumed when a
	// token answer has no expires_in.
	AccessTokenExpiresIn Seconds `json:"accessTokenExpiresIn,omitempty"`
}

// AppDeleteUser is user.deleteUser. Its beforeDelete and afterDelete are
// functions only Better Auth runs.
type AppDeleteUser struct {
	Enabled bool `json:"enabled,omitempty"`
	// SendDeleteAccountVerification: the app mails a confirmation link
	// before deleting.
	SendDeleteAccountVerification bool `json:"sendDeleteAccountVerification,omitempty"`
	// DeleteTokenExpiresIn is the link's lifetime (1 day when unset).
	DeleteTokenExpiresIn Seconds `json:"deleteTokenExpiresIn,omitempty"`
}

// AppEmailAndPassword is Better Auth's emailAndPassword configuration.
type AppEmailAndPassword struct {
	Enabled                       bool    `json:"enabled"`
	MinPasswordLength             int     `json:"minPasswordLength"`
	MaxPasswordLength             int     `json:"maxPasswordLength"`
	RequireEmailVerification      bool    `json:"requireEmailVerification,omitempty"`
	DisableSignUp                 bool    `json:"disableSignUp,omitempty"`
	AutoSignIn                    bool    `json:"autoSignIn"`
	RevokeSessionsOnPasswordReset bool    `json:"revokeSessionsOnPasswordReset,omitempty"`
	ResetPasswordTokenExpiresIn   Seconds `json:"resetPasswordTokenExpiresIn,omitempty"`
	// CustomPasswordHash: password.hash/verify are the app's own, so Go's
	// scrypt hashes do not match them.
	CustomPasswordHash bool `json:"customPasswordHash,omitempty"`
	// SendResetPassword: the app sends reset emails.
	SendResetPassword bool `json:"sendResetPassword,omitempty"`
}

// AppEmailVerification is Better Auth's emailVerification configuration.
type AppEmailVerification struct {
	// SendOnSignUp is nil when the app leaves it unset (Better Auth then
	// follows requireEmailVerification).
	SendOnSignUp                *bool   `json:"sendOnSignUp,omitempty"`
	SendOnSignIn                bool    `json:"sendOnSignIn,omitempty"`
	AutoSignInAfterVerification bool    `json:"autoSignInAfterVerification,omitempty"`
	ExpiresIn                   Seconds `json:"expiresIn,omitempty"`
	SendVerificationEmail       bool    `json:"sendVerificationEmail,omitempty"`
}

// AppUser is Better Auth's user configuration, as far as the Go side
// serves it (the schema parts are in Tables).
type AppUser struct {
	DeleteUser  AppDeleteUser  `json:"deleteUser"`
	ChangeEmail AppChangeEmail `json:"changeEmail"`
}

// AppChangeEmail is Better Auth's user.changeEmail configuration.
type AppChangeEmail struct {
	Enabled                        bool `json:"enabled,omitempty"`
	UpdateEmailWithoutVerification bool `json:"updateEmailWithoutVerification,omitempty"`
	// SendChangeEmailConfirmation: the app mails a confirmation to the
	// current address first.
	SendChangeEmailConfirmation bool `json:"sendChangeEmailConfirmation,omitempty"`
}

// AppRateLimit is Better Auth's rateLimit configuration.
type AppRateLimit struct {
	// Enabled is rateLimit.enabled; nil means Better Auth's default (on
	// when NODE_ENV=production).
	Enabled *bool   `json:"enabled"`
	Window  Seconds `json:"window,omitempty"`
	Max     int     `json:"max,omitempty"`
	// Storage is "memory", "database" or "secondary-storage".
	Storage string `json:"storage,omitempty"`
	// CustomRules in the app's order; Better Auth applies the first whose
	// path matches (exactly, or as a wildcard pattern when it holds "*").
	CustomRules []AppRateRule `json:"customRules,omitempty"`
}

// AppRateRule is one rateLimit.customRules entry: a window (seconds) and
// the requests allowed in it, or Disabled (the app's `false`), or Dynamic
// (a function only Better Auth can run).
type AppRateRule struct {
	Path     string  `json:"path"`
	Window   Seconds `json:"window,omitempty"`
	Max      int     `json:"max,omitempty"`
	Disabled bool    `json:"disabled,omitempty"`
	Dynamic  bool    `json:"dynamic,omitempty"`
}

// AppPlugin is one Better Auth plugin: its id ("admin", "organization",
// "two-factor", "bearer", "jwt", "username", "api-key", …) and the options
// the Go side uses.
type AppPlugin struct {
	ID      string          `json:"id"`
	Version string          `json:"version,omitempty"`
	Options json.RawMessage `json:"options,omitempty"`
}

// Statements is an access-control statement set: resource → actions.
type Statements map[string][]string

// AdminOptions are the admin plugin's options (defaults filled in).
type AdminOptions struct {
	DefaultRole  string   `json:"defaultRole"`
	AdminRoles   []string `json:"adminRoles"`
	AdminUserIDs []string `json:"adminUserIds,omitempty"`
	// Roles by name with their statements; nil means Better Auth's
	// default roles (admin, user).
	Roles                        map[string]Statements `json:"roles,omitempty"`
	ImpersonationSessionDuration Seconds               `json:"impersonationSessionDuration,omitempty"`
	AllowImpersonatingAdmins     bool                  `json:"allowImpersonatingAdmins,omitempty"`
	DefaultBanReason             string                `json:"defaultBanReason,omitempty"`
	DefaultBanExpiresIn          Seconds               `json:"defaultBanExpiresIn,omitempty"`
	BannedUserMessage            string                `json:"bannedUserMessage,omitempty"`
}

// OrganizationOptions are the organization plugin's options.
type OrganizationOptions struct {
	Teams struct {
		Enabled               bool `json:"enabled"`
		MaximumTeams          int  `json:"maximumTeams,omitempty"`
		AllowRemovingAllTeams bool `json:"allowRemovingAllTeams,omitempty"`
		DefaultTeam           struct {
			Enabled bool `json:"enabled"`
		} `json:"defaultTeam"`
	} `json:"teams"`
	// Roles by name with their statements; nil means Better Auth's
	// default roles (owner, admin, member).
	Roles map[string]Statements `json:"roles,omitempty"`
	// AccessControl is ac.statements: every resource and its actions.
	AccessControl                        Statements `json:"ac,omitempty"`
	CreatorRole                          string     `json:"creatorRole,omitempty"`
	MembershipLimit                      int        `json:"membershipLimit,omitempty"`
	OrganizationLimit                    int        `json:"organizationLimit,omitempty"`
	InvitationExpiresIn                  Seconds    `json:"invitationExpiresIn,omitempty"`
	InvitationLimit                      int        `json:"invitationLimit,omitempty"`
	AllowUserToCreateOrganization        *bool      `json:"allowUserToCreateOrganization,omitempty"`
	RequireEmailVerificationOnInvitation bool       `json:"requireEmailVerificationOnInvitation,omitempty"`
	CancelPendingInvitationsOnReInvite   bool       `json:"cancelPendingInvitationsOnReInvite,omitempty"`
	DynamicAccessControl                 struct {
		Enabled bool `json:"enabled"`
	} `json:"dynamicAccessControl"`
}

// TwoFactorOptions are the two-factor plugin's options.
type TwoFactorOptions struct {
	Issuer                   string  `json:"issuer,omitempty"`
	SkipVerificationOnEnable bool    `json:"skipVerificationOnEnable,omitempty"`
	TwoFactorCookieMaxAge    Seconds `json:"twoFactorCookieMaxAge,omitempty"`
	TrustDeviceMaxAge        Seconds `json:"trustDeviceMaxAge,omitempty"`
	AllowPasswordless        bool    `json:"allowPasswordless,omitempty"`
	// AccountLockout is accountLockout (Better Auth 1.7.25: on, 10
	// failures, 900 seconds).
	AccountLockout struct {
		Enabled           *bool   `json:"enabled,omitempty"`
		MaxFailedAttempts int     `json:"maxFailedAttempts,omitempty"`
		DurationSeconds   Seconds `json:"durationSeconds,omitempty"`
	} `json:"accountLockout"`
	TOTP struct {
		Digits  int     `json:"digits,omitempty"`
		Period  Seconds `json:"period,omitempty"`
		Disable bool    `json:"disable,omitempty"`
	} `json:"totpOptions"`
	OTP struct {
		// Period is in minutes, as Better Auth's otpOptions.period is.
		Period          Seconds `json:"period,omitempty"`
		Digits          int     `json:"digits,omitempty"`
		AllowedAttempts int     `json:"allowedAttempts,omitempty"`
		StoreOTP        string  `json:"storeOTP,omitempty"`
	} `json:"otpOptions"`
	BackupCodes struct {
		Amount           int    `json:"amount,omitempty"`
		Length           int    `json:"length,omitempty"`
		StoreBackupCodes string `json:"storeBackupCodes,omitempty"`
	} `json:"backupCodeOptions"`
}

// BearerOptions are the bearer plugin's options.
type BearerOptions struct {
	// RequireSignature: only signed tokens (Better Auth's default is to
	// accept raw ones too).
	RequireSignature bool `json:"requireSignature"`
}

// JWTOptions are the jwt plugin's options.
type JWTOptions struct {
	JWKS struct {
		KeyPairConfig struct {
			Alg string `json:"alg,omitempty"`
			Crv string `json:"crv,omitempty"`
		} `json:"keyPairConfig"`
		DisablePrivateKeyEncryption bool    `json:"disablePrivateKeyEncryption,omitempty"`
		RemoteURL                   string  `json:"remoteUrl,omitempty"`
		JWKSPath                    string  `json:"jwksPath,omitempty"`
		RotationInterval            Seconds `json:"rotationInterval,omitempty"`
		GracePeriod                 Seconds `json:"gracePeriod,omitempty"`
	} `json:"jwks"`
	JWT struct {
		Issuer string `json:"issuer,omitempty"`
		// Audience is one or more audiences.
		Audience       []string `json:"audience,omitempty"`
		ExpirationTime string   `json:"expirationTime,omitempty"`
	} `json:"jwt"`
	DisableSettingJWTHeader bool `json:"disableSettingJwtHeader,omitempty"`
	// SessionCookieCache signs the session_data cookie cache with the
	// jwks keys (needs session.cookieCache.strategy "jwt").
	SessionCookieCache bool `json:"sessionCookieCache,omitempty"`
}

// APIKeyOptions are the api-key plugin's options.
type APIKeyOptions struct {
	APIKeyHeaders        []string `json:"apiKeyHeaders,omitempty"`
	DefaultPrefix        string   `json:"defaultPrefix,omitempty"`
	DefaultKeyLength     int      `json:"defaultKeyLength,omitempty"`
	EnableMetadata       bool     `json:"enableMetadata,omitempty"`
	DisableKeyHashing    bool     `json:"disableKeyHashing,omitempty"`
	EnableSessionForKeys bool     `json:"enableSessionForAPIKeys,omitempty"`
}

// UsernameOptions are the username plugin's options (defaults filled in).
type UsernameOptions struct {
	MinUsernameLength int `json:"minUsernameLength"`
	MaxUsernameLength int `json:"maxUsernameLength"`
}

// pluginIDs maps Better Auth plugin ids to the Go side's plugin names.
var pluginIDs = map[string]Plugin{
	"admin":        PluginAdmin,
	"organization": PluginOrganization,
	"jwt":          PluginJWT,
	"username":     PluginUsername,
	"two-factor":   PluginTwoFactor,
	"api-key":      PluginAPIKey,
	"bearer":       PluginBearer,
}

// PluginFromID returns the Go plugin name of a Better Auth plugin id
// ("two-factor" → PluginTwoFactor), and false for a plugin the Go side
// does not know.
func PluginFromID(id string) (Plugin, bool) {
	p, ok := pluginIDs[id]
	return p, ok
}

// LoadConfig reads and parses an exported app config (see AppConfig).
// Errors name the file but never quote its content.
func LoadConfig(path string) (*AppConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("betterauth: read app config: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxAppConfigSize+1)); err != nil {
		return nil, fmt.Errorf("betterauth: read app config %s: %w", path, err)
	}
	if buf.Len() > maxAppConfigSize {
		return nil, fmt.Errorf("%w: %s is larger than %d MB", ErrAppConfig, path, maxAppConfigSize>>20)
	}
	c, err := ParseConfig(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses an exported app config, checks it and works out its
// Schema. Bad input gives an error that matches ErrAppConfig, never a
// panic.
func ParseConfig(data []byte) (*AppConfig, error) {
	if len(data) > maxAppConfigSize {
		return nil, fmt.Errorf("%w: larger than %d MB", ErrAppConfig, maxAppConfigSize>>20)
	}
	var c AppConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: not a betterauth config export: %s", ErrAppConfig, jsonErrorText(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrAppConfig)
	}
	if c.Format != AppConfigFormat {
		return nil, fmt.Errorf("%w: \"format\" is not %q (write it with `betterauth config export`)", ErrAppConfig, AppConfigFormat)
	}
	if c.FormatVersion < 1 {
		return nil, fmt.Errorf("%w: \"formatVersion\" is missing", ErrAppConfig)
	}
	if c.FormatVersion > AppConfigVersion {
		return nil, fmt.Errorf("%w: format version %d is newer than this betterauth reads (%d); upgrade betterauth-go", ErrAppConfig, c.FormatVersion, AppConfigVersion)
	}
	if w := versionWarning(c.BetterAuthVersion); w != "" {
		c.Warnings = append(c.Warnings, w)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.decodePlugins(); err != nil {
		return nil, err
	}
	if err := c.deriveSchema(); err != nil {
		return nil, err
	}
	c.Warnings = dedupe(c.Warnings)
	return &c, nil
}

func jsonErrorText(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%q has the wrong type (%s, want %s)", typ.Field, typ.Value, typ.Type)
		}
		return fmt.Sprintf("wrong JSON type (%s, want %s)", typ.Value, typ.Type)
	}
	return "invalid JSON"
}

// versionWarning compares a Better Auth version with the one the Go side
// knows.
func versionWarning(v string) string {
	if v == "" {
		return "the config does not say which Better Auth version exported it; the Go side assumes " + KnownBetterAuthVersion
	}
	got, ok := parseVersion(v)
	known, _ := parseVersion(KnownBetterAuthVersion)
	switch {
	case !ok:
		return fmt.Sprintf("the config was exported from Better Auth %q, which is not a version this betterauth-go understands (it knows %s)", v, KnownBetterAuthVersion)
	case compareVersions(got, known) > 0 && (got[0] != known[0] || got[1] != known[1]):
		return fmt.Sprintf("the config was exported from Better Auth %s, newer than the %d.%d line this betterauth-go knows (%s): check the result with `betterauth doctor --config` before relying on it", v, known[0], known[1], KnownBetterAuthVersion)
	case compareVersions(got, known) > 0:
		return fmt.Sprintf("the config was exported from Better Auth %s, newer than the %s this betterauth-go is tested against", v, KnownBetterAuthVersion)
	case got[0] != known[0] || got[1] != known[1]:
		return fmt.Sprintf("the config was exported from Better Auth %s, older than the %d.%d line this betterauth-go knows (%s)", v, known[0], known[1], KnownBetterAuthVersion)
	}
	return ""
}

// parseVersion reads "1.7.25" (a pre-release or build suffix is ignored).
func parseVersion(v string) ([3]int, bool) {
	var out [3]int
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 6 {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func compareVersions(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// check validates the values the derivations rely on.
func (c *AppConfig) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrAppConfig, fmt.Sprintf(format, args...))
	}
	if c.BasePath != "" && !strings.HasPrefix(c.BasePath, "/") {
		return bad("basePath %q does not start with /", clip(c.BasePath))
	}
	for _, d := range []struct {
		name string
		v    Seconds
	}{
		{"session.expiresIn", c.Session.ExpiresIn}, {"session.updateAge", c.Session.UpdateAge},
		{"session.freshAge", c.Session.FreshAge}, {"session.cookieCache.maxAge", c.Session.CookieCache.MaxAge},
		{"rateLimit.window", c.RateLimit.Window}, {"emailAndPassword.resetPasswordTokenExpiresIn", c.EmailAndPassword.ResetPasswordTokenExpiresIn},
	} {
		if d.v < 0 {
			return bad("%s is negative", d.name)
		}
	}
	switch c.Session.CookieCache.Strategy {
	case "", "compact", "jwt", "jwe":
	default:
		return bad("session.cookieCache.strategy %q is not compact, jwt or jwe", clip(c.Session.CookieCache.Strategy))
	}
	ep := c.EmailAndPassword
	if ep.MinPasswordLength < 0 || ep.MaxPasswordLength < 0 || (ep.MaxPasswordLength > 0 && ep.MinPasswordLength > ep.MaxPasswordLength) {
		return bad("emailAndPassword password lengths %d–%d are not a range", ep.MinPasswordLength, ep.MaxPasswordLength)
	}
	for _, o := range append([]AppStoreIdentifierOverride{{Option: c.Verification.StoreIdentifier.Default}}, c.Verification.StoreIdentifier.Overrides...) {
		switch o.Option {
		case "", "plain", "hashed", "custom":
		default:
			return bad("verification.storeIdentifier %q is not plain, hashed or custom", clip(o.Option))
		}
	}
	for _, r := range c.RateLimit.CustomRules {
		if r.Window < 0 || r.Max < 0 {
			return bad("rateLimit.customRules[%q] is negative", clip(r.Path))
		}
	}
	if c.Cookies.Prefix != "" && !isToken(c.Cookies.Prefix) {
		return bad("cookies.prefix is not a cookie-name token")
	}
	for _, n := range []string{c.Cookies.SessionTokenName, c.Cookies.SessionDataName} {
		if n != "" && !isToken(n) {
			return bad("a custom cookie name is not a cookie-name token")
		}
	}
	seenPlugin := map[string]bool{}
	for _, p := range c.Plugins {
		if p.ID == "" {
			return bad("a plugin has no id")
		}
		if seenPlugin[p.ID] {
			return bad("plugin %q is listed twice", clip(p.ID))
		}
		seenPlugin[p.ID] = true
	}
	seenModel := map[string]bool{}
	for _, t := range c.Tables {
		if t.Model == "" {
			return bad("a table has no model")
		}
		if seenModel[t.Model] {
			return bad("table %q is listed twice", clip(t.Model))
		}
		seenModel[t.Model] = true
		seenField := map[string]bool{}
		for _, f := range t.Fields {
			if f.Name == "" {
				return bad("%s: a field has no name", clip(t.Model))
			}
			if seenField[f.Name] {
				return bad("%s.%s is listed twice", clip(t.Model), clip(f.Name))
			}
			seenField[f.Name] = true
		}
	}
	return nil
}

// isToken reports whether s is an RFC 6265 cookie-name token.
func isToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", b) >= 0 {
			return false
		}
	}
	return true
}

// clip keeps a value from the document short in an error message.
func clip(s string) string {
	const n = 64
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

func (c *AppConfig) decodePlugins() error {
	c.options = map[string]any{}
	for _, p := range c.Plugins {
		gp, known := pluginIDs[p.ID]
		if !known {
			c.Warnings = append(c.Warnings, fmt.Sprintf("plugin %q is not known to the Go side: its routes are not served and its tables are not checked", clip(p.ID)))
			continue
		}
		var v any
		switch gp {
		case PluginAdmin:
			o := &AdminOptions{DefaultRole: "user", AdminRoles: []string{"admin"}}
			v = o
		case PluginOrganization:
			v = &OrganizationOptions{CreatorRole: "owner"}
		case PluginTwoFactor:
			v = &TwoFactorOptions{}
		case PluginBearer:
			v = &BearerOptions{}
		case PluginJWT:
			v = &JWTOptions{}
		case PluginAPIKey:
			v = &APIKeyOptions{}
		case PluginUsername:
			v = &UsernameOptions{MinUsernameLength: 3, MaxUsernameLength: 30}
		}
		if len(p.Options) > 0 && string(p.Options) != "null" {
			if err := json.Unmarshal(p.Options, v); err != nil {
				return fmt.Errorf("%w: plugin %s options: %s", ErrAppConfig, p.ID, jsonErrorText(err))
			}
		}
		c.options[string(gp)] = v
	}
	if u, ok := c.options[string(PluginUsername)].(*UsernameOptions); ok && (u.MinUsernameLength < 0 || u.MaxUsernameLength < u.MinUsernameLength) {
		return fmt.Errorf("%w: username lengths %d–%d are not a range", ErrAppConfig, u.MinUsernameLength, u.MaxUsernameLength)
	}
	return nil
}

// deriveSchema works out the Go Schema from the tables Better Auth
// resolved, and warns where the two sides disagree.
func (c *AppConfig) deriveSchema() error {
	s := Schema{UsePlural: c.Database.UsePlural}
	for _, p := range c.Plugins {
		if gp, ok := pluginIDs[p.ID]; ok {
			s.Plugins = append(s.Plugins, gp)
		}
	}
	if c.Table(ModelTeam) != nil {
		s.Teams = true
	}
	if org, ok := c.options[string(PluginOrganization)].(*OrganizationOptions); ok && org.Teams.Enabled {
		s.Teams = true
	}
	if c.Table(ModelOrganizationRole) != nil {
		s.DynamicAccessControl = true
	}
	builtin, err := Schema{Plugins: s.Plugins, Teams: s.Teams, DynamicAccessControl: s.DynamicAccessControl}.Resolve()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrAppConfig, err)
	}
	s.Tables = map[string]TableConfig{}
	for _, bt := range builtin.Tables {
		if c.Table(bt.Model) != nil || (bt.Model == ModelSession && !c.SessionsInDatabase()) || (bt.Model == ModelVerification && !c.VerificationInDatabase()) {
			continue
		}
		if len(c.Tables) > 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("table %s: the Go side expects it, and Better Auth %s does not define it for this app", bt.Model, c.BetterAuthVersion))
		}
	}
	for _, t := range c.Tables {
		bt := builtin.Table(t.Model)
		if bt == nil {
			where := "its plugin is not enabled on the Go side"
			if _, known := builtinFieldNames[t.Model]; !known {
				where = "it is not known to the Go side"
			}
			c.Warnings = append(c.Warnings, fmt.Sprintf("table %q (model %s): %s, so it is neither checked nor migrated", clip(t.tableName(c.Database.UsePlural)), clip(t.Model), where))
			continue
		}
		var cfg TableConfig
		if t.ModelName != "" && t.ModelName != t.Model {
			cfg.Name = t.tableName(c.Database.UsePlural)
		} else if t.TableName != "" && t.TableName != t.tableName(c.Database.UsePlural) {
			cfg.Name = t.TableName
		}
		seen := map[string]bool{"id": true}
		for _, f := range t.Fields {
			seen[f.Name] = true
			if f.Name == "id" {
				continue
			}
			if bf, ok := bt.Field(f.Name); ok {
				if f.FieldName != "" && f.FieldName != f.Name {
					if cfg.Fields == nil {
						cfg.Fields = map[string]string{}
					}
					cfg.Fields[f.Name] = f.FieldName
				}
				if d := fieldDifference(bf, f); d != "" {
					c.Warnings = append(c.Warnings, fmt.Sprintf("%s.%s: Better Auth %s %s; the Go side keeps its own definition", t.Model, f.Name, c.BetterAuthVersion, d))
				}
				continue
			}
			af, err := f.toField()
			if err != nil {
				return fmt.Errorf("%w: %s.%s: %v", ErrAppConfig, clip(t.Model), clip(f.Name), err)
			}
			if f.HasValidator || f.HasTransform {
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s.%s has an input validator or transform that only Better Auth runs", t.Model, f.Name))
			}
			cfg.AdditionalFields = append(cfg.AdditionalFields, af)
		}
		for _, bf := range bt.Fields {
			if !seen[bf.Name] {
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s.%s: the Go side expects this field, which Better Auth %s does not define", t.Model, bf.Name, c.BetterAuthVersion))
			}
		}
		if cfg.Name != "" || cfg.Fields != nil || cfg.AdditionalFields != nil {
			s.Tables[t.Model] = cfg
		}
	}
	if len(s.Tables) == 0 {
		s.Tables = nil
	}
	if _, err := s.Resolve(); err != nil {
		return fmt.Errorf("%w: %v", ErrAppConfig, err)
	}
	if c.Database.Adapter != "" && c.Database.Adapter != "kysely" {
		c.Warnings = append(c.Warnings, fmt.Sprintf("database adapter %q: the column names are its schema's; when it maps them (snake_case), the Go side needs betterauth.CasingSnake", clip(c.Database.Adapter)))
	}
	switch c.Database.GenerateID {
	case "", "default":
	default:
		c.Warnings = append(c.Warnings, fmt.Sprintf("advanced.database.generateId is %q: the Go side writes Better Auth's default 32-character ids", clip(c.Database.GenerateID)))
	}
	c.schema = s
	return nil
}

func (t AppTable) tableName(plural bool) string {
	name := t.ModelName
	if name == "" {
		name = t.Model
	}
	if plural {
		return name + "s"
	}
	return name
}

// fieldDifference describes how Better Auth's definition of a built-in
// field differs from the Go side's, in the respects that change SQL.
func fieldDifference(g Field, f AppField) string {
	var d []string
	if g.Type != f.Type && !(len(f.Enum) > 0 && g.Type == TypeString) {
		d = append(d, fmt.Sprintf("types it %s (Go: %s)", clip(string(f.Type)), g.Type))
	}
	if g.Required != f.Required {
		d = append(d, fmt.Sprintf("has required=%t (Go: %t)", f.Required, g.Required))
	}
	if g.Unique != f.Unique {
		d = append(d, fmt.Sprintf("has unique=%t (Go: %t)", f.Unique, g.Unique))
	}
	if (g.References == nil) != (f.References == nil) || (g.References != nil && f.References != nil && g.References.Model != f.References.Model) {
		d = append(d, "references another model")
	}
	return strings.Join(d, ", ")
}

// toField converts an additional field.
func (f AppField) toField() (Field, error) {
	out := Field{
		Name: f.Name, Type: f.Type, Required: f.Required, Unique: f.Unique, Index: f.Index,
		Sortable: f.Sortable, BigInt: f.BigInt,
		NoInput:     f.Input != nil && !*f.Input,
		NotReturned: f.Returned != nil && !*f.Returned,
	}
	if f.FieldName != "" && f.FieldName != f.Name {
		out.Column = f.FieldName
	}
	if len(f.Enum) > 0 && f.Type == "" {
		out.Type = TypeString
	}
	if !out.Type.valid() {
		return Field{}, fmt.Errorf("unknown type %q", clip(string(f.Type)))
	}
	if f.References != nil {
		onDelete := f.References.OnDelete
		switch onDelete {
		case "":
			onDelete = "cascade"
		case "cascade", "set null", "restrict", "no action", "set default":
		default:
			return Field{}, fmt.Errorf("references: onDelete %q is not a referential action", clip(onDelete))
		}
		field := f.References.Field
		if field == "" {
			field = "id"
		}
		out.References = &Reference{Model: f.References.Model, Field: field, OnDelete: onDelete}
	}
	if f.DefaultIsFunction {
		if out.Type == TypeDate {
			out.DefaultNow = true
		}
	} else if len(f.DefaultValue) > 0 {
		v, err := decodeDefault(f.DefaultValue)
		if err != nil {
			return Field{}, err
		}
		out.Default = v
	}
	return out, nil
}

// decodeDefault turns a JSON default into the Go value the stores write:
// integral numbers as int64, other numbers as float64.
func decodeDefault(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("defaultValue: %s", jsonErrorText(err))
	}
	return normalizeNumbers(v), nil
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normalizeNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalizeNumbers(x[k])
		}
	}
	return v
}

// Table returns the exported table of a model, or nil.
func (c *AppConfig) Table(model string) *AppTable {
	for i := range c.Tables {
		if c.Tables[i].Model == model {
			return &c.Tables[i]
		}
	}
	return nil
}

// Schema returns the Go schema of the app's tables: its plugins (those the
// Go side knows), teams, usePlural, table and column renames and
// additional fields with their Default, NoInput, NotReturned, Required,
// Unique and References. Each call returns a fresh copy.
func (c *AppConfig) Schema() Schema {
	s := c.schema
	s.Plugins = append([]Plugin(nil), s.Plugins...)
	if s.Tables != nil {
		tables := make(map[string]TableConfig, len(s.Tables))
		for k, t := range s.Tables {
			if t.Fields != nil {
				fields := make(map[string]string, len(t.Fields))
				for f, col := range t.Fields {
					fields[f] = col
				}
				t.Fields = fields
			}
			t.AdditionalFields = append([]Field(nil), t.AdditionalFields...)
			tables[k] = t
		}
		s.Tables = tables
	}
	return s
}

// HasPlugin reports whether the app uses a plugin, by Better Auth id
// ("two-factor") or Go name ("twoFactor").
func (c *AppConfig) HasPlugin(name string) bool {
	for _, p := range c.Plugins {
		if p.ID == name || string(pluginIDs[p.ID]) == name {
			return true
		}
	}
	return false
}

// SessionsInDatabase reports whether Better Auth keeps sessions in the
// session table: without secondaryStorage, or with
// session.storeSessionInDatabase.
func (c *AppConfig) SessionsInDatabase() bool {
	return !c.SecondaryStorage || c.Session.StoreSessionInDatabase
}

// VerificationInDatabase reports whether Better Auth keeps verification
// values in the verification table: without secondaryStorage, or with
// verification.storeInDatabase.
func (c *AppConfig) VerificationInDatabase() bool {
	return !c.SecondaryStorage || c.Verification.StoreInDatabase
}

// CookieConfig returns the Verifier's cookie names: the app's prefix,
// custom names and useSecureCookies.
func (c *AppConfig) CookieConfig() CookieConfig {
	cc := CookieConfig{Prefix: c.Cookies.Prefix, SessionTokenName: c.Cookies.SessionTokenName, SessionDataName: c.Cookies.SessionDataName}
	if c.Cookies.UseSecureCookies != nil {
		v := *c.Cookies.UseSecureCookies
		cc.Secure = &v
	}
	return cc
}

// CookieDomain is the Domain of the cookies Better Auth sets: the
// crossSubDomainCookies domain when they are enabled, else "" (host-only).
// With crossSubDomainCookies enabled and no domain, Better Auth uses the
// base URL's host; so does this.
func (c *AppConfig) CookieDomain() string {
	x := c.Cookies.CrossSubDomainCookies
	if !x.Enabled {
		return ""
	}
	if x.Domain != "" {
		return strings.TrimPrefix(x.Domain, ".")
	}
	if u := c.BaseURL; u != "" {
		if i := strings.Index(u, "://"); i >= 0 {
			host := u[i+3:]
			if j := strings.IndexAny(host, "/:"); j >= 0 {
				host = host[:j]
			}
			return host
		}
	}
	return ""
}

// SessionExpiresIn is session.expiresIn (7 days when unset).
func (c *AppConfig) SessionExpiresIn() time.Duration {
	if c.Session.ExpiresIn <= 0 {
		return DefaultSessionExpiresIn
	}
	return c.Session.ExpiresIn.Duration()
}

// SessionUpdateAge is session.updateAge (1 day when unset). Better Auth
// takes an explicit 0 as "refresh on every request"; an export always
// carries the value, so 0 here means 0 only when the config says so.
func (c *AppConfig) SessionUpdateAge() time.Duration { return c.Session.UpdateAge.Duration() }

// SessionFreshAge is session.freshAge (1 day by default in Better Auth,
// which the export always carries). 0 means the app turned the freshness
// check off.
func (c *AppConfig) SessionFreshAge() time.Duration { return c.Session.FreshAge.Duration() }

// CookieCacheConfig returns session.cookieCache for the Verifier: the
// strategy, maxAge and version when the cache is enabled, the zero value
// (off) otherwise.
func (c *AppConfig) CookieCacheConfig() CookieCacheConfig {
	cc := c.Session.CookieCache
	if !cc.Enabled {
		return CookieCacheConfig{}
	}
	strategy := CookieCacheStrategy(cc.Strategy)
	if strategy == "" {
		strategy = CacheCompact
	}
	return CookieCacheConfig{Strategy: strategy, MaxAge: cc.MaxAge.Duration(), Version: cc.Version}
}

// BearerConfig returns the bearer plugin's settings: on when the app uses
// it, raw unsigned tokens only when the app does not require signatures
// and allowUnsigned is true (the Go side's default is signed tokens only,
// whatever Better Auth accepts).
func (c *AppConfig) BearerConfig(allowUnsigned bool) BearerConfig {
	b, ok := c.options[string(PluginBearer)].(*BearerOptions)
	if !ok {
		return BearerConfig{}
	}
	return BearerConfig{Enabled: true, AllowUnsigned: allowUnsigned && !b.RequireSignature}
}

// RefreshConfig returns Better Auth's refresh rule (expiresIn, updateAge),
// enabled unless the app sets session.disableSessionRefresh. A Verifier
// only refreshes with a store that can (SessionRefresher).
func (c *AppConfig) RefreshConfig() RefreshConfig {
	return RefreshConfig{Enabled: !c.Session.DisableSessionRefresh, ExpiresIn: c.SessionExpiresIn(), UpdateAge: c.SessionUpdateAge()}
}

// VerifierConfig returns a VerifierConfig for the app: its base URL (when
// static), cookie names, bearer plugin (signed tokens only) and cookie
// cache, reading sessions from the given store. Secrets still come from
// the environment (they are never in the config). Refresh is left off, as
// the Verifier's default: set it from RefreshConfig for a Go side that
// extends sessions.
func (c *AppConfig) VerifierConfig(sessions SessionStore) VerifierConfig {
	cc := c.CookieCacheConfig()
	if cc.Enabled() {
		if r, err := c.schema.Resolve(); err == nil {
			cc.Schema = r
		}
	}
	return VerifierConfig{
		Sessions:    sessions,
		BaseURL:     c.BaseURL,
		Cookies:     c.CookieConfig(),
		Bearer:      c.BearerConfig(false),
		CookieCache: cc,
	}
}

// Admin returns the admin plugin's options, or nil without the plugin.
func (c *AppConfig) Admin() *AdminOptions {
	v, _ := c.options[string(PluginAdmin)].(*AdminOptions)
	return v
}

// Organization returns the organization plugin's options, or nil.
func (c *AppConfig) Organization() *OrganizationOptions {
	v, _ := c.options[string(PluginOrganization)].(*OrganizationOptions)
	return v
}

// TwoFactor returns the two-factor plugin's options, or nil.
func (c *AppConfig) TwoFactor() *TwoFactorOptions {
	v, _ := c.options[string(PluginTwoFactor)].(*TwoFactorOptions)
	return v
}

// Bearer returns the bearer plugin's options, or nil.
func (c *AppConfig) Bearer() *BearerOptions {
	v, _ := c.options[string(PluginBearer)].(*BearerOptions)
	return v
}

// JWT returns the jwt plugin's options, or nil.
func (c *AppConfig) JWT() *JWTOptions { v, _ := c.options[string(PluginJWT)].(*JWTOptions); return v }

// APIKey returns the api-key plugin's options, or nil.
func (c *AppConfig) APIKey() *APIKeyOptions {
	v, _ := c.options[string(PluginAPIKey)].(*APIKeyOptions)
	return v
}

// Username returns the username plugin's options, or nil.
func (c *AppConfig) Username() *UsernameOptions {
	v, _ := c.options[string(PluginUsername)].(*UsernameOptions)
	return v
}

// PasswordLengths returns emailAndPassword's minimum and maximum password
// lengths (8 and 128 when unset).
func (c *AppConfig) PasswordLengths() (min, max int) {
	min, max = c.EmailAndPassword.MinPasswordLength, c.EmailAndPassword.MaxPasswordLength
	if min <= 0 {
		min = 8
	}
	if max <= 0 {
		max = 128
	}
	return min, max
}

// dedupe drops repeated warnings, keeping the first of each.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, w := range list {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// IdentifierStorage returns the app's verification.storeIdentifier as the
// stores take it. A custom hash function ("custom") cannot be mirrored in
// Go: it is an error, so that Go never writes or looks for values under
// identifiers Better Auth would not find.
func (c *AppConfig) IdentifierStorage() (IdentifierStorage, error) {
	s := c.Verification.StoreIdentifier
	mode := func(o string) (IdentifierMode, error) {
		if o == "" {
			return IdentifierPlain, nil
		}
		m, err := ParseIdentifierMode(o)
		if err != nil {
			return "", fmt.Errorf("%w: verification.storeIdentifier %q: Better Auth hashes with the app's own function, which Go cannot run; use \"plain\" or \"hashed\"", ErrAppConfig, o)
		}
		return m, nil
	}
	var out IdentifierStorage
	var err error
	if out.Default, err = mode(s.Default); err != nil {
		return IdentifierStorage{}, err
	}
	for _, o := range s.Overrides {
		m, err := mode(o.Option)
		if err != nil {
			return IdentifierStorage{}, err
		}
		out.Overrides = append(out.Overrides, IdentifierOverride{Prefix: o.Prefix, Mode: m})
	}
	return out, nil
}
