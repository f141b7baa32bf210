package server

import (
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// Better Auth's symmetricEncrypt: bare hex with one secret, the $ba$v$
// envelope of the current secret with versioned ones; a value decrypts
// only with the secret that made it.
func TestSymmetricEncryptFormats(t *testing.T) {
	single := []ba.Secret{{Value: "single-secret-0123456789abcdefghij"}}
	enc, err := symmetricEncrypt(single, "totp-secret")
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) != 2*(24+len("totp-secret")+16) || strings.Trim(enc, "0123456789abcdef") != "" {
		t.Errorf("not nonce‖ciphertext‖tag as lowercase hex: %d chars", len(enc))
	}
	if got, err := symmetricDecrypt(single, enc); err != nil || got != "totp-secret" {
		t.Errorf("round trip: %q %v", got, err)
	}
	if _, err := symmetricDecrypt([]ba.Secret{{Value: "another-secret-0123456789abcdefgh"}}, enc); err == nil {
		t.Error("decrypted with the wrong secret")
	}
	rotated := []ba.Secret{{Version: "2", Value: "new-secret-0123456789abcdefghijkl"}, {Version: "1", Value: "old-secret-0123456789abcdefghijkl"}}
	env, err := symmetricEncrypt(rotated, "x")
	if err != nil || !strings.HasPrefix(env, "$ba$2$") {
		t.Fatalf("envelope %q %v", env[:min(len(env), 6)], err)
	}
	old, _ := symmetricEncrypt(rotated[1:], "y")
	for in, want := range map[string]string{env: "x", old: "y"} {
		if got, err := symmetricDecrypt(rotated, in); err != nil || got != want {
			t.Errorf("decrypt %q…: %q %v", in[:6], got, err)
		}
	}
	if _, err := symmetricDecrypt(rotated[:1], old); err == nil {
		t.Error("decrypted a retired version")
	}
	if _, err := symmetricDecrypt(single, "zz"); err == nil {
		t.Error("decrypted garbage")
	}
}

// The two-factor plugin's rate limit: 3 requests per 10 s on /two-factor/*.
func TestTwoFactorRateRule(t *testing.T) {
	if r := ruleFor("/two-factor/verify-totp", true); r != (rateRule{10 * time.Second, 3}) {
		t.Errorf("two-factor rule %v", r)
	}
	if r := ruleFor("/two-factor/verify-totp", false); r != defaultRule {
		t.Errorf("two-factor rule without the plugin %v", r)
	}
	if r := ruleFor("/get-session", true); r != defaultRule {
		t.Errorf("default rule %v", r)
	}
}
