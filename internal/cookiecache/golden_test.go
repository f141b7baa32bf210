package cookiecache_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/cookiecache"
	"github.com/betterauth-go/betterauth/internal/testdb"
)

// The golden file holds cookies captured from the real Better Auth by the
// live tests. The unit tests decode them without Node; the live tests
// compare the shape of freshly captured cookies with it (a drift in Better
// Auth's output fails) and rewrite it with -update, or when it is missing
// (outside CI).
var update = flag.Bool("update", false, "rewrite testdata/captured.json from the live Better Auth")

var goldenPath = filepath.Join("testdata", "captured.json")

type goldenFile struct {
	BetterAuth string       `json:"betterAuth"`
	Note       string       `json:"note"`
	Cases      []goldenCase `json:"cases"`
}

type goldenCase struct {
	Name       string               `json:"name"`
	Strategy   string               `json:"strategy"`
	Secrets    []cookiecache.Secret `json:"secrets"`
	CookieName string               `json:"cookieName"`
	CapturedAt int64                `json:"capturedAt"` // Unix ms
	// SetCookie holds Better Auth's session_data Set-Cookie lines (one,
	// or one per chunk).
	SetCookie []string `json:"setCookie"`
	// Session and User are get-session's answer from the database.
	Session json.RawMessage `json:"session"`
	User    json.RawMessage `json:"user"`
}

// goldenCaseNames are the cases a full live run records.
var goldenCaseNames = []string{
	"compact", "jwt", "jwe",
	"chunked-compact", "chunked-dont-remember-compact",
	"chunked-jwt", "chunked-dont-remember-jwt",
	"chunked-jwe/secure", "chunked-dont-remember-jwe/secure",
	"jwe-rotation-v2", "jwe-rotation-v1",
}

var recorded struct {
	sync.Mutex
	cases map[string]goldenCase
}

