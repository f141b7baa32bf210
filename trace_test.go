package betterauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// verifyRecorder is a VerifyTracer that keeps what VerifyEnd got and
// checks it comes with VerifyStart's context.
type verifyRecorder struct {
	mu   sync.Mutex
	got  []ba.VerifyInfo
	open int
	bad  []string
}

type verifyKey struct{}

func (r *verifyRecorder) VerifyStart(ctx context.Context) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open++
	return context.WithValue(ctx, verifyKey{}, r)
}

func (r *verifyRecorder) VerifyEnd(ctx context.Context, info ba.VerifyInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open--
	if ctx.Value(verifyKey{}) != r {
		r.bad = append(r.bad, "VerifyEnd without VerifyStart's context")
	}
	if info.Duration <= 0 {
		r.bad = append(r.bad, fmt.Sprintf("duration %s", info.Duration))
	}
	r.got = append(r.got, info)
}

// take returns the one verification reported since the last take.
func (r *verifyRecorder) take(t *testing.T) ba.VerifyInfo {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) > 0 || r.open != 0 || len(r.got) != 1 {
		t.Fatalf("tracer: %d reports, %d open, problems %q", len(r.got), r.open, r.bad)
	}
	info := r.got[0]
	r.got = nil
	return info
}

// storeContext checks the store lookup runs under VerifyStart's context.
type storeContext struct {
	ba.SessionStore
	t *testing.T
}

func (s storeContext) GetSessionAndUser(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	if ctx.Value(verifyKey{}) == nil {
		s.t.Error("the store lookup does not run under VerifyStart's context")
	}
	return s.SessionStore.GetSessionAndUser(ctx, token)
}

func TestVerifyTracer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}})
	rec := &verifyRecorder{}
	v := f.verifier(t, func(c *ba.VerifierConfig) {
		c.Bearer.Enabled = true
		c.Tracer = rec
		c.Sessions = storeContext{c.Sessions, t}
	})
	signed := ba.SignCookieValue(f.sess.Token, testSecret)
	good := "better-auth.session_token=" + signed
	unknown := ba.SignCookieValue("no-such-token-0000000000000000000", testSecret)
	for _, c := range []struct {
		name          string
		cookie, authz string
		outcome       ba.Outcome
		credential    ba.Credential
	}{
		{"OK", good, "", ba.OutcomeOK, ba.CredentialCookie},
		{"OKBearer", "", "Bearer " + ba.Sign(f.sess.Token, testSecret), ba.OutcomeOK, ba.CredentialBearer},
		{"NoSession", "theme=dark", "", ba.OutcomeNoSession, ""},
		{"InvalidSignatureCookie", "better-auth.session_token=" + f.sess.Token + ".AAAA", "", ba.OutcomeInvalidSignature, ba.CredentialCookie},
		{"InvalidSignatureBearer", "", "Bearer " + f.sess.Token, ba.OutcomeInvalidSignature, ba.CredentialBearer},
		{"NotFound", "better-auth.session_token=" + unknown, "", ba.OutcomeNotFound, ba.CredentialCookie},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := v.Verify(ctx, request(c.cookie, c.authz))
			info := rec.take(t)
			if info.Outcome != c.outcome || info.Credential != c.credential || info.CookieCache != "" {
				t.Fatalf("%+v, want outcome %s, credential %q", info, c.outcome, c.credential)
			}
			if info.Err != err || (err == nil) != (res != nil) {
				t.Fatalf("Err %v, Verify returned %v", info.Err, err)
			}
		})
	}
	t.Run("Expired", func(t *testing.T) {
		f.clock.Advance(8 * 24 * time.Hour)
		defer f.clock.Advance(-8 * 24 * time.Hour)
		_, _ = v.Verify(ctx, request(good, ""))
		if info := rec.take(t); info.Outcome != ba.OutcomeExpired || !errors.Is(info.Err, ba.ErrSessionExpired) {
			t.Fatalf("%+v", info)
		}
	})
	t.Run("VerifyToken", func(t *testing.T) {
		if _, err := v.VerifyToken(ctx, f.sess.Token); err != nil {
			t.Fatal(err)
		}
		if info := rec.take(t); info.Outcome != ba.OutcomeOK || info.Credential != "" {
			t.Fatalf("%+v", info)
		}
		_, _ = v.VerifyToken(ctx, "")
		if info := rec.take(t); info.Outcome != ba.OutcomeNoSession {
			t.Fatalf("%+v", info)
		}
	})
	t.Run("VerifyCookieValue", func(t *testing.T) {
		_, _ = v.VerifyCookieValue(ctx, "forged.AAAA")
		if info := rec.take(t); info.Outcome != ba.OutcomeInvalidSignature || info.Credential != ba.CredentialCookie {
			t.Fatalf("%+v", info)
		}
	})
	t.Run("CookieCache", func(t *testing.T) {
		cached := f.verifier(t, func(c *ba.VerifierConfig) {
			c.Tracer = rec
			c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheJWT}
		})
		w := httptest.NewRecorder()
		if err := cached.SetCookieCache(w, f.store.Schema(), f.sess, f.user, false, ba.CookieAttributes{}); err != nil {
			t.Fatal(err)
		}
		cookies := []string{good}
		for _, c := range w.Result().Cookies() {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		if _, err := cached.Verify(ctx, request(strings.Join(cookies, "; "), "")); err != nil {
			t.Fatal(err)
		}
		if info := rec.take(t); info.Outcome != ba.OutcomeOK || info.Credential != ba.CredentialCookieCache || info.CookieCache != ba.CacheJWT {
			t.Fatalf("%+v", info)
		}
	})
	t.Run("Unavailable", func(t *testing.T) {
		down := f.verifier(t, func(c *ba.VerifierConfig) { c.Sessions = failingStore{}; c.Tracer = rec })
		_, _ = down.Verify(ctx, request(good, ""))
		if info := rec.take(t); info.Outcome != ba.OutcomeUnavailable || info.Credential != ba.CredentialCookie {
			t.Fatalf("%+v", info)
		}
	})
}

func TestOutcomeOf(t *testing.T) {
	for err, want := range map[error]ba.Outcome{
		nil:                                    ba.OutcomeOK,
		ba.ErrNoSession:                        ba.OutcomeNoSession,
		ba.ErrInvalidSignature:                 ba.OutcomeInvalidSignature,
		ba.ErrSessionNotFound:                  ba.OutcomeNotFound,
		ba.ErrSessionExpired:                   ba.OutcomeExpired,
		ba.ErrUserBanned:                       ba.OutcomeBanned,
		fmt.Errorf("%w: x", ba.ErrUnavailable): ba.OutcomeUnavailable,
		errors.New("something else"):           ba.OutcomeError,
	} {
		if got := ba.OutcomeOf(err); got != want {
			t.Errorf("OutcomeOf(%v) = %s, want %s", err, got, want)
		}
	}
}

// TestVerifyWithoutTracerAllocates: with no tracer, the hooks add no
// allocation to a verification (the store's copies and the Result are all
// there is, as before the hooks).
func TestVerifyWithoutTracerAllocates(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	sess, user := benchSession()
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: testSecret}}, Sessions: memoryStore{sess, user},
		Now: func() time.Time { return benchNow }, BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	r := request("better-auth.session_token="+ba.SignCookieValue(sess.Token, testSecret), "")
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := v.Verify(ctx, r); err != nil {
			t.Fatal(err)
		}
	})
	// The store's copy of the session and user, and the Result.
	if allocs > 3 {
		t.Fatalf("%.0f allocations per Verify, want at most 3", allocs)
	}
}
