package betterauth_test

import (
	"fmt"
	"math/rand/v2"
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
