package apikey

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Errors of Verify and VerifyKey, each a *betterauth.Error with the
// plugin's status, code and message (API_KEY_ERROR_CODES). Test with
// errors.Is: they come wrapped, and ErrKeyTooShort also matches
// ErrInvalidKey.
var (
	// ErrNoKey means the request carries none of the configured headers.
	ErrNoKey = &ba.Error{Status: http.StatusUnauthorized, Code: "UNAUTHORIZED", Message: "Unauthorized", Text: "apikey: no API key in the request"}
	// ErrInvalidKey means no key with this value exists (or it belongs to
	// another configuration). Better Auth: 401 INVALID_API_KEY.
	ErrInvalidKey = &ba.Error{Status: http.StatusUnauthorized, Code: "INVALID_API_KEY", Message: "Invalid API key.", Text: "apikey: invalid API key"}
	// ErrKeyTooShort means the key is shorter than MinKeyLength and was
	// refused without a lookup. Better Auth's session hook answers 403
	// INVALID_API_KEY.
	ErrKeyTooShort = &ba.Error{Status: http.StatusForbidden, Code: "INVALID_API_KEY", Message: "Invalid API key.", Text: "apikey: invalid API key: shorter than the minimum key length", Err: ErrInvalidKey}
	// ErrKeyDisabled means enabled is false. Better Auth: 401 KEY_DISABLED.
	ErrKeyDisabled = &ba.Error{Status: http.StatusUnauthorized, Code: "KEY_DISABLED", Message: "API Key is disabled", Text: "apikey: API key is disabled"}
	// ErrKeyExpired means expiresAt has passed. Better Auth: 401 KEY_EXPIRED.
	ErrKeyExpired = &ba.Error{Status: http.StatusUnauthorized, Code: "KEY_EXPIRED", Message: "API Key has expired", Text: "apikey: API key has expired"}
	// ErrUsageExceeded means remaining is used up and no refill is due.
	// Better Auth: 429 USAGE_EXCEEDED.
	ErrUsageExceeded = &ba.Error{Status: http.StatusTooManyRequests, Code: "USAGE_EXCEEDED", Message: "API Key has reached its usage limit", Text: "apikey: API key has reached its usage limit"}
	// ErrRateLimited means the key's own rate limit is reached; the error
	// is a *RateLimitError telling when to retry. Better Auth: 429
	// RATE_LIMITED.
	ErrRateLimited = &ba.Error{Status: http.StatusTooManyRequests, Code: "RATE_LIMITED", Message: "Rate limit exceeded.", Text: "apikey: rate limit exceeded"}
	// ErrInvalidReference means the key's owner (referenceId) is not an
	// existing user. Better Auth: 401 INVALID_REFERENCE_ID_FROM_API_KEY.
	ErrInvalidReference = &ba.Error{Status: http.StatusUnauthorized, Code: "INVALID_REFERENCE_ID_FROM_API_KEY", Message: "The reference id from the API key is invalid.", Text: "apikey: the key's owner does not exist"}
	// ErrUnavailable is betterauth.ErrUnavailable: the key or user store
	// failed. It is no verdict on the key; answer 503, not 401.
	ErrUnavailable = ba.ErrUnavailable
)

