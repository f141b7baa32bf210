package server

import (
	"context"
	"testing"
	"time"
)

// Better Auth 1.7.25's memory storage (decideConsume) measures the window
// from the last allowed request, not from the first: with 3 per 10 s,
// requests at 0, 5 and 9 s leave the one at 11 s refused, with 8 s to
// wait, and the one at 19 s starts a new count.
func TestMemoryRateLimiterSlidesFromLastAllowed(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	m := NewMemoryRateLimiter(func() time.Time { return now })
	for _, step := range []struct {
		at    time.Duration
		ok    bool
		retry time.Duration
	}{
		{0, true, 0},
		{5 * time.Second, true, 0},
		{9 * time.Second, true, 0},
		{11 * time.Second, false, 8 * time.Second},
		{18 * time.Second, false, time.Second},
		{19 * time.Second, true, 0},
		{19 * time.Second, true, 0},
		{19 * time.Second, true, 0},
		{19 * time.Second, false, 10 * time.Second},
	} {
		now = start.Add(step.at)
		ok, retry, err := m.Allow(context.Background(), "k", 10*time.Second, 3)
		if err != nil || ok != step.ok || retry != step.retry {
			t.Errorf("at %s: ok=%t retry=%s err=%v, want ok=%t retry=%s", step.at, ok, retry, err, step.ok, step.retry)
		}
	}
}

func TestRulePathAndRules(t *testing.T) {
	for _, tc := range []struct {
		path, want string
		rule       rateRule
	}{
		{"/api/auth/sign-in/email", "/sign-in/email", credentialsRule},
		{"/api/auth/sign-in/email/", "/sign-in/email", credentialsRule},
		{"/api/auth/sign-in/username", "/sign-in/username", credentialsRule},
		{"/api/auth/sign-up/email", "/sign-up/email", credentialsRule},
		{"/api/auth/change-email", "/change-email", credentialsRule},
		{"/api/auth/change-password", "/change-password", credentialsRule},
		{"/api/auth/request-password-reset", "/request-password-reset", resetRule},
		{"/api/auth/send-verification-email", "/send-verification-email", resetRule},
		{"/api/auth/email-otp/send-verification-otp", "/email-otp/send-verification-otp", resetRule},
		{"/api/auth/two-factor/send-otp", "/two-factor/send-otp", twoFactorRule},
		{"/api/auth/is-username-available", "/is-username-available", defaultRule},
		{"/api/auth/get-session", "/get-session", defaultRule},
		{"/api/auth", "/", defaultRule},
	} {
		p := rulePath(tc.path)
		if p != tc.want || ruleFor(p, true) != tc.rule {
			t.Errorf("%s: path %q rule %v, want %q %v", tc.path, p, ruleFor(p, true), tc.want, tc.rule)
		}
	}
}
