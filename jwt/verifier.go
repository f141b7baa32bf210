package jwt

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/weburl"
)

// Config configures a Verifier. Keys is required; the rest defaults to what
// Better Auth's jwt plugin does with its default options.
type Config struct {
	// Keys supplies the public keys: NewRemoteJWKS (Better Auth's /jwks
	// endpoint) or NewStoreJWKS (its jwks table). Required.
	Keys KeySource
	// BaseURL is Better Auth's baseURL, an http or https URL. Issuer and
	// Audience default to its origin as JavaScript's new URL(…).origin
	// writes it (scheme and host lower-cased, default port, path and
	// trailing slash dropped), as the jwt plugin's do. A host that needs
	// IDNA must be written in its xn-- form. Default:
	// betterauth.BaseURLFromEnv() (BETTER_AUTH_URL, else the variables
	// Better Auth reads after it).
	BaseURL string
	// Issuer is the iss every token must carry: the plugin's jwt.issuer.
	// Default: the origin of BaseURL. Required unless SkipIssuerCheck.
	Issuer string
	// Audience is the plugin's jwt.audience. A token passes when its aud
	// (a string or an array) contains any of these. Default: the origin of
	// BaseURL. Required unless SkipAudienceCheck.
	Audience []string
	// SkipIssuerCheck accepts any iss. Off by default.
	SkipIssuerCheck bool
	// SkipAudienceCheck accepts any aud, or none. Off by default; turning
	// it on lets a token minted for another service in, so only do it when
	// every token the key set signs is meant for you.
	SkipAudienceCheck bool
	// Algorithms are the header algs accepted, a subset of EdDSA, ES256,
	// ES512, RS256 and PS256 (what the plugin's jwks.keyPairConfig can
	// generate). Default: EdDSA only, the plugin's default. "none" and
	// HMAC algorithms are refused here, so a public key can never be used
	// as an HMAC secret. Each key also verifies only its own algorithm.
	Algorithms []string
	// Leeway tolerates clock skew when checking exp and nbf. Default 0, as
	// Better Auth's own verifyJWT (jose's default clockTolerance).
	Leeway time.Duration
	// Now returns the current time; time.Now by default.
	Now func() time.Time
}

// Verifier checks JWTs minted by Better Auth's jwt plugin. It is safe for
// concurrent use.
type Verifier struct {
	keys       KeySource
	issuer     string // "" when not checked
	origin     string // BaseURL's origin, the cookie-cache JWTs' iss
	skipIssuer bool
	audience   []string
	checkAud   bool
	algs       []string
	leeway     float64 // seconds
	now        func() time.Time
}

// maxTokenBytes bounds the work done for one token. Better Auth's tokens
// hold the user object and are well under 2 KiB.
const maxTokenBytes = 64 << 10

// sessionCacheType is the typ of the JWTs the plugin's sessionCookieCache
// option signs with the same keys. They are cookie caches, not access
// tokens.
const sessionCacheType = "better-auth.session-cache+jwt"

