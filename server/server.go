package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/betterauth-go/betterauth/access"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/oauthtoken"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Config configures a Server. Store and Secrets are required.
type Config struct {
	// Store holds users, accounts and verification rows (and sessions,
	// unless Sessions says otherwise). Its schema (sqlstore.Options.Schema)
	// is all the server knows of the app: its plugins, and its additional
	// fields, whose Better Auth rules every write applies (Default,
	// Required, NoInput) and every answer respects (NotReturned). Give it
	// every plugin the database carries: without twoFactor the server
	// cannot see that a user turned a second factor on, without admin
	// that a user is banned (sqlstore.Store.Check reports such a schema:
	// Report.OmittedSecurityPlugins). Required.
	Store *sqlstore.Store
	// Sessions is where sessions live: Store itself by default; a
	// *redis.Store to share Better Auth's secondaryStorage, a
	// *redis.DualBackend for its session.storeSessionInDatabase, or any of
	// them behind a sessioncache. Required when Store's schema keeps
	// sessions out of the database (Schema.SecondaryStorage).
	Sessions SessionBackend
	// Verifications is where verification values (password-reset tokens)
	// live: Store itself by default; a *redis.Store when Better Auth has
	// secondaryStorage, which keeps them only there, or a
	// *redis.DualVerifications for its verification.storeInDatabase.
	// Required when Store's schema keeps verification values out of the
	// database (Schema.SecondaryStorage).
	Verifications VerificationStore
	// Secrets, current first (BETTER_AUTH_SECRETS / BETTER_AUTH_SECRET).
	Secrets []ba.Secret
	// BaseURL is Better Auth's baseURL (BETTER_AUTH_URL): the trusted origin,
	// the base of reset links, and https here means __Secure- cookies.
	// Only its origin is kept (as Better Auth keeps new URL(baseURL).origin);
	// New refuses a path other than /api/auth, user info or a query.
	// Default http://localhost:8080.
	BaseURL string
	// TrustedOrigins are origins besides BaseURL allowed to make
	// cookie-authenticated state-changing requests (exact or wildcard).
	TrustedOrigins []string
	// CookieDomain sets the Domain of the cookies this server writes, as
	// Better Auth's advanced.crossSubDomainCookies.domain does (e.g.
	// "example.com" so app.example.com and api.example.com share the
	// session). Empty: host-only cookies.
	CookieDomain string
	// Cookies names the session cookies (Better Auth's advanced.cookiePrefix,
	// advanced.cookies.*.name, advanced.useSecureCookies); Better Auth's
	// defaults when zero. AppConfig.CookieConfig gives the app's.
	Cookies ba.CookieConfig
	// MinPasswordLength (8) and MaxPasswordLength (128) are Better Auth's
	// emailAndPassword.minPasswordLength and maxPasswordLength.
	MinPasswordLength int
	MaxPasswordLength int
	// DisableSignUp refuses email sign-up as Better Auth's
	// emailAndPassword.disableSignUp does (400
	// EMAIL_PASSWORD_SIGN_UP_DISABLED).
	DisableSignUp bool
	// Bearer accepts Authorization: Bearer session tokens and sends
	// set-auth-token (Better Auth's bearer plugin). Off by default.
	Bearer bool
	// CookieCache trusts and issues Better Auth's session_data cookie.
	CookieCache ba.CookieCacheConfig
	// Username is the username plugin's rules (minUsernameLength,
	// maxUsernameLength), applied to every username this server writes
	// when the schema has the username plugin. Better Auth's defaults (3
	// and 30) when zero.
	Username ba.UsernameRules
	// RequireEmailVerification refuses sign-in (and sign-up sessions) to
	// users whose email is not verified.
	RequireEmailVerification bool
	// EmailVerification is Better Auth's emailVerification options
	// (send-verification-email, verify-email, sendOnSignUp, sendOnSignIn).
	EmailVerification EmailVerificationConfig
	// ChangeEmail is Better Auth's user.changeEmail options (change-email).
	ChangeEmail ChangeEmailConfig
	// RateLimit turns Better Auth's rate limits on (Better Auth turns them on
	// when NODE_ENV=production).
	RateLimit bool
	// Limiter keeps rate-limit counts; in memory by default.
	Limiter RateLimiter
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For is believed. Without it the peer address is the
	// client, so a client cannot spoof its IP to escape rate limits.
	TrustedProxies []netip.Prefix
	// Mailer delivers every email (reset, verification, ...); LogMailer by
	// default.
	Mailer Mailer
	// TwoFactor is the two-factor plugin's options, for its /two-factor/*
	// routes and sign-in's second step (served when Store's schema has
	// the twoFactor plugin); Better Auth's defaults when nil.
	TwoFactor *TwoFactorConfig
	// Log receives structured logs; slog.Default() by default. Secrets,
	// tokens, cookies and passwords are never logged.
	Log *slog.Logger
	// SessionExpiresIn (7 days) and SessionUpdateAge (1 day) are Better
	// Auth's session.expiresIn and session.updateAge.
	SessionExpiresIn time.Duration
	SessionUpdateAge time.Duration
	// SessionFreshAge is session.freshAge: how long after sign-in a session
	// may delete its user without a password or unlink an account. 1 day
	// when zero; negative turns the check off (Better Auth's freshAge: 0).
	SessionFreshAge time.Duration
	// DeferSessionRefresh is session.deferSessionRefresh: GET get-session
	// never writes (it answers needsRefresh) and POST get-session refreshes.
	// Off by default (POST get-session then answers 405).
	DeferSessionRefresh bool
	// DisableSessionRefresh is session.disableSessionRefresh: get-session
	// never extends a session (with DeferSessionRefresh, its GET answers
	// needsRefresh:false), as Better Auth.
	DisableSessionRefresh bool
	// DeleteUser is user.deleteUser (POST /api/auth/delete-user and its
	// email callback); off by default.
	DeleteUser DeleteUserConfig
	// AllowUnlinkingAll is account.accountLinking.allowUnlinkingAll:
	// unlink-account may remove a user's last account.
	AllowUnlinkingAll bool
	// MaxConcurrentHashes bounds concurrent scrypt runs (each needs 16 MiB);
	// runtime.GOMAXPROCS(0) by default.
	MaxConcurrentHashes int
	// JWT also accepts Better Auth jwt-plugin tokens as
	// "Authorization: Bearer <jwt>" on the user routes (GET/PATCH /api/me,
	// /api/me/accounts, GET /api/users/{id}): stateless, no session read;
	// the user comes from the claims, so it is as fresh as the token (15
	// minutes by default). Session and admin routes still need a session.
	JWT *jwt.Verifier
	// JWTSigner serves the jwt plugin's GET /api/auth/token and GET
	// /api/auth/jwks (JWKSPath) and sets the set-auth-jwt header on a
	// get-session that finds a session, as Better Auth does. Off when nil.
	JWTSigner *jwt.Signer
	// DisableJWTHeader is the jwt plugin's disableSettingJwtHeader: no
	// set-auth-jwt header on get-session.
	DisableJWTHeader bool
	// JWKSPath is the jwt plugin's jwks.jwksPath under /api/auth; default
	// "/jwks".
	JWKSPath string
	// Metrics serves Prometheus metrics at GET /metrics: requests by route
	// and status, session verification outcomes, session-store latency,
	// connection-pool stats. Off by default.
	Metrics bool
	// MetricsCollectors are registered on /metrics with the server's own
	// (when Metrics is on): series of the parts wired around the server,
	// such as the Redis client-side cache's hits.
	MetricsCollectors []prometheus.Collector
	// SessionBackendName labels session-store latency: "database" (default),
	// "redis", or what you name yours (serve: "redis+database" for a
	// redis.DualBackend).
	SessionBackendName string
	// Ready checks backing services for /readyz (besides the database).
	Ready []func(context.Context) error
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// VerifyTracer observes the server's session verifications (the
	// Verifier's VerifierConfig.Tracer), such as an *otel.Tracer. The
	// stores report their own operations through their options. Default
	// none.
	VerifyTracer ba.VerifyTracer
	// Admin is the admin plugin's access control (roles, defaultRole,
	// adminUserIds) for /api/auth/admin/has-permission and the app API's
	// admin routes; nil is Better Auth's defaults.
	Admin *access.Admin
	// Impersonation is the admin plugin's impersonate-user options
	// (session duration 1 hour, admins not impersonable by default).
	Impersonation ImpersonationConfig
	// Organization is the organization plugin's access control for
	// /api/auth/organization/has-permission; nil is Better Auth's defaults.
	Organization *access.Organization
	// OAuthTokens serves get-access-token and refresh-token; off when nil.
	OAuthTokens *OAuthTokensConfig
}

