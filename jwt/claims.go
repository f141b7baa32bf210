package jwt

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
)

// Claims are the verified contents of a Better Auth JWT.
//
// By default the plugin signs the whole user object (as /get-session
// returns it) plus iat, sub (the user id), exp (iat + 15 min), iss and aud.
// The user fields below are filled from it; they stay zero when the app's
// jwt.definePayload signs something else. Raw always has every claim.
type Claims struct {
	Subject   string    // sub: the user id unless jwt.getSubject says otherwise
	Issuer    string    // iss
	Audience  []string  // aud, a string or an array in the token
	IssuedAt  time.Time // iat; zero when absent
	Expiry    time.Time // exp
	NotBefore time.Time // nbf; zero when absent (Better Auth does not set it)

	// The user object of the default payload.
	Name          string
	Email         string
	EmailVerified bool
	Image         *string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Raw holds every claim as it appeared in the token.
	Raw map[string]json.RawMessage

	user *ba.User
}

// registered are the claims that are not user fields.
var registered = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// User returns the user the token was minted for, built from the claims
// with ID set to Subject; plugin fields (role, banned, username, …) and
// additional fields come along. It is nil only when the user fields do not
// decode (a custom jwt.definePayload). Each call returns a new copy.
func (c *Claims) User() *ba.User {
	if c.user == nil {
		return nil
	}
	return c.user.Clone()
}

// checkClaims decodes a verified payload and checks it as jose's jwtVerify
// does with Better Auth's options (issuer, audience; iss and aud before nbf
// and exp), then requires exp and sub.
func (v *Verifier) checkClaims(payload []byte, now time.Time) (*Claims, error) {
	raw, err := jsonObject(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrTokenMalformed, err)
	}
	c := &Claims{Raw: raw}
	for name, dst := range map[string]*string{"iss": &c.Issuer, "sub": &c.Subject} {
		if err := stringMember(raw, name, dst); err != nil {
			return nil, fmt.Errorf("%w: %s is not a string", ErrTokenMalformed, name)
		}
	}
	if c.Audience, err = audience(raw["aud"]); err != nil {
		return nil, err
	}
	iat, hasIat, err := numericDate(raw, "iat")
	if err != nil {
		return nil, err
	}
	nbf, hasNbf, err := numericDate(raw, "nbf")
	if err != nil {
		return nil, err
	}
	exp, hasExp, err := numericDate(raw, "exp")
	if err != nil {
		return nil, err
	}

	if v.issuer != "" {
		if _, ok := raw["iss"]; !ok || c.Issuer != v.issuer {
			return nil, fmt.Errorf("%w: %s, want %q", ErrWrongIssuer, errtext.Quote(c.Issuer), v.issuer)
		}
	}
	if v.checkAud && !anyIn(c.Audience, v.audience) {
		return nil, fmt.Errorf("%w: %s, want one of %q", ErrWrongAudience, errtext.List(c.Audience), v.audience)
	}
	nowSec := float64(now.Unix()) // jose floors the current time to seconds
	if hasNbf && nbf > nowSec+v.leeway {
		return nil, fmt.Errorf("%w: nbf %s is after now %s", ErrTokenNotYetValid, secondsTime(nbf).Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if !hasExp {
		return nil, fmt.Errorf("%w: no exp claim", ErrTokenMalformed)
	}
	if exp <= nowSec-v.leeway {
		return nil, fmt.Errorf("%w: exp %s is not after now %s", ErrTokenExpired, secondsTime(exp).Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if c.Subject == "" {
		// Better Auth's verifyJWT refuses a token without sub as well.
		return nil, fmt.Errorf("%w: no sub claim", ErrTokenMalformed)
	}
	c.Expiry = secondsTime(exp)
	if hasIat {
		c.IssuedAt = secondsTime(iat)
	}
	if hasNbf {
		c.NotBefore = secondsTime(nbf)
	}
	c.user = userFromClaims(raw, c.Subject)
	if u := c.user; u != nil {
		c.Name, c.Email, c.EmailVerified, c.Image, c.CreatedAt, c.UpdatedAt = u.Name, u.Email, u.EmailVerified, u.Image, u.CreatedAt, u.UpdatedAt
	}
	return c, nil
}

// audience reads aud: absent, a string or an array of strings.
func audience(raw json.RawMessage) ([]string, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("%w: aud is neither a string nor an array of strings", ErrTokenMalformed)
	}
	return many, nil
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

// numericDate reads a NumericDate claim: seconds since the epoch, any JSON
// number (jose accepts fractions too).
func numericDate(raw map[string]json.RawMessage, name string) (float64, bool, error) {
	r, ok := raw[name]
	if !ok {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(r, &f); err != nil || string(r) == "null" {
		return 0, false, fmt.Errorf("%w: %s is not a number", ErrTokenMalformed, name)
	}
	return f, true, nil
}

// maxSeconds keeps time conversions of absurd claims in range (year ~33658).
const maxSeconds = 1 << 40

func secondsTime(f float64) time.Time {
	f = math.Max(-maxSeconds, math.Min(maxSeconds, f))
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// userFromClaims decodes the user object of the default payload: every
// claim except the registered ones, with id = sub.
func userFromClaims(raw map[string]json.RawMessage, sub string) *ba.User {
	fields := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		fields[k] = v
	}
	for _, k := range registered {
		delete(fields, k)
	}
	id, err := json.Marshal(sub)
	if err != nil {
		return nil
	}
	fields["id"] = id
	b, err := json.Marshal(fields)
	if err != nil {
		return nil
	}
	var u ba.User
	if err := json.Unmarshal(b, &u); err != nil {
		return nil
	}
	return &u
}
