package betterauth_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// TestAppendTimeMatchesLayout: the hand-written formatter writes what
// time.Format writes with TimeLayout, for any instant and zone in years
// 0000–9999, and toISOString's signed six-digit year outside them.
func TestAppendTimeMatchesLayout(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("plus", 5*3600+1800), time.FixedZone("minus", -11*3600)}
	times := []time.Time{
		time.Unix(0, 0), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 26, 5, 7, 9, 1_000_000, time.UTC), time.Date(2026, 2, 3, 4, 5, 6, 999_000, time.UTC),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)))
	}
	for _, tm := range times {
		for _, z := range zones {
			in := tm.In(z)
			want := in.UTC().Format(ba.TimeLayout)
			if y := in.UTC().Year(); y < 0 || y > 9999 {
				want = isoOutOfRange(in.UTC())
			}
			if got := string(ba.AppendTime([]byte("x"), in)); got != "x"+want {
				t.Fatalf("AppendTime(%v) = %q, want %q", in, got, "x"+want)
			}
			if got := ba.FormatTime(in); got != want {
				t.Fatalf("FormatTime(%v) = %q, want %q", in, got, want)
			}
		}
	}
}

func BenchmarkAppendTime(b *testing.B) {
	tm := time.Date(2026, 11, 26, 5, 7, 9, 123_000_000, time.UTC)
	buf := make([]byte, 0, 32)
	b.ReportAllocs()
	for b.Loop() {
		buf = ba.AppendTime(buf[:0], tm)
	}
}

// isoOutOfRange is toISOString for years outside 0000–9999, written from
// ECMA-262's date-time string format: a sign and six digits for the year.
func isoOutOfRange(t time.Time) string {
	y, sign := t.Year(), "+"
	if y < 0 {
		y, sign = -y, "-"
	}
	return fmt.Sprintf("%s%06d", sign, y) + t.Format("-01-02T15:04:05.000Z")
}

// TestParseTimeErrorBounded: a date that does not parse is quoted only when
// short and printable, so a stored or sent value cannot fill or forge a log
// line.
func TestParseTimeErrorBounded(t *testing.T) {
	for in, want := range map[string]string{
		"tomorrow":                     `unrecognised date "tomorrow"`,
		strings.Repeat("9", 1<<20):     `unrecognised date "` + strings.Repeat("9", 64) + `…" (1048576 bytes)`,
		"2026\nlevel=ERROR msg=forged": "unrecognised date (27 bytes, not printable)",
	} {
		_, err := ba.ParseTime(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseTime(%.40q) error %.200q, want %q", in, err, want)
		}
	}
}

// TestUnmarshalErrorBounded: a session whose extra field does not decode is
// refused with an error that holds neither the field's whole name nor its
// value.
func TestUnmarshalErrorBounded(t *testing.T) {
	var s ba.Session
	err := json.Unmarshal([]byte(`{"token":"tok","`+strings.Repeat("k", 1<<16)+`":1`+strings.Repeat("0", 1<<16)+`e999}`), &s)
	if err == nil || len(err.Error()) > 200 || strings.Contains(err.Error(), "000000") {
		t.Fatalf("error %.300q", err)
	}
}
