package betterauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

// CookieCacheStrategy is Better Auth's session.cookieCache.strategy.
type CookieCacheStrategy string

// Strategies.
const (
	CacheCompact CookieCacheStrategy = "compact"
	CacheJWT     CookieCacheStrategy = "jwt"
	CacheJWE     CookieCacheStrategy = "jwe"
)

// CookieCacheConfig configures the session_data cookie cache. The zero
// value is off: every request reads the session store.
//
// With the cache on, a valid, unexpired session_data cookie is trusted
// without reading the store, as Better Auth trusts it: a session revoked
// elsewhere stays usable until the cache expires (MaxAge, 5 minutes by
// default). A forged, expired or foreign-secret cache is ignored and the
// store is read.
type CookieCacheConfig struct {
	// Strategy is compact, jwt or jwe; empty turns the cache off.
	Strategy CookieCacheStrategy
	// MaxAge is session.cookieCache.maxAge; 5 minutes by default.
	MaxAge time.Duration
	// Version is session.cookieCache.version; "1" by default. A cache of
	// another version is ignored.
	Version string
	// Memo keeps up to this many verified caches in memory, by their exact
	// cookie text, each until the expiry signed inside it: the HMAC (or
	// AES-GCM) and JSON decoding then run once per cookie rather than once
	// per request. Nothing a request sees changes — the same text always
	// decodes to the same session, and the token, expiry and ban are still
	// checked on every request; a cache never outlives its own expiry.
	// 0 means DefaultCookieCacheMemo; a negative value turns it off (then
	// every request decodes its cookie: ~10–90 µs, mostly JSON). Each
	// entry holds one session and user (about 2 KB).
	Memo int
	// JWTKeys verifies the jwt strategy's cache the way Better Auth does
	// with the jwt plugin's sessionCookieCache option (jwt({
	// sessionCookieCache: true })): a JWS of typ
	// "better-auth.session-cache+jwt" signed with a key of the jwks table
	// (EdDSA by default), instead of HS256 with the secret. Give it a
	// *jwt.Verifier (package github.com/betterauth-go/betterauth/jwt)
	// over the jwks table (NewStoreJWKS) or Better Auth's /jwks
	// (NewRemoteJWKS); its key cache means a request reads no database.
	// Requires Strategy CacheJWT, as Better Auth does. nil (the default):
	// HS256 with the current secret.
	JWTKeys CookieCacheJWTVerifier
	// JWTSigner makes SetCookieCache write such caches, as Better Auth
	// writes them with sessionCookieCache: a *jwt.Signer over the jwks
	// table. Requires JWTKeys. nil (the default): SetCookieCache writes
	// HS256 caches.
	JWTSigner CookieCacheJWTSigner
	// Schema describes the user and session fields in the cache (plugins,
	// custom fields); Better Auth's default when nil. Writing a cache
	// (SetCookieCache) uses the schema passed there.
	Schema *ResolvedSchema
}

// CookieCacheJWTVerifier checks a session_data value that Better Auth's jwt
// plugin signed with its JWKS keys (sessionCookieCache) and returns its
// verified claims as JSON: header typ, alg, kid and signature, iss, aud
// "better-auth:session-cache", exp and nbf (15 s of clock tolerance, as
// Better Auth allows), and that sub and sid are the user id and session
// token inside. *jwt.Verifier implements it. The claims' session and user
// are then checked by the Verifier as for every strategy.
type CookieCacheJWTVerifier interface {
	VerifySessionCache(ctx context.Context, value string) (claims []byte, err error)
}

// CookieCacheJWTSigner signs a session_data cache with the jwt plugin's
// JWKS keys, as Better Auth does with sessionCookieCache. sessionData is
// the cache's JSON object (session, user, updatedAt, version); expires is
// its exp. *jwt.Signer implements it.
type CookieCacheJWTSigner interface {
	SignSessionCache(ctx context.Context, sessionData []byte, expires time.Time) (string, error)
}

// sessionCacheTolerance is the clockTolerance Better Auth's jwt plugin
// verifies its cookie-cache JWTs with.
const sessionCacheTolerance = 15

// DefaultCookieCacheMemo is CookieCacheConfig.Memo's default: 1024
// decoded caches, about 2 MB at most.
const DefaultCookieCacheMemo = 1024

// Enabled reports whether a strategy is set.
func (c CookieCacheConfig) Enabled() bool { return c.Strategy != "" }

func (c *CookieCacheConfig) validate() error {
	switch c.Strategy {
	case "", CacheCompact, CacheJWT, CacheJWE:
	default:
		return fmt.Errorf("betterauth: unknown cookie cache strategy %q (want compact, jwt or jwe)", c.Strategy)
	}
	if c.JWTSigner != nil && c.JWTKeys == nil {
		return errors.New("betterauth: CookieCache.JWTSigner needs CookieCache.JWTKeys to read the caches it writes")
	}
	if c.JWTKeys != nil && c.Strategy != CacheJWT {
		// Better Auth refuses to start in this case too.
		return errors.New("betterauth: CookieCache.JWTKeys (the jwt plugin's sessionCookieCache) requires CookieCache.Strategy \"jwt\"")
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 5 * time.Minute
	}
	if c.Version == "" {
		c.Version = "1"
	}
	if c.Memo == 0 {
		c.Memo = DefaultCookieCacheMemo
	}
	return nil
}

func (v *Verifier) cacheSecrets() []cookiecache.Secret {
	out := make([]cookiecache.Secret, len(v.secrets))
	for i, s := range v.secrets {
		out[i] = cookiecache.Secret{Version: s.Version, Value: s.Value}
	}
	return out
}

