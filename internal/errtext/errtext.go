package errtext

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxQuoted is the most bytes of a value Quote copies into error text.
const MaxQuoted = 64

// Quote returns s as it may appear in an error message: Go-quoted when it
// is printable ASCII; cut to MaxQuoted bytes with an ellipsis and its full
// length when it is longer; and only its length when it holds anything
// else (control characters, newlines, non-ASCII), so that no log line can
// be forged or made to grow with the input.
func Quote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return "(" + strconv.Itoa(len(s)) + " bytes, not printable)"
		}
	}
	if len(s) <= MaxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:MaxQuoted]+"…") + " (" + strconv.Itoa(len(s)) + " bytes)"
}

// MaxListed is the most values List quotes.
const MaxListed = 3

// List quotes the first MaxListed values with Quote, in brackets, and
// counts the rest.
func List(values []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range values {
		if i == MaxListed {
			b.WriteString(", … (" + strconv.Itoa(len(values)) + " values)")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Quote(v))
	}
	b.WriteByte(']')
	return b.String()
}

// JSON describes an error from encoding/json, encoding/base64 or a
// time.Time in JSON by its kind and position, never by the text that was
// decoded: a syntax error by its offset, a type mismatch by the field's
// path and the types, a bad date as a bad date. Any other error becomes
// "invalid JSON", since its text is unknown.
func JSON(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var date *time.ParseError
	var b64 base64.CorruptInputError
	switch {
	case err == nil:
		return "no error"
	case errors.As(err, &syntax):
		return "invalid JSON at offset " + strconv.FormatInt(syntax.Offset, 10)
	case errors.As(err, &typ):
		// Value is the JSON kind, followed for numbers by the literal.
		kind, _, _ := strings.Cut(typ.Value, " ")
		msg := "a JSON " + kind
		if typ.Type != nil {
			msg += " where " + typ.Type.String() + " is expected"
		}
		if typ.Field != "" {
			msg = "field " + Quote(typ.Field) + ": " + msg
		}
		return msg
	case errors.As(err, &date):
		return "a date that is not RFC 3339"
	case errors.As(err, &b64):
		return "invalid base64 at byte " + strconv.FormatInt(int64(b64), 10)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated JSON"
	}
	return "invalid JSON"
}
