package main

import (
	"github.com/betterauth-go/betterauth/access"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/jwt"
	redisstore "github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sessioncache"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const serveHelp = `Usage: betterauth serve [flags]

Runs the HTTP API: Better Auth-compatible /api/auth routes, /api/me,
/api/users, /api/admin (admin plugin), /api/openapi.json, /healthz and
/readyz. With no configuration it listens on 127.0.0.1:8080 and keeps
everything in the SQLite file betterauth.db in the working directory,
creating Better Auth's schema there.

Environment (Better Auth's names):
  DATABASE_URL          the database (default: sqlite:betterauth.db). A
                        database shared with a Better Auth app is checked at
                        start and never altered unless --migrate is given.
  BETTER_AUTH_SECRETS   versioned secrets, current first: "2:new,1:old"
  BETTER_AUTH_SECRET    the secret (also AUTH_SECRET). Required with a
                        non-SQLite database. For SQLite without one, a random
                        secret is generated and kept in <database>.secret
                        (mode 0600) so restarts keep sessions valid.
  BETTER_AUTH_URL       the public base URL (default http://<addr>); https
                        switches to __Secure- cookies. As in Better Auth,
                        NEXT_PUBLIC_BETTER_AUTH_URL, PUBLIC_BETTER_AUTH_URL,
                        NUXT_PUBLIC_BETTER_AUTH_URL, NUXT_PUBLIC_AUTH_URL
                        and BASE_URL are read in that order when it is not
                        set; a value that is not an http(s) URL stops serve
  BETTER_AUTH_TRUSTED_ORIGINS
                        origins trusted besides the base URL and
                        --trusted-origins (comma-separated, no spaces)
  NODE_ENV              "production" turns rate limits on and refuses
                        secrets shorter than 32 characters
  REDIS_URL             with --secondary-storage and no --redis: the Redis
                        Better Auth's secondaryStorage uses

Flags (default in brackets):
  --addr HOST:PORT              listen address [127.0.0.1:8080]
` + dbFlagsHelp + `  --migrate                     create missing tables/columns at start
                                [on for the embedded default database]
  --trusted-origins LIST        origins besides the base URL allowed to
                                make cookie-authenticated changes (comma-
                                separated; wildcards like https://*.example.com);
                                BETTER_AUTH_TRUSTED_ORIGINS's are added
  --cookie-domain DOMAIN        Domain of the cookies this server sets, as
                                Better Auth's crossSubDomainCookies.domain
                                (e.g. example.com) [host-only]
  --cookie-cache STRATEGY       compact, jwt or jwe: issue and trust Better
                                Auth's session_data cookie [off]
  --cookie-cache-max-age DUR    how long a cookie cache is trusted [5m]
  --rate-limit on|off           Better Auth's rate limits [on when
                                NODE_ENV=production, else off]
  --trusted-proxies LIST        CIDRs of reverse proxies whose
                                X-Forwarded-For is believed [none]
  --require-email-verification  refuse sign-in until the email is verified
  --redis URL                   keep sessions in Redis as Better Auth's
                                secondaryStorage (@better-auth/redis-storage,
                                key prefix "better-auth:") and share rate-limit
                                counts between instances
                                (redis://[:password@]host:6379/0). With
                                --secondary-storage, reset-password tokens
                                live there too and the database needs no
                                session or verification table, exactly as
                                Better Auth's own with secondaryStorage
  --redis-key-prefix PREFIX     [better-auth:]
  --preserve-session-in-database
                                with --store-session-in-database: Better
                                Auth's session.preserveSessionInDatabase
                                (a session that ends keeps its row, expired;
                                a session missing from Redis is no session,
                                the database is not read)
  --store-identifier plain|hashed
                                Better Auth's verification.storeIdentifier:
                                verification identifiers (reset tokens)
                                stored as they are or as base64url SHA-256
                                [plain]
  --redis-client-cache DUR      answer session reads from memory, kept
                                fresh by Redis (RESP3 client tracking: any
                                change or deletion, by Better Auth or
                                another instance, drops the copy within
                                ~20 ms); DUR bounds how old a copy can
                                ever be served (1s to 5m) [off; needs
                                --redis and Redis 6+]
  --redis-client-cache-size N   Redis replies the cache holds at most, two
                                per active session [20000]
  --jwks-url URL                also accept Better Auth jwt-plugin tokens
                                (Authorization: Bearer <jwt>) on the user
                                routes, verified against this JWKS (e.g.
                                https://app.example.com/api/auth/jwks);
                                issuer/audience: BETTER_AUTH_URL's origin,
                                else the JWKS URL's
  --metrics                     serve Prometheus metrics at GET /metrics [off]
  --otel                        send OpenTelemetry traces and metrics over
                                OTLP/HTTP, configured by the standard
                                OTEL_EXPORTER_OTLP_* variables (default
                                http://localhost:4318); service.name from
                                OTEL_SERVICE_NAME [betterauth]. Spans: one
                                per request, verification and store
                                operation; never a token or value [off]
  --log-format text|json        log format [text]
  --log-level LEVEL             debug, info, warn or error [info]; info logs
                                one line per request, warn only problems
  --session-cache-ttl DUR       keep looked-up sessions in memory for DUR
                                (at most 5m) [off]. A session revoked by
                                another instance or by Better Auth stays
                                usable here for up to DUR; this instance's
                                own sign-outs and revocations apply at once
  --session-cache-size N        sessions the cache holds at most [10000]
  --cookie-cache-memo N         verified cookie caches kept decoded in
                                memory until their own expiry [1024 with
                                --cookie-cache, else off; 0 turns it off]
  --cleanup-interval DUR        delete expired sessions and verifications
                                from the database this often, in batches
                                that lock only the rows they delete (at
                                least 1s; 0 turns it off) [1h]
  --pprof HOST:PORT             serve net/http/pprof there (keep it private)
` + mailHelp

type serveFlags struct {
	db                       dbFlags
	addr                     string
	migrate                  bool
	trustedOrigins           string
	cookieCache              string
	cookieCacheMaxAge        time.Duration
	rateLimit                string
	trustedProxies           string
	requireEmailVerification bool
	logFormat                string
	logLevel                 string
	sessionCacheTTL          time.Duration
	sessionCacheSize         int
	cookieCacheMemo          int
	pprofAddr                string
	jwksURL                  string
	redisURL                 string
	metrics                  bool
	cookieDomain             string
	redisPrefix              string
	redisClientCache         time.Duration
	redisClientCacheSize     int
	mail                     mailFlags
	cleanupInterval          time.Duration
	otel                     bool
	preserveSessionInDB      bool
	storeIdentifier          string
	redisSource              string // "--redis", or "REDIS_URL" when read from there
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve")
	var f serveFlags
	f.db.register(fs)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "")
	fs.BoolVar(&f.migrate, "migrate", false, "")
	fs.StringVar(&f.trustedOrigins, "trusted-origins", "", "")
	fs.StringVar(&f.cookieCache, "cookie-cache", "", "")
	fs.DurationVar(&f.cookieCacheMaxAge, "cookie-cache-max-age", 5*time.Minute, "")
	fs.StringVar(&f.rateLimit, "rate-limit", "", "")
	fs.StringVar(&f.trustedProxies, "trusted-proxies", "", "")
	fs.BoolVar(&f.requireEmailVerification, "require-email-verification", false, "")
	fs.StringVar(&f.logFormat, "log-format", "text", "")
	fs.StringVar(&f.logLevel, "log-level", "info", "")
	fs.DurationVar(&f.sessionCacheTTL, "session-cache-ttl", 0, "")
	fs.IntVar(&f.sessionCacheSize, "session-cache-size", 0, "")
	fs.IntVar(&f.cookieCacheMemo, "cookie-cache-memo", 1024, "")
	fs.StringVar(&f.pprofAddr, "pprof", "", "")
	fs.StringVar(&f.jwksURL, "jwks-url", "", "")
	fs.StringVar(&f.redisURL, "redis", "", "")
	fs.BoolVar(&f.metrics, "metrics", false, "")
	fs.StringVar(&f.cookieDomain, "cookie-domain", "", "")
	fs.StringVar(&f.redisPrefix, "redis-key-prefix", "better-auth:", "")
	fs.DurationVar(&f.redisClientCache, "redis-client-cache", 0, "")
	fs.IntVar(&f.redisClientCacheSize, "redis-client-cache-size", 20000, "")
	fs.BoolVar(&f.mail.logLinks, "log-email-links", false, "")
	fs.BoolVar(&f.mail.logLinks, "log-reset-links", false, "") // the old name
	fs.StringVar(&f.mail.smtpURL, "smtp-url", "", "")
	fs.StringVar(&f.mail.from, "mail-from", "", "")
	fs.StringVar(&f.mail.templates, "mail-templates", "", "")
	fs.DurationVar(&f.cleanupInterval, "cleanup-interval", time.Hour, "")
	fs.BoolVar(&f.otel, "otel", false, "")
	fs.BoolVar(&f.preserveSessionInDB, "preserve-session-in-database", false, "")
	fs.StringVar(&f.storeIdentifier, "store-identifier", "plain", "")
	if done, err := parseFlags(fs, args, serveHelp, stdout); done || err != nil {
		return err
	}
	// Flags given on the command line override the app's config.
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	log, err := newLogger(f.logFormat, f.logLevel, stderr)
	if err != nil {
		return err
	}
	tuneGC()
	production := os.Getenv("NODE_ENV") == "production"
	if f.cleanupInterval != 0 && f.cleanupInterval < time.Second {
		return fmt.Errorf("--cleanup-interval: %s is neither 0 (off) nor at least 1s", f.cleanupInterval)
	}
	if f.cookieCacheMemo < 0 {
		return fmt.Errorf("--cookie-cache-memo: %d is neither 0 (off) nor a number of entries", f.cookieCacheMemo)
	}

	// The database: DATABASE_URL, or the embedded default.
	embedded := false
	if f.db.databaseURL == "" && strings.TrimSpace(os.Getenv("DATABASE_URL")) == "" {
		f.db.databaseURL, embedded = "sqlite:betterauth.db", true
	}
	u, schema, err := f.db.resolve(stderr)
	if err != nil {
		return err
	}
	storeIdentifier, err := ba.ParseIdentifierMode(f.storeIdentifier)
	if err != nil {
		return fmt.Errorf("--store-identifier: %q is neither plain nor hashed", f.storeIdentifier)
	}
	identifiers := ba.IdentifierStorage{Default: storeIdentifier}
	if f.db.app != nil && !set["store-identifier"] {
		if identifiers, err = f.db.app.IdentifierStorage(); err != nil {
			return err
		}
	}
	if err := f.checkTopology(schema); err != nil {
		return err
	}
	if err := f.checkRedisClientCache(); err != nil {
		return err
	}
	secrets, err := serveSecrets(u, production, log)
	if err != nil {
		return err
	}

	cfg := server.Config{Secrets: secrets, Log: log, RequireEmailVerification: f.requireEmailVerification, Metrics: f.metrics, CookieDomain: strings.TrimPrefix(f.cookieDomain, ".")}
	tel, err := startTelemetryIf(ctx, f.otel, log)
	if err != nil {
		return err
	}
	defer tel.close(log) // last: after the server and its stores stop
	cfg.VerifyTracer = tel.verifyTracer()
	app := f.db.app
	if app != nil {
		applyAppConfig(&cfg, app, set, log)
	}
	for _, p := range schema.Plugins {
		if p == ba.PluginBearer {
			cfg.Bearer = true
		}
	}
	host, port, err := net.SplitHostPort(f.addr)
	if err != nil {
		return fmt.Errorf("--addr: %q is not HOST:PORT", f.addr)
	}
	// Listen before building the default base URL (the origin cookie-
	// authenticated requests must come from), so that it names the port
	// actually bound — the system's choice for port 0.
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %v", f.addr, err)
	}
	defer ln.Close() // serving closes it too; closing twice is harmless
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	base, err := ba.BaseURLFromEnv()
	if err != nil {
		return err
	}
	if base == "" && app != nil && app.BaseURL != "" {
		// The environment wins: the config holds the base URL the app
		// resolved where it was exported, often a developer's machine.
		base = app.BaseURL
	}
	cfg.BaseURL = strings.TrimRight(base, "/")
	if cfg.BaseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		cfg.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	if cfg.TrustedOrigins, err = splitList(f.trustedOrigins, "--trusted-origins", func(s string) error {
		if s != "*" && !strings.Contains(s, "://") && !strings.HasPrefix(s, "*.") {
			return errors.New("must be an origin such as https://app.example.com")
		}
		return nil
	}); err != nil {
		return err
	}
	if app != nil {
		cfg.TrustedOrigins = append(cfg.TrustedOrigins, app.TrustedOrigins...)
	}
	// As in Better Auth, the environment's origins come on top of the
	// configured ones, unchecked and untrimmed.
	for _, o := range ba.TrustedOriginsFromEnv() {
		if strings.TrimSpace(o) != o {
			log.Warn("BETTER_AUTH_TRUSTED_ORIGINS has an entry with spaces around it; Better Auth never matches such an entry (write the list without spaces)", "entry", o)
		}
		cfg.TrustedOrigins = append(cfg.TrustedOrigins, o)
	}
	switch f.cookieCache {
	case "":
		if app != nil && app.Session.CookieCache.Enabled {
			memo := f.cookieCacheMemo
			if memo == 0 {
				memo = -1
			}
			cfg.CookieCache = app.CookieCacheConfig()
			cfg.CookieCache.Memo = memo
			if set["cookie-cache-max-age"] {
				cfg.CookieCache.MaxAge = f.cookieCacheMaxAge
			}
		}
	case "compact", "jwt", "jwe":
		memo := f.cookieCacheMemo
		if memo == 0 {
			memo = -1 // the library's "off"; its 0 is the default size
		}
		cfg.CookieCache = ba.CookieCacheConfig{Strategy: ba.CookieCacheStrategy(f.cookieCache), MaxAge: f.cookieCacheMaxAge, Memo: memo}
	default:
		return fmt.Errorf("--cookie-cache: %q is not compact, jwt or jwe", f.cookieCache)
	}
	switch f.rateLimit {
	case "":
		cfg.RateLimit = production
		if app != nil && app.RateLimit.Enabled != nil {
			cfg.RateLimit = *app.RateLimit.Enabled
		}
	case "on":
		cfg.RateLimit = true
	case "off":
	default:
		return fmt.Errorf("--rate-limit: %q is not on or off", f.rateLimit)
	}
	proxies, err := splitList(f.trustedProxies, "--trusted-proxies", func(s string) error {
		_, err := parsePrefix(s)
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range proxies {
		prefix, _ := parsePrefix(p)
		cfg.TrustedProxies = append(cfg.TrustedProxies, prefix)
	}
	mailer, closeMailer, err := f.mail.mailer(log)
	if err != nil {
		return err
	}
	defer closeMailer()
	cfg.Mailer = mailer
	if f.jwksURL != "" {
		if cfg.JWT, err = jwtVerifier(f.jwksURL, base, log); err != nil {
			return err
		}
	}

	storeOpts := sqlstore.Options{Schema: schema, Tracer: tel.queryTracer(), StoreIdentifier: identifiers}
	store, closeStore, err := openServeStore(ctx, u, storeOpts, embedded)
	if err != nil {
		return err
	}
	defer closeStore()
	if store, err = prepareSchema(ctx, store, schema, f.db.declared(), f.db.app != nil && strings.TrimSpace(f.db.plugins) == "", u, embedded || f.migrate, log); err != nil {
		return err
	}
	cfg.Store = store
	if err := useJWTSigner(&cfg, store, schema, app, cfg.BaseURL, log); err != nil {
		return err
	}
	if f.redisURL != "" {
		closeRedis, err := useRedis(ctx, &cfg, f.redisSource, f.redisURL, f.redisPrefix, f.redisClientCache, f.redisClientCacheSize, storeOpts.StoreIdentifier, f.preserveSessionInDB, tel.queryTracer())
		if err != nil {
			return err
		}
		defer closeRedis()
		if !schema.SecondaryStorage {
			log.Warn("--redis without --secondary-storage: sessions live in Redis but reset-password tokens in the verification table, where Better Auth 1.5+ with secondaryStorage never looks; pass --secondary-storage to share them as Better Auth does")
		}
		if f.redisClientCache > 0 {
			log.Info("Redis client-side cache on: session reads are answered from memory until Redis reports a change", "max_staleness", f.redisClientCache.String(), "max_entries", f.redisClientCacheSize)
		}
	}

	if f.sessionCacheTTL != 0 {
		if cfg.Sessions == nil {
			cfg.Sessions = store
		}
		cached, err := sessioncache.WrapBackend(cfg.Sessions, sessioncache.Options{TTL: f.sessionCacheTTL, MaxEntries: f.sessionCacheSize})
		if err != nil {
			return fmt.Errorf("--session-cache-ttl: %v", err)
		}
		cfg.Sessions = cached
		log.Info("in-process session cache on: sessions revoked elsewhere stay usable here for up to the TTL", "ttl", f.sessionCacheTTL.String())
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	if f.pprofAddr != "" {
		if err := servePprof(ctx, f.pprofAddr, log); err != nil {
			return err
		}
	}
	if f.cleanupInterval > 0 {
		cleanCtx, stopCleaning := context.WithCancel(ctx)
		cleaned := make(chan struct{})
		go func() {
			defer close(cleaned)
			var cleaner expiredRowCleaner = store
			if f.preserveSessionInDB {
				// Better Auth keeps ended sessions' rows for audit: the
				// cleanup must not delete them.
				cleaner = keepSessionRows{store}
			}
			cleanExpired(cleanCtx, cleaner, f.cleanupInterval, log)
		}()
		defer func() { stopCleaning(); <-cleaned }() // before the store closes
	}
	return serveOn(ctx, ln, tel.handlerOf(srv), log, stdout)
}

// applyAppConfig sets what the app's exported config says, for every
// setting whose flag was not given (set names the flags that were), and
// logs the config's settings serve does not follow.
func applyAppConfig(cfg *server.Config, app *ba.AppConfig, set map[string]bool, log *slog.Logger) {
	cfg.Cookies = app.CookieConfig()
	cfg.SessionExpiresIn = app.SessionExpiresIn()
	if d := app.SessionUpdateAge(); d > 0 {
		cfg.SessionUpdateAge = d
	}
	// freshAge 0 turns Better Auth's check off; server.Config says that
	// with a negative value.
	cfg.SessionFreshAge = app.SessionFreshAge()
	if cfg.SessionFreshAge <= 0 {
		cfg.SessionFreshAge = -1
	}
	cfg.DeferSessionRefresh = app.Session.DeferSessionRefresh
	cfg.DisableSessionRefresh = app.Session.DisableSessionRefresh
	cfg.AllowUnlinkingAll = app.Account.AccountLinking.AllowUnlinkingAll
	du := app.User.DeleteUser
	cfg.DeleteUser = server.DeleteUserConfig{Enabled: du.Enabled, SendVerification: du.SendDeleteAccountVerification, TokenExpiresIn: du.DeleteTokenExpiresIn.Duration()}
	cfg.MinPasswordLength, cfg.MaxPasswordLength = app.PasswordLengths()
	cfg.Admin, cfg.Organization = accessFromApp(app)
	if a := app.Admin(); a != nil {
		cfg.Impersonation = server.ImpersonationConfig{SessionDuration: a.ImpersonationSessionDuration.Duration(), AllowAdmins: a.AllowImpersonatingAdmins}
	}
	if u := app.Username(); u != nil {
		cfg.Username = ba.UsernameRules{MinLength: u.MinUsernameLength, MaxLength: u.MaxUsernameLength}
	}
	ep := app.EmailAndPassword
	cfg.DisableSignUp = ep.DisableSignUp || !ep.Enabled
	if !set["require-email-verification"] {
		cfg.RequireEmailVerification = ep.RequireEmailVerification
	}
	if !set["cookie-domain"] {
		cfg.CookieDomain = app.CookieDomain()
	}
	ev := app.EmailVerification
	cfg.EmailVerification = server.EmailVerificationConfig{Enabled: ev.SendVerificationEmail, SendOnSignUp: ev.SendOnSignUp,
		SendOnSignIn: ev.SendOnSignIn, AutoSignInAfterVerification: ev.AutoSignInAfterVerification, ExpiresIn: ev.ExpiresIn.Duration()}
	ce := app.User.ChangeEmail
	cfg.ChangeEmail = server.ChangeEmailConfig{Enabled: ce.Enabled, SendConfirmation: ce.SendChangeEmailConfirmation,
		UpdateWithoutVerification: ce.UpdateEmailWithoutVerification}
	if ce.Enabled && ce.SendChangeEmailConfirmation && !ev.SendVerificationEmail {
		log.Warn("config: user.changeEmail.sendChangeEmailConfirmation has no effect without emailVerification.sendVerificationEmail, in Better Auth as in serve")
	}
	if !ep.Enabled {
		log.Warn("config: emailAndPassword is not enabled in the app; serve refuses email sign-up but still serves email sign-in")
	}
	if !ep.AutoSignIn {
		log.Warn("config: emailAndPassword.autoSignIn is false in the app; serve's sign-up still signs the user in")
	}
	if len(app.RateLimit.CustomRules) > 0 {
		log.Warn("config: rateLimit.customRules are not applied by serve; it uses Better Auth's default rules")
	}
	if tf := app.TwoFactor(); tf != nil {
		cfg.TwoFactor = twoFactorConfig(tf)
	}
	cfg.OAuthTokens = oauthTokensFromApp(app, log)
	if ep.CustomPasswordHash {
		log.Warn("config: the app hashes passwords with its own function; passwords set through serve will not verify in the app")
	}
}

// serveGCPercent is the GOGC serve runs with unless GOGC is set. The
// server's live heap is a few MB and nearly everything it allocates dies
// within the request, so collecting at 5× the live heap rather than 2×
// spends far less CPU on the collector: +15 % requests/s with the cookie
// cache in bench/, for RSS under load of ~38 MB instead of ~26 MB.
const serveGCPercent = 400

// tuneGC applies serveGCPercent unless the operator chose GOGC. A
// GOMEMLIMIT, when set, still caps the heap.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}

// checkTopology validates the secondary-storage flags against each other
// and against --redis (REDIS_URL stands in for it with
// --secondary-storage), before anything is opened.
func (f *serveFlags) checkTopology(schema ba.Schema) error {
	if f.db.app != nil && f.db.app.SecondaryStorage && f.db.app.Session.PreserveSessionInDatabase {
		// The app's session.preserveSessionInDatabase, unless the flag
		// already said so.
		f.preserveSessionInDB = true
	}
	if f.preserveSessionInDB && !schema.StoreSessionInDatabase {
		return errors.New("--preserve-session-in-database: only means something with --store-session-in-database (and --secondary-storage)")
	}
	if !schema.SecondaryStorage {
		return nil
	}
	if f.redisURL == "" {
		f.redisURL, f.redisSource = strings.TrimSpace(os.Getenv("REDIS_URL")), "REDIS_URL"
	}
	if f.redisURL == "" {
		source := "--secondary-storage"
		if !f.db.secondaryStorage { // set by the app's config
			source = "the app's config has secondaryStorage"
		}
		return errors.New(source + ": Better Auth then keeps sessions and verification values in its secondaryStorage, so serve needs that Redis: pass --redis URL (or set REDIS_URL)")
	}
	return nil
}

// checkRedisClientCache validates --redis-client-cache and its size
// before anything is opened.
func (f *serveFlags) checkRedisClientCache() error {
	switch d := f.redisClientCache; {
	case d == 0:
		return nil
	case f.redisURL == "":
		return errors.New("--redis-client-cache: needs --redis (it caches Redis replies)")
	case d < time.Second || d > 5*time.Minute:
		return fmt.Errorf("--redis-client-cache: %s is not between 1s and 5m (0 turns it off)", d)
	case f.sessionCacheTTL != 0:
		return errors.New("--redis-client-cache and --session-cache-ttl: choose one (the client cache already keeps sessions in memory, and drops them when Redis reports a change)")
	case f.redisClientCacheSize < 1:
		return fmt.Errorf("--redis-client-cache-size: %d is not a positive number of entries", f.redisClientCacheSize)
	}
	return nil
}

// clientCacheDrain is how often go-redis applies the invalidations waiting
// on idle connections (its default is 5 ms). With the cache answering, the
// connections are idle even under load, so this bounds how long a change
// made elsewhere takes to reach this instance; every tick costs CPU, and
// at 5 ms an idle server spent ~5 % of a core on it.
const clientCacheDrain = 20 * time.Millisecond

// useRedis points sessions and rate limits at Redis, with a client-side
// cache when clientCache > 0 (its staleness bound). The error never
// contains the URL's password.
func useRedis(ctx context.Context, cfg *server.Config, source, rawURL, prefix string, clientCache time.Duration, cacheSize int, storeIdentifier ba.IdentifierStorage, preserveSessionInDB bool, tracer ba.QueryTracer) (func(), error) {
	opts, err := goredis.ParseURL(rawURL)
	if err != nil {
		if source == "" {
			source = "--redis"
		}
		return nil, errors.New(source + ": not a Redis URL (expected redis://[:password@]host:6379/0 or rediss://…)")
	}
	if clientCache > 0 {
		opts.Protocol = 3 // invalidations arrive as RESP3 pushes
		opts.ClientSideCacheConfig = &goredis.ClientSideCacheConfig{MaxEntries: cacheSize, MaxStaleness: clientCache, DrainInterval: clientCacheDrain}
	}
	client := goredis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("connect to Redis at %s: unreachable (check that it is running and the URL is right)", opts.Addr)
	}
	if clientCache > 0 {
		if err := checkTracking(pingCtx, client); err != nil {
			client.Close()
			return nil, err
		}
		cfg.MetricsCollectors = append(cfg.MetricsCollectors, clientCacheMetrics(client)...)
	}
	store, err := redisstore.New(client, redisstore.Options{KeyPrefix: prefix, NoKeyPrefix: prefix == "", Schema: cfg.Store.Schema(), Tracer: tracer, Log: cfg.Log, StoreIdentifier: storeIdentifier})
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	cfg.Sessions = store
	cfg.SessionBackendName = "redis"
	if schema := cfg.Store.Schema(); schema.SecondaryStorage() {
		// Better Auth's secondaryStorage topology: verification values in
		// Redis, and sessions and verification values in both when its
		// storeInDatabase options say so.
		if schema.InDatabase(ba.ModelSession) {
			cfg.Sessions = redisstore.NewDualBackend(store, cfg.Store, redisstore.DualOptions{PreserveSessionInDatabase: preserveSessionInDB})
			cfg.SessionBackendName = "redis+database"
		}
		cfg.Verifications = store
		if schema.InDatabase(ba.ModelVerification) {
			cfg.Verifications = redisstore.NewDualVerifications(store, cfg.Store)
		}
	}
	cfg.Limiter = server.RedisRateLimiter{Client: client}
	cfg.Ready = append(cfg.Ready, func(ctx context.Context) error { return client.Ping(ctx).Err() })
	return func() { client.Close() }, nil
}

// clientCacheMetrics are the client-side cache's series for /metrics.
func clientCacheMetrics(client *goredis.Client) []prometheus.Collector {
	stat := func(f func(goredis.CSCStats) float64) func() float64 {
		return func() float64 { return f(client.CSCStats()) }
	}
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "betterauth_redis_client_cache_hits_total", Help: "Redis reads answered by the client-side cache."},
			stat(func(s goredis.CSCStats) float64 { return float64(s.Hits) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "betterauth_redis_client_cache_misses_total", Help: "Redis reads the client-side cache sent to Redis."},
			stat(func(s goredis.CSCStats) float64 { return float64(s.Misses) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "betterauth_redis_client_cache_entries", Help: "Replies held by the client-side cache."},
			stat(func(s goredis.CSCStats) float64 { return float64(s.Entries) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "betterauth_redis_client_cache_bytes", Help: "Estimated memory held by the client-side cache."},
			stat(func(s goredis.CSCStats) float64 { return float64(s.MemoryUsageBytes) })),
	}
}

// checkTracking makes sure the server can keep a client-side cache fresh:
// go-redis quietly serves uncached reads when RESP3 is refused, which would
// make --redis-client-cache a silent no-op.
func checkTracking(ctx context.Context, client *goredis.Client) error {
	info, err := client.Info(ctx, "server").Result()
	if err != nil {
		return fmt.Errorf("--redis-client-cache: cannot read the server's version: %v", err)
	}
	for _, line := range strings.Split(info, "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:")
		if !ok {
			continue
		}
		major, _, _ := strings.Cut(v, ".")
		if n, err := strconv.Atoi(major); err == nil && n < 6 {
			return fmt.Errorf("--redis-client-cache: Redis %s has no client tracking (RESP3, Redis 6 or later)", v)
		}
		return nil
	}
	return nil
}