// fromCookieCache returns the session in a valid session_data cookie for
// token, or false when there is none or it does not check out (the caller
// then reads the store, as Better Auth does).
func (v *Verifier) fromCookieCache(ctx context.Context, cookies []cookiecache.Cookie, token string) (*Result, bool) {
	var raw string
	found := false
	for _, name := range v.dataNames {
		if raw, found = cookiecache.JoinParsed(cookies, name); found {
			break
		}
	}
	if !found || raw == "" {
		return nil, false
	}
	now := v.now()
	var sess *Session
	var user *User
	if e, ok := v.memo.get(raw, now); ok {
		sess, user = e.session.Clone(), e.user.Clone()
	} else {
		var p *cookiecache.Payload
		var err error
		switch v.cache.Strategy {
		case CacheCompact:
			p, err = cookiecache.DecodeCompact(raw, v.currentSecret(), now)
		case CacheJWT:
			if v.cache.JWTKeys == nil {
				p, err = cookiecache.DecodeJWT(raw, v.currentSecret(), now)
				break
			}
			var claims []byte
			if claims, err = v.cache.JWTKeys.VerifySessionCache(ctx, raw); err == nil {
				p, err = cookiecache.DecodeClaims(claims, now, sessionCacheTolerance)
			}
		case CacheJWE:
			p, err = cookiecache.DecodeJWE(raw, v.cacheSecrets(), now)
		}
		if err != nil {
			return nil, false
		}
		// The JWE decoder allows jose's 15 s clock tolerance, but get-session
		// then drops a cache whose exp has passed; do as get-session does.
		if p.Expires.Before(now) {
			return nil, false
		}
		version := p.Version
		if version == "" {
			version = "1"
		}
		if version != v.cache.Version {
			return nil, false
		}
		sess, user = new(Session), new(User)
		if json.Unmarshal(p.Session, sess) != nil || json.Unmarshal(p.User, user) != nil {
			return nil, false
		}
		if v.cache.Schema != nil {
			normalizeFields(v.cache.Schema.Table(ModelUser), user.Fields)
			normalizeFields(v.cache.Schema.Table(ModelSession), sess.Fields)
		}
		v.memo.put(raw, sess, user, p.Expires, now)
	}
	// The cache must belong to the signed session cookie it came with.
	if sess.Token != token || sess.IsExpired(now) || user.ID == "" || user.ID != sess.UserID {
		return nil, false
	}
	if !v.ignoreBans && user.IsBanned(now) {
		return nil, false
	}
	return &Result{Session: sess, User: user, Token: token, Credential: CredentialCookieCache}, true
}

// normalizeFields gives JSON-decoded custom field values their schema type
// (dates from strings, numbers to int64 …).
func normalizeFields(t *Table, f Fields) {
	if t == nil {
		return
	}
	for _, field := range t.Additional() {
		if v, ok := f[field.Name]; ok {
			if nv, err := NormalizeFieldValue(field.Type, v); err == nil {
				f[field.Name] = nv
			}
		}
	}
}

// SetCookieCache writes the session_data cookie for sess and user with the
// configured strategy, exactly as Better Auth's setCookieCache does (split
// into session_data.0, .1, … when too large), so that Better Auth trusts a
// cache Go issues. schema must describe the database (plugins, custom
// fields) as Better Auth's config does. dontRemember omits Max-Age.
func (v *Verifier) SetCookieCache(w http.ResponseWriter, schema *ResolvedSchema, sess *Session, user *User, dontRemember bool, attrs CookieAttributes) error {
	if !v.cache.Enabled() {
		return nil
	}
	now := v.now()
	p := cookiecache.Payload{
		Session: schema.SessionJSON(sess), User: schema.UserJSON(user),
		UpdatedAt: now.UnixMilli(), Version: v.cache.Version, Expires: now.Add(v.cache.MaxAge),
	}
	maxAge := v.cache.MaxAge
	if dontRemember {
		// Better Auth omits Max-Age and, with no maxAge to go by, falls
		// back to 60 s (compact) or 300 s (jwt, jwe) for the expiry inside.
		maxAge = -1
		if v.cache.Strategy == CacheCompact {
			p.Expires = now.Add(60 * time.Second)
		} else {
			p.Expires = now.Add(300 * time.Second)
		}
	}
	var value string
	var err error
	switch v.cache.Strategy {
	case CacheCompact:
		value, err = cookiecache.EncodeCompact(p, v.currentSecret())
	case CacheJWT:
		if v.cache.JWTSigner == nil {
			value, err = cookiecache.EncodeJWT(p, v.currentSecret(), now)
			break
		}
		var data []byte
		if data, err = cookiecache.SessionData(p); err == nil {
			// SetCookieCache has no request context; the signer reads
			// the jwks table only when its key is not cached.
			value, err = v.cache.JWTSigner.SignSessionCache(context.Background(), data, p.Expires)
		}
	case CacheJWE:
		value, err = cookiecache.EncodeJWE(p, v.currentSecret(), now)
	}
	if err != nil {
		return fmt.Errorf("betterauth: encode cookie cache: %w", err)
	}
	c := &http.Cookie{Name: v.dataNames[0], Value: value, Path: "/", Domain: attrs.Domain, HttpOnly: true, Secure: v.secure, SameSite: http.SameSiteLaxMode}
	if maxAge >= 0 {
		c.MaxAge = int(maxAge / time.Second)
	}
	chunks, err := cookiecache.Split(c)
	if err != nil {
		// Too large even for 100 chunks: Better Auth skips the cache too.
		return nil
	}
	for _, ch := range chunks {
		w.Header().Add("Set-Cookie", SerializeCookie(ch.Name, ch.Value, maxAge, v.secure, attrs))
	}
	return nil
}
