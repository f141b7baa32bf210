package jwt

import (
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// Golden vectors from Better Auth 1.7.25's symmetricEncrypt (crypto/index.mjs),
// produced once with Node; the test needs no Node.
const (
	goldenSingleSecret = "golden-secret-for-jwks-0123456789abcdef"
	goldenSingle       = "91cd359caed0cc53b8d808056ebf38d468277daf3f5ab3a57a29271ac62b0886716421bb3fc74b9dba6edd81402db3f4685b9ca2b7ba6134595af884f4f4cbd0fb47b6beaf6c783eab13f0313596dea1dd99ab0be2"
	goldenV2           = "$ba$2$18766a38c6c9fd2b6e47e53e2aea83bd8eb873871ae24a7638cbef630fdf096bc9a61869806bb47897114a00c9bd47232faaa9ae078080d72b432fe89128"
	goldenV1           = "$ba$1$80daaf5d299d7e5a1e785163a1b2a3c73c60b09faac9588a5343794f2246a1f88d43a8ec6f3e47dd6879e60d5a8418999503ef"
	goldenLegacy       = "145884755b35e3a0ed042973ade275fb475ef5935e7f6269006fcd9cfe85f36a853a6fd2ce862d727fddfba6886236ed4574765199b00b"
	secretV2           = "second-secret-0123456789abcdef0123456789"
	secretV1           = "first-secret-0123456789abcdef0123456789ab"
	secretLegacy       = "legacy-secret-0123456789abcdef0123456789"
)

func TestSymmetricDecryptGolden(t *testing.T) {
	single, err := newSecretRing([]ba.Secret{{Value: goldenSingleSecret}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := single.decrypt(goldenSingle); err != nil || got != `{"kty":"OKP","crv":"Ed25519","x":"a","d":"b"}` {
		t.Errorf("single: %q %v", got, err)
	}
	ring, err := newSecretRing([]ba.Secret{{Version: "2", Value: secretV2}, {Version: "1", Value: secretV1}}, secretLegacy)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ data, want string }{
		{goldenV2, "versioned plaintext ü"},
		{goldenV1, "old version"},
		{goldenLegacy, "legacy bare hex"},
	} {
		if got, err := ring.decrypt(c.data); err != nil || got != c.want {
			t.Errorf("decrypt %.12s…: %q %v, want %q", c.data, got, err, c.want)
		}
	}
	// Without the legacy secret a bare payload cannot be read; a retired
	// version names itself; a single secret does not parse envelopes.
	noLegacy, _ := newSecretRing([]ba.Secret{{Version: "2", Value: secretV2}}, "")
	if _, err := noLegacy.decrypt(goldenLegacy); err == nil || !strings.Contains(err.Error(), "legacy") {
		t.Errorf("bare hex without legacy: %v", err)
	}
	if _, err := noLegacy.decrypt(goldenV1); err == nil || !strings.Contains(err.Error(), "version 1") {
		t.Errorf("retired version: %v", err)
	}
	if _, err := single.decrypt(goldenV2); err == nil {
		t.Error("a single secret decrypted an envelope")
	}
	wrong, _ := newSecretRing([]ba.Secret{{Value: "another-secret-0123456789abcdef012345"}}, "")
	if _, err := wrong.decrypt(goldenSingle); err == nil {
		t.Error("wrong secret decrypted")
	}
	for _, bad := range []string{"", "zz", "00", strings.Repeat("0", 2*39)} {
		if _, err := single.decrypt(bad); err == nil {
			t.Errorf("decrypt(%q) succeeded", bad)
		}
	}
}

func TestSymmetricEncryptRoundTrip(t *testing.T) {
	ring, _ := newSecretRing([]ba.Secret{{Version: "2", Value: secretV2}, {Version: "1", Value: secretV1}}, "")
	c, err := ring.encrypt("hello")
	if err != nil || !strings.HasPrefix(c, "$ba$2$") {
		t.Fatalf("encrypt: %q %v", c, err)
	}
	if got, err := ring.decrypt(c); err != nil || got != "hello" {
		t.Errorf("round trip: %q %v", got, err)
	}
	single, _ := newSecretRing([]ba.Secret{{Value: goldenSingleSecret}}, "")
	c, _ = single.encrypt("x")
	if strings.HasPrefix(c, "$") || len(c) != 2*(24+1+16) {
		t.Errorf("single-secret ciphertext %q is not bare hex of nonce‖ct‖tag", c)
	}
}
