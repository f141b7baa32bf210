package betterauth_test

import (
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// The expected text is what Better Auth 1.7.25's get-session returned for
// the same rows with the admin and twoFactor plugins (captured while
// building the server).
func TestUserAndSessionJSON(t *testing.T) {
	r, err := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 23, 4, 45, 973e6, time.UTC)
	role, f := "user", false
	u := &ba.User{ID: "UA5STktmkpjNz0MbJLUVRLCYLFAzUXh6", Name: "A", Email: "a@example.com", CreatedAt: at, UpdatedAt: at, Role: &role, Banned: &f, TwoFactorEnabled: &f}
	want := `{"name":"A","email":"a@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-25T23:04:45.973Z","updatedAt":"2026-11-25T23:04:45.973Z","role":"user","banned":false,"banReason":null,"banExpires":null,"twoFactorEnabled":false,"id":"UA5STktmkpjNz0MbJLUVRLCYLFAzUXh6"}`
	if got := string(r.UserJSON(u)); got != want {
		t.Errorf("UserJSON\n got %s\nwant %s", got, want)
	}
	empty := ""
	s := &ba.Session{ID: "hNU03YhQMH1wPnVzVA9AcbJtpH34HpCm", Token: "zhvLOj50nMLyR6AOotTEyL6XEedjvuzu", UserID: u.ID,
		ExpiresAt: time.Date(2026, 12, 2, 23, 4, 47, 250e6, time.UTC), CreatedAt: time.Date(2026, 11, 25, 23, 4, 47, 251e6, time.UTC),
		UpdatedAt: time.Date(2026, 11, 25, 23, 4, 47, 251e6, time.UTC), IPAddress: &empty, UserAgent: &empty}
	want = `{"expiresAt":"2026-12-02T23:04:47.250Z","token":"zhvLOj50nMLyR6AOotTEyL6XEedjvuzu","createdAt":"2026-11-25T23:04:47.251Z","updatedAt":"2026-11-25T23:04:47.251Z","ipAddress":"","userAgent":"","userId":"UA5STktmkpjNz0MbJLUVRLCYLFAzUXh6","impersonatedBy":null,"id":"hNU03YhQMH1wPnVzVA9AcbJtpH34HpCm"}`
	if got := string(r.SessionJSON(s)); got != want {
		t.Errorf("SessionJSON\n got %s\nwant %s", got, want)
	}
	u.Name = "<script>&\u2028\"\x01"
	if got := string(r.UserJSON(u)); !strings.HasPrefix(got, `{"name":"<script>&`+"\u2028"+`\"\u0001","email`) {
		t.Errorf("JSON.stringify escaping: %s", got)
	}
}
