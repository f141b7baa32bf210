package betterauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// Credential says where a verified session came from.
type Credential string

// Credential kinds.
const (
	CredentialCookie      Credential = "cookie"       // signed session_token cookie
	CredentialBearer      Credential = "bearer"       // Authorization: Bearer (bearer plugin)
	CredentialCookieCache Credential = "cookie-cache" // session_data cookie, no store read
	CredentialJWT         Credential = "jwt"          // jwt-plugin token: a user, no session
)

// Result is a verified session.
type Result struct {
	Session *Session
	User    *User
	// Token is the session token (unsigned).
	Token string
	// Credential says how the request presented it.
	Credential Credential
}

// CookieConfig names Better Auth's cookies. The zero value is Better Auth's
// default: "better-auth.session_token", with the "__Secure-" prefix when the
// base URL is https, or, with no base URL, when NODE_ENV is "production".
// A Verifier reads exactly one session_token name (and one session_data
// name, with its chunks), chosen as Better Auth chooses it, so that a
// cookie planted under the other name never stands in for the browser's
// own. NewVerifier refuses a prefix or name that is not an RFC 6265 token.
type CookieConfig struct {
	// Prefix replaces "better-auth" (Better Auth's advanced.cookiePrefix).
	Prefix string
	// SessionTokenName replaces "<prefix>.session_token" entirely (Better
	// Auth's advanced.cookies.session_token.name); "__Secure-" is still
	// prepended when secure.
	SessionTokenName string
	// SessionDataName replaces "<prefix>.session_data" likewise.
	SessionDataName string
	// Secure forces the "__Secure-" prefix on (true) or off (false)
	// (Better Auth's advanced.useSecureCookies). nil derives it as Better
	// Auth does: from the base URL's scheme (https means secure), and with
	// no base URL at all from NODE_ENV ("production" means secure).
	Secure *bool
	// AcceptBothSecureAndPlain also reads the session_token and
	// session_data cookies under the other name (with "__Secure-" when
	// the name above has none, without it when it has), after the name
	// above: for a migration, while browsers still hold cookies from
	// before a change of scheme or of useSecureCookies. Off by default,
	// as Better Auth reads exactly one name.
	//
	// The risk is cookie fixation: whoever can plant a cookie under the
	// other name in a browser that holds no session cookie of its own
	// signs that browser in as the planter's account. A plain-named
	// cookie can be planted over plain http, by a network attacker or a
	// sibling subdomain, even when the app is https only. The name above
	// is read first so that it always wins over a planted one. Turn it
	// off once the old cookies have expired (session.expiresIn).
	AcceptBothSecureAndPlain bool
}

// BearerConfig configures Authorization: Bearer tokens (Better Auth's bearer
// plugin). Off by default.
type BearerConfig struct {
	// Enabled accepts "Authorization: Bearer <token>.<signature>", the
	// value Better Auth sends in the set-auth-token header.
	Enabled bool
	// AllowUnsigned also accepts a raw session token without signature.
	// Better Auth's bearer plugin does by default (unless requireSignature);
	// we do not, because a leaked token alone then suffices.
	AllowUnsigned bool
}

// VerifierConfig configures a Verifier. Only Sessions is required; secrets
// come from the environment when not set.
type VerifierConfig struct {
	// Secrets, current first. Empty means SecretsFromEnv(). Signed cookies
	// use only the current (first) secret, as Better Auth does; older ones
	// serve the JWE cookie cache and encrypted values.
	Secrets []Secret
	// Sessions looks sessions up: a SQL store, or Redis secondary storage.
	Sessions SessionStore
	// BaseURL is Better Auth's baseURL; its scheme decides the "__Secure-"
	// cookie prefix (see CookieConfig). Default: BaseURLFromEnv(), the
	// variables Better Auth reads (BETTER_AUTH_URL first). NewVerifier
	// refuses a value that is not an absolute http:// or https:// URL
	// (ErrInvalidBaseURL), as Better Auth refuses to start on one.
	BaseURL string
	// Cookies names the cookies; Better Auth's defaults when zero.
	Cookies CookieConfig
	// Bearer accepts Authorization: Bearer; off by default.
	Bearer BearerConfig
	// CookieCache trusts Better Auth's session_data cookie; off by default.
	CookieCache CookieCacheConfig
	// IgnoreBans skips the admin plugin's ban check. Better Auth's own
	// session lookup does not check bans; by default we refuse a banned
	// user whose ban has not expired, so that an API never serves one.
	IgnoreBans bool
	// Refresh extends sessions as Better Auth's updateAge rule does; off by
	// default (a read-only bridge).
	Refresh RefreshConfig
	// Now returns the current time; time.Now by default.
	Now func() time.Time
	// Tracer observes every verification (outcome, credential kind,
	// duration; never a token): see package
	// github.com/betterauth-go/betterauth/otel. Default none, which costs
	// nothing.
	Tracer VerifyTracer
}