// New checks cfg and builds a Verifier.
func New(cfg Config) (*Verifier, error) {
	if cfg.Keys == nil {
		return nil, errors.New("betterauth/jwt: Config.Keys is required (NewRemoteJWKS or NewStoreJWKS)")
	}
	if cfg.Leeway < 0 {
		return nil, errors.New("betterauth/jwt: Config.Leeway is negative")
	}
	v := &Verifier{keys: cfg.Keys, leeway: cfg.Leeway.Seconds(), now: cfg.Now, checkAud: !cfg.SkipAudienceCheck}
	if v.now == nil {
		v.now = time.Now
	}
	base := cfg.BaseURL
	if base == "" {
		var err error
		if base, err = ba.BaseURLFromEnv(); err != nil {
			return nil, fmt.Errorf("betterauth/jwt: %w", err)
		}
	}
	origin := ""
	if base != "" {
		// Better Auth's default iss and aud are its options.baseURL, which
		// it sets to new URL(baseURL).origin: HTTP://Host:80/x is
		// http://host.
		var err error
		if origin, err = weburl.Origin(base); err != nil {
			// Not the URL itself: it may carry a password.
			return nil, fmt.Errorf("betterauth/jwt: BaseURL (or BETTER_AUTH_URL) is not an absolute http(s) URL Better Auth would accept: %v", err)
		}
	}
	v.origin, v.skipIssuer = origin, cfg.SkipIssuerCheck
	if !cfg.SkipIssuerCheck {
		v.issuer = cfg.Issuer
		if v.issuer == "" {
			v.issuer = origin
		}
		if v.issuer == "" {
			return nil, errors.New("betterauth/jwt: set Config.BaseURL (or BETTER_AUTH_URL) or Config.Issuer; SkipIssuerCheck turns the check off")
		}
	}
	if v.checkAud {
		for _, a := range cfg.Audience {
			if a != "" {
				v.audience = append(v.audience, a)
			}
		}
		if len(v.audience) == 0 && origin != "" {
			v.audience = []string{origin}
		}
		if len(v.audience) == 0 {
			return nil, errors.New("betterauth/jwt: set Config.BaseURL (or BETTER_AUTH_URL) or Config.Audience; SkipAudienceCheck turns the check off")
		}
	}
	v.algs = cfg.Algorithms
	if len(v.algs) == 0 {
		v.algs = []string{EdDSA}
	}
	for _, a := range v.algs {
		if _, ok := supported[a]; !ok {
			return nil, fmt.Errorf("betterauth/jwt: algorithm %q is not allowed (choose among EdDSA, ES256, ES512, RS256, PS256)", a)
		}
	}
	v.algs = slices.Clone(v.algs)
	return v, nil
}

// Verify checks token — signature, alg, kid, exp, nbf, iss, aud, sub — and
// returns its claims. Errors match ErrNoToken, ErrTokenInvalid (and one of
// the specific verdicts) or betterauth.ErrUnavailable when keys could not
// be obtained.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	payload, now, err := v.verifySignature(ctx, token, false)
	if err != nil {
		return nil, err
	}
	return v.checkClaims(payload, now)
}

