package jwt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RemoteOptions configure NewRemoteJWKS. The zero value is ready to use.
type RemoteOptions struct {
	// Client makes the requests. Default: an http.Client whose redirects
	// must also satisfy the https-or-loopback rule below. A client given
	// here keeps its own redirect policy.
	Client *http.Client
	// Timeout bounds one fetch, whoever waits for it. Default 5 s.
	Timeout time.Duration
	// TTL is how long a fetched key set is used before it is fetched
	// again. Default 10 min.
	TTL time.Duration
	// MinRefreshInterval is the least time between two fetches, whatever
	// triggers them: a token with an unknown kid, an expired TTL or a
	// failed fetch. It keeps tokens with made-up kids from turning into a
	// flood of requests to Better Auth. Default 30 s.
	MinRefreshInterval time.Duration
	// MaxStale is how long past TTL the cached keys keep verifying while
	// fetches fail, so that a Better Auth outage does not stop services
	// from accepting tokens they could check. Default 1 h; a negative
	// value disables it.
	MaxStale time.Duration
	// MaxBodyBytes caps the size of the /jwks response. Default 1 MiB.
	MaxBodyBytes int64
	// AllowInsecureHTTP permits a plain http:// URL to a host other than
	// localhost or a loopback address. Off by default: a key set fetched
	// in clear text can be swapped for an attacker's.
	AllowInsecureHTTP bool
	// Now returns the current time, for the cache; time.Now by default.
	Now func() time.Time
	// Log receives what happens in the background, where no caller
	// sees it: a reload that failed while older keys stay in use, its
	// recovery, keys left out as unusable. Default slog.Default().
	Log *slog.Logger
}

const (
	defaultRemoteTimeout   = 5 * time.Second
	defaultTTL             = 10 * time.Minute
	defaultMinRefresh      = 30 * time.Second
	defaultMaxStale        = time.Hour
	defaultMaxJWKSBodySize = 1 << 20
)

// RemoteJWKS fetches and caches Better Auth's JSON Web Key Set from its
// /jwks endpoint. It is safe for concurrent use.
type RemoteJWKS struct {
	url       string
	client    *http.Client
	maxBody   int64
	allowHTTP bool
	cache     keyCache
}

// NewRemoteJWKS builds a key source for the JWKS at rawURL, usually
// "<baseURL>/api/auth/jwks" (Better Auth's jwks.jwksPath may move it).
// Nothing is fetched until the first Keys call.
func NewRemoteJWKS(rawURL string, opts RemoteOptions) (*RemoteJWKS, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("betterauth/jwt: bad JWKS URL: %w", err)
	}
	if err := checkURL(u, opts.AllowInsecureHTTP); err != nil {
		return nil, fmt.Errorf("betterauth/jwt: JWKS URL %s: %w", rawURL, err)
	}
	r := &RemoteJWKS{url: u.String(), client: opts.Client, maxBody: opts.MaxBodyBytes, allowHTTP: opts.AllowInsecureHTTP}
	if r.client == nil {
		r.client = &http.Client{CheckRedirect: r.checkRedirect}
	}
	if r.maxBody <= 0 {
		r.maxBody = defaultMaxJWKSBodySize
	}
	r.cache = keyCache{
		load:        r.fetch,
		what:        r.url,
		ttl:         positive(opts.TTL, defaultTTL),
		minInterval: positive(opts.MinRefreshInterval, defaultMinRefresh),
		maxStale:    maxStale(opts.MaxStale),
		timeout:     positive(opts.Timeout, defaultRemoteTimeout),
		now:         opts.Now,
		log:         opts.Log,
	}
	if r.cache.now == nil {
		r.cache.now = time.Now
	}
	return r, nil
}

// Keys returns the keys with ID kid, fetching the key set when the cache is
// empty or older than TTL, or when kid is unknown (at most once per
// MinRefreshInterval).
func (r *RemoteJWKS) Keys(ctx context.Context, kid string) ([]Key, error) {
	return r.cache.Keys(ctx, kid)
}

func (r *RemoteJWKS) fetch(ctx context.Context) ([]Key, map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, nil, fmt.Errorf("GET %s: status %s", r.url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", r.url, err)
	}
	if int64(len(body)) > r.maxBody {
		return nil, nil, fmt.Errorf("GET %s: response larger than %d bytes", r.url, r.maxBody)
	}
	keys, skipped, err := parseJWKS(body)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", r.url, err)
	}
	return keys, skipped, nil
}

func (r *RemoteJWKS) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	return checkURL(req.URL, r.allowHTTP)
}

// checkURL allows https anywhere and http only to loopback hosts, unless
// allowHTTP.
func checkURL(u *url.URL, allowHTTP bool) error {
	switch u.Scheme {
	case "https":
	case "http":
		if !allowHTTP && !isLoopback(u.Hostname()) {
			return errors.New("plain http is allowed only to localhost or a loopback address (set RemoteOptions.AllowInsecureHTTP to override)")
		}
	default:
		return fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("no host")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func maxStale(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return defaultMaxStale
	}
	return d
}
