package betterauth_test

import (
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// BenchmarkHashPassword is one Better Auth password hash: scrypt N=16384,
// r=16, p=1, 64-byte key (32 MiB of memory). bench/scrypt.mjs times Node's
// crypto.scrypt with the same parameters for comparison.
func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ba.HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	hash, err := ba.HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := ba.VerifyPassword(hash, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
