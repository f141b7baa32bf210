package betterauth_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// TestAccountCookieRoundTrip: what SetAccountCookie writes, AccountCookie
// reads back (chunked when large), with the old secret after a rotation;
// a wrong secret, an expired cookie and a session_data value are refused.
func TestAccountCookieRoundTrip(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	clock := now
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: "account-cookie-secret-0123456789abcdef"}},
		BaseURL: "http://localhost:3000", CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWE}, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	exp := now.Add(time.Hour).Truncate(time.Millisecond)
	a := &ba.Account{ID: "acc1", AccountID: "provider-user", ProviderID: "github", UserID: "u1",
		AccessToken: strPtr("at"), RefreshToken: strPtr("rt"), AccessTokenExpiresAt: &exp, Scope: strPtr("repo,user"), CreatedAt: now, UpdatedAt: now}
	read := func(setCookies []string) (*ba.Account, error) {
		req := httptest.NewRequest("POST", "/", nil)
		for _, sc := range setCookies {
			nameValue, _, _ := strings.Cut(sc, ";")
			req.Header.Add("Cookie", nameValue)
		}
		return v.AccountCookie(req)
	}
	rec := httptest.NewRecorder()
	if err := v.SetAccountCookie(rec, nil, a, 0, ba.CookieAttributes{}); err != nil {
		t.Fatal(err)
	}
	sc := rec.Header().Values("Set-Cookie")
	if len(sc) != 1 || !strings.HasPrefix(sc[0], "better-auth.account_data=") || !strings.Contains(sc[0], "; Max-Age=300; Path=/; HttpOnly; SameSite=Lax") {
		t.Fatalf("Set-Cookie %q", sc)
	}
	got, err := read(sc)
	if err != nil || got.ID != "acc1" || got.UserID != "u1" || *got.AccessToken != "at" || *got.RefreshToken != "rt" || !got.AccessTokenExpiresAt.Equal(exp) ||
		got.RefreshTokenExpiresAt != nil || got.IDToken != nil || *got.Scope != "repo,user" {
		t.Fatalf("read back %+v, %v", got, err)
	}

	// Large enough to be chunked: account_data.0, .1, … join again.
	big := *a
	big.IDToken = strPtr(strings.Repeat("x", 9000))
	rec = httptest.NewRecorder()
	if err := v.SetAccountCookie(rec, nil, &big, 0, ba.CookieAttributes{}); err != nil {
		t.Fatal(err)
	}
	chunks := rec.Header().Values("Set-Cookie")
	if len(chunks) < 3 || !strings.HasPrefix(chunks[0], "better-auth.account_data.0=") {
		t.Fatalf("%d chunks: %.60q", len(chunks), chunks)
	}
	if got, err := read(chunks); err != nil || len(*got.IDToken) != 9000 {
		t.Fatalf("chunked: %v", err)
	}
	// Rewriting a small cookie over the chunks expires them.
	req := httptest.NewRequest("POST", "/", nil)
	for _, c := range chunks {
		nameValue, _, _ := strings.Cut(c, ";")
		req.Header.Add("Cookie", nameValue)
	}
	rec = httptest.NewRecorder()
	if err := v.SetAccountCookie(rec, req, a, time.Minute, ba.CookieAttributes{}); err != nil {
		t.Fatal(err)
	}
	out := rec.Header().Values("Set-Cookie")
	if len(out) != len(chunks)+1 || !strings.HasPrefix(out[0], "better-auth.account_data.0=; Max-Age=0") || !strings.Contains(out[len(out)-1], "Max-Age=60") {
		t.Fatalf("rewrite over chunks: %.80q", out)
	}

	// Rotation: a verifier whose old secret signed it still reads it.
	rotated, _ := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Version: "2", Value: "new-account-cookie-secret-0123456789ab"}, {Version: "1", Value: "account-cookie-secret-0123456789abcdef"}},
		BaseURL: "http://localhost:3000", CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWE}, Now: func() time.Time { return clock }})
	req = httptest.NewRequest("POST", "/", nil)
	nameValue, _, _ := strings.Cut(sc[0], ";")
	req.Header.Set("Cookie", nameValue)
	if got, err := rotated.AccountCookie(req); err != nil || got.ID != "acc1" {
		t.Fatalf("rotated: %v", err)
	}
	other, _ := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: "some-other-secret-0123456789abcdefgh"}}, BaseURL: "http://localhost:3000", CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWE}})
	if _, err := other.AccountCookie(req); !errors.Is(err, ba.ErrNoAccountCookie) {
		t.Fatalf("wrong secret: %v", err)
	}
	// Expired: 300 s plus jose's 15 s tolerance.
	clock = now.Add(316 * time.Second)
	if _, err := v.AccountCookie(req); !errors.Is(err, ba.ErrNoAccountCookie) {
		t.Fatalf("expired: %v", err)
	}
	clock = now
	if _, err := v.AccountCookie(httptest.NewRequest("GET", "/", nil)); !errors.Is(err, ba.ErrNoAccountCookie) {
		t.Fatalf("no cookie: %v", err)
	}
	req.Header.Set("Cookie", "better-auth.account_data=not-a-jwe")
	if _, err := v.AccountCookie(req); !errors.Is(err, ba.ErrNoAccountCookie) {
		t.Fatalf("garbage: %v", err)
	}
}

func strPtr(s string) *string { return &s }
