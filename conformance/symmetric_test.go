package conformance

import (
	"errors"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// TestSymmetricCrypto checks Go's SymmetricEncrypt/SymmetricDecrypt against
// better-auth/crypto's own functions both ways: a single secret (bare hex),
// BETTER_AUTH_SECRETS rotation ($ba$<version>$ envelope, an old version
// still read) and the legacy secret reading bare hex written before
// rotation.
func TestSymmetricCrypto(t *testing.T) {
	db := dialects()["sqlite"](t)
	h := startBA(t, db, nil, nil)
	type baKey = map[string]any
	single := "symmetric-secret-0123456789abcdefghijklmnopq"
	rotated := []map[string]any{{"version": 2, "value": "second-secret-0123456789abcdefghijkl"}, {"version": 1, "value": "first-secret-0123456789abcdefghijklmn"}}
	goRotated := []ba.Secret{{Version: "2", Value: "second-secret-0123456789abcdefghijkl"}, {Version: "1", Value: "first-secret-0123456789abcdefghijklmn"}, {Value: single}}
	for _, data := range []string{"gho_plainAccessToken123", "", "ünïcödé ✓ token", "1//0refresh-token.with.dots"} {
		// Better Auth, one secret → Go.
		var enc struct{ Data string }
		h.MustCall(t, "symmetricEncrypt", baKey{"secret": single, "data": data}, &enc)
		if got, err := ba.SymmetricDecrypt([]ba.Secret{{Value: single}}, enc.Data); err != nil || got != data {
			t.Errorf("Go decrypting Better Auth's single-secret value of %q: %q, %v", data, got, err)
		}
		legacyHex := enc.Data
		// Go, one secret → Better Auth.
		goEnc, err := ba.SymmetricEncrypt([]ba.Secret{{Value: single}}, data)
		must(t, err)
		var dec struct{ Data string }
		h.MustCall(t, "symmetricDecrypt", baKey{"secret": single, "data": goEnc}, &dec)
		if dec.Data != data {
			t.Errorf("Better Auth decrypting Go's single-secret value of %q: %q", data, dec.Data)
		}
		// Better Auth, rotation (current version 2) → Go.
		h.MustCall(t, "symmetricEncrypt", baKey{"secrets": rotated, "data": data}, &enc)
		if got, err := ba.SymmetricDecrypt(goRotated, enc.Data); err != nil || got != data || enc.Data[:5] != "$ba$2" {
			t.Errorf("Go decrypting Better Auth's envelope %.6s… of %q: %q, %v", enc.Data, data, got, err)
		}
		// Better Auth under version 1 alone → Go with 2,1 (an old version).
		h.MustCall(t, "symmetricEncrypt", baKey{"secrets": rotated[1:], "data": data}, &enc)
		if got, err := ba.SymmetricDecrypt(goRotated, enc.Data); err != nil || got != data {
			t.Errorf("Go decrypting Better Auth's version-1 envelope of %q: %q, %v", data, got, err)
		}
		// Go, rotation → Better Auth.
		goEnc, err = ba.SymmetricEncrypt(goRotated, data)
		must(t, err)
		if goEnc[:5] != "$ba$2" {
			t.Errorf("Go's rotated value starts %.5q, want $ba$2", goEnc)
		}
		h.MustCall(t, "symmetricDecrypt", baKey{"secrets": rotated, "data": goEnc}, &dec)
		if dec.Data != data {
			t.Errorf("Better Auth decrypting Go's envelope of %q: %q", data, dec.Data)
		}
		// Bare hex from before rotation, read with the legacy secret.
		if got, err := ba.SymmetricDecrypt(goRotated, legacyHex); err != nil || got != data {
			t.Errorf("Go decrypting legacy bare hex with the legacy secret: %q, %v", got, err)
		}
		h.MustCall(t, "symmetricDecrypt", baKey{"secrets": rotated, "legacySecret": single, "data": legacyHex}, &dec)
		if dec.Data != data {
			t.Errorf("Better Auth decrypting legacy bare hex: %q", dec.Data)
		}
		// Without the legacy secret both refuse bare hex.
		if _, err := ba.SymmetricDecrypt(goRotated[:2], legacyHex); !errors.Is(err, ba.ErrDecrypt) {
			t.Errorf("Go read bare hex without a legacy secret: %v", err)
		}
		if err := h.Call("symmetricDecrypt", baKey{"secrets": rotated, "data": legacyHex}, &dec); err == nil {
			t.Errorf("Better Auth read bare hex without a legacy secret")
		}
	}
	// A retired version is refused by both.
	goEnc, err := ba.SymmetricEncrypt(goRotated, "x")
	must(t, err)
	if _, err := ba.SymmetricDecrypt(goRotated[1:], goEnc); !errors.Is(err, ba.ErrDecrypt) {
		t.Errorf("Go decrypted with a retired version: %v", err)
	}
	var dec struct{ Data string }
	if err := h.Call("symmetricDecrypt", baKey{"secrets": rotated[1:], "data": goEnc}, &dec); err == nil {
		t.Errorf("Better Auth decrypted with a retired version")
	}
}
