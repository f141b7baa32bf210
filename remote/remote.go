package remote

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// ErrRateLimited means Better Auth answered 429 Too Many Requests, or that
// a lookup was not sent because Better Auth's Retry-After has not passed.
// It always comes wrapped together with betterauth.ErrUnavailable, so an
// HTTP layer answers 503 (never 401): the caller is not signed out, the
// lookup merely could not be made.
var ErrRateLimited = errors.New("remote: rate limited by Better Auth")

// Defaults of Config.
const (
	DefaultBasePath     = "/api/auth"
	DefaultCookieName   = "better-auth.session_token"
	DefaultTimeout      = 3 * time.Second
	DefaultPositiveTTL  = 10 * time.Second
	DefaultNegativeTTL  = 2 * time.Second
	DefaultMaxEntries   = 10_000
	DefaultMaxBodyBytes = 1 << 20
	// DefaultBackoff is how long lookups pause after a 429 that names no
	// delay. Better Auth always sends X-Retry-After; proxies may not.
	DefaultBackoff = 5 * time.Second
	// MaxBackoff caps the pause a Retry-After header can ask for, so that a
	// wrong header cannot stop lookups for hours.
	MaxBackoff = 5 * time.Minute
)

// getSessionQuery makes get-session an authoritative, read-only lookup in
// better-auth 1.7.25 (getSessionQuerySchema in cookies/session-store.ts,
// both z.coerce.boolean): disableCookieCache reads the session store even
// when a session_data cookie would do, disableRefresh never slides the
// session's expiresAt or re-issues cookies.
const getSessionQuery = "disableCookieCache=true&disableRefresh=true"

// Config configures a Source. Only BaseURL is required.
type Config struct {
	// BaseURL is where this service reaches Better Auth, e.g.
	// "https://auth.example.com". Required. As in Better Auth, a URL with
	// a path ("https://example.com/custom/auth") is the whole auth API
	// base and BasePath is not appended.
	BaseURL string
	// BasePath is Better Auth's basePath option. Default "/api/auth".
	// New refuses a path that is not plain segments of letters, digits and
	// -._~!$&'()*+,;=:@ (no '?', '#', '%', '\\', space or control byte, no
	// empty, "." or ".." segment); the leading '/' may be left out, as in
	// Better Auth.
	BasePath string
	// Secrets, current first: the secret(s) of the Better Auth app
	// (BETTER_AUTH_SECRET or BETTER_AUTH_SECRETS). Default
	// betterauth.SecretsFromEnv(). Only the current secret is used: the
	// Source rebuilds the signed session cookie from the token, and Better
	// Auth checks cookie signatures with its current secret only. Give the
	// Verifier the same secrets.
	Secrets []ba.Secret
	// CookieName is the full name of the session_token cookie Better Auth
	// reads. Default "better-auth.session_token", with "__Secure-" in front
	// when BaseURL is https. Set it when Better Auth has a cookiePrefix, a
	// custom cookie name or useSecureCookies, or when BaseURL's scheme is
	// not that of Better Auth's own baseURL (an internal
	// http://auth:3000 for a public https://auth.example.com needs
	// "__Secure-better-auth.session_token"). A wrong name is not unsafe
	// but makes every session look signed out.
	CookieName string
	// HTTPClient sends the requests. Default: a client that does not
	// follow redirects (a 3xx is an error), over a transport that keeps
	// up to 64 idle connections to Better Auth. A client given here keeps
	// its own redirect policy; Go's client re-sends the Cookie header on
	// redirects to the same domain.
	HTTPClient *http.Client
	// Timeout bounds one request to Better Auth, whatever the client.
	// Default 3 s. A lookup whose caller gives up sooner still completes
	// for the other callers waiting on it.
	Timeout time.Duration
	// Header is sent with every request (Cookie and Accept excepted). Use
	// it for what Better Auth's rate limiter keys on: an X-Forwarded-For
	// naming this service gives it its own bucket (see the package
	// documentation). Default none.
	Header http.Header
	// PositiveTTL is how long a found session is reused without asking
	// Better Auth again, which is also how long a signed-out or revoked
	// session keeps working here. Default 10 s; negative disables.
	PositiveTTL time.Duration
	// NegativeTTL is how long "no such session" is remembered, so that a
	// signed-out browser that keeps sending its stale cookie costs one
	// request per NegativeTTL. Default 2 s; negative disables.
	NegativeTTL time.Duration
	// MaxEntries bounds the cache; the least recently used entry goes
	// first. Default 10 000 (a few MB with typical users).
	MaxEntries int
	// MaxBodyBytes caps get-session's response. Default 1 MiB; a larger
	// answer is an error (ErrUnavailable).
	MaxBodyBytes int64
	// AllowInsecureHTTP permits a plain http:// BaseURL to a host other
	// than localhost or a loopback address. Off by default: the request
	// carries a live session cookie.
	AllowInsecureHTTP bool
	// Now returns the current time, for the cache and the rate-limit
	// backoff; time.Now by default.
	Now func() time.Time
	// Log receives what no single caller can tell: Better Auth rate
	// limiting this service, so that lookups pause (each caller only sees
	// ErrRateLimited). Never a token or cookie. Default slog.Default().
	Log *slog.Logger
}

