package betterauth

import "time"

// APIKey is a row of the apikey table of Better Auth's apiKey plugin
// (@better-auth/api-key 1.7.x). Nullable columns are pointers; numbers are
// milliseconds or counts. Key is what the table stores: by default
// base64url (no padding) of SHA-256 of the plaintext key, never the key
// itself, which Better Auth shows only once, when the key is created.
type APIKey struct {
	ID string `json:"id"`
	// ConfigID names the plugin configuration the key belongs to;
	// "default" unless the plugin is given several configurations.
	ConfigID string  `json:"configId"`
	Name     *string `json:"name"`
	// Start is the first characters of the plaintext key (6 by default,
	// prefix included), kept so that a UI can tell keys apart.
	Start *string `json:"start"`
	// ReferenceID is the owner: a user id, or an organization id when the
	// configuration has references: "organization".
	ReferenceID string  `json:"referenceId"`
	Prefix      *string `json:"prefix"`
	Key         string  `json:"key"`

	RefillInterval *int64     `json:"refillInterval"` // ms
	RefillAmount   *int64     `json:"refillAmount"`
	LastRefillAt   *time.Time `json:"lastRefillAt"`

	Enabled             *bool      `json:"enabled"`
	RateLimitEnabled    *bool      `json:"rateLimitEnabled"`
	RateLimitTimeWindow *int64     `json:"rateLimitTimeWindow"` // ms
	RateLimitMax        *int64     `json:"rateLimitMax"`
	RequestCount        *int64     `json:"requestCount"`
	Remaining           *int64     `json:"remaining"` // nil: unlimited
	LastRequest         *time.Time `json:"lastRequest"`
	ExpiresAt           *time.Time `json:"expiresAt"`
	CreatedAt           time.Time  `json:"createdAt"`
	UpdatedAt           time.Time  `json:"updatedAt"`

	// Permissions is JSON text such as {"files":["read"]}.
	Permissions *string `json:"permissions"`
	// Metadata is JSON text. Better Auth writes the text "null" when a key
	// is created without metadata.
	Metadata *string `json:"metadata"`
}