// recordCase keeps a cookie Better Auth just issued for the golden file.
// db is get-session's database answer (fetched when nil).
func recordCase(t *testing.T, l *live, name string, r batest.Response, db *sessionBody) {
	t.Helper()
	if db == nil {
		db = l.getSession(t, batest.CookieHeader(r.SetCookie), true)
		if db == nil {
			t.Fatal("get-session returned null")
		}
	}
	_, lines := l.dataCookies(t, r)
	c := goldenCase{
		Name: name, Strategy: l.strategy, Secrets: l.secrets, CookieName: l.cookieName,
		CapturedAt: time.Now().UnixMilli(), SetCookie: lines, Session: db.Session, User: db.User,
	}
	recorded.Lock()
	defer recorded.Unlock()
	if recorded.cases == nil {
		recorded.cases = map[string]goldenCase{}
	}
	recorded.cases[name] = c
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 {
		if err := finishGolden(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// finishGolden compares what the live tests recorded with the golden file,
// or writes the file.
func finishGolden() error {
	recorded.Lock()
	defer recorded.Unlock()
	if len(recorded.cases) == 0 {
		return nil // live tests did not run
	}
	old, err := loadGolden()
	missing := errors.Is(err, os.ErrNotExist)
	if err != nil && !missing {
		return err
	}
	complete := len(recorded.cases) == len(goldenCaseNames)
	if *update || (missing && !testdb.InCI()) {
		if !complete {
			return fmt.Errorf("cannot write %s: only %d of %d live cases ran", goldenPath, len(recorded.cases), len(goldenCaseNames))
		}
		f := goldenFile{
			BetterAuth: betterAuthVersion(),
			Note:       "Captured from the real Better Auth by the live tests (go test -run Live -update). Test secrets only.",
		}
		for _, name := range goldenCaseNames {
			f.Cases = append(f.Cases, recorded.cases[name])
		}
		b, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			return err
		}
		return os.WriteFile(goldenPath, append(b, '\n'), 0o644)
	}
	if missing {
		return fmt.Errorf("%s is missing (CI=true); run the live tests with -update", goldenPath)
	}
	byName := map[string]goldenCase{}
	for _, c := range old.Cases {
		byName[c.Name] = c
	}
	var drift []string
	for name, fresh := range recorded.cases {
		g, ok := byName[name]
		if !ok {
			drift = append(drift, name+": not in the golden file")
			continue
		}
		a, errA := shapeOf(fresh)
		b, errB := shapeOf(g)
		if errA != nil || errB != nil {
			return fmt.Errorf("shape of %s: %v %v", name, errA, errB)
		}
		if !reflect.DeepEqual(a, b) {
			drift = append(drift, fmt.Sprintf("%s:\n  now    %+v\n  golden %+v", name, a, b))
		}
	}
	if len(drift) > 0 {
		slices.Sort(drift)
		return fmt.Errorf("Better Auth's cookie cache differs from %s (rerun the live tests with -update if intended):\n%s", goldenPath, strings.Join(drift, "\n"))
	}
	if v := betterAuthVersion(); v != old.BetterAuth {
		return fmt.Errorf("golden file is from Better Auth %s, harness runs %s; rerun with -update", old.BetterAuth, v)
	}
	return nil
}

func betterAuthVersion() string {
	b, err := os.ReadFile(filepath.Join(batest.Dir(), "node_modules", "better-auth", "package.json"))
	if err != nil {
		return "unknown"
	}
	var pkg struct{ Version string }
	_ = json.Unmarshal(b, &pkg)
	return pkg.Version
}

// shape is what must not change between Better Auth runs: everything but
// ids, times, tokens and signatures.
type shape struct {
	Strategy    string
	Chunks      int
	Attributes  []string // Set-Cookie attributes per line
	Header      string   // jwt/jwe protected header, kid masked
	TopKeys     []string // compact: the outer object; jwt: the claims
	DataKeys    []string // compact: sessionData
	SessionKeys []string // inside the cookie
	UserKeys    []string
}

func shapeOf(c goldenCase) (shape, error) {
	s := shape{Strategy: c.Strategy, Chunks: len(c.SetCookie)}
	var cookies []*http.Cookie
	for _, line := range c.SetCookie {
		_, attrs, _ := strings.Cut(line, ";")
		s.Attributes = append(s.Attributes, strings.TrimSpace(attrs))
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			return s, err
		}
		cookies = append(cookies, ck)
	}
	value, _ := cookiecache.Join(cookies, c.CookieName)
	var err error
	switch c.Strategy {
	case "compact":
		raw, _ := base64.RawURLEncoding.DecodeString(value)
		var outer struct{ Session json.RawMessage }
		if err = json.Unmarshal(raw, &outer); err != nil {
			return s, err
		}
		if s.TopKeys, err = objectKeys(raw); err != nil {
			return s, err
		}
		s.DataKeys, err = objectKeys(outer.Session)
	case "jwt", "jwe":
		parts := strings.Split(value, ".")
		h, _ := base64.RawURLEncoding.DecodeString(parts[0])
		var header map[string]any
		if err = json.Unmarshal(h, &header); err != nil {
			return s, err
		}
		if _, ok := header["kid"]; ok {
			header["kid"] = "<kid>"
		}
		hb, _ := json.Marshal(header)
		s.Header = string(hb)
		if c.Strategy == "jwt" {
			claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
			s.TopKeys, err = objectKeys(claims)
		}
	}
	if err != nil {
		return s, err
	}
	// Key order inside the cookie matters to the compact signature.
	p, err := decodeStrategy(c.Strategy, value, c.Secrets, time.UnixMilli(c.CapturedAt))
	if err != nil {
		return s, err
	}
	if s.SessionKeys, err = objectKeys(p.Session); err != nil {
		return s, err
	}
	s.UserKeys, err = objectKeys(p.User)
	return s, err
}

// objectKeys lists a JSON object's member names in order.
func objectKeys(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func loadGolden() (*goldenFile, error) {
	b, err := os.ReadFile(goldenPath)
	if err != nil {
		return nil, err
	}
	var f goldenFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", goldenPath, err)
	}
	return &f, nil
}

// mustGolden loads the golden file; missing, it skips (fails in CI).
func mustGolden(tb testing.TB) *goldenFile {
	tb.Helper()
	f, err := loadGolden()
	if errors.Is(err, os.ErrNotExist) {
		if testdb.InCI() {
			tb.Fatalf("%s is missing (CI=true): run go test -run Live -update in internal/cookiecache", goldenPath)
		}
		tb.Skipf("%s is missing: run the live tests to capture it", goldenPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func (c goldenCase) cookies(tb testing.TB) []*http.Cookie {
	tb.Helper()
	var out []*http.Cookie
	for _, line := range c.SetCookie {
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, ck)
	}
	return out
}

func (c goldenCase) value(tb testing.TB) string {
	tb.Helper()
	v, ok := cookiecache.Join(c.cookies(tb), c.CookieName)
	if !ok {
		tb.Fatalf("%s: no value", c.Name)
	}
	return v
}

// TestCaptured decodes the captured cookies without Node.
func TestCaptured(t *testing.T) {
	f := mustGolden(t)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			value := c.value(t)
			at := time.UnixMilli(c.CapturedAt)
			t.Run("OK", func(t *testing.T) {
				p, err := decodeStrategy(c.Strategy, value, c.Secrets, at)
				if err != nil {
					t.Fatal(err)
				}
				jsonEqual(t, "session", p.Session, c.Session)
				jsonEqual(t, "user", p.User, c.User)
				if p.Version != "1" {
					t.Errorf("version %q", p.Version)
				}
			})
			t.Run("ErrExpired", func(t *testing.T) {
				_, err := decodeStrategy(c.Strategy, value, c.Secrets, at.Add(time.Hour))
				wantErr(t, "an hour later", err, cookiecache.ErrExpired)
			})
			t.Run("ErrSignature", func(t *testing.T) {
				_, err := decodeStrategy(c.Strategy, value, []cookiecache.Secret{{Value: "not-the-secret-0123456789abcdefghijkl"}}, at)
				wantErr(t, "foreign secret", err, cookiecache.ErrSignature)
				_, err = decodeStrategy(c.Strategy, tamperSignature(t, c.Strategy, value), c.Secrets, at)
				wantErr(t, "tampered signature", err, cookiecache.ErrSignature)
			})
			t.Run("ReEncodeExact", func(t *testing.T) {
				// Compact and jwt are deterministic: Go must produce Better
				// Auth's bytes exactly (jwt: iat = exp - maxAge). The JWE
				// plaintext is compared in TestCapturedJWEPlaintext.
				p, err := decodeStrategy(c.Strategy, value, c.Secrets, at)
				if err != nil {
					t.Fatal(err)
				}
				if c.Strategy == "jwe" {
					// Random IV and jti: compare the protected header,
					// encrypting under the secret Better Auth used.
					for _, s := range c.Secrets {
						got, err := cookiecache.EncodeJWE(*p, s.Value, at)
						if err != nil {
							t.Fatal(err)
						}
						if h, _, _ := strings.Cut(got, "."); strings.HasPrefix(value, h+".") {
							return
						}
					}
					t.Fatal("no secret gives Better Auth's JWE header")
				}
				got, err := encodeStrategy(c.Strategy, *p, c.Secrets[0].Value, p.Expires.Add(-300*time.Second))
				if err != nil {
					t.Fatal(err)
				}
				if got != value {
					i := 0
					for i < min(len(got), len(value)) && got[i] == value[i] {
						i++
					}
					t.Errorf("Go encoding (%d bytes) differs from Better Auth's (%d bytes) at offset %d: %.40q vs %.40q", len(got), len(value), i, got[i:], value[i:])
				}
			})
			t.Run("Split", func(t *testing.T) {
				cookies := c.cookies(t)
				template := *cookies[0]
				template.Name, template.Value = c.CookieName, value
				split, err := cookiecache.Split(&template)
				if err != nil {
					t.Fatal(err)
				}
				if len(split) != len(cookies) {
					t.Fatalf("%d chunks, Better Auth %d", len(split), len(cookies))
				}
				for i := range split {
					if split[i].Name != cookies[i].Name || split[i].Value != cookies[i].Value {
						t.Errorf("chunk %d differs: %s vs %s", i, split[i].Name, cookies[i].Name)
					}
				}
			})
		})
	}
}
