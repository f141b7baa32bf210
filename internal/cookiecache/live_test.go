package cookiecache_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/cookiecache"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

// Test secrets (not credentials): the single secret, and two versions for
// rotation.
const (
	liveSecret = "cookiecache-live-secret-0123456789abcdefgh"
	secretV1   = "cookiecache-rotation-v1-0123456789abcdefgh"
	secretV2   = "cookiecache-rotation-v2-0123456789abcdefgh"
	password   = "correct horse battery staple"
)

// live is one running Better Auth with a signed-up user.
type live struct {
	h          *batest.Harness
	strategy   string
	secrets    []cookiecache.Secret
	cookieName string // session_data cookie name
	tokenName  string // session_token cookie name
	signUp     batest.Response
}

type liveOptions struct {
	strategy string
	baseURL  string
	db       string               // SQLite path; fresh when empty
	secrets  []cookiecache.Secret // rotation (options.secrets) when more than one
	name     string
	email    string
	image    string
	noSignUp bool
}

func startLive(t *testing.T, o liveOptions) *live {
	t.Helper()
	if o.db == "" {
		o.db = testdb.SQLite(t)
	}
	if o.name == "" {
		o.name = "Alice"
	}
	if o.email == "" {
		o.email = "alice@example.com"
	}
	l := &live{strategy: o.strategy, cookieName: "better-auth.session_data", tokenName: "better-auth.session_token"}
	if strings.HasPrefix(o.baseURL, "https://") {
		l.cookieName, l.tokenName = "__Secure-"+l.cookieName, "__Secure-"+l.tokenName
	}
	cfg := batest.Config{
		Dialect: "sqlite", URL: o.db, Secret: liveSecret, BaseURL: o.baseURL,
		CookieCache: &batest.CookieCache{Strategy: o.strategy, MaxAge: 300},
	}
	l.secrets = []cookiecache.Secret{{Value: liveSecret}}
	if len(o.secrets) == 1 {
		cfg.Secret = o.secrets[0].Value
		l.secrets = o.secrets
	} else if len(o.secrets) > 1 {
		var list []map[string]any
		for _, s := range o.secrets {
			list = append(list, map[string]any{"version": s.Version, "value": s.Value})
		}
		cfg.Extra = map[string]any{"options": map[string]any{"secrets": list}}
		l.secrets = o.secrets
	}
	l.h = batest.Start(t, cfg)
	l.h.MustCall(t, "migrate", nil, nil)
	if o.noSignUp {
		return l
	}
	body := map[string]any{"email": o.email, "password": password, "name": o.name}
	if o.image != "" {
		body["image"] = o.image
	}
	l.signUp = l.h.Request(t, http.MethodPost, "/api/auth/sign-up/email", nil, body)
	if l.signUp.Status != http.StatusOK {
		t.Fatalf("sign-up: %d %s", l.signUp.Status, l.signUp.Text)
	}
	return l
}

func (l *live) signIn(t *testing.T, email string, rememberMe bool) batest.Response {
	t.Helper()
	r := l.h.Request(t, http.MethodPost, "/api/auth/sign-in/email", nil, map[string]any{"email": email, "password": password, "rememberMe": rememberMe})
	if r.Status != http.StatusOK {
		t.Fatalf("sign-in: %d %s", r.Status, r.Text)
	}
	return r
}

// dataCookies returns the session_data cookie or chunks a response sets
// (not the Max-Age=0 expiries), in header order, with their lines.
func (l *live) dataCookies(t *testing.T, r batest.Response) ([]*http.Cookie, []string) {
	t.Helper()
	var cookies []*http.Cookie
	var lines []string
	for _, line := range r.SetCookie {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("parse Set-Cookie %q: %v", line, err)
		}
		if c.MaxAge < 0 || (c.Name != l.cookieName && !strings.HasPrefix(c.Name, l.cookieName+".")) {
			continue
		}
		cookies = append(cookies, c)
		lines = append(lines, line)
	}
	if len(cookies) == 0 {
		t.Fatalf("no %s cookie in %q", l.cookieName, r.SetCookie)
	}
	return cookies, lines
}