// jwtVerifier verifies jwt-plugin tokens against a remote JWKS. The
// issuer and audience are Better Auth's baseURL origin: base (from the
// environment) when set, else the JWKS URL's origin.
func jwtVerifier(jwksURL, base string, log *slog.Logger) (*jwt.Verifier, error) {
	u, err := url.Parse(jwksURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errors.New("--jwks-url: not an http(s) URL")
	}
	keys, err := jwt.NewRemoteJWKS(jwksURL, jwt.RemoteOptions{Log: log})
	if err != nil {
		return nil, fmt.Errorf("--jwks-url: %v", err)
	}
	if base == "" {
		base = u.Scheme + "://" + u.Host
	}
	v, err := jwt.New(jwt.Config{Keys: keys, BaseURL: base})
	if err != nil {
		return nil, fmt.Errorf("--jwks-url: %v", err)
	}
	return v, nil
}

func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var opts slog.HandlerOptions
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not debug, info, warn or error", level)
	}
	opts.Level = l
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, &opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, &opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", format)
}

// servePprof serves net/http/pprof on its own listener, never on the API's.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: listen on %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	go func() { <-ctx.Done(); _ = hs.Close() }()
	log.Info("pprof listening", "addr", ln.Addr().String())
	return nil
}

func splitList(s, flagName string, check func(string) error) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if err := check(part); err != nil {
			return nil, fmt.Errorf("%s: %q %v", flagName, part, err)
		}
		out = append(out, part)
	}
	return out, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, errors.New("is not an IP address or CIDR")
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// minSecretLength is what Better Auth asks for in production.
const minSecretLength = 32