// RefreshConfig enables sliding sessions.
type RefreshConfig struct {
	// Enabled turns refresh on. The session store must implement
	// SessionRefresher.
	Enabled bool
	// ExpiresIn is session.expiresIn; 7 days by default.
	ExpiresIn time.Duration
	// UpdateAge is session.updateAge; 1 day by default.
	UpdateAge time.Duration
}

// Verifier decides, for each request, which Better Auth session and user it
// belongs to, exactly as Better Auth would. It is safe for concurrent use.
type Verifier struct {
	secrets     []Secret
	sessions    SessionStore
	tokenNames  []string
	dataNames   []string
	secure      bool
	bearer      BearerConfig
	cache       CookieCacheConfig
	memo        *cacheMemo
	ignoreBans  bool
	refresh     RefreshConfig
	now         func() time.Time
	cookiePrefx string
	tracer      VerifyTracer
}

// NewVerifier checks the configuration and builds a Verifier.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Sessions == nil && !cfg.CookieCache.Enabled() {
		return nil, errors.New("betterauth: VerifierConfig.Sessions is required (a SQL store or Redis)")
	}
	secrets := cfg.Secrets
	if len(secrets) == 0 {
		var err error
		if secrets, err = SecretsFromEnv(); err != nil {
			return nil, err
		}
	}
	for _, s := range secrets {
		if s.Value == "" {
			return nil, errors.New("betterauth: empty secret")
		}
		if s.Value == DefaultSecret {
			return nil, errors.New("betterauth: refusing Better Auth's well-known default secret; set BETTER_AUTH_SECRET to your app's secret")
		}
	}
	source := "VerifierConfig.BaseURL"
	if cfg.BaseURL == "" {
		var err error
		if source, cfg.BaseURL, err = baseURLFromEnv(); err != nil {
			return nil, err
		}
	}
	var baseURL *url.URL
	if cfg.BaseURL != "" {
		var err error
		if baseURL, err = parseBaseURL(source, cfg.BaseURL); err != nil {
			return nil, err
		}
	}
	v := &Verifier{
		secrets: secrets, sessions: cfg.Sessions, bearer: cfg.Bearer, cache: cfg.CookieCache,
		ignoreBans: cfg.IgnoreBans, refresh: cfg.Refresh, now: cfg.Now, tracer: cfg.Tracer,
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.refresh.Enabled {
		if _, ok := cfg.Sessions.(SessionRefresher); !ok {
			return nil, fmt.Errorf("betterauth: Refresh needs a session store with RefreshSession; %T has none", cfg.Sessions)
		}
		if v.refresh.ExpiresIn <= 0 {
			v.refresh.ExpiresIn = DefaultSessionExpiresIn
		}
		if v.refresh.UpdateAge <= 0 {
			v.refresh.UpdateAge = 24 * time.Hour
		}
	}
	if err := v.cache.validate(); err != nil {
		return nil, err
	}
	if v.cache.Enabled() {
		v.memo = newCacheMemo(v.cache.Memo)
	}
	if err := cfg.Cookies.validate(); err != nil {
		return nil, err
	}
	prefix := cfg.Cookies.Prefix
	if prefix == "" {
		prefix = "better-auth"
	}
	v.cookiePrefx = prefix
	token := cfg.Cookies.SessionTokenName
	if token == "" {
		token = prefix + ".session_token"
	}
	data := cfg.Cookies.SessionDataName
	if data == "" {
		data = prefix + ".session_data"
	}
	// Better Auth's rule (createCookieGetter): useSecureCookies, else the
	// base URL's scheme, else NODE_ENV=production.
	switch {
	case cfg.Cookies.Secure != nil:
		v.secure = *cfg.Cookies.Secure
	case baseURL != nil:
		v.secure = strings.EqualFold(baseURL.Scheme, "https")
	default:
		v.secure = getenv("NODE_ENV") == "production"
	}
	v.tokenNames, v.dataNames = []string{secureName(token, v.secure)}, []string{secureName(data, v.secure)}
	if cfg.Cookies.AcceptBothSecureAndPlain {
		v.tokenNames = append(v.tokenNames, secureName(token, !v.secure))
		v.dataNames = append(v.dataNames, secureName(data, !v.secure))
	}
	return v, nil
}