// RateLimitError is the ErrRateLimited error with Better Auth's
// tryAgainIn.
type RateLimitError struct {
	// RetryAfter is how long until the window ends (Better Auth's
	// details.tryAgainIn, in whole milliseconds).
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v: try again in %s", ErrRateLimited, e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrRateLimited) true, and gives the answer.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// Store finds keys by their stored form. The SQL stores' APIKeys()
// (*sqlstore.APIKeyStore) implement it and UsageStore.
type Store interface {
	// GetAPIKeyByHash returns the row whose key column equals hashedKey,
	// or an error matching betterauth.ErrNotFound.
	GetAPIKeyByHash(ctx context.Context, hashedKey string) (*ba.APIKey, error)
}

// UsageStore is what CountUsage needs: the guarded single-row updates
// Better Auth's verification performs. Each returns the row after the
// update, or an error matching betterauth.ErrNotFound when no row has the
// id or the guard no longer holds.
type UsageStore interface {
	Store
	GetAPIKey(ctx context.Context, id string) (*ba.APIKey, error)
	DeleteAPIKey(ctx context.Context, id string) error
	// RefillAPIKey sets remaining and lastRefillAt = now if lastRefillAt
	// is still observedLastRefillAt (nil: NULL).
	RefillAPIKey(ctx context.Context, id string, observedLastRefillAt *time.Time, remaining int64, now time.Time) (*ba.APIKey, error)
	// DecrementAPIKeyRemaining subtracts one from remaining if it is > 0.
	DecrementAPIKeyRemaining(ctx context.Context, id string) (*ba.APIKey, error)
	// IncrementAPIKeyRequestCount adds one to requestCount and sets
	// lastRequest = now if lastRequest > windowStart and requestCount < max.
	IncrementAPIKeyRequestCount(ctx context.Context, id string, windowStart time.Time, max int64, now time.Time) (*ba.APIKey, error)
	// StartAPIKeyRateLimitWindow sets requestCount = 1, lastRequest = now
	// if lastRequest is NULL (windowStart nil) or <= *windowStart.
	StartAPIKeyRateLimitWindow(ctx context.Context, id string, windowStart *time.Time, now time.Time) (*ba.APIKey, error)
	// SetAPIKeyLastRequest sets lastRequest = now.
	SetAPIKeyLastRequest(ctx context.Context, id string, now time.Time) (*ba.APIKey, error)
	// TouchAPIKey sets updatedAt = now.
	TouchAPIKey(ctx context.Context, id string, now time.Time) (*ba.APIKey, error)
}

// UserLookup finds a user by id; the SQL stores implement it.
type UserLookup interface {
	GetUser(ctx context.Context, id string) (*ba.User, error)
}

// References values (the plugin's references option).
const (
	ReferencesUser         = "user"
	ReferencesOrganization = "organization"
)

// DefaultHeader is the header Better Auth reads keys from by default.
const DefaultHeader = "x-api-key"

// DefaultMinKeyLength is Better Auth's defaultKeyLength: its generator
// makes 64 random letters, after the prefix.
const DefaultMinKeyLength = 64

// maxKeyLength bounds what is hashed and looked up. Better Auth's keys are
// at most a 32-character prefix plus defaultKeyLength characters.
const maxKeyLength = 4096

// Config configures a Verifier. Keys is required, and Users unless
// References is "organization"; the zero value of every other field is
// Better Auth's default.
type Config struct {
	// Keys looks keys up: the store of the apikey table, e.g.
	// store.APIKeys() of the postgres, mysql or sqlite packages. With
	// CountUsage it must also be a UsageStore.
	Keys Store
	// Users resolves the key's owner (referenceId) to a user. Required
	// unless References is "organization".
	Users UserLookup
	// Headers are read in order and the first one with a value wins (the
	// plugin's apiKeyHeaders). Default: ["x-api-key"].
	Headers []string
	// References says what referenceId names: "user" (default) or
	// "organization". With "organization" the result carries the
	// organization id and no user.
	References string
	// ConfigID, when set, accepts only keys of that plugin configuration
	// (configId; "default" also matches keys with an empty configId). Empty
	// accepts keys of every configuration, as Better Auth's default
	// configuration does.
	ConfigID string
	// DisableKeyHashing matches the plugin's disableKeyHashing: the table
	// holds plaintext keys. Default false: the table holds
	// base64url(SHA-256(key)) without padding.
	DisableKeyHashing bool
	// MinKeyLength refuses shorter keys before any lookup (ErrKeyTooShort),
	// as Better Auth's session hook refuses keys shorter than its
	// defaultKeyLength. 0 means 64, Better Auth's default; a negative
	// value turns the check off (keys from a customKeyGenerator).
	MinKeyLength int
	// CountUsage makes every successful verification count, exactly as
	// Better Auth's verification does: it refills and decrements
	// remaining, counts requestCount in the rate-limit window, sets
	// lastRequest and updatedAt, and deletes a key it finds expired or used
	// up. Default false: verification only reads, refusing what Better Auth
	// would refuse at that moment, and writes nothing.
	CountUsage bool
	// DisableRateLimit matches the plugin's rateLimit.enabled: false: no key
	// is rate limited, and with CountUsage lastRequest is still recorded.
	DisableRateLimit bool
	// Now returns the current time; time.Now by default.
	Now func() time.Time
}

// Result is a verified key and its owner.
type Result struct {
	// Key is the row; with CountUsage, as it is after this verification's
	// updates.
	Key *ba.APIKey
	// User owns the key (References "user"); nil for organization keys.
	User *ba.User
	// OrganizationID owns the key when References is "organization".
	OrganizationID string
}

// Verifier verifies API keys. It is safe for concurrent use.
type Verifier struct {
	keys       Store
	usage      UsageStore
	users      UserLookup
	headers    []string
	references string
	configID   string
	plaintext  bool
	minLength  int
	count      bool
	noLimit    bool
	now        func() time.Time
}

// New checks cfg and returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	v := &Verifier{
		keys: cfg.Keys, users: cfg.Users, references: cfg.References, configID: cfg.ConfigID,
		plaintext: cfg.DisableKeyHashing, minLength: cfg.MinKeyLength, count: cfg.CountUsage,
		noLimit: cfg.DisableRateLimit, now: cfg.Now,
	}
	if v.keys == nil {
		return nil, errors.New("apikey: Config.Keys is required")
	}
	if v.references == "" {
		v.references = ReferencesUser
	}
	switch v.references {
	case ReferencesUser:
		if v.users == nil {
			return nil, errors.New(`apikey: Config.Users is required when References is "user"`)
		}
	case ReferencesOrganization:
	default:
		return nil, fmt.Errorf("apikey: References must be %q or %q, not %q", ReferencesUser, ReferencesOrganization, v.references)
	}
	if v.count {
		us, ok := v.keys.(UsageStore)
		if !ok {
			return nil, fmt.Errorf("apikey: CountUsage needs a UsageStore; %T is not one", v.keys)
		}
		v.usage = us
	}
	for _, h := range cfg.Headers {
		if h == "" {
			return nil, errors.New("apikey: empty header name in Config.Headers")
		}
		v.headers = append(v.headers, http.CanonicalHeaderKey(h))
	}
	if len(v.headers) == 0 {
		v.headers = []string{http.CanonicalHeaderKey(DefaultHeader)}
	}
	if v.minLength == 0 {
		v.minLength = DefaultMinKeyLength
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Headers returns the canonical names of the headers keys are read from.
func (v *Verifier) Headers() []string { return append([]string(nil), v.headers...) }

// Hash returns the stored form of a key: base64url without padding of the
// SHA-256 of its UTF-8 bytes, Better Auth's defaultKeyHasher.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Verify reads the key from the request's headers and verifies it; see
// VerifyKey for required.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, required ...Permissions) (*Result, error) {
	key := FromHeader(r.Header, v.headers...)
	if key == "" {
		return nil, ErrNoKey
	}
	return v.VerifyKey(ctx, key, required...)
}