// Server serves the API. Create it with New; it is an http.Handler.
type Server struct {
	cfg      Config
	store    *sqlstore.Store
	sessions SessionBackend
	// txSessions: sessions live in store's session table, so a change to
	// a user and to their sessions can commit together (userTx); txForget
	// then tells an in-process session cache, if any, what changed.
	txSessions bool
	txForget   func(userID string)
	// verifications: Config.Verifications; txVerifications: it is store,
	// so consuming a reset token and writing the password commit together.
	verifications   VerificationStore
	txVerifications bool
	schema          *ba.ResolvedSchema
	verifier        *ba.Verifier
	log             *slog.Logger
	limiter         RateLimiter
	hashSem         chan struct{}
	trusted         []string
	secure          bool
	now             func() time.Time
	handler         http.Handler
	// patterns lists every registered route, for the OpenAPI document.
	patterns []string
	metrics  *metrics
	freeing  atomic.Bool // releaseHashMemory is pending
	// tf and twoFactors: the two-factor plugin's options and table (nil
	// without the plugin). sendTwoFactorOTP delivers send-otp's codes.
	tf               TwoFactorConfig
	twoFactors       *sqlstore.TwoFactorStore
	sendTwoFactorOTP func(ctx context.Context, otp TwoFactorOTP) error
	oauthTokens      *oauthtoken.Manager // Config.OAuthTokens; nil without
}

