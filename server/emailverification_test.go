package server_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/server"
)

func TestEmailVerificationFlow(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.RequireEmailVerification = true
		c.EmailVerification = server.EmailVerificationConfig{Enabled: true, SendOnSignIn: true, AutoSignInAfterVerification: true}
	})
	c := e.client()
	// sendOnSignUp follows requireEmailVerification: sign-up mails a link.
	c.signUp("vera@example.com", "password12345")
	e.mailer.mu.Lock()
	first, n := e.mailer.last, e.mailer.n
	e.mailer.mu.Unlock()
	if n != 1 || first.Kind != server.EmailVerification || first.To != "vera@example.com" ||
		!strings.HasPrefix(first.URL, e.srv.URL+"/api/auth/verify-email?token="+first.Token+"&callbackURL=%2F") {
		t.Fatalf("sign-up email %d %+v", n, first.Kind)
	}
	// The refused sign-in sends a fresh email (sendOnSignIn).
	expect(t, c.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "vera@example.com", "password": "password12345", "callbackURL": "/welcome"}), 403, "EMAIL_NOT_VERIFIED")
	e.mailer.mu.Lock()
	second, n := e.mailer.last, e.mailer.n
	e.mailer.mu.Unlock()
	if n != 2 || !strings.HasSuffix(second.URL, "&callbackURL=%2Fwelcome") {
		t.Fatalf("sign-in email %d", n)
	}
	// Without a session: {status:true} after at least 500 ms, known or not.
	for _, addr := range []string{"vera@example.com", "nobody@example.com"} {
		start := time.Now()
		r := c.do("POST", "/api/auth/send-verification-email", map[string]any{"email": addr})
		expect(t, r, 200, "")
		if string(r.body) != `{"status":true}` || time.Since(start) < 500*time.Millisecond {
			t.Fatalf("%s: %s after %v", addr, r.body, time.Since(start))
		}
	}
	e.mailer.mu.Lock()
	if e.mailer.n != 3 {
		t.Fatalf("%d emails, want one more for the unverified user only", e.mailer.n)
	}
	e.mailer.mu.Unlock()

	// Bad tokens and callbacks.
	expect(t, c.do("GET", "/api/auth/verify-email?token=nope", nil), 401, "INVALID_TOKEN")
	bad := c.do("GET", "/api/auth/verify-email?token=nope&callbackURL=/done%3Fa%3D1", nil)
	if bad.status != 302 || bad.header.Get("Location") != "/done?a=1&error=INVALID_TOKEN" {
		t.Fatalf("bad token with callback: %d %q", bad.status, bad.header.Get("Location"))
	}
	expect(t, c.do("GET", "/api/auth/verify-email?token="+first.Token+"&callbackURL=https://evil.example/", nil), 403, "INVALID_CALLBACK_URL")
	tampered := first.Token[:len(first.Token)-2] + "xx"
	expect(t, c.do("GET", "/api/auth/verify-email?token="+tampered, nil), 401, "INVALID_TOKEN")

	// The first link still works (JWTs are not single-use) and signs in.
	ok := c.do("GET", "/api/auth/verify-email?token="+url.QueryEscape(first.Token)+"&callbackURL=/home", nil)
	if ok.status != 302 || ok.header.Get("Location") != "/home" {
		t.Fatalf("verify: %d %q %s", ok.status, ok.header.Get("Location"), ok.body)
	}
	s := c.do("GET", "/api/auth/get-session", nil).json(t)
	if u, _ := s["user"].(map[string]any); u == nil || u["emailVerified"] != true {
		t.Fatalf("after verification: %v", s)
	}
	// With a session: EMAIL_MISMATCH, EMAIL_ALREADY_VERIFIED.
	expect(t, c.do("POST", "/api/auth/send-verification-email", map[string]any{"email": "other@example.com"}), 400, "EMAIL_MISMATCH")
	expect(t, c.do("POST", "/api/auth/send-verification-email", map[string]any{"email": "VERA@example.com"}), 400, "EMAIL_ALREADY_VERIFIED")
	again := c.do("GET", "/api/auth/verify-email?token="+first.Token, nil)
	if again.status != 200 || string(again.body) != `{"status":true,"user":null}` {
		t.Fatalf("verified again: %d %s", again.status, again.body)
	}
	expect(t, c.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "vera@example.com", "password": "password12345"}), 200, "")
}

func TestEmailVerificationDisabled(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client()
	expect(t, c.do("POST", "/api/auth/send-verification-email", map[string]any{"email": "a@example.com"}), 400, "VERIFICATION_EMAIL_NOT_ENABLED")
	expect(t, c.do("POST", "/api/auth/send-verification-email", map[string]any{"email": "not-an-email"}), 400, "")
	expect(t, c.do("GET", "/api/auth/verify-email", nil), 400, "")
}

func TestEmailVerificationTokenExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, func(c *server.Config) {
		c.Now = clock
		c.EmailVerification = server.EmailVerificationConfig{Enabled: true, SendOnSignUp: ptr(true), ExpiresIn: 10 * time.Minute}
	})
	c := e.client()
	c.signUp("late@example.com", "password12345")
	e.mailer.mu.Lock()
	token := e.mailer.last.Token
	e.mailer.mu.Unlock()
	mu.Lock()
	now = now.Add(10*time.Minute + time.Second)
	mu.Unlock()
	expect(t, c.do("GET", "/api/auth/verify-email?token="+token, nil), 401, "TOKEN_EXPIRED")
	r := c.do("GET", "/api/auth/verify-email?token="+token+"&callbackURL=%2Fx%23frag", nil)
	if r.status != 302 || r.header.Get("Location") != "/x?error=TOKEN_EXPIRED#frag" {
		t.Fatalf("expired with callback: %d %q", r.status, r.header.Get("Location"))
	}
	mu.Lock()
	now = now.Add(-2 * time.Second)
	mu.Unlock()
	if r := c.do("GET", "/api/auth/verify-email?token="+token, nil); r.status != 200 {
		t.Fatalf("within expiresIn: %d %s", r.status, r.body)
	}
}
