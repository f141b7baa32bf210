package jwt

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/jsjson"
	"github.com/betterauth-go/betterauth/internal/weburl"
)

// JWKStore is the jwks table read and written: the postgres, mysql and
// sqlite stores implement it when their schema has the jwt plugin.
type JWKStore interface {
	JWKLister
	CreateJWK(ctx context.Context, j *ba.JWK) error
}

// jwkStoredOrder is implemented by stores that can list the jwks rows in
// the order the database returns them without ORDER BY
// (sqlstore.Store.ListJWKsAsStored), the order of Better Auth's /jwks.
type jwkStoredOrder interface {
	ListJWKsAsStored(ctx context.Context) ([]ba.JWK, error)
}

// SignerConfig configures a Signer: the jwt plugin's options. The zero
// value of each optional field is Better Auth's default.
type SignerConfig struct {
	// Store holds the jwks table. Required.
	Store JWKStore
	// Secrets are Better Auth's secrets, current first
	// (betterauth.SecretsFromEnv). Private keys are encrypted with them
	// as Better Auth does: one unversioned secret gives bare hex, versioned
	// secrets (BETTER_AUTH_SECRETS) the "$ba$<version>$" envelope.
	// Required unless DisablePrivateKeyEncryption.
	Secrets []ba.Secret
	// LegacySecret is BETTER_AUTH_SECRET when BETTER_AUTH_SECRETS is also
	// set: Better Auth decrypts bare-hex private keys with it.
	LegacySecret string
	// DisablePrivateKeyEncryption is jwks.disablePrivateKeyEncryption:
	// the privateKey column holds the private JWK as plain JSON.
	DisablePrivateKeyEncryption bool
	// Algorithm is jwks.keyPairConfig.alg: the algorithm of new keys, of
	// rows whose alg is NULL, and the one tokens are signed with. EdDSA
	// (default), ES256, ES512, RS256 or PS256.
	Algorithm string
	// Curve is jwks.keyPairConfig.crv. For EdDSA only "Ed25519" is
	// supported. When set it is stored in new rows' crv column and is the
	// crv /jwks writes for rows without one, as Better Auth does.
	Curve string
	// RotationInterval is jwks.rotationInterval: new keys expire this long
	// after they are made, and a token signed after that makes a new key.
	// Zero: keys never expire.
	RotationInterval time.Duration
	// GracePeriod is jwks.gracePeriod: how long after expiresAt a key stays
	// in JWKS(). Default 30 days.
	GracePeriod time.Duration
	// BaseURL is Better Auth's baseURL; Issuer and Audience default to its
	// origin. Default: betterauth.BaseURLFromEnv().
	BaseURL string
	// Issuer is jwt.issuer. Default: the origin of BaseURL.
	Issuer string
	// Audience is jwt.audience. One audience is written as a string, more
	// as an array. Default: the origin of BaseURL.
	Audience []string
	// ExpirationTime is jwt.expirationTime. Default 15 minutes; see
	// ParseExpirationTime for Better Auth's strings ("15m", "1 hour").
	ExpirationTime time.Duration
	// Now returns the current time; time.Now by default.
	Now func() time.Time
}

// Signer mints JWTs exactly as Better Auth's jwt plugin does (its signJWT
// and getJwtToken), with the keys in its jwks table, so that Better Auth's
// verifyJWT, its /jwks and this package's Verifier accept them. It is safe
// for concurrent use.
type Signer struct {
	store      JWKStore
	ring       *secretRing // nil when private keys are not encrypted
	alg        string
	crv        string
	rotation   time.Duration
	grace      time.Duration
	issuer     string
	origin     string // BaseURL's origin, the cookie-cache JWTs' iss
	audience   []string
	expiration time.Duration
	now        func() time.Time

	mu     sync.Mutex            // serialises key creation
	cacheM sync.Mutex            // guards cache
	cache  map[string]signingKey // decrypted keys by row id
}

type signingKey struct {
	stored string // the privateKey column it came from
	alg    string
	key    crypto.Signer
}

// ErrKeyDecrypt is returned when a jwks private key cannot be decrypted
// with the configured secrets (Better Auth's "Failed to decrypt private
// key").
var ErrKeyDecrypt = errors.New("betterauth/jwt: failed to decrypt the jwks private key; the secret in use must be the one that encrypted it")

