package betterauth_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

// referenceVerifySigned is the straightforward form of VerifySigned (decode
// the whole value, split at the last '.', decode, HMAC, compare) that the
// allocation-free one must agree with on every input.
func referenceVerifySigned(raw, secret string) (string, bool) {
	if strings.Contains(raw, "%") {
		decoded, err := ba.DecodeURIComponent(raw)
		if err != nil {
			return "", false
		}
		raw = decoded
	}
	i := strings.LastIndexByte(raw, '.')
	if i < 1 {
		return "", false
	}
	value, sig := raw[:i], raw[i+1:]
	if len(sig) != 44 || sig[43] != '=' {
		return "", false
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return "", false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(value))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return "", false
	}
	return value, true
}

func signedVariants() []string {
	const token, secret = "Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", testSecret
	signed := ba.Sign(token, secret)
	cookie := ba.SignCookieValue(token, secret)
	i := strings.LastIndexByte(signed, '.')
	sig := signed[i+1:]
	return []string{
		signed, cookie,
		strings.ToLower(cookie),                                                      // lower-case hex escapes
		ba.EncodeURIComponent(ba.SignCookieValue(token, secret)),                     // encoded twice
		token + "%2E" + ba.EncodeURIComponent(sig),                                   // escaped last dot
		token + "." + ba.EncodeURIComponent(sig) + "%2E",                             // escaped dot after it
		token + ".x." + ba.EncodeURIComponent(sig),                                   // two dots
		"a%20b." + ba.EncodeURIComponent(ba.Sign("a b", secret)[len("a b")+1:]),      // escape in the value
		"a%2Eb." + ba.EncodeURIComponent(ba.Sign("a.b", secret)[len("a.b")+1:]),      // escaped dot in the value
		token + "." + ba.EncodeURIComponent(sig) + "%",                               // truncated escape
		token + "." + ba.EncodeURIComponent(sig) + "%4",                              // truncated escape
		token + "." + ba.EncodeURIComponent(sig)[:len(ba.EncodeURIComponent(sig))-3], // signature cut
		token + "." + ba.EncodeURIComponent(sig) + "%3D",                             // 45 characters
		token + "." + strings.ReplaceAll(ba.EncodeURIComponent(sig), "%3D", "%3d"),
		token + "." + ba.EncodeURIComponent(sig+sig),
		token + ".%ZZ" + sig[1:],
		"." + sig, "%2E" + sig, "", "%", ".", "a.%3D%3D%3D", "a.b", "x." + strings.Repeat("%41", 43) + "%3D",
	}
}

func TestVerifySignedMatchesReference(t *testing.T) {
	for _, raw := range signedVariants() {
		for _, secret := range []string{testSecret, "other"} {
			want, wantOK := referenceVerifySigned(raw, secret)
			got, err := ba.VerifySigned(raw, secret)
			if (err == nil) != wantOK || got != want {
				t.Errorf("VerifySigned(%q) = %q, %v; reference %q, %v", raw, got, err, want, wantOK)
			}
		}
	}
}

func FuzzVerifySignedMatchesReference(f *testing.F) {
	for _, raw := range signedVariants() {
		f.Add(raw, testSecret)
	}
	f.Fuzz(func(t *testing.T, raw, secret string) {
		want, wantOK := referenceVerifySigned(raw, secret)
		got, err := ba.VerifySigned(raw, secret)
		if (err == nil) != wantOK || got != want {
			t.Fatalf("VerifySigned(%q) = %q, %v; reference %q, %v", raw, got, err, want, wantOK)
		}
	})
}

// BenchmarkVerifySignedCookie is the signature check on the value a
// browser sends (URL-encoded, so the '=' arrives as %3D).
func BenchmarkVerifySignedCookie(b *testing.B) {
	value := ba.SignCookieValue("Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", testSecret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ba.VerifySigned(value, testSecret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifySignedParallel is the same on every core at once (the
// per-secret pool of keyed HMAC states).
func BenchmarkVerifySignedParallel(b *testing.B) {
	value := ba.SignCookieValue("Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz", testSecret)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := ba.VerifySigned(value, testSecret); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
