package main

import (
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
)

// TestServeSecretsKeepLegacySecret: with BETTER_AUTH_SECRETS and
// BETTER_AUTH_SECRET, serve keeps the latter as the unversioned legacy
// secret after the versioned ones (Better Auth's legacySecret), so a
// two-factor secret Better Auth encrypted before the rotation (bare hex)
// still decrypts; cookies are still signed with the first.
func TestServeSecretsKeepLegacySecret(t *testing.T) {
	clearAuthEnv(t)
	v2, v1, legacy := strings.Repeat("2", 40), strings.Repeat("1", 40), strings.Repeat("0", 40)
	t.Setenv("BETTER_AUTH_SECRETS", "2:"+v2+",1:"+v1)
	t.Setenv("BETTER_AUTH_SECRET", legacy)
	u, err := dburl.Parse("postgres://127.0.0.1/x")
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := serveSecrets(u, true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	want := []ba.Secret{{Version: "2", Value: v2}, {Version: "1", Value: v1}, {Value: legacy}}
	if !reflect.DeepEqual(secrets, want) {
		t.Fatalf("secrets %d entries, want the two versions then the legacy secret", len(secrets))
	}
	old, err := ba.SymmetricEncrypt([]ba.Secret{{Value: legacy}}, "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ba.SymmetricDecrypt(secrets, old); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("a bare-hex value from before the rotation: %v", err)
	}
	// A short legacy secret only decrypts: production does not refuse it.
	t.Setenv("BETTER_AUTH_SECRET", "short")
	if _, err := serveSecrets(u, true, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("short legacy secret in production: %v", err)
	}
}
