package remote_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/remote"
)

const testSecret = "remote-test-secret-0123456789abcdefgh"

var testSecrets = []ba.Secret{{Value: testSecret}}

// clock is a settable Config.Now / VerifierConfig.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeAuth is an httptest server answering get-session the way Better Auth
// does: it checks the signed cookie and answers {session, user} or null.
// hook, when set, may answer instead (return true when it did).
type fakeAuth struct {
	*httptest.Server
	requests atomic.Int64

	mu       sync.Mutex
	sessions map[string]sessionUser
	hook     func(w http.ResponseWriter, r *http.Request) bool
	last     *http.Request
}

type sessionUser struct {
	Session *ba.Session `json:"session"`
	User    *ba.User    `json:"user"`
}

func newFakeAuth(t testing.TB) *fakeAuth {
	f := &fakeAuth{sessions: map[string]sessionUser{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAuth) serve(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.mu.Lock()
	f.last = r.Clone(context.Background())
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	if r.URL.Path != "/api/auth/get-session" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	c, err := r.Cookie(remote.DefaultCookieName)
	if err != nil {
		_, _ = w.Write([]byte("null"))
		return
	}
	token, err := ba.VerifySigned(c.Value, testSecret)
	if err != nil {
		_, _ = w.Write([]byte("null"))
		return
	}
	f.mu.Lock()
	su, ok := f.sessions[token]
	f.mu.Unlock()
	if !ok {
		_, _ = w.Write([]byte("null"))
		return
	}
	_ = json.NewEncoder(w).Encode(su)
}

func (f *fakeAuth) setHook(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	f.hook = h
	f.mu.Unlock()
}

func (f *fakeAuth) lastRequest() *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// addSession creates a live session for a new user and returns its token.
func (f *fakeAuth) addSession(token string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ip, ua := "", ""
	uid := "user-" + token
	f.sessions[token] = sessionUser{
		Session: &ba.Session{
			ID: "sess-" + token, Token: token, UserID: uid,
			ExpiresAt: now.Add(7 * 24 * time.Hour), CreatedAt: now, UpdatedAt: now,
			IPAddress: &ip, UserAgent: &ua,
		},
		User: &ba.User{ID: uid, Name: "User " + token, Email: strings.ToLower(token) + "@example.com", CreatedAt: now, UpdatedAt: now},
	}
}

func (f *fakeAuth) deleteSession(token string) {
	f.mu.Lock()
	delete(f.sessions, token)
	f.mu.Unlock()
}

func (f *fakeAuth) count() int64 { return f.requests.Load() }

// newSource builds a Source against f with the test secret and clock c.
func newSource(t testing.TB, f *fakeAuth, c *clock, edit func(*remote.Config)) *remote.Source {
	t.Helper()
	cfg := remote.Config{BaseURL: f.URL, Secrets: testSecrets, Now: c.Now}
	if edit != nil {
		edit(&cfg)
	}
	src, err := remote.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func newVerifier(t testing.TB, src *remote.Source, c *clock) *ba.Verifier {
	t.Helper()
	v, err := ba.NewVerifier(ba.VerifierConfig{
		Sessions: src, Secrets: testSecrets, BaseURL: "http://127.0.0.1",
		Bearer: ba.BearerConfig{Enabled: true}, Now: c.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// cookieRequest is a request to this service carrying the signed cookie.
func cookieRequest(token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/api/thing", nil)
	r.Header.Set("Cookie", "better-auth.session_token="+ba.SignCookieValue(token, testSecret))
	return r
}