// VerifyKey verifies a plaintext key and resolves its owner. With required
// permissions the key must grant each of them (HasPermissions), checked
// where Better Auth checks them: after enabled and expiry, before the
// usage limit and the rate limit, so a refused key is not counted. A key
// without them is ErrKeyNotFound (401 KEY_NOT_FOUND). A nil Permissions
// checks nothing; an empty, non-nil one is refused, as Better Auth refuses
// permissions: {}.
func (v *Verifier) VerifyKey(ctx context.Context, key string, required ...Permissions) (*Result, error) {
	if key == "" {
		return nil, ErrNoKey
	}
	if v.minLength > 0 && len(key) < v.minLength {
		return nil, ErrKeyTooShort
	}
	if len(key) > maxKeyLength {
		return nil, ErrInvalidKey
	}
	stored := key
	if !v.plaintext {
		stored = Hash(key)
	}
	k, err := v.keys.GetAPIKeyByHash(ctx, stored)
	if err != nil {
		return nil, lookupError(err, ErrInvalidKey)
	}
	// The lookup compared in SQL, where MySQL's default collation ignores
	// case; only an exact, constant-time match counts.
	if subtle.ConstantTimeCompare([]byte(k.Key), []byte(stored)) != 1 {
		return nil, ErrInvalidKey
	}
	if v.configID != "" && !sameConfig(k.ConfigID, v.configID) {
		return nil, ErrInvalidKey
	}
	now := ba.Truncate(v.now())
	if k, err = v.check(ctx, k, now, required); err != nil {
		return nil, err
	}
	return v.owner(ctx, k)
}

// sameConfig treats an empty configId as "default", as Better Auth does
// for keys created before the column existed.
func sameConfig(keyConfig, want string) bool {
	isDefault := func(s string) bool { return s == "" || s == "default" }
	if isDefault(keyConfig) && isDefault(want) {
		return true
	}
	return keyConfig == want
}

func (v *Verifier) owner(ctx context.Context, k *ba.APIKey) (*Result, error) {
	if v.references == ReferencesOrganization {
		return &Result{Key: k, OrganizationID: k.ReferenceID}, nil
	}
	u, err := v.users.GetUser(ctx, k.ReferenceID)
	if err != nil {
		return nil, lookupError(err, ErrInvalidReference)
	}
	return &Result{Key: k, User: u}, nil
}

// lookupError turns "not found" into notFound and anything else into
// ErrUnavailable.
func lookupError(err, notFound error) error {
	if errors.Is(err, ba.ErrNotFound) {
		return notFound
	}
	return unavailable(err)
}

// unavailable makes a store failure match ErrUnavailable, keeping the
// store's message (which names no driver types and no secrets).
func unavailable(err error) error {
	if errors.Is(err, ba.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %v", ba.ErrUnavailable, err)
}