// serveSecrets resolves the secrets as Better Auth does, generating and
// keeping one beside a SQLite database when none is configured. With
// BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET (or AUTH_SECRET) follows as the
// unversioned legacy secret (SymmetricSecretsFromEnv), as Better Auth
// keeps it to decrypt the bare-hex two-factor secrets and backup codes
// written before the rotation; cookies are signed with the first only.
func serveSecrets(u dburl.URL, production bool, log *slog.Logger) ([]ba.Secret, error) {
	secrets, err := ba.SymmetricSecretsFromEnv()
	if errors.Is(err, ba.ErrNoSecret) {
		if u.Kind != sqlstore.SQLite {
			return nil, errors.New("BETTER_AUTH_SECRET is not set: with a shared database, set it to the secret of your Better Auth app (sessions are signed with it)")
		}
		return generatedSecret(u.DSN, log)
	}
	if err != nil {
		return nil, err
	}
	for _, s := range secrets {
		if s.Value == ba.DefaultSecret {
			return nil, errors.New("refusing Better Auth's well-known default secret: anyone could sign sessions; set BETTER_AUTH_SECRET to a random value (openssl rand -base64 32)")
		}
		if len(s.Value) < minSecretLength && (s.Version != "" || secrets[0].Version == "") {
			// Better Auth checks the length of the secret it signs with;
			// the legacy secret only decrypts old values.
			if production {
				return nil, fmt.Errorf("the secret is shorter than %d characters; NODE_ENV=production requires a longer one (openssl rand -base64 32)", minSecretLength)
			}
			log.Warn("the secret is shorter than 32 characters; use a longer one in production")
		}
	}
	return secrets, nil
}