func (l *live) cacheValue(t *testing.T, r batest.Response) string {
	t.Helper()
	cookies, _ := l.dataCookies(t, r)
	v, ok := cookiecache.Join(cookies, l.cookieName)
	if !ok {
		t.Fatal("Join found no value")
	}
	return v
}

// tokenCookie is "<name>=<value>" of the session_token a response sets.
func (l *live) tokenCookie(t *testing.T, r batest.Response) (header, token string) {
	t.Helper()
	for _, c := range r.Cookies() {
		if c.Name == l.tokenName && c.Value != "" {
			v := strings.ReplaceAll(c.Value, "%2B", "+")
			v = strings.ReplaceAll(v, "%2F", "/")
			v = strings.ReplaceAll(v, "%3D", "=")
			token, _, _ = strings.Cut(v, ".")
			return c.Name + "=" + c.Value, token
		}
	}
	t.Fatalf("no %s cookie in %q", l.tokenName, r.SetCookie)
	return "", ""
}

type sessionBody struct {
	Session json.RawMessage `json:"session"`
	User    json.RawMessage `json:"user"`
}

// getSession calls get-session with a Cookie header and returns the body
// (nil for a JSON null).
func (l *live) getSession(t *testing.T, cookieHeader string, disableCache bool) *sessionBody {
	t.Helper()
	return l.getSessionRefusing(t, cookieHeader, disableCache, false)
}

// getSessionRefusing is getSession for a cookie Better Auth must refuse:
// with tolerate500, Better Auth's 500 FAILED_TO_GET_SESSION (what it answers
// when a tampered cache decodes to bytes its JSON parser throws on) also
// counts as a refusal — no session is given either way.
func (l *live) getSessionRefusing(t *testing.T, cookieHeader string, disableCache, tolerate500 bool) *sessionBody {
	t.Helper()
	path := "/api/auth/get-session"
	if disableCache {
		path += "?disableCookieCache=true"
	}
	r := l.h.Request(t, http.MethodGet, path, map[string]string{"cookie": cookieHeader}, nil)
	if tolerate500 && r.Status == http.StatusInternalServerError && strings.Contains(r.Text, "FAILED_TO_GET_SESSION") {
		t.Logf("Better Auth answered 500 FAILED_TO_GET_SESSION (no session) for a malformed cache")
		return nil
	}
	if r.Status != http.StatusOK {
		t.Fatalf("get-session: %d %s", r.Status, r.Text)
	}
	if string(r.Body) == "null" {
		return nil
	}
	var b sessionBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatalf("get-session body %s: %v", r.Text, err)
	}
	return &b
}

func (l *live) decode(value string, secrets []cookiecache.Secret, now time.Time) (*cookiecache.Payload, error) {
	return decodeStrategy(l.strategy, value, secrets, now)
}

func decodeStrategy(strategy, value string, secrets []cookiecache.Secret, now time.Time) (*cookiecache.Payload, error) {
	switch strategy {
	case "compact":
		return cookiecache.DecodeCompact(value, secrets[0].Value, now)
	case "jwt":
		return cookiecache.DecodeJWT(value, secrets[0].Value, now)
	case "jwe":
		return cookiecache.DecodeJWE(value, secrets, now)
	}
	panic("unknown strategy " + strategy)
}

func encodeStrategy(strategy string, p cookiecache.Payload, secret string, now time.Time) (string, error) {
	switch strategy {
	case "compact":
		return cookiecache.EncodeCompact(p, secret)
	case "jwt":
		return cookiecache.EncodeJWT(p, secret, now)
	case "jwe":
		return cookiecache.EncodeJWE(p, secret, now)
	}
	panic("unknown strategy " + strategy)
}

