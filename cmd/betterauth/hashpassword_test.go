package main

import (
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
)

func TestHashPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stdin, password string
	}{
		{"OKTrailingNewline", "correct horse battery\n", "correct horse battery"},
		{"OKNoNewline", "correct horse battery", "correct horse battery"},
		{"OKCRLF", "correct horse battery\r\n", "correct horse battery"},
		{"OKOnlyOneNewlineStripped", "correct horse battery\n\n", "correct horse battery\n"},
		{"OKSpacesKept", "  spaced out  \n", "  spaced out  "},
		{"OKUnicode", "pässwörd-密码-🔑\n", "pässwörd-密码-🔑"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, tt.stdin, "hash-password").expect(t, 0)
			hash := strings.TrimSuffix(r.stdout, "\n")
			if strings.Contains(hash, "\n") || !strings.Contains(hash, ":") {
				t.Fatalf("output %q is not one hash line", r.stdout)
			}
			ok, err := ba.VerifyPassword(hash, tt.password)
			if err != nil || !ok {
				t.Errorf("VerifyPassword(%q, %q) = %v, %v", hash, tt.password, ok, err)
			}
			if ok, _ := ba.VerifyPassword(hash, tt.stdin+"x"); ok {
				t.Errorf("hash verifies a different password")
			}
		})
	}
	t.Run("OKShortPasswordWarns", func(t *testing.T) {
		t.Parallel()
		r := runCmd(t, "abc\n", "hash-password").expect(t, 0)
		if !strings.Contains(r.stderr, "warning: the password is 3 characters") {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	for name, stdin := range map[string]string{"ErrEmpty": "", "ErrOnlyNewline": "\n", "ErrOnlyCRLF": "\r\n"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, stdin, "hash-password").expect(t, 2)
			if r.stdout != "" || !strings.Contains(r.err.Error(), "no password on stdin") {
				t.Errorf("stdout %q, error %v", r.stdout, r.err)
			}
		})
	}
	t.Run("ErrInvalidUTF8", func(t *testing.T) {
		t.Parallel()
		runCmd(t, "pass\xffword\n", "hash-password").expect(t, 2)
	})
	t.Run("ErrTooLong", func(t *testing.T) {
		t.Parallel()
		runCmd(t, strings.Repeat("x", maxPasswordInput+1), "hash-password").expect(t, 2)
	})
	t.Run("ErrArgument", func(t *testing.T) {
		t.Parallel()
		r := runCmd(t, "", "hash-password", secret).expect(t, 2)
		if strings.Contains(r.output(), secret) {
			t.Errorf("the password given as an argument was echoed: %q", r.output())
		}
	})
}