// NewSigner checks cfg and builds a Signer. It touches no database.
func NewSigner(cfg SignerConfig) (*Signer, error) {
	if cfg.Store == nil {
		return nil, errors.New("betterauth/jwt: SignerConfig.Store is required")
	}
	s := &Signer{store: cfg.Store, alg: cfg.Algorithm, crv: cfg.Curve, rotation: cfg.RotationInterval,
		grace: positive(cfg.GracePeriod, DefaultGracePeriod), expiration: cfg.ExpirationTime, now: cfg.Now,
		cache: map[string]signingKey{}}
	if s.alg == "" {
		s.alg = EdDSA
	}
	if _, ok := supported[s.alg]; !ok {
		return nil, fmt.Errorf("betterauth/jwt: Algorithm %q is not one of EdDSA, ES256, ES512, RS256, PS256", s.alg)
	}
	if s.alg == EdDSA && s.crv != "" && s.crv != "Ed25519" {
		return nil, fmt.Errorf("betterauth/jwt: Curve %q is not supported for EdDSA (want Ed25519)", s.crv)
	}
	if s.rotation < 0 || cfg.ExpirationTime < 0 {
		return nil, errors.New("betterauth/jwt: RotationInterval and ExpirationTime must not be negative")
	}
	if s.expiration == 0 {
		s.expiration = 15 * time.Minute
	}
	if s.now == nil {
		s.now = time.Now
	}
	if !cfg.DisablePrivateKeyEncryption {
		ring, err := newSecretRing(cfg.Secrets, cfg.LegacySecret)
		if err != nil {
			return nil, fmt.Errorf("betterauth/jwt: SignerConfig.Secrets: %w (or set DisablePrivateKeyEncryption)", err)
		}
		s.ring = ring
	}
	baseURL := cfg.BaseURL
	if baseURL == "" {
		var err error
		if baseURL, err = ba.BaseURLFromEnv(); err != nil {
			return nil, fmt.Errorf("betterauth/jwt: %w", err)
		}
	}
	origin := ""
	if baseURL != "" {
		o, err := weburl.Origin(baseURL)
		if err != nil {
			// Not the URL itself: it may carry a password.
			return nil, fmt.Errorf("betterauth/jwt: BaseURL (or BETTER_AUTH_URL) is not an absolute http(s) URL Better Auth would accept: %v", err)
		}
		origin = o
	}
	s.origin = origin
	s.issuer = cfg.Issuer
	if s.issuer == "" {
		s.issuer = origin
	}
	s.audience = cfg.Audience
	if len(s.audience) == 0 && origin != "" {
		s.audience = []string{origin}
	}
	if s.issuer == "" || len(s.audience) == 0 {
		return nil, errors.New("betterauth/jwt: the Signer needs BaseURL, or Issuer and Audience")
	}
	return s, nil
}

// Token is Better Auth's getJwtToken for GET /api/auth/token and the
// set-auth-jwt header: the payload is the user object as get-session
// returns it, with iat (now) before it and sub (the user's id) after it,
// then exp, iss and aud.
func (s *Signer) Token(ctx context.Context, user json.RawMessage) (string, error) {
	fields, err := objectFields(user)
	if err != nil {
		return "", fmt.Errorf("betterauth/jwt: user: %w", err)
	}
	var id string
	for _, f := range fields {
		if f.key == "id" {
			_ = json.Unmarshal(f.value, &id)
		}
	}
	if id == "" {
		return "", errors.New("betterauth/jwt: user has no id")
	}
	payload := orderedObject{{"iat", []byte(strconv.FormatInt(s.now().Unix(), 10))}}
	for _, f := range fields {
		payload.set(f.key, f.value)
	}
	payload.set("sub", jsjson.AppendString(nil, id))
	return s.sign(ctx, payload)
}

// Sign is Better Auth's signJWT: claims are the payload as given; exp
// defaults to iat (or now) plus ExpirationTime, iss to Issuer and aud to
// Audience. An explicit exp, iss or aud is kept.
func (s *Signer) Sign(ctx context.Context, claims map[string]any) (string, error) {
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var payload orderedObject
	for _, k := range keys {
		v, err := json.Marshal(claims[k])
		if err != nil {
			return "", fmt.Errorf("betterauth/jwt: claim %q: %w", k, err)
		}
		payload.set(k, v)
	}
	return s.sign(ctx, payload)
}

func (s *Signer) sign(ctx context.Context, payload orderedObject) (string, error) {
	return s.signTyped(ctx, payload, "")
}

