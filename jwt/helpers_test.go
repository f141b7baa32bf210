package jwt_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const testIssuer = "http://localhost:3000"

var b64 = base64.RawURLEncoding

// testKey is a private key with its kid and alg.
type testKey struct {
	kid  string
	alg  string
	priv crypto.Signer
}

func newTestKey(t testing.TB, alg, kid string) testKey {
	t.Helper()
	var priv crypto.Signer
	var err error
	switch alg {
	case "EdDSA":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case "ES256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES512":
		priv, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "RS256", "PS256":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("no key for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, alg: alg, priv: priv}
}

// jwk is the public JWK as Better Auth's /jwks lists it (with alg and kid).
func (k testKey) jwk(t testing.TB) json.RawMessage {
	t.Helper()
	b, err := jose.JSONWebKey{Key: k.priv.Public(), KeyID: k.kid, Algorithm: k.alg}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign signs claims with go-jose; extra header members are added.
func (k testKey) sign(t testing.TB, claims map[string]any, extra map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithHeader("kid", k.kid)
	for name, v := range extra {
		opts = opts.WithHeader(jose.HeaderKey(name), v)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.alg), Key: k.priv}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jwksJSON(t testing.TB, keys ...testKey) []byte {
	t.Helper()
	var list []json.RawMessage
	for _, k := range keys {
		list = append(list, k.jwk(t))
	}
	b, err := json.Marshal(map[string]any{"keys": list})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signEd25519Raw builds a compact JWS from exact header and payload bytes,
// signed with an Ed25519 key (nil: the signature is left empty).
func signEd25519Raw(header, payload []byte, priv ed25519.PrivateKey) string {
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	if priv == nil {
		return input + "."
	}
	return input + "." + b64.EncodeToString(ed25519.Sign(priv, []byte(input)))
}

// splitToken decodes a compact JWS's header and payload.
func splitToken(t testing.TB, token string) (header, payload []byte, sig string) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", token, len(parts))
	}
	h, err := b64.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := b64.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return h, p, parts[2]
}

// defaultClaims is a payload shaped like Better Auth's default one.
func defaultClaims(now time.Time) map[string]any {
	iat := now.Unix()
	return map[string]any{
		"iat": iat, "name": "Ada", "email": "ada@example.com", "emailVerified": true, "image": nil,
		"createdAt": "2026-01-02T03:04:05.678Z", "updatedAt": "2026-01-02T03:04:05.678Z",
		"id": "user123", "sub": "user123", "exp": iat + 900, "iss": testIssuer, "aud": testIssuer,
	}
}

// jwksServer serves a mutable JWKS and counts requests.
type jwksServer struct {
	*httptest.Server
	mu       sync.Mutex
	body     []byte
	status   int
	requests atomic.Int64
	delay    time.Duration
}

func newJWKSServer(t testing.TB, body []byte) *jwksServer {
	s := &jwksServer{body: body, status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		body, status, delay := s.body, s.status, s.delay
		s.mu.Unlock()
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(body []byte, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.status = body, status
}

// clock is a settable time source safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) {
	c.ns.Add(int64(d))
}
func (c *clock) Now() time.Time { return time.Unix(0, c.ns.Load()) }