// dummyHash is verified against on unknown emails so that sign-in takes as
// long whether or not the account exists: a Better Auth scrypt hash of 64
// random characters that were thrown away. A constant rather than a hash
// made at start, which would cost every start 32 MiB and 80 ms.
const dummyHash = "1b5064464261a6ce5e591559e14f91b7:75e347c54f1a5ed99b91b648f4bab99ec35ef36da5ebb03303c30d91719d0abfeee7fab101f4e8421dda7bbc0cd6234e9a66bacca70892f0bd6fd3ee92226391"

// New checks the configuration and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	if len(cfg.Secrets) == 0 {
		return nil, errors.New("server: Config.Secrets is required")
	}
	if p := cfg.JWKSPath; p != "" && (!strings.HasPrefix(p, "/") || strings.Contains(p, "..") || strings.ContainsAny(p, " {}\t\n")) {
		// Better Auth's rule, plus what a route pattern cannot hold.
		return nil, errors.New("server: Config.JWKSPath must start with '/' and not contain '..'")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost:8080"
	}
	if cfg.Admin == nil {
		cfg.Admin = &access.Admin{}
	}
	if cfg.Organization == nil {
		cfg.Organization = &access.Organization{}
	}
	baseURL, baseErr := normalizeBaseURL(cfg.BaseURL)
	if baseErr != nil {
		return nil, baseErr
	}
	cfg.BaseURL = baseURL
	schema := cfg.Store.Schema()
	if cfg.Organization.DynamicAccessControl && schema.HasPlugin(ba.PluginOrganization) && schema.Table(ba.ModelOrganizationRole) == nil {
		// Refused here, not as a 400 on every has-permission call.
		return nil, errors.New("server: Config.Organization.DynamicAccessControl needs the organizationRole table in the store's schema (betterauth.Schema.DynamicAccessControl)")
	}
	if cfg.Sessions == nil {
		if !schema.InDatabase(ba.ModelSession) {
			return nil, errors.New("server: the schema keeps sessions in secondary storage (Schema.SecondaryStorage without StoreSessionInDatabase), so Config.Sessions must be the Redis store")
		}
		cfg.Sessions = cfg.Store
	}
	if cfg.Verifications == nil {
		if !schema.InDatabase(ba.ModelVerification) {
			return nil, errors.New("server: the schema keeps verification values in secondary storage (Schema.SecondaryStorage without StoreVerificationInDatabase), so Config.Verifications must be the Redis store")
		}
		cfg.Verifications = cfg.Store
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewMemoryRateLimiter(cfg.Now)
	}
	if cfg.Mailer == nil {
		cfg.Mailer = LogMailer{Log: cfg.Log}
	}
	if cfg.SessionExpiresIn <= 0 {
		cfg.SessionExpiresIn = ba.DefaultSessionExpiresIn
	}
	if cfg.SessionUpdateAge <= 0 {
		cfg.SessionUpdateAge = 24 * time.Hour
	}
	if cfg.MinPasswordLength <= 0 {
		cfg.MinPasswordLength = ba.MinPasswordLength
	}
	if cfg.MaxPasswordLength <= 0 {
		cfg.MaxPasswordLength = ba.MaxPasswordLength
	}
	if cfg.MinPasswordLength > cfg.MaxPasswordLength {
		return nil, fmt.Errorf("server: MinPasswordLength %d is above MaxPasswordLength %d", cfg.MinPasswordLength, cfg.MaxPasswordLength)
	}
	if cfg.MaxConcurrentHashes <= 0 {
		cfg.MaxConcurrentHashes = runtime.GOMAXPROCS(0)
	}
	if cfg.CookieCache.Enabled() && cfg.CookieCache.Schema == nil {
		cfg.CookieCache.Schema = cfg.Store.Schema()
	}
	s := &Server{
		cfg: cfg, store: cfg.Store, sessions: cfg.Sessions, schema: cfg.Store.Schema(),
		log: cfg.Log, limiter: cfg.Limiter, hashSem: make(chan struct{}, cfg.MaxConcurrentHashes),
		trusted: append([]string{cfg.BaseURL}, cfg.TrustedOrigins...), now: cfg.Now,
	}
	s.txSessions, s.txForget = sqlSessionsOf(cfg.Sessions, cfg.Store)
	if s.txSessions && !schema.InDatabase(ba.ModelSession) {
		return nil, errors.New("server: Config.Sessions is the SQL store, but its schema keeps sessions in secondary storage (Schema.SecondaryStorage): use the Redis store")
	}
	s.verifications = cfg.Verifications
	if sq, ok := cfg.Verifications.(*sqlstore.Store); ok && sq == cfg.Store {
		s.txVerifications = true
		if !schema.InDatabase(ba.ModelVerification) {
			return nil, errors.New("server: Config.Verifications is the SQL store, but its schema keeps verification values in secondary storage (Schema.SecondaryStorage): use the Redis store")
		}
	}
	if cfg.Metrics {
		s.metrics = newMetrics(s)
		for _, c := range cfg.MetricsCollectors {
			if err := s.metrics.registry.Register(c); err != nil {
				return nil, fmt.Errorf("server: Config.MetricsCollectors: %v", err)
			}
		}
		name := cfg.SessionBackendName
		if name == "" {
			name = "database"
		}
		s.sessions = timedSessions{SessionBackend: cfg.Sessions, backend: name, hist: s.metrics.store}
	}
	// The Verifier reads sessions through s.sessions, so that lookups are
	// measured when metrics are on.
	var err error
	if s.verifier, err = ba.NewVerifier(ba.VerifierConfig{
		Secrets: cfg.Secrets, Sessions: s.sessions, BaseURL: cfg.BaseURL,
		Cookies:     cfg.Cookies,
		Bearer:      ba.BearerConfig{Enabled: cfg.Bearer},
		CookieCache: cfg.CookieCache, Now: cfg.Now, Tracer: cfg.VerifyTracer,
	}); err != nil {
		return nil, err
	}
	s.secure = s.verifier.Secure()
	if err := s.initTwoFactor(); err != nil {
		return nil, err
	}
	if err := s.initOAuthTokens(); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