// signTyped is sign with a typ header when typ is not empty.
func (s *Signer) signTyped(ctx context.Context, payload orderedObject, typ string) (string, error) {
	base := s.now().Unix()
	if iat, ok := payload.get("iat"); ok {
		var n float64
		if json.Unmarshal(iat, &n) == nil && n != 0 {
			base = int64(n)
		}
	}
	if _, ok := payload.get("exp"); !ok {
		payload.set("exp", []byte(strconv.FormatInt(base+int64(math.Round(s.expiration.Seconds())), 10)))
	}
	if _, ok := payload.get("iss"); !ok {
		payload.set("iss", jsjson.AppendString(nil, s.issuer))
	}
	if _, ok := payload.get("aud"); !ok {
		if len(s.audience) == 1 {
			payload.set("aud", jsjson.AppendString(nil, s.audience[0]))
		} else {
			aud, _ := json.Marshal(s.audience)
			payload.set("aud", aud)
		}
	}
	kid, key, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithHeader("kid", kid)
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: supported[key.alg], Key: key.key}, opts)
	if err != nil {
		return "", fmt.Errorf("betterauth/jwt: signer: %w", err)
	}
	jws, err := signer.Sign(payload.bytes())
	if err != nil {
		return "", fmt.Errorf("betterauth/jwt: sign: %w", err)
	}
	return jws.CompactSerialize()
}

// signingKey picks the key Better Auth's resolveSigningKey picks with no
// overrides: the newest live key of the configured algorithm (rows with a
// NULL alg count as it), else the newest live key, else a new one.
func (s *Signer) signingKey(ctx context.Context) (string, signingKey, error) {
	row, err := s.latest(ctx)
	if err != nil {
		return "", signingKey{}, err
	}
	if row == nil {
		s.mu.Lock()
		// Another goroutine may have made the key meanwhile.
		row, err = s.latest(ctx)
		if err == nil && row == nil {
			row, err = s.CreateKey(ctx)
		}
		s.mu.Unlock()
		if err != nil {
			return "", signingKey{}, err
		}
	}
	s.cacheM.Lock()
	k, ok := s.cache[row.ID]
	s.cacheM.Unlock()
	if ok && k.stored == row.PrivateKey {
		return row.ID, k, nil
	}
	k, err = s.decodePrivate(row)
	if err != nil {
		return "", signingKey{}, err
	}
	s.cacheM.Lock()
	s.cache[row.ID] = k
	s.cacheM.Unlock()
	return row.ID, k, nil
}

