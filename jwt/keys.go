package jwt

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/betterauth-go/betterauth/internal/errtext"
)

// Algorithms Better Auth's jwt plugin can sign with (its keyPairConfig.alg
// in 1.7.25). EdDSA is Ed25519; Better Auth offers no other EdDSA curve.
const (
	EdDSA = "EdDSA" // Better Auth's default
	ES256 = "ES256" // ECDSA P-256 / SHA-256
	ES512 = "ES512" // ECDSA P-521 / SHA-512
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 / SHA-256
	PS256 = "PS256" // RSASSA-PSS / SHA-256
)

// supported maps each algorithm this package verifies to go-jose's name.
var supported = map[string]jose.SignatureAlgorithm{
	EdDSA: jose.EdDSA,
	ES256: jose.ES256,
	ES512: jose.ES512,
	RS256: jose.RS256,
	PS256: jose.PS256,
}

// minRSABits is the smallest RSA modulus accepted. Better Auth generates
// 2048-bit keys by default.
const minRSABits = 2048

// Key is a public key that verifies Better Auth JWTs.
type Key struct {
	// ID is the key id: the JWK's kid, which is the jwks row id.
	ID string
	// Algorithm is the one JWS alg this key verifies (EdDSA, ES256, ES512,
	// RS256 or PS256). A token whose header names another alg is refused,
	// as Better Auth's own verifyJWT does.
	Algorithm string
	// Public is an ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey.
	Public crypto.PublicKey
	// NotAfter, when not zero, is when the key stops verifying: a rotated
	// key's expiresAt plus the grace period, the instant Better Auth drops
	// it from /jwks.
	NotAfter time.Time
}

// KeySource supplies verification keys by key id. Implementations must be
// safe for concurrent use.
type KeySource interface {
	// Keys returns the keys whose ID is kid. It returns an error matching
	// ErrUnknownKey when there is none, and one matching
	// betterauth.ErrUnavailable when the keys cannot be obtained.
	Keys(ctx context.Context, kid string) ([]Key, error)
}

// StaticKeys is a fixed key set, for keys pinned in configuration or tests.
type StaticKeys []Key

// Keys returns the keys with ID kid.
func (s StaticKeys) Keys(_ context.Context, kid string) ([]Key, error) {
	if out := keysWithID(s, kid); len(out) > 0 {
		return out, nil
	}
	return nil, fmt.Errorf("%w: kid %s", ErrUnknownKey, errtext.Quote(kid))
}

func keysWithID(keys []Key, kid string) []Key {
	var out []Key
	for _, k := range keys {
		if k.ID == kid {
			out = append(out, k)
		}
	}
	return out
}

// ParseJWKS reads a JSON Web Key Set such as Better Auth's /jwks response.
// Keys this package cannot use (other key types or curves, "use" other than
// "sig", private or symmetric keys, RSA under 2048 bits, an alg that does not
// fit the key) are left out; an error means the document itself is not a
// key set.
func ParseJWKS(data []byte) ([]Key, error) {
	keys, _, err := parseJWKS(data)
	return keys, err
}

// parseJWKS also reports why keys were left out, by kid, so that a token
// naming one of them gets a useful error.
func parseJWKS(data []byte) (keys []Key, skipped map[string]string, err error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, nil, fmt.Errorf("not a JSON Web Key Set: %s", errtext.JSON(err))
	}
	if set.Keys == nil {
		return nil, nil, errors.New(`not a JSON Web Key Set: no "keys" array`)
	}
	for _, raw := range set.Keys {
		ks, kid, err := parseJWK(raw, "", "")
		if err != nil {
			if skipped == nil {
				skipped = map[string]string{}
			}
			skipped[kid] = err.Error()
			continue
		}
		keys = append(keys, ks...)
	}
	return keys, skipped, nil
}

// jwkMembers are the JWK members this package reads. Everything else
// (x5c, x5u, …) is dropped before go-jose sees the key.
type jwkMembers struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
}

var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"}

// parseJWK turns one public JWK into keys. kid and alg, when not empty,
// override the JWK's own members (a jwks row stores them in columns). A key
// without any alg gets the one its type implies; an RSA key gets both
// RS256 and PS256, as nothing says which it signs with.
func parseJWK(raw []byte, kid, alg string) ([]Key, string, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, kid, fmt.Errorf("bad JWK: %s", errtext.JSON(err))
	}
	var meta struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
		Use string `json:"use"`
	}
	var m jwkMembers
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, kid, fmt.Errorf("bad JWK: %s", errtext.JSON(err))
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, kid, fmt.Errorf("bad JWK: %s", errtext.JSON(err))
	}
	if kid == "" {
		kid = meta.Kid
	}
	if alg == "" {
		alg = meta.Alg
	}
	if kid == "" {
		return nil, kid, errors.New("JWK has no kid")
	}
	if meta.Use != "" && meta.Use != "sig" {
		return nil, kid, fmt.Errorf("JWK use is %s, not sig", errtext.Quote(meta.Use))
	}
	for _, name := range privateMembers {
		if _, ok := all[name]; ok {
			return nil, kid, fmt.Errorf("JWK has private or symmetric key material (%q); refusing it", name)
		}
	}
	clean, err := json.Marshal(m)
	if err != nil {
		return nil, kid, err
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(clean); err != nil {
		// Not go-jose's text, which quotes member values whole.
		return nil, kid, fmt.Errorf("unsupported JWK (kty %s, crv %s)", errtext.Quote(m.Kty), errtext.Quote(m.Crv))
	}
	algs := []string{alg}
	if alg == "" {
		algs = impliedAlgorithms(jwk.Key)
	}
	var out []Key
	for _, a := range algs {
		if err := fits(a, jwk.Key); err != nil {
			return nil, kid, err
		}
		out = append(out, Key{ID: kid, Algorithm: a, Public: jwk.Key})
	}
	if len(out) == 0 {
		return nil, kid, fmt.Errorf("unsupported JWK (kty %s, crv %s)", errtext.Quote(m.Kty), errtext.Quote(m.Crv))
	}
	return out, kid, nil
}

func impliedAlgorithms(pub any) []string {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return []string{EdDSA}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return []string{ES256}
		case elliptic.P521():
			return []string{ES512}
		}
	case *rsa.PublicKey:
		return []string{RS256, PS256}
	}
	return nil
}

// fits checks that alg is one this package verifies and that pub is the
// kind of key it needs, so that a JWKS cannot pair a key with a foreign
// algorithm.
func fits(alg string, pub any) error {
	if _, ok := supported[alg]; !ok {
		return fmt.Errorf("JWK alg %s is not supported (want EdDSA, ES256, ES512, RS256 or PS256)", errtext.Quote(alg))
	}
	ok := false
	switch k := pub.(type) {
	case ed25519.PublicKey:
		ok = alg == EdDSA
	case *ecdsa.PublicKey:
		ok = (alg == ES256 && k.Curve == elliptic.P256()) || (alg == ES512 && k.Curve == elliptic.P521())
	case *rsa.PublicKey:
		if alg == RS256 || alg == PS256 {
			if k.N.BitLen() < minRSABits {
				return fmt.Errorf("RSA key of %d bits is too small (at least %d)", k.N.BitLen(), minRSABits)
			}
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("JWK alg %s does not fit a %T key", errtext.Quote(alg), pub)
	}
	return nil
}