// generatedSecret reads, or creates with mode 0600, "<database>.secret".
func generatedSecret(dbPath string, log *slog.Logger) ([]ba.Secret, error) {
	path := dbPath + ".secret"
	b, err := os.ReadFile(path)
	if err == nil {
		secret := strings.TrimSpace(string(b))
		if len(secret) < minSecretLength {
			return nil, fmt.Errorf("%s holds a secret shorter than %d characters; delete it to generate a new one (existing sessions end)", path, minSecretLength)
		}
		log.Warn("BETTER_AUTH_SECRET is not set; using the generated secret kept beside the database", "file", path)
		return []ba.Secret{{Value: secret}}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %v", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := base64.RawURLEncoding.EncodeToString(raw)
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %v", dir, err)
		}
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create %s: %v", path, err)
	}
	if _, err := fh.WriteString(secret + "\n"); err != nil {
		fh.Close()
		return nil, fmt.Errorf("write %s: %v", path, err)
	}
	if err := fh.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %v", path, err)
	}
	log.Warn("BETTER_AUTH_SECRET is not set; generated a random secret and kept it beside the database so restarts keep sessions valid", "file", path)
	return []ba.Secret{{Value: secret}}, nil
}

// openServeStore opens the database; the embedded default gets WAL so that
// concurrent requests read while one writes.
func openServeStore(ctx context.Context, u dburl.URL, opts sqlstore.Options, embedded bool) (*sqlstore.Store, func(), error) {
	if !embedded {
		return connectWith(ctx, u, opts, false)
	}
	db, err := sqlite.OpenWAL(ctx, u.DSN)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (check that the working directory is writable)", err)
	}
	s, err := sqlite.New(db, opts)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, func() { db.Close() }, nil
}

