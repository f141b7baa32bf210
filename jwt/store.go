package jwt

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// JWKLister lists the rows of the jwt plugin's jwks table. The postgres,
// mysql and sqlite stores implement it when their schema has the jwt
// plugin.
type JWKLister interface {
	ListJWKs(ctx context.Context) ([]ba.JWK, error)
}

// StoreOptions configure NewStoreJWKS. The zero value matches Better Auth's
// defaults.
type StoreOptions struct {
	// TTL is how long the rows read are used before the table is read
	// again. Default 10 min.
	TTL time.Duration
	// MinRefreshInterval is the least time between two reads of the
	// table, whatever triggers them (an unknown kid, an expired TTL, a
	// failed read). Default 30 s.
	MinRefreshInterval time.Duration
	// MaxStale is how long past TTL the cached keys keep verifying while
	// the database fails. Default 1 h; a negative value disables it.
	MaxStale time.Duration
	// GracePeriod is Better Auth's jwks.gracePeriod: a key whose
	// expiresAt (set when jwks.rotationInterval is configured) is more
	// than this far in the past no longer verifies, exactly when Better
	// Auth drops it from /jwks. Default 30 days.
	GracePeriod time.Duration
	// DefaultAlgorithm is Better Auth's jwks.keyPairConfig.alg, the
	// algorithm of rows whose alg column is NULL (written before Better
	// Auth 1.7 added it). Default EdDSA.
	DefaultAlgorithm string
	// Now returns the current time, for the cache; time.Now by default.
	Now func() time.Time
	// Log receives what happens in the background, where no caller
	// sees it: a reload that failed while older keys stay in use, its
	// recovery, keys left out as unusable. Default slog.Default().
	Log *slog.Logger
}

// DefaultGracePeriod is Better Auth's default jwks.gracePeriod.
const DefaultGracePeriod = 30 * 24 * time.Hour

// StoreJWKS reads public keys straight from the jwks table, for services
// that share Better Auth's database and would rather not call it over
// HTTP. It is safe for concurrent use.
type StoreJWKS struct {
	lister     JWKLister
	grace      time.Duration
	defaultAlg string
	cache      keyCache
}

// NewStoreJWKS builds a key source over the jwks table. Only the publicKey
// column is read; private keys are never decrypted.
func NewStoreJWKS(lister JWKLister, opts StoreOptions) (*StoreJWKS, error) {
	if lister == nil {
		return nil, fmt.Errorf("betterauth/jwt: NewStoreJWKS needs a store")
	}
	s := &StoreJWKS{lister: lister, grace: positive(opts.GracePeriod, DefaultGracePeriod), defaultAlg: opts.DefaultAlgorithm}
	if s.defaultAlg == "" {
		s.defaultAlg = EdDSA
	}
	if _, ok := supported[s.defaultAlg]; !ok {
		return nil, fmt.Errorf("betterauth/jwt: DefaultAlgorithm %q is not one of EdDSA, ES256, ES512, RS256, PS256", s.defaultAlg)
	}
	s.cache = keyCache{
		load:        s.load,
		what:        "the jwks table",
		ttl:         positive(opts.TTL, defaultTTL),
		minInterval: positive(opts.MinRefreshInterval, defaultMinRefresh),
		maxStale:    maxStale(opts.MaxStale),
		now:         opts.Now,
		log:         opts.Log,
	}
	if s.cache.now == nil {
		s.cache.now = time.Now
	}
	return s, nil
}

// Keys returns the keys with ID kid, reading the table when the cache is
// empty or older than TTL, or when kid is unknown (at most once per
// MinRefreshInterval).
func (s *StoreJWKS) Keys(ctx context.Context, kid string) ([]Key, error) {
	return s.cache.Keys(ctx, kid)
}

func (s *StoreJWKS) load(ctx context.Context) ([]Key, map[string]string, error) {
	rows, err := s.lister.ListJWKs(ctx)
	if err != nil {
		return nil, nil, err
	}
	var keys []Key
	var skipped map[string]string
	for _, row := range rows {
		alg := s.defaultAlg
		if row.Alg != nil && *row.Alg != "" {
			alg = *row.Alg
		}
		ks, _, err := parseJWK([]byte(row.PublicKey), row.ID, alg)
		if err != nil {
			if skipped == nil {
				skipped = map[string]string{}
			}
			skipped[row.ID] = err.Error()
			continue
		}
		for i := range ks {
			if row.ExpiresAt != nil {
				ks[i].NotAfter = row.ExpiresAt.Add(s.grace)
			}
		}
		keys = append(keys, ks...)
	}
	return keys, skipped, nil
}