func jsonEqual(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v in %s", what, err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differs:\n got  %s\n want %s", what, got, want)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

var strategies = []string{"compact", "jwt", "jwe"}

// TestLiveDecode: Better Auth issues the cache, Go decodes it to what
// get-session returns, and refuses tampered, expired and foreign ones.
func TestLiveDecode(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy, func(t *testing.T) {
			l := startLive(t, liveOptions{strategy: strategy})
			value := l.cacheValue(t, l.signUp)
			now := time.Now()

			t.Run("OK", func(t *testing.T) {
				p, err := l.decode(value, l.secrets, now)
				if err != nil {
					t.Fatal(err)
				}
				db := l.getSession(t, batest.CookieHeader(l.signUp.SetCookie), true)
				if db == nil {
					t.Fatal("get-session returned null")
				}
				jsonEqual(t, "session", p.Session, db.Session)
				jsonEqual(t, "user", p.User, db.User)
				if p.Version != "1" {
					t.Errorf("version %q", p.Version)
				}
				if d := time.Since(time.UnixMilli(p.UpdatedAt)); d < -time.Minute || d > time.Minute {
					t.Errorf("updatedAt %d is not about now", p.UpdatedAt)
				}
				if d := time.Until(p.Expires); d < 290*time.Second || d > 301*time.Second {
					t.Errorf("expires in %s, want about 300s", d)
				}
				recordCase(t, l, strategy, l.signUp, db)
			})
			t.Run("ErrExpired", func(t *testing.T) {
				_, err := l.decode(value, l.secrets, now.Add(time.Hour))
				wantErr(t, "decode an hour later", err, cookiecache.ErrExpired)
			})
			t.Run("ErrSignature/ForeignSecret", func(t *testing.T) {
				_, err := l.decode(value, []cookiecache.Secret{{Value: "another-secret-0123456789abcdefghijkl"}}, now)
				wantErr(t, "foreign secret", err, cookiecache.ErrSignature)
			})
			t.Run("ErrSignature/TamperedSignature", func(t *testing.T) {
				_, err := l.decode(tamperSignature(t, strategy, value), l.secrets, now)
				wantErr(t, "tampered signature", err, cookiecache.ErrSignature)
			})
			t.Run("ErrSignature/TamperedPayload", func(t *testing.T) {
				_, err := l.decode(tamperPayload(t, strategy, value), l.secrets, now)
				wantErr(t, "tampered payload", err, cookiecache.ErrSignature)
			})
			t.Run("ErrMalformed", func(t *testing.T) {
				_, err := l.decode(value[:len(value)/2], l.secrets, now)
				wantErr(t, "truncated", err, cookiecache.ErrMalformed)
			})
		})
	}
}