// prepareSchema settles the schema serve runs on and makes sure the
// database fits it: the declared schema, with the plugins the database
// carries when --plugins is not given (useDatabaseSchema); migrated when
// allowed; then refused when serving it would be unsafe or fail
// (safeToServe: a two-factor or ban check bypassed, a NOT NULL column
// nobody fills) or, unmigrated, when Check finds problems. It returns the
// store on that schema.
//
// appIsTruth says the schema is the app's exported config with no
// --plugins beside it: then a plugin the database carries and the config
// leaves out is not refused, as Better Auth itself runs without it.
func prepareSchema(ctx context.Context, store *sqlstore.Store, declared ba.Schema, pluginsGiven, appIsTruth bool, u dburl.URL, migrate bool, log *slog.Logger) (*sqlstore.Store, error) {
	store, rep, err := useDatabaseSchema(ctx, store, declared, pluginsGiven)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Redacted, err)
	}
	if !pluginsGiven && len(rep.DetectedPlugins) > 0 {
		log.Info("no --plugins given: serving the plugins the database carries", "plugins", pluginNames(rep.DetectedPlugins))
	}
	if migrate {
		applied, err := store.Migrate(ctx)
		if err != nil {
			return nil, fmt.Errorf("create the schema in %s: %w", u.Redacted, err)
		}
		if len(applied) > 0 {
			log.Info("created Better Auth's schema", "database", u.Redacted, "statements", len(applied))
			if rep, err = store.Check(ctx); err != nil {
				return nil, fmt.Errorf("check the schema of %s: %w", u.Redacted, err)
			}
		}
	}
	if appIsTruth && len(rep.OmittedSecurityPlugins) > 0 {
		// With the app's config and no --plugins, the config is the truth,
		// as it is for Better Auth: tables of a plugin the app no longer
		// uses are the app's business. Say so, once.
		log.Warn("the database has tables of plugins the app's config does not use; serving as the config says", "plugins", pluginNames(rep.OmittedSecurityPlugins))
		rep.OmittedSecurityPlugins = nil
	}
	if err := safeToServe(rep, declared.Plugins); err != nil {
		return nil, err
	}
	if !migrate && !rep.Compatible() {
		var problems []string
		for _, f := range rep.Findings {
			if f.Severity == sqlstore.Problem {
				where := f.Table
				if f.Column != "" {
					where += "." + f.Column
				}
				problems = append(problems, where+": "+f.Message)
			}
		}
		if len(problems) > 3 {
			problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
		}
		hint := ""
		if !store.Schema().SecondaryStorage() && missingSessionOrVerification(rep, store.Schema()) {
			hint = "; if Better Auth runs with secondaryStorage, it creates no session or verification table: pass --secondary-storage (and --redis)"
		}
		return nil, fmt.Errorf("the database does not match Better Auth's schema (%s) — run `betterauth doctor` for details and `betterauth migrate` (or serve --migrate) to fix it%s", strings.Join(problems, "; "), hint)
	}
	if len(rep.Undeclared) > 0 {
		cols := make([]string, len(rep.Undeclared))
		for i, c := range rep.Undeclared {
			cols[i] = c.Table + "." + c.Column
		}
		log.Warn("the database has columns no one declared (the app's additional fields?): serve neither reads, sets nor returns them until they are declared — run `betterauth doctor` for how", "columns", strings.Join(cols, ", "))
	}
	return store, nil
}