// validate refuses a name no Cookie header can carry: net/http and Better
// Auth both drop such a cookie, so every request would look signed out.
func (c CookieConfig) validate() error {
	for _, f := range []struct{ field, value string }{
		{"Prefix", c.Prefix}, {"SessionTokenName", c.SessionTokenName}, {"SessionDataName", c.SessionDataName},
	} {
		if f.value != "" && !cookiecache.ValidName(f.value) {
			return fmt.Errorf("betterauth: Cookies.%s %q is not a valid cookie name (an RFC 6265 token: letters, digits and !#$%%&'*+-.^_`|~)", f.field, f.value)
		}
	}
	return nil
}

func secureName(name string, secure bool) string {
	if secure {
		return "__Secure-" + name
	}
	return name
}

// SessionCookieName is the name of the session_token cookie this Verifier
// writes and reads (first, with Cookies.AcceptBothSecureAndPlain).
func (v *Verifier) SessionCookieName() string { return v.tokenNames[0] }

// Secure reports whether cookies carry the __Secure- prefix and Secure.
func (v *Verifier) Secure() bool { return v.secure }

func (v *Verifier) currentSecret() string { return v.secrets[0].Value }

// Verify finds and checks the session of a request: the signed session
// cookie (and the cookie cache when enabled), else a bearer token when
// enabled. It never writes to the response.
func (v *Verifier) Verify(ctx context.Context, r *http.Request) (*Result, error) {
	if v.tracer == nil {
		res, _, err := v.verify(ctx, r)
		return res, err
	}
	start := time.Now()
	ctx = v.tracer.VerifyStart(ctx)
	res, cred, err := v.verify(ctx, r)
	v.traceEnd(ctx, start, res, cred, err)
	return res, err
}

// verify is Verify; it also returns the kind of credential found, when
// it fails too.
func (v *Verifier) verify(ctx context.Context, r *http.Request) (*Result, Credential, error) {
	// Read once, as net/http reads them, into pairs on the stack: the
	// Cookie header can be long and this runs on every request.
	var buf [16]cookiecache.Cookie
	cookies := cookiecache.Parse(buf[:0], r.Header, v.readsCookie)
	token, cred, err := v.credential(r, cookies)
	if err != nil {
		return nil, cred, err
	}
	if cred == CredentialCookie && v.cache.Enabled() {
		if res, ok := v.fromCookieCache(ctx, cookies, token); ok {
			return res, res.Credential, nil
		}
	}
	res, err := v.verifyToken(ctx, token, cred)
	return res, cred, err
}

// VerifyToken checks an unsigned session token against the session store.
func (v *Verifier) VerifyToken(ctx context.Context, token string) (*Result, error) {
	if v.tracer != nil {
		start := time.Now()
		ctx = v.tracer.VerifyStart(ctx)
		res, err := v.verifyBareToken(ctx, token)
		v.traceEnd(ctx, start, res, "", err)
		return res, err
	}
	return v.verifyBareToken(ctx, token)
}

func (v *Verifier) verifyBareToken(ctx context.Context, token string) (*Result, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	return v.verifyToken(ctx, token, "")
}

// VerifyCookieValue checks a session_token cookie value (signed, possibly
// URL-encoded) and then the session.
func (v *Verifier) VerifyCookieValue(ctx context.Context, value string) (*Result, error) {
	if v.tracer != nil {
		start := time.Now()
		ctx = v.tracer.VerifyStart(ctx)
		res, err := v.verifyCookieValue(ctx, value)
		v.traceEnd(ctx, start, res, CredentialCookie, err)
		return res, err
	}
	return v.verifyCookieValue(ctx, value)
}

