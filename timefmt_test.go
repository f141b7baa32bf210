package betterauth_test

import (
	"math/rand/v2"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// TestAppendTimeMatchesLayout: the hand-written formatter writes what
// time.Format writes with TimeLayout, for any instant and zone, including
// years outside 0000–9999 (where it defers to time.Format).
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