// missingSessionOrVerification reports whether the check found the session
// or the verification table missing.
func missingSessionOrVerification(rep *sqlstore.Report, schema *ba.ResolvedSchema) bool {
	for _, f := range rep.Findings {
		if f.Severity != sqlstore.Problem || f.Column != "" {
			continue
		}
		for _, m := range []string{ba.ModelSession, ba.ModelVerification} {
			if t := schema.Table(m); t != nil && f.Table == t.Name {
				return true
			}
		}
	}
	return false
}

// serveOn serves on ln until ctx ends, then stops taking connections and
// lets in-flight requests finish (10 s at most).
func serveOn(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, stdout io.Writer) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10, // larger header blocks get 431
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "betterauth: listening on http://%s\n", ln.Addr())
	log.Info("listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %v", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %v", err)
	}
	log.Info("stopped")
	return nil
}

// accessFromApp is the admin and organization plugins' access control from
// the app's exported config (roles, adminUserIds, defaultRole, ac,
// creatorRole, dynamicAccessControl); nil for a plugin the app lacks.
func accessFromApp(app *ba.AppConfig) (*access.Admin, *access.Organization) {
	roles := func(m map[string]ba.Statements) access.Roles {
		if m == nil {
			return nil
		}
		out := access.Roles{}
		for name, st := range m {
			out[name] = access.NewRole(access.Statements(st))
		}
		return out
	}
	var admin *access.Admin
	if a := app.Admin(); a != nil {
		admin = &access.Admin{Roles: roles(a.Roles), DefaultRole: a.DefaultRole, AdminRoles: a.AdminRoles, AdminUserIDs: a.AdminUserIDs,
			DefaultBanReason: a.DefaultBanReason, DefaultBanExpiresIn: a.DefaultBanExpiresIn.Duration()}
	}
	var org *access.Organization
	if o := app.Organization(); o != nil {
		org = &access.Organization{Roles: roles(o.Roles), CreatorRole: o.CreatorRole, DynamicAccessControl: o.DynamicAccessControl.Enabled}
		if o.AccessControl != nil {
			org.AccessControl = access.Statements(o.AccessControl)
		}
	}
	return admin, org
}