// Source looks sessions up by asking Better Auth's GET /get-session. It
// implements betterauth.SessionStore for betterauth.NewVerifier, caches
// answers for PositiveTTL/NegativeTTL and sends one request for any
// number of concurrent lookups of the same token. It is safe for
// concurrent use.
type Source struct {
	endpoint   string
	cookieName string
	secret     string
	client     *http.Client
	timeout    time.Duration
	header     http.Header
	positive   time.Duration
	negative   time.Duration
	maxBody    int64
	now        func() time.Time
	log        *slog.Logger

	mu           sync.Mutex
	cache        lru
	inflight     map[cacheKey]*call
	backoffUntil time.Time
}

// cacheKey is the SHA-256 of a session token. Neither the cache nor the
// in-flight table holds a raw token: a heap dump of a long-running service
// does not hand out sessions (the token lives only as long as a lookup).
type cacheKey [sha256.Size]byte

func keyOf(token string) cacheKey { return sha256.Sum256([]byte(token)) }

// New checks cfg and builds a Source. Nothing is fetched until the first
// lookup.
func New(cfg Config) (*Source, error) {
	endpoint, secure, err := endpointURL(cfg.BaseURL, cfg.BasePath, cfg.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	secrets := cfg.Secrets
	if len(secrets) == 0 {
		if secrets, err = ba.SecretsFromEnv(); err != nil {
			return nil, err
		}
	}
	for _, s := range secrets {
		if s.Value == "" {
			return nil, errors.New("remote: empty secret")
		}
		if s.Value == ba.DefaultSecret {
			return nil, errors.New("remote: refusing Better Auth's well-known default secret; set BETTER_AUTH_SECRET to your app's secret")
		}
	}
	name := cfg.CookieName
	if name == "" {
		name = DefaultCookieName
		if secure {
			name = "__Secure-" + name
		}
	}
	if !cookiecache.ValidName(name) {
		return nil, fmt.Errorf("remote: CookieName %q is not a valid cookie name (an RFC 6265 token: letters, digits and !#$%%&'*+-.^_`|~)", name)
	}
	s := &Source{
		endpoint:   endpoint,
		cookieName: name,
		secret:     secrets[0].Value,
		client:     cfg.HTTPClient,
		timeout:    positive(cfg.Timeout, DefaultTimeout),
		header:     cfg.Header.Clone(),
		positive:   ttl(cfg.PositiveTTL, DefaultPositiveTTL),
		negative:   ttl(cfg.NegativeTTL, DefaultNegativeTTL),
		maxBody:    cfg.MaxBodyBytes,
		now:        cfg.Now,
		log:        cfg.Log,
		inflight:   map[cacheKey]*call{},
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.client == nil {
		s.client = defaultClient()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	maxEntries := cfg.MaxEntries
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	s.cache.init(maxEntries)
	if s.header != nil {
		s.header.Del("Cookie")
		s.header.Del("Accept")
	}
	return s, nil
}

// Endpoint returns the URL the Source asks, query included.
func (s *Source) Endpoint() string { return s.endpoint }

// CookieName returns the name of the cookie the Source sends.
func (s *Source) CookieName() string { return s.cookieName }

// GetSessionAndUser returns the session with this token and its user, as
// Better Auth's get-session answers now or did within PositiveTTL. The
// error matches betterauth.ErrNotFound when Better Auth knows no such
// live session, and betterauth.ErrUnavailable when it could not be asked
// or answered badly (never ErrNotFound then). The returned values are
// the caller's own copies.
//
// The token is not checked here: a betterauth.Verifier checks the cookie's
// or bearer token's signature before it calls this, so a forged credential
// never costs a request.
func (s *Source) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	if token == "" {
		return nil, nil, ba.ErrNotFound
	}
	key := keyOf(token)
	now := s.now()
	s.mu.Lock()
	if e := s.cache.get(key, now); e != nil {
		sess, user := e.session, e.user
		s.mu.Unlock()
		return answer(sess, user, token)
	}
	c, joined := s.inflight[key]
	if !joined {
		if now.Before(s.backoffUntil) {
			wait := s.backoffUntil.Sub(now)
			s.mu.Unlock()
			return nil, nil, fmt.Errorf("%w: %w: not asking for %s (Retry-After)", ba.ErrUnavailable, ErrRateLimited, wait.Round(time.Millisecond))
		}
		c = &call{done: make(chan struct{})}
		s.inflight[key] = c
	}
	s.mu.Unlock()
	if !joined {
		// The request runs on its own goroutine with a context that
		// outlives this caller, because other callers may join it.
		go s.lookup(context.WithoutCancel(ctx), key, token, c)
	}
	select {
	case <-c.done:
		if c.err != nil {
			return nil, nil, c.err
		}
		return answer(c.session, c.user, token)
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("%w: waiting for Better Auth: %w", ba.ErrUnavailable, ctx.Err())
	}
}

// Invalidate forgets what the Source knows about token, including the
// answer of a lookup still in flight. Call it when this service signs the
// session out or revokes it through Better Auth, so that it stops working
// here at once instead of after PositiveTTL.
func (s *Source) Invalidate(token string) {
	key := keyOf(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cache.remove(key)
	if c, ok := s.inflight[key]; ok {
		c.forget = true
		delete(s.inflight, key)
	}
}

// call is one request to Better Auth, shared by every lookup of the same
// token that starts while it runs (a hand-written singleflight).
type call struct {
	done    chan struct{} // closed once the fields below are set
	session *ba.Session   // token cleared
	user    *ba.User
	err     error
	forget  bool // Invalidate ran: do not cache the answer (under Source.mu)
}

func (s *Source) lookup(ctx context.Context, key cacheKey, token string, c *call) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	sess, user, retryAfter, err := s.fetch(ctx, token)
	now := s.now()
	pausing := false // a backoff starts now: tell the log once
	s.mu.Lock()
	if s.inflight[key] == c {
		delete(s.inflight, key)
	}
	switch {
	case err == nil:
		if !c.forget && s.positive > 0 {
			s.cache.put(key, sess, user, now.Add(s.positive))
		}
	case errors.Is(err, ba.ErrNotFound):
		if !c.forget && s.negative > 0 {
			s.cache.put(key, nil, nil, now.Add(s.negative))
		}
	case retryAfter > 0:
		if !now.Before(s.backoffUntil) {
			pausing = true
		}
		if until := now.Add(retryAfter); until.After(s.backoffUntil) {
			s.backoffUntil = until
		}
	}
	c.session, c.user, c.err = sess, user, err
	s.mu.Unlock()
	if pausing { // before the waiters go on, so that it precedes what they log
		s.log.WarnContext(ctx, "betterauth/remote: Better Auth is rate-limiting this service (429); session lookups pause and answer ErrRateLimited (see the package documentation on giving this service its own bucket)",
			"endpoint", s.endpoint, "pause", retryAfter.String())
	}
	close(c.done)
}

// answer hands out copies, so that a caller changing its session or user
// cannot change what other callers get from the cache, and puts the token
// back (the cache keeps sessions without it).
func answer(sess *ba.Session, user *ba.User, token string) (*ba.Session, *ba.User, error) {
	if sess == nil {
		return nil, nil, ba.ErrNotFound
	}
	s, u := sess.Clone(), user.Clone()
	s.Token = token
	return s, u, nil
}

// endpointURL builds the get-session URL the way Better Auth's withPath
// builds its base URL, and checks the scheme.
func endpointURL(base, basePath string, allowHTTP bool) (endpoint string, secure bool, err error) {
	if base == "" {
		return "", false, errors.New("remote: Config.BaseURL is required (where this service reaches Better Auth)")
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", false, fmt.Errorf("remote: bad BaseURL: %w", err)
	}
	switch u.Scheme {
	case "https":
		secure = true
	case "http":
		if !allowHTTP && !isLoopback(u.Hostname()) {
			return "", false, fmt.Errorf("remote: BaseURL %s: plain http is allowed only to localhost or a loopback address, since each request carries a session cookie (set AllowInsecureHTTP to override)", base)
		}
	default:
		return "", false, fmt.Errorf("remote: BaseURL %s: scheme %q is not http or https", base, u.Scheme)
	}
	if u.Host == "" {
		return "", false, fmt.Errorf("remote: BaseURL %s has no host", base)
	}
	if u.User != nil {
		return "", false, fmt.Errorf("remote: BaseURL must not carry credentials")
	}
	// Checked even when the BaseURL's path makes it unused: a malformed
	// value is a mistake either way.
	if err := checkBasePath(basePath); err != nil {
		return "", false, err
	}
	path := strings.TrimRight(u.Path, "/")
	if path == "" {
		if basePath == "" {
			basePath = DefaultBasePath
		}
		path = "/" + strings.Trim(basePath, "/")
		if path == "/" {
			path = ""
		}
	}
	u.Path, u.RawPath = path+"/get-session", ""
	u.RawQuery, u.Fragment = getSessionQuery, ""
	return u.String(), secure, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkBasePath accepts a path of plain segments: RFC 3986 path
// characters without percent-encoding (so no space, control byte, '?',
// '#', '\\' or '%'), and no empty, "." or ".." segment. Anything else would
// be escaped or resolved differently here, by a proxy and by Better Auth's
// URL parser, and so name another endpoint than Better Auth serves, or
// none. As in Better Auth's withPath, the leading '/' may be left out and
// a trailing one is dropped.
func checkBasePath(p string) error {
	trimmed := strings.TrimRight(strings.TrimPrefix(p, "/"), "/")
	if trimmed == "" {
		return nil
	}
	for i := 0; i < len(trimmed); i++ {
		if !pathByte[trimmed[i]] {
			return fmt.Errorf("remote: BasePath %q: byte %q is not allowed (letters, digits, '/' and -._~!$&'()*+,;=:@ only)", p, trimmed[i])
		}
	}
	for _, seg := range strings.Split(trimmed, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("remote: BasePath %q has an empty, \".\" or \"..\" segment", p)
		}
	}
	return nil
}

var pathByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "-._~!$&'()*+,;=:@/" {
		t[c] = true
	}
	return t
}()

func defaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{
		Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// ttl maps 0 to the default and a negative value to 0 (disabled).
func ttl(d, def time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return def
	}
	return d
}