func (v *Verifier) verifyCookieValue(ctx context.Context, value string) (*Result, error) {
	token, err := VerifySigned(value, v.currentSecret())
	if err != nil {
		return nil, ErrInvalidSignature
	}
	return v.verifyToken(ctx, token, CredentialCookie)
}

// readsCookie reports whether Verify reads the cookie called name: a
// session_token, or with the cookie cache on, a session_data or one of its
// chunks (<name>.<i>).
func (v *Verifier) readsCookie(name string) bool {
	for _, n := range v.tokenNames {
		if name == n {
			return true
		}
	}
	if v.cache.Enabled() {
		for _, n := range v.dataNames {
			if strings.HasPrefix(name, n) && (len(name) == len(n) || name[len(n)] == '.') {
				return true
			}
		}
	}
	return false
}

// credential extracts the session token from the cookie or bearer header.
func (v *Verifier) credential(r *http.Request, cookies []cookiecache.Cookie) (string, Credential, error) {
	sawCookie := false
	for _, name := range v.tokenNames {
		for _, c := range cookies {
			if c.Name != name || c.Value == "" {
				continue
			}
			sawCookie = true
			if token, err := VerifySigned(c.Value, v.currentSecret()); err == nil {
				return token, CredentialCookie, nil
			}
		}
	}
	if v.bearer.Enabled {
		if token, ok, err := v.bearerToken(r); ok || err != nil {
			return token, CredentialBearer, err
		}
	}
	if sawCookie {
		return "", CredentialCookie, ErrInvalidSignature
	}
	return "", "", ErrNoSession
}

// bearerToken reads Authorization: Bearer as Better Auth's bearer plugin
// does: the scheme is case-insensitive; a value with a '.' is a signed token
// (URL-decoded when it contains '%'); one without is a raw token, accepted
// only with AllowUnsigned.
func (v *Verifier) bearerToken(r *http.Request) (string, bool, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false, nil
	}
	scheme, value, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false, nil
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", true, ErrInvalidSignature
	}
	if !strings.Contains(value, ".") {
		if !v.bearer.AllowUnsigned {
			return "", true, ErrInvalidSignature
		}
		return value, true, nil
	}
	token, err := VerifySigned(value, v.currentSecret())
	if err != nil {
		return "", true, ErrInvalidSignature
	}
	return token, true, nil
}

func (v *Verifier) verifyToken(ctx context.Context, token string, cred Credential) (*Result, error) {
	if v.sessions == nil {
		return nil, ErrSessionNotFound
	}
	sess, user, err := v.sessions.GetSessionAndUser(ctx, token)
	switch {
	case errors.Is(err, ErrNotFound), err == nil && (sess == nil || user == nil):
		// A nil without an error breaks the SessionStore contract; read
		// it as "no such session", never as a session.
		return nil, ErrSessionNotFound
	case err != nil:
		if errors.Is(err, ErrUnavailable) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	now := v.now()
	if sess.IsExpired(now) {
		return nil, ErrSessionExpired
	}
	if !v.ignoreBans && user.IsBanned(now) {
		return nil, ErrUserBanned
	}
	if v.refresh.Enabled && v.shouldRefresh(sess, now) {
		expires := Truncate(now.Add(v.refresh.ExpiresIn))
		if err := v.sessions.(SessionRefresher).RefreshSession(ctx, token, expires); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, ErrSessionNotFound
			}
			return nil, fmt.Errorf("%w: refresh session: %v", ErrUnavailable, err)
		}
		sess.ExpiresAt, sess.UpdatedAt = expires, Truncate(now)
	}
	return &Result{Session: sess, User: user, Token: token, Credential: cred}, nil
}

// shouldRefresh is Better Auth's updateAge rule:
// expiresAt − expiresIn + updateAge ≤ now.
func (v *Verifier) shouldRefresh(s *Session, now time.Time) bool {
	return !s.ExpiresAt.Add(-v.refresh.ExpiresIn).Add(v.refresh.UpdateAge).After(now)
}