// twoFactorConfig maps the app's two-factor plugin options to the server's.
// otpOptions.sendOTP is a function the exported config cannot carry, so
// send-otp stays OTP_NOT_CONFIGURED until serve can deliver the codes.
func twoFactorConfig(o *ba.TwoFactorOptions) *server.TwoFactorConfig {
	c := &server.TwoFactorConfig{
		Issuer:                   o.Issuer,
		SkipVerificationOnEnable: o.SkipVerificationOnEnable,
		AllowPasswordless:        o.AllowPasswordless,
		CookieMaxAge:             o.TwoFactorCookieMaxAge.Duration(),
		TrustDeviceMaxAge:        o.TrustDeviceMaxAge.Duration(),
		TOTPDigits:               o.TOTP.Digits,
		TOTPPeriod:               o.TOTP.Period.Duration(),
		TOTPDisable:              o.TOTP.Disable,
		OTPPeriod:                time.Duration(o.OTP.Period) * time.Minute,
		OTPDigits:                o.OTP.Digits,
		OTPAllowedAttempts:       o.OTP.AllowedAttempts,
		OTPStore:                 o.OTP.StoreOTP,
		BackupCodeAmount:         o.BackupCodes.Amount,
		BackupCodeLength:         o.BackupCodes.Length,
		BackupCodeStore:          o.BackupCodes.StoreBackupCodes,
		LockoutMaxFailedAttempts: o.AccountLockout.MaxFailedAttempts,
		LockoutDuration:          o.AccountLockout.DurationSeconds.Duration(),
	}
	if o.AccountLockout.Enabled != nil && !*o.AccountLockout.Enabled {
		c.LockoutDisabled = true
	}
	return c
}
