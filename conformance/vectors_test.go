package conformance

import (
	"encoding/json"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// TestCaptureVectors asks Better Auth for signed cookies and password
// hashes, checks Go agrees in both directions, and compares the
// deterministic part with testdata/vectors.json (hashes are salted at
// random, so the recorded ones are only replaced on update).
func TestCaptureVectors(t *testing.T) {
	db := dialects()["sqlite"](t)
	h := startBA(t, db, nil, nil)
	var v vectors
	for _, c := range []struct{ secret, token string }{
		{secret, "Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz"},
		{"better-auth-secret-12345678901234567890", "W2sEFBR1whrVhvlxNyGcOZdbtVzmPnRM"},
		{"ünïcödé secret ✓", "aeEv86kRzE8ojFtr35Tey3XQHmR7LlQH"},
	} {
		var out struct{ Cookie string }
		h.MustCall(t, "signCookie", map[string]any{"value": c.token, "secret": c.secret}, &out)
		if got := ba.SignCookieValue(c.token, c.secret); got != out.Cookie {
			t.Errorf("Go cookie %q, Better Auth %q", got, out.Cookie)
		}
		v.Cookies = append(v.Cookies, struct {
			Secret string `json:"secret"`
			Token  string `json:"token"`
			Cookie string `json:"cookie"`
		}{c.secret, c.token, out.Cookie})
	}
	for _, pw := range []string{"password123", "pässwörd123", "ｆｕｌｌｗｉｄｔｈ-パスワード", "a very long passphrase with spaces"} {
		var out struct{ Hash string }
		h.MustCall(t, "hashPassword", map[string]any{"password": pw}, &out)
		if ok, err := ba.VerifyPassword(out.Hash, pw); err != nil || !ok {
			t.Errorf("Go does not verify Better Auth's hash of %q: %v", pw, err)
		}
		goHash, err := ba.HashPassword(pw)
		must(t, err)
		var res struct{ OK bool }
		h.MustCall(t, "verifyPassword", map[string]any{"hash": goHash, "password": pw}, &res)
		if !res.OK {
			t.Errorf("Better Auth does not verify Go's hash of %q", pw)
		}
		h.MustCall(t, "verifyPassword", map[string]any{"hash": goHash, "password": pw + "x"}, &res)
		if res.OK {
			t.Errorf("Better Auth verified a wrong password against Go's hash")
		}
		v.Passwords = append(v.Passwords, struct {
			Password string `json:"password"`
			Hash     string `json:"hash"`
		}{pw, out.Hash})
	}
	// Compare the deterministic cookies with the recorded file; keep the
	// recorded hashes unless updating.
	recorded, err := readVectorsFile()
	if err == nil {
		v.Passwords = recorded.Passwords
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	checkGolden(t, "vectors.json", string(b)+"\n")
}
