package betterauth

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestSymmetricDecryptGolden decrypts values Better Auth's own
// symmetricEncrypt wrote (testdata/symmetric/vectors.json).
func TestSymmetricDecryptGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/symmetric/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Single  string
		Rotated []Secret
		Vectors []struct{ Key, Data, Value string }
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range g.Vectors {
		secrets := []Secret{{Value: g.Single}}
		if v.Key == "rotated" {
			secrets = g.Rotated
			if !strings.HasPrefix(v.Value, "$ba$") {
				t.Errorf("rotated vector without an envelope")
			}
		}
		got, err := SymmetricDecrypt(secrets, v.Value)
		if err != nil || got != v.Data {
			t.Errorf("%s vector of %q: got %q, %v", v.Key, v.Data, got, err)
		}
		// A flipped ciphertext byte fails authentication.
		b := []byte(v.Value)
		last := len(b) - 1
		b[last] = map[bool]byte{true: '1', false: '0'}[b[last] == '0']
		if _, err := SymmetricDecrypt(secrets, string(b)); !errors.Is(err, ErrDecrypt) {
			t.Errorf("tampered %s vector: %v", v.Key, err)
		}
		if _, err := SymmetricDecrypt([]Secret{{Value: "another-secret-0123456789abcdefghij"}}, v.Value); err == nil {
			t.Errorf("%s vector decrypted with the wrong secret", v.Key)
		}
	}
}

func TestSymmetricRoundTripAndFormat(t *testing.T) {
	single := []Secret{{Value: "s-0123456789abcdefghijklmnopqrstuvwxyz"}}
	enc, err := SymmetricEncrypt(single, "tok")
	if err != nil {
		t.Fatal(err)
	}
	// 24-byte nonce + 3 bytes + 16-byte tag, lowercase hex.
	if len(enc) != 2*(24+3+16) || strings.ToLower(enc) != enc || !LooksEncrypted(enc) {
		t.Errorf("format: %d chars", len(enc))
	}
	enc2, _ := SymmetricEncrypt(single, "tok")
	if enc == enc2 {
		t.Error("two encryptions are equal: the nonce is not random")
	}
	if got, err := SymmetricDecrypt(single, enc); err != nil || got != "tok" {
		t.Errorf("round trip: %q, %v", got, err)
	}
	if _, err := SymmetricEncrypt([]Secret{{Version: "x", Value: "v"}}, "tok"); err == nil {
		t.Error("non-numeric version accepted")
	}
	if _, err := SymmetricDecrypt(nil, enc); !errors.Is(err, ErrNoSecret) {
		t.Errorf("no secrets: %v", err)
	}
	for _, bad := range []string{"zz", "abc", "$ba$1$00", "$ba$9$" + enc} {
		if _, err := SymmetricDecrypt([]Secret{{Version: "1", Value: "v"}, {Value: single[0].Value}}, bad); err == nil {
			t.Errorf("decrypted %q", bad)
		}
	}
}

func TestOAuthTokenHelpers(t *testing.T) {
	secrets := []Secret{{Version: "1", Value: "one-0123456789abcdefghijklmnopqrstu"}}
	for tok, want := range map[string]bool{"$ba$1$ab": true, "abcd": true, "ABCD": true, "abc": false, "gho_x": false, "": false, "ya29.a0": false} {
		if LooksEncrypted(tok) != want {
			t.Errorf("LooksEncrypted(%q) = %v", tok, !want)
		}
	}
	// Plaintext written before encryptOAuthTokens was on reads as is.
	if got, err := DecryptOAuthToken(secrets, true, "gho_plain"); err != nil || got != "gho_plain" {
		t.Errorf("plaintext: %q, %v", got, err)
	}
	enc, err := EncryptOAuthToken(secrets, true, "gho_new")
	if err != nil || !strings.HasPrefix(enc, "$ba$1$") {
		t.Fatalf("encrypt: %v", err)
	}
	if got, err := DecryptOAuthToken(secrets, true, enc); err != nil || got != "gho_new" {
		t.Errorf("decrypt: %q, %v", got, err)
	}
	// With the option off values are stored and read as they are.
	if got, _ := EncryptOAuthToken(secrets, false, "gho_new"); got != "gho_new" {
		t.Errorf("off: %q", got)
	}
	if got, _ := DecryptOAuthToken(secrets, false, enc); got != enc {
		t.Error("off: decrypted")
	}
}

func TestSymmetricSecretsFromEnv(t *testing.T) {
	env := map[string]string{"BETTER_AUTH_SECRETS": "2:two,1:one", "BETTER_AUTH_SECRET": "legacy"}
	got, err := symmetricSecretsFrom(func(k string) string { return env[k] })
	if err != nil || len(got) != 3 || got[2] != (Secret{Value: "legacy"}) || got[0].Version != "2" {
		t.Errorf("got %d secrets, %v", len(got), err)
	}
	env["BETTER_AUTH_SECRET"] = DefaultSecret
	got, _ = symmetricSecretsFrom(func(k string) string { return env[k] })
	if len(got) != 2 {
		t.Errorf("the default secret became a legacy secret")
	}
}
