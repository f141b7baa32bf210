package sqlstore

import (
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth"
)

// TestDecodeFieldErrorBounded: a stored value that does not read as its
// field's type is quoted only when short and printable.
func TestDecodeFieldErrorBounded(t *testing.T) {
	for _, c := range []struct {
		typ betterauth.FieldType
		in  string
	}{
		{betterauth.TypeNumber, strings.Repeat("x", 1<<20)},
		{betterauth.TypeNumber, "12\nlevel=ERROR msg=forged"},
		{betterauth.TypeDate, strings.Repeat("x", 1<<20)},
		{betterauth.TypeDate, "2026\nlevel=ERROR msg=forged"},
	} {
		_, err := decodeField(c.typ, []byte(c.in))
		if err == nil {
			t.Fatalf("%s %.20q decoded", c.typ, c.in)
		}
		if msg := err.Error(); len(msg) > 200 || strings.Contains(msg, "forged") {
			t.Errorf("%s: error %.300q", c.typ, msg)
		}
	}
}