// flipMiddle changes one character in the middle of s (never the last
// one, whose low bits base64 decoders ignore).
func flipMiddle(s string) string {
	i := len(s) / 2
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func tamperSignature(t *testing.T, strategy, value string) string {
	t.Helper()
	switch strategy {
	case "compact":
		raw, err := base64.RawURLEncoding.DecodeString(value)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(raw, []byte(`"signature":"`)) + len(`"signature":"`) + 10
		raw[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(raw)
	case "jwt":
		parts := strings.Split(value, ".")
		parts[2] = flipMiddle(parts[2])
		return strings.Join(parts, ".")
	default: // jwe: the authentication tag
		parts := strings.Split(value, ".")
		parts[4] = flipMiddle(parts[4])
		return strings.Join(parts, ".")
	}
}

func tamperPayload(t *testing.T, strategy, value string) string {
	t.Helper()
	switch strategy {
	case "compact":
		raw, err := base64.RawURLEncoding.DecodeString(value)
		if err != nil {
			t.Fatal(err)
		}
		raw = bytes.Replace(raw, []byte(`"emailVerified":false`), []byte(`"emailVerified":true`), 1)
		return base64.RawURLEncoding.EncodeToString(raw)
	case "jwt":
		parts := strings.Split(value, ".")
		claims, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		claims = bytes.Replace(claims, []byte(`"emailVerified":false`), []byte(`"emailVerified":true`), 1)
		parts[1] = base64.RawURLEncoding.EncodeToString(claims)
		return strings.Join(parts, ".")
	default: // jwe: the ciphertext
		parts := strings.Split(value, ".")
		parts[3] = flipMiddle(parts[3])
		return strings.Join(parts, ".")
	}
}

// TestLiveEncode: Better Auth trusts what Go encodes. The session row is
// deleted first, so a session in get-session's answer can only come from
// the cookie, and the user's name is changed in the cookie to prove it.
func TestLiveEncode(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy, func(t *testing.T) {
			l := startLive(t, liveOptions{strategy: strategy})
			tokenHeader, token := l.tokenCookie(t, l.signUp)
			p, err := l.decode(l.cacheValue(t, l.signUp), l.secrets, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			l.h.MustCall(t, "internal", map[string]any{"method": "deleteSession", "args": []any{token}}, nil)
			if got := l.getSession(t, tokenHeader, true); got != nil {
				t.Fatalf("session still in the database: %s", got.Session)
			}

			now := time.Now()
			p.User = bytes.Replace(p.User, []byte(`"name":"Alice"`), []byte("\"name\":\"Alice from Go \u2028 <&>\""), 1)
			p.UpdatedAt = now.UnixMilli()
			p.Expires = now.Add(200 * time.Second)
			value, err := encodeStrategy(strategy, *p, l.secrets[0].Value, now)
			if err != nil {
				t.Fatal(err)
			}
			get := func(t *testing.T, v string) *sessionBody {
				t.Helper()
				return l.getSession(t, tokenHeader+"; "+l.cookieName+"="+v, false)
			}
			getRefused := func(t *testing.T, v string) *sessionBody {
				t.Helper()
				return l.getSessionRefusing(t, tokenHeader+"; "+l.cookieName+"="+v, false, true)
			}

			t.Run("OK", func(t *testing.T) {
				got := get(t, value)
				if got == nil {
					t.Fatal("Better Auth refused the Go cookie")
				}
				var user struct{ Name string }
				if err := json.Unmarshal(got.User, &user); err != nil {
					t.Fatal(err)
				}
				if user.Name != "Alice from Go \u2028 <&>" {
					t.Errorf("name %q: Better Auth did not use the cookie", user.Name)
				}
				// And Go reads back its own cookie.
				back, err := l.decode(value, l.secrets, now)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(back.User, p.User) || !bytes.Equal(back.Session, p.Session) {
					t.Errorf("round trip changed the payload:\n%s\n%s", back.User, p.User)
				}
			})
			t.Run("Chunked", func(t *testing.T) {
				// Chunks of a small value are still read by Better Auth.
				cookies := []string{tokenHeader}
				for i := 0; i*100 < len(value); i++ {
					cookies = append(cookies, l.cookieName+"."+strconv.Itoa(i)+"="+value[i*100:min(len(value), (i+1)*100)])
				}
				if got := l.getSession(t, strings.Join(cookies, "; "), false); got == nil {
					t.Fatal("Better Auth refused the chunked Go cookie")
				}
			})
			t.Run("Tampered", func(t *testing.T) {
				if got := getRefused(t, tamperSignature(t, strategy, value)); got != nil {
					t.Fatalf("Better Auth accepted a tampered signature: %s", got.User)
				}
				if got := getRefused(t, tamperPayload(t, strategy, value)); got != nil {
					t.Fatalf("Better Auth accepted a tampered payload: %s", got.User)
				}
			})
			t.Run("ForeignSecret", func(t *testing.T) {
				v, err := encodeStrategy(strategy, *p, "another-secret-0123456789abcdefghijkl", now)
				if err != nil {
					t.Fatal(err)
				}
				if got := get(t, v); got != nil {
					t.Fatal("Better Auth accepted a cookie made with another secret")
				}
			})
			t.Run("Expired", func(t *testing.T) {
				q := *p
				q.Expires = now.Add(-time.Minute)
				v, err := encodeStrategy(strategy, q, l.secrets[0].Value, now.Add(-5*time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				if got := get(t, v); got != nil {
					t.Fatal("Better Auth accepted an expired Go cookie")
				}
				_, err = l.decode(v, l.secrets, now)
				wantErr(t, "Go decode of expired", err, cookiecache.ErrExpired)
			})
		})
	}
}

// TestLiveChunking: a 6000-character image makes Better Auth chunk the
// cache; Join reassembles it and Split reproduces Better Auth's chunks.
func TestLiveChunking(t *testing.T) {
	image := "https://example.com/" + strings.Repeat("a", 6000)
	for _, tc := range []struct {
		name, strategy, baseURL string
	}{
		{"compact", "compact", ""},
		{"jwt", "jwt", ""},
		{"jwe/secure", "jwe", "https://app.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startLive(t, liveOptions{strategy: tc.strategy, baseURL: tc.baseURL, image: image})
			check := func(t *testing.T, r batest.Response, wantMaxAge bool, record string) {
				cookies, lines := l.dataCookies(t, r)
				if len(cookies) < 2 {
					t.Fatalf("Better Auth did not chunk: %q", r.SetCookie)
				}
				for _, line := range lines {
					if len(line) > cookiecache.MaxCookieSize {
						t.Errorf("Better Auth line of %d bytes", len(line))
					}
				}
				value, ok := cookiecache.Join(cookies, l.cookieName)
				if !ok {
					t.Fatal("Join found nothing")
				}
				p, err := l.decode(value, l.secrets, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(p.User, []byte(image)) {
					t.Errorf("user lacks the image: %.200s", p.User)
				}
				if (cookies[0].MaxAge == 300) != wantMaxAge {
					t.Errorf("Max-Age %d, want 300: %v", cookies[0].MaxAge, wantMaxAge)
				}
				template := *cookies[0]
				template.Name, template.Value = l.cookieName, value
				split, err := cookiecache.Split(&template)
				if err != nil {
					t.Fatal(err)
				}
				if len(split) != len(cookies) {
					t.Fatalf("Split made %d chunks, Better Auth %d", len(split), len(cookies))
				}
				for i := range split {
					if split[i].Name != cookies[i].Name || split[i].Value != cookies[i].Value {
						t.Errorf("chunk %d: Split %s (%d bytes), Better Auth %s (%d bytes)", i, split[i].Name, len(split[i].Value), cookies[i].Name, len(cookies[i].Value))
					}
				}
				// Shuffled order and a stray cookie do not matter to Join.
				shuffled := append([]*http.Cookie{{Name: l.cookieName + ".x", Value: "junk"}}, cookies[1:]...)
				shuffled = append(shuffled, cookies[0])
				if v, _ := cookiecache.Join(shuffled, l.cookieName); v != value {
					t.Error("Join depends on cookie order")
				}
				if record != "" {
					recordCase(t, l, record, r, nil)
				}
			}
			t.Run("Remembered", func(t *testing.T) { check(t, l.signUp, true, "chunked-"+tc.name) })
			t.Run("DontRemember", func(t *testing.T) {
				// No Max-Age: 13 more bytes per chunk.
				check(t, l.signIn(t, "alice@example.com", false), false, "chunked-dont-remember-"+tc.name)
			})
		})
	}
}

// TestLiveJWERotation: with secrets [v2, v1] Better Auth encrypts under v2;
// a cookie made by an instance that only knows v1 still decodes with
// [v2, v1] by kid, in Go and in Better Auth.
func TestLiveJWERotation(t *testing.T) {
	db := testdb.SQLite(t)
	both := []cookiecache.Secret{{Version: "2", Value: secretV2}, {Version: "1", Value: secretV1}}
	rotated := startLive(t, liveOptions{strategy: "jwe", db: db, secrets: both})
	now := time.Now()

	v2Value := rotated.cacheValue(t, rotated.signUp)
	t.Run("CurrentSecret", func(t *testing.T) {
		if _, err := cookiecache.DecodeJWE(v2Value, both, now); err != nil {
			t.Fatal(err)
		}
		if _, err := cookiecache.DecodeJWE(v2Value, both[:1], now); err != nil {
			t.Fatal(err)
		}
		_, err := cookiecache.DecodeJWE(v2Value, both[1:], now)
		wantErr(t, "v2 cookie with only v1", err, cookiecache.ErrSignature)
		recordCase(t, rotated, "jwe-rotation-v2", rotated.signUp, nil)
	})

	old := startLive(t, liveOptions{strategy: "jwe", db: db, secrets: both[1:], noSignUp: true})
	v1Response := old.signIn(t, "alice@example.com", true)
	v1Value := old.cacheValue(t, v1Response)
	t.Run("OldSecretByKid", func(t *testing.T) {
		p, err := cookiecache.DecodeJWE(v1Value, both, now)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(p.User, []byte(`"email":"alice@example.com"`)) {
			t.Errorf("user %s", p.User)
		}
		_, err = cookiecache.DecodeJWE(v1Value, both[:1], now)
		wantErr(t, "v1 cookie with only v2", err, cookiecache.ErrSignature)
		old.secrets = both
		recordCase(t, old, "jwe-rotation-v1", v1Response, nil)
	})

	t.Run("BetterAuthAcceptsGoV1", func(t *testing.T) {
		// A session of the rotated instance (its session_token is signed
		// with v2), cached in a JWE Go encrypted under v1.
		r := rotated.signIn(t, "alice@example.com", true)
		tokenHeader, token := rotated.tokenCookie(t, r)
		p, err := cookiecache.DecodeJWE(rotated.cacheValue(t, r), both, now)
		if err != nil {
			t.Fatal(err)
		}
		p.User = bytes.Replace(p.User, []byte(`"name":"Alice"`), []byte(`"name":"Alice v1"`), 1)
		p.Expires = now.Add(time.Minute)
		value, err := cookiecache.EncodeJWE(*p, secretV1, now)
		if err != nil {
			t.Fatal(err)
		}
		rotated.h.MustCall(t, "internal", map[string]any{"method": "deleteSession", "args": []any{token}}, nil)
		got := rotated.getSession(t, tokenHeader+"; "+rotated.cookieName+"="+value, false)
		if got == nil || !bytes.Contains(got.User, []byte(`"name":"Alice v1"`)) {
			t.Fatalf("Better Auth with [v2, v1] refused a v1 JWE from Go: %v", got)
		}
	})
}

// TestLiveDateLikeName: Better Auth's date reviver turns a user name shaped
// like an ISO date into a Date, so its own schema refuses the cache (and it
// falls back to the database). Go refuses it the same way.
func TestLiveDateLikeName(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy, func(t *testing.T) {
			l := startLive(t, liveOptions{strategy: strategy, name: "2024-01-01T00:00:00Z"})
			_, err := l.decode(l.cacheValue(t, l.signUp), l.secrets, time.Now())
			wantErr(t, "date-like name", err, cookiecache.ErrMalformed)

			r := l.h.Request(t, http.MethodGet, "/api/auth/get-session", map[string]string{"cookie": batest.CookieHeader(l.signUp.SetCookie)}, nil)
			expired := false
			for _, c := range r.Cookies() {
				if c.Name == l.cookieName && c.MaxAge < 0 {
					expired = true
				}
			}
			if !expired || string(r.Body) == "null" {
				t.Errorf("Better Auth kept its cache or lost the session: %d %q %s", r.Status, r.SetCookie, r.Text)
			}
		})
	}
}
