package main

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// useJWTSigner serves the jwt plugin's /token, /jwks and set-auth-jwt
// header when the schema has the plugin, with the app config's jwt
// options (keyPairConfig, disablePrivateKeyEncryption, rotationInterval,
// gracePeriod, jwt.issuer/audience/expirationTime, jwksPath,
// disableSettingJwtHeader). With jwks.remoteUrl the keys live elsewhere
// and Better Auth signs with jwt.sign, so serve leaves the routes out.
func useJWTSigner(cfg *server.Config, store *sqlstore.Store, schema ba.Schema, app *ba.AppConfig, base string, log *slog.Logger) error {
	if !slices.Contains(schema.Plugins, ba.PluginJWT) {
		return nil
	}
	sc := jwt.SignerConfig{Store: store, Secrets: cfg.Secrets, BaseURL: base}
	if cfg.Secrets[0].Version != "" {
		// Versioned secrets (BETTER_AUTH_SECRETS); serveSecrets appended
		// the unversioned legacy secret, which the signer takes apart as
		// Better Auth's legacySecret, for private keys encrypted before.
		sc.Secrets = nil
		for _, s := range cfg.Secrets {
			if s.Version == "" {
				sc.LegacySecret = s.Value
			} else {
				sc.Secrets = append(sc.Secrets, s)
			}
		}
	}
	if app != nil {
		if o := app.JWT(); o != nil {
			if o.JWKS.RemoteURL != "" {
				log.Info("jwt plugin: jwks.remoteUrl is set, so GET /api/auth/token, /jwks and set-auth-jwt are left to Better Auth")
				return nil
			}
			sc.Algorithm, sc.Curve = o.JWKS.KeyPairConfig.Alg, o.JWKS.KeyPairConfig.Crv
			sc.DisablePrivateKeyEncryption = o.JWKS.DisablePrivateKeyEncryption
			sc.RotationInterval, sc.GracePeriod = o.JWKS.RotationInterval.Duration(), o.JWKS.GracePeriod.Duration()
			sc.Issuer, sc.Audience = o.JWT.Issuer, o.JWT.Audience
			if o.JWT.ExpirationTime != "" {
				d, err := jwt.ParseExpirationTime(o.JWT.ExpirationTime)
				if err != nil {
					return fmt.Errorf("app config: jwt plugin: %w", err)
				}
				sc.ExpirationTime = d
			}
			cfg.JWKSPath = o.JWKS.JWKSPath
			cfg.DisableJWTHeader = o.DisableSettingJWTHeader
		}
	}
	s, err := jwt.NewSigner(sc)
	if err != nil {
		return fmt.Errorf("jwt plugin: %w", err)
	}
	cfg.JWTSigner = s
	if app != nil && app.JWT() != nil && app.JWT().SessionCookieCache {
		return useJWTCookieCache(cfg, store, sc, s, base)
	}
	return nil
}

// useJWTCookieCache is the jwt plugin's sessionCookieCache: the
// session_data cookie is a JWS under the jwks keys, which serve writes
// with the Signer and reads with a Verifier over the table.
func useJWTCookieCache(cfg *server.Config, store *sqlstore.Store, sc jwt.SignerConfig, s *jwt.Signer, base string) error {
	if cfg.CookieCache.Strategy != ba.CacheJWT {
		// Better Auth refuses to start too.
		return errors.New("app config: jwt({ sessionCookieCache: true }) requires session.cookieCache.strategy = \"jwt\"")
	}
	alg := sc.Algorithm
	if alg == "" {
		alg = jwt.EdDSA
	}
	keys, err := jwt.NewStoreJWKS(store, jwt.StoreOptions{GracePeriod: sc.GracePeriod, DefaultAlgorithm: alg})
	if err != nil {
		return fmt.Errorf("jwt plugin: %w", err)
	}
	v, err := jwt.New(jwt.Config{Keys: keys, BaseURL: base, Algorithms: []string{alg}, SkipAudienceCheck: true})
	if err != nil {
		return fmt.Errorf("jwt plugin: %w", err)
	}
	cfg.CookieCache.JWTKeys, cfg.CookieCache.JWTSigner = v, s
	return nil
}