func (s *Signer) latest(ctx context.Context) (*ba.JWK, error) {
	rows, err := s.store.ListJWKs(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var best, bestAny *ba.JWK
	for i := range rows {
		r := &rows[i]
		if r.ExpiresAt != nil && !r.ExpiresAt.After(now) {
			continue
		}
		if bestAny == nil || r.CreatedAt.After(bestAny.CreatedAt) {
			bestAny = r
		}
		if s.rowAlg(r) == s.alg && (best == nil || r.CreatedAt.After(best.CreatedAt)) {
			best = r
		}
	}
	if best == nil {
		best = bestAny
	}
	return best, nil
}

func (s *Signer) rowAlg(r *ba.JWK) string {
	if r.Alg != nil && *r.Alg != "" {
		return *r.Alg
	}
	return s.alg
}

func (s *Signer) decodePrivate(row *ba.JWK) (signingKey, error) {
	text := row.PrivateKey
	if s.ring != nil {
		var enc string
		if err := json.Unmarshal([]byte(text), &enc); err != nil {
			return signingKey{}, fmt.Errorf("%w (kid %s: not a JSON string)", ErrKeyDecrypt, row.ID)
		}
		plain, err := s.ring.decrypt(enc)
		if err != nil {
			return signingKey{}, fmt.Errorf("%w (kid %s: %v)", ErrKeyDecrypt, row.ID, err)
		}
		text = plain
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON([]byte(text)); err != nil {
		return signingKey{}, fmt.Errorf("betterauth/jwt: jwks row %s: private key is not a JWK", row.ID)
	}
	signer, ok := jwk.Key.(crypto.Signer)
	if !ok || jwk.IsPublic() {
		return signingKey{}, fmt.Errorf("betterauth/jwt: jwks row %s: no private key", row.ID)
	}
	alg := s.rowAlg(row)
	if err := fits(alg, signer.Public()); err != nil {
		return signingKey{}, fmt.Errorf("betterauth/jwt: jwks row %s: %v", row.ID, err)
	}
	return signingKey{stored: row.PrivateKey, alg: alg, key: signer}, nil
}

// CreateKey makes a key pair of the configured algorithm and stores it as
// Better Auth's createJwk does: public and private JWKs as JSON (the
// private one encrypted unless DisablePrivateKeyEncryption), alg, crv, and
// expiresAt when RotationInterval is set. Tokens signed afterwards use it.
func (s *Signer) CreateKey(ctx context.Context) (*ba.JWK, error) {
	pub, priv, crv, err := generateJWK(s.alg)
	if err != nil {
		return nil, fmt.Errorf("betterauth/jwt: generate key: %w", err)
	}
	if s.crv != "" {
		crv = s.crv
	}
	privText := string(priv)
	if s.ring != nil {
		enc, err := s.ring.encrypt(privText)
		if err != nil {
			return nil, fmt.Errorf("betterauth/jwt: encrypt key: %w", err)
		}
		privText = string(jsjson.AppendString(nil, enc))
	}
	now := s.now()
	alg := s.alg
	row := &ba.JWK{PublicKey: string(pub), PrivateKey: privText, CreatedAt: now, Alg: &alg}
	if crv != "" {
		row.Crv = &crv
	}
	if s.rotation > 0 {
		exp := now.Add(s.rotation)
		row.ExpiresAt = &exp
	}
	if err := s.store.CreateJWK(ctx, row); err != nil {
		return nil, err
	}
	return row, nil
}

// jwksRows lists the rows in the order Better Auth's /jwks does. Its
// findMany has no ORDER BY, so that is the database's order: insertion
// order on SQLite and PostgreSQL, primary-key order on MySQL. A store that
// can read them that way (jwkStoredOrder) does; otherwise insertion order
// is assumed, oldest first.
func (s *Signer) jwksRows(ctx context.Context) ([]ba.JWK, error) {
	if st, ok := s.store.(jwkStoredOrder); ok {
		return st.ListJWKsAsStored(ctx)
	}
	rows, err := s.store.ListJWKs(ctx)
	if err != nil {
		return nil, err
	}
	slices.Reverse(rows)
	slices.SortStableFunc(rows, func(a, b ba.JWK) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return rows, nil
}

// JWKS is the body of Better Auth's GET /jwks: every key not past its
// expiresAt plus GracePeriod, each {alg, crv, ...publicKey, kid}, making a
// key first when the table is empty.
func (s *Signer) JWKS(ctx context.Context) ([]byte, error) {
	rows, err := s.jwksRows(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		s.mu.Lock()
		rows, err = s.jwksRows(ctx)
		if err == nil && len(rows) == 0 {
			_, err = s.CreateKey(ctx)
			if err == nil {
				rows, err = s.jwksRows(ctx)
			}
		}
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	now := s.now()
	buf := []byte(`{"keys":[`)
	first := true
	for i := range rows {
		r := &rows[i]
		if r.ExpiresAt != nil && !r.ExpiresAt.Add(s.grace).After(now) {
			continue
		}
		fields, err := objectFields([]byte(r.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("betterauth/jwt: jwks row %s: publicKey: %w", r.ID, err)
		}
		obj := orderedObject{{"alg", jsjson.AppendString(nil, s.rowAlg(r))}}
		if r.Crv != nil {
			obj.set("crv", jsjson.AppendString(nil, *r.Crv))
		} else if s.crv != "" {
			obj.set("crv", jsjson.AppendString(nil, s.crv))
		}
		for _, f := range fields {
			obj.set(f.key, f.value)
		}
		obj.set("kid", jsjson.AppendString(nil, r.ID))
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, obj.bytes()...)
	}
	return append(buf, "]}"...), nil
}

// orderedObject is a JSON object that keeps JavaScript's key order: a key
// set again keeps its first position.
type orderedObject []field

type field struct {
	key   string
	value json.RawMessage
}

func (o *orderedObject) set(k string, v []byte) {
	for i := range *o {
		if (*o)[i].key == k {
			(*o)[i].value = v
			return
		}
	}
	*o = append(*o, field{k, v})
}

func (o orderedObject) get(k string) (json.RawMessage, bool) {
	for _, f := range o {
		if f.key == k {
			return f.value, true
		}
	}
	return nil, false
}

func (o orderedObject) bytes() []byte {
	obj := jsjson.NewObject()
	for _, f := range o {
		var c bytes.Buffer
		if json.Compact(&c, f.value) == nil {
			obj.Raw(f.key, c.Bytes())
		} else {
			obj.Raw(f.key, f.value)
		}
	}
	return obj.Bytes()
}

// objectFields reads a JSON object's members in order; a repeated key
// keeps its first place and its last value, as JSON.parse does.
func objectFields(data []byte) (orderedObject, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out orderedObject
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("not a JSON object")
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errors.New("not a JSON object")
		}
		out.set(k, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, errors.New("not a JSON object")
	}
	return out, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// generateJWK makes a key pair for alg and writes its public and private
// JWKs with the members in the order jose's exportJWK (WebCrypto) writes
// them. crv is the curve the public JWK names, if any.
func generateJWK(alg string) (pub, priv []byte, crv string, err error) {
	switch alg {
	case EdDSA:
		p, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, "", err
		}
		x, d := b64(p), b64(k.Seed())
		return []byte(`{"crv":"Ed25519","x":"` + x + `","kty":"OKP"}`),
			[]byte(`{"crv":"Ed25519","d":"` + d + `","x":"` + x + `","kty":"OKP"}`), "Ed25519", nil
	case ES256, ES512:
		curve, name, size := elliptic.P256(), "P-256", 32
		if alg == ES512 {
			curve, name, size = elliptic.P521(), "P-521", 66
		}
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, nil, "", err
		}
		point, err := k.PublicKey.Bytes() // 0x04 ‖ X ‖ Y
		if err != nil {
			return nil, nil, "", err
		}
		d, err := k.Bytes()
		if err != nil {
			return nil, nil, "", err
		}
		x, y := b64(point[1:1+size]), b64(point[1+size:])
		pubText := `{"kty":"EC","x":"` + x + `","y":"` + y + `","crv":"` + name + `"}`
		return []byte(pubText), []byte(strings.TrimSuffix(pubText, "}") + `,"d":"` + b64(d) + `"}`), name, nil
	case RS256, PS256:
		k, err := rsa.GenerateKey(rand.Reader, minRSABits)
		if err != nil {
			return nil, nil, "", err
		}
		k.Precompute()
		n, e := b64(k.N.Bytes()), b64(big.NewInt(int64(k.E)).Bytes())
		pubText := `{"kty":"RSA","n":"` + n + `","e":"` + e + `"}`
		o := strings.TrimSuffix(pubText, "}")
		for _, m := range []struct {
			name string
			v    *big.Int
		}{{"d", k.D}, {"p", k.Primes[0]}, {"q", k.Primes[1]}, {"dp", k.Precomputed.Dp}, {"dq", k.Precomputed.Dq}, {"qi", k.Precomputed.Qinv}} {
			o += `,"` + m.name + `":"` + b64(m.v.Bytes()) + `"`
		}
		return []byte(pubText), []byte(o + "}"), "", nil
	}
	return nil, nil, "", fmt.Errorf("algorithm %q", alg)
}

var timeString = regexp.MustCompile(`(?i)^(\+|\-)? ?(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|months?|mo|years?|yrs?|y)(?: (ago|from now))?$`)

// ParseExpirationTime reads a duration as Better Auth's time strings do
// ("15m", "1 hour", "7d", "2 weeks"; a month is 30 days, a year 365.25),
// rounded to whole seconds, for SignerConfig.ExpirationTime from the jwt
// plugin's jwt.expirationTime.
func ParseExpirationTime(s string) (time.Duration, error) {
	m := timeString.FindStringSubmatch(s)
	if m == nil || (m[4] != "" && m[1] != "") {
		return 0, fmt.Errorf("betterauth/jwt: invalid time string %q (use e.g. \"15m\", \"1 hour\", \"7d\")", s)
	}
	n, _ := strconv.ParseFloat(m[2], 64)
	const day = 24 * 3600.0
	var unit float64
	switch u := strings.ToLower(m[3]); {
	case u == "mo" || strings.HasPrefix(u, "month"):
		unit = 30 * day
	case strings.HasPrefix(u, "y"):
		unit = 365.25 * day
	case strings.HasPrefix(u, "w"):
		unit = 7 * day
	case strings.HasPrefix(u, "d"):
		unit = day
	case strings.HasPrefix(u, "h"):
		unit = 3600
	case strings.HasPrefix(u, "m"):
		unit = 60
	default:
		unit = 1
	}
	secs := math.Round(n * unit)
	if m[1] == "-" || strings.EqualFold(m[4], "ago") {
		secs = -secs
	}
	return time.Duration(secs) * time.Second, nil
}