// verifySignature checks token's header (with the cookie-cache typ when
// sessionCache, without it otherwise), finds its key and verifies the
// signature, returning the payload and the time it was checked at.
func (v *Verifier) verifySignature(ctx context.Context, token string, sessionCache bool) ([]byte, time.Time, error) {
	if token == "" {
		return nil, time.Time{}, ErrNoToken
	}
	if len(token) > maxTokenBytes {
		return nil, time.Time{}, fmt.Errorf("%w: longer than %d bytes", ErrTokenMalformed, maxTokenBytes)
	}
	hdr, err := parseHeader(token)
	if err != nil {
		return nil, time.Time{}, err
	}
	switch {
	case sessionCache && hdr.typ != sessionCacheType:
		// Better Auth compares the typ exactly: an access token (no typ)
		// is not a cookie cache, even though the same keys sign both.
		return nil, time.Time{}, fmt.Errorf("%w: typ %s, want %q", ErrTokenMalformed, errtext.Quote(hdr.typ), sessionCacheType)
	case !sessionCache && strings.EqualFold(strings.TrimPrefix(strings.ToLower(hdr.typ), "application/"), sessionCacheType):
		return nil, time.Time{}, fmt.Errorf("%w: a session cookie-cache JWT is not an access token", ErrTokenMalformed)
	}
	if !slices.Contains(v.algs, hdr.alg) {
		return nil, time.Time{}, fmt.Errorf("%w: %s (allowed: %s)", ErrAlgorithmNotAllowed, errtext.Quote(hdr.alg), strings.Join(v.algs, ", "))
	}
	if hdr.kid == "" {
		return nil, time.Time{}, fmt.Errorf("%w: the token has no kid", ErrUnknownKey)
	}
	keys, err := v.keys.Keys(ctx, hdr.kid)
	if err != nil {
		if errors.Is(err, ErrTokenInvalid) || errors.Is(err, ba.ErrUnavailable) {
			return nil, time.Time{}, err
		}
		return nil, time.Time{}, fmt.Errorf("%w: %w", ba.ErrUnavailable, err)
	}
	now := v.now()
	var candidates []Key
	var retired time.Time
	algOK := false
	for _, k := range keys {
		if k.Algorithm != hdr.alg {
			continue
		}
		algOK = true
		if !k.NotAfter.IsZero() && !now.Before(k.NotAfter) {
			retired = k.NotAfter
			continue
		}
		candidates = append(candidates, k)
	}
	switch {
	case !algOK && len(keys) > 0:
		return nil, time.Time{}, fmt.Errorf("%w: token says %s but key %s verifies %s", ErrAlgorithmNotAllowed, errtext.Quote(hdr.alg), errtext.Quote(hdr.kid), keys[0].Algorithm)
	case len(candidates) == 0 && !retired.IsZero():
		return nil, time.Time{}, fmt.Errorf("%w: key %s was retired at %s (expiresAt plus grace period)", ErrUnknownKey, errtext.Quote(hdr.kid), retired.UTC().Format(time.RFC3339))
	case len(candidates) == 0:
		return nil, time.Time{}, fmt.Errorf("%w: kid %s", ErrUnknownKey, errtext.Quote(hdr.kid))
	}
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{supported[hdr.alg]})
	if err != nil {
		// Not go-jose's text, which can quote header values whole.
		return nil, time.Time{}, fmt.Errorf("%w: not a compact JWS go-jose accepts", ErrTokenMalformed)
	}
	for _, k := range candidates {
		if p, err := jws.Verify(k.Public); err == nil {
			return p, now, nil
		}
	}
	return nil, time.Time{}, fmt.Errorf("%w: kid %s", ErrBadSignature, errtext.Quote(hdr.kid))
}

type header struct {
	alg, kid, typ string
}

// parseHeader reads what Verify needs from the protected header before any
// key is looked up, and refuses what a Better Auth token never has.
func parseHeader(token string) (header, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return header{}, fmt.Errorf("%w: not three dot-separated parts", ErrTokenMalformed)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return header{}, fmt.Errorf("%w: header is not base64url: %v", ErrTokenMalformed, err)
	}
	fields, err := jsonObject(raw)
	if err != nil {
		return header{}, fmt.Errorf("%w: header: %v", ErrTokenMalformed, err)
	}
	var h header
	if err := stringMember(fields, "alg", &h.alg); err != nil || h.alg == "" {
		return header{}, fmt.Errorf("%w: header has no string alg", ErrTokenMalformed)
	}
	if err := stringMember(fields, "kid", &h.kid); err != nil {
		return header{}, fmt.Errorf("%w: header kid is not a string", ErrTokenMalformed)
	}
	for _, name := range []string{"crit", "b64", "jwk", "jku", "x5u", "x5c"} {
		if _, ok := fields[name]; ok {
			// Better Auth never sets these; keys come only from the
			// configured source, never from the token.
			return header{}, fmt.Errorf("%w: header member %q is not accepted", ErrTokenMalformed, name)
		}
	}
	if err := stringMember(fields, "typ", &h.typ); err != nil {
		return header{}, fmt.Errorf("%w: header typ is not a string", ErrTokenMalformed)
	}
	return h, nil
}

// jsonObject decodes a JSON object as JavaScript's strict TextDecoder plus
// JSON.parse would: invalid UTF-8 is an error, a later duplicate key wins.
func jsonObject(raw []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("not valid UTF-8")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errors.New("not a JSON object")
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// stringMember sets *dst to m[name] when it is a JSON string; absent or null
// leaves it unchanged, another type is an error.
func stringMember(m map[string]json.RawMessage, name string, dst *string) error {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, dst)
}