func (s *Server) cookieAttrs() ba.CookieAttributes {
	return ba.CookieAttributes{Domain: s.cfg.CookieDomain}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is a handler that returns its error for writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errResponseWritten is returned by a handler (or a helper it calls) that
// has already written its refusal, such as Better Auth's body-less 401s: it
// stops the handler and writeError leaves the response alone.
var errResponseWritten = errors.New("server: response already written")

func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil && !errors.Is(err, errResponseWritten) {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.patterns = nil
	register := func(pattern string, h http.Handler) {
		s.patterns = append(s.patterns, pattern)
		mux.Handle(pattern, withPattern(pattern, h))
	}
	auth := func(pattern string, h handlerFunc) { register(pattern, s.rateLimited(s.handle(h))) }
	auth("POST /api/auth/sign-up/email", s.signUpEmail)
	auth("POST /api/auth/sign-in/email", s.signInEmail)
	auth("POST /api/auth/sign-out", s.signOut)
	auth("GET /api/auth/get-session", s.getSession)
	auth("GET /api/auth/list-sessions", s.listSessions)
	auth("POST /api/auth/revoke-session", s.revokeSession)
	auth("POST /api/auth/revoke-sessions", s.revokeSessions)
	auth("POST /api/auth/revoke-other-sessions", s.revokeOtherSessions)
	auth("POST /api/auth/update-user", s.updateUser)
	auth("POST /api/auth/change-password", s.changePassword)
	auth("POST /api/auth/request-password-reset", s.requestPasswordReset)
	auth("POST /api/auth/reset-password", s.resetPassword)
	auth("GET /api/auth/reset-password/{token}", s.resetPasswordCallback)
	if s.schema.HasPlugin(ba.PluginAdmin) {
		auth("POST /api/auth/admin/has-permission", s.adminHasPermission)
		s.adminUserRoutes(auth)
		s.adminSessionRoutes(auth)
	}
	if s.schema.HasPlugin(ba.PluginOrganization) {
		auth("POST /api/auth/organization/has-permission", s.organizationHasPermission)
	}
	auth("POST /api/auth/send-verification-email", s.sendVerificationEmailRoute)
	auth("GET /api/auth/verify-email", s.verifyEmail)
	auth("POST /api/auth/change-email", s.changeEmail)
	auth("GET /api/auth/list-accounts", s.listAccounts)
	auth("POST /api/auth/unlink-account", s.unlinkAccount)
	auth("POST /api/auth/delete-user", s.deleteUser)
	auth("GET /api/auth/delete-user/callback", s.deleteUserCallback)
	auth("POST /api/auth/get-session", s.getSessionPost)
	s.oauthTokenRoutes(auth)
	if s.schema.HasPlugin(ba.PluginUsername) {
		auth("POST /api/auth/sign-in/username", s.signInUsername)
		auth("POST /api/auth/is-username-available", s.isUsernameAvailable)
	}
	auth("GET /api/auth/ok", func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]bool{"ok": true})
		return nil
	})

	if s.cfg.JWTSigner != nil {
		auth("GET /api/auth/token", s.jwtToken)
		auth("GET /api/auth"+s.jwksPath(), s.jwks)
	}
	if s.twoFactors != nil {
		s.twoFactorRoutes(auth)
	}

	register("GET /api/me", s.handle(s.getMe))
	register("PATCH /api/me", s.handle(s.patchMe))
	register("GET /api/me/sessions", s.handle(s.mySessions))
	register("DELETE /api/me/sessions/{id}", s.handle(s.deleteMySession))
	register("GET /api/me/accounts", s.handle(s.myAccounts))
	register("GET /api/users/{id}", s.handle(s.getUser))
	if s.schema.HasPlugin(ba.PluginAdmin) {
		register("GET /api/admin/users", s.handle(s.admin("user", "list", s.adminListUsers)))
		register("POST /api/admin/users/{id}/ban", s.handle(s.admin("user", "ban", s.adminBan)))
		register("POST /api/admin/users/{id}/unban", s.handle(s.admin("user", "ban", s.adminUnban)))
		register("POST /api/admin/users/{id}/role", s.handle(s.admin("user", "set-role", s.appAdminSetRole)))
		register("DELETE /api/admin/users/{id}/sessions", s.handle(s.admin("session", "revoke", s.adminRevokeSessions)))
	}
	register("GET /api/openapi.json", s.handle(s.openAPI))
	register("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"status": "ok"})
	}))
	register("GET /readyz", s.handle(s.ready))
	if s.metrics != nil {
		register("GET /metrics", s.metrics.handler())
	}
	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if strings.HasPrefix(r.URL.Path, "/api/auth/") {
			// Better Auth answers unknown auth routes with an empty 404.
			w.WriteHeader(http.StatusNotFound)
			return nil
		}
		return newError(404, "NOT_FOUND", "No route for "+r.Method+" "+r.URL.Path)
	}))

	var h http.Handler = mux
	h = httpauth.CheckOrigin(s.trusted)(h)
	h = s.cors(h)
	h = s.recoverer(h)
	h = s.logRequests(h)
	return h
}

// ready answers 200 when the database (and every Config.Ready check)
// answers, 503 otherwise.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	status := 200
	if _, err := s.store.GetUser(ctx, "readyz-probe"); err != nil && !errors.Is(err, ba.ErrNotFound) {
		checks["database"] = "unavailable"
		status = 503
	} else {
		checks["database"] = "ok"
	}
	for i, check := range s.cfg.Ready {
		name := "check" + strconv.Itoa(i)
		if i == 0 {
			name = "redis"
		}
		if err := check(ctx); err != nil {
			checks[name] = "unavailable"
			status = 503
		} else {
			checks[name] = "ok"
		}
	}
	writeJSON(w, status, checks)
	return nil
}

// rateLimited applies Better Auth's per-IP, per-path limits when enabled.
func (s *Server) rateLimited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.RateLimit {
			next.ServeHTTP(w, r)
			return
		}
		path := rulePath(r.URL.Path)
		rule := ruleFor(path, s.twoFactors != nil)
		if strings.HasPrefix(path, "/reset-password/") {
			// One bucket for all reset links, and no token in a Redis key.
			path = "/reset-password/{token}"
		}
		key := s.clientIP(r) + "|" + path
		ok, retry, err := s.limiter.Allow(r.Context(), key, rule.window, rule.max)
		if err != nil {
			// A limiter outage must not lock everyone out, nor let a
			// flood through silently: log it and serve.
			s.log.WarnContext(r.Context(), "rate limiter unavailable", "error", err.Error())
		} else if !ok {
			secs := strconv.Itoa(retryAfterSeconds(retry))
			w.Header().Set("Retry-After", secs)
			w.Header().Set("X-Retry-After", secs)
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Too many requests. Please try again later."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the peer address, or — when the peer is a trusted proxy — the
// rightmost X-Forwarded-For address that is not a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trustedProxy(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// statusRecorder is the per-request record of logRequests: the status
// written, and the route pattern the mux matched (filled in by withPattern
// through recorderOf, for the metrics). One allocation per request.
type statusRecorder struct {
	http.ResponseWriter
	status    int
	route     string
	requestID [1]string // the X-Request-Id header's value slice
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests gives each request an id (X-Request-Id, echoed back) and logs
// method, path, status and duration — never headers, cookies or bodies.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			id = newRequestID()
		}
		rec := &statusRecorder{ResponseWriter: w, requestID: [1]string{id}}
		w.Header()["X-Request-Id"] = rec.requestID[:]
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		if s.metrics != nil {
			s.metrics.observe(rec.route, r.Method, rec.status, elapsed)
		}
		if ctx := r.Context(); s.log.Enabled(ctx, slog.LevelInfo) {
			s.log.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("id", id), slog.String("method", r.Method),
				slog.String("path", logPath(r.URL.Path)), slog.Int("status", rec.status), slog.Int64("duration_ms", elapsed.Milliseconds()))
		}
	})
}

// Request ids are a random per-process prefix and a counter: unique
// across instances in practice (32 random bits each) and within one
// process by construction, without reading the system's random source on
// every request. They identify log lines; they are not secrets.
var (
	requestIDPrefix = func() uint32 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return binary.BigEndian.Uint32(b[:])
	}()
	requestIDCounter atomic.Uint32
)

// newRequestID returns 16 hex digits: the process prefix, then the counter.
func newRequestID() string {
	var b [8]byte
	binary.BigEndian.PutUint32(b[:4], requestIDPrefix)
	binary.BigEndian.PutUint32(b[4:], requestIDCounter.Add(1))
	var h [16]byte
	hex.Encode(h[:], b[:])
	return string(h[:])
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "path", logPath(r.URL.Path), "panic", fmt.Sprint(p))
				s.writeError(w, r, errInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logPath is a request path as logged: the path of a reset link holds the
// reset token, a credential, so that segment is logged as its pattern.
func logPath(p string) string {
	if strings.HasPrefix(p, "/api/auth/reset-password/") {
		return "/api/auth/reset-password/{token}"
	}
	return p
}
