package betterauth

import (
	"fmt"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// TimeLayout is JavaScript's Date.prototype.toISOString format: UTC,
// milliseconds, "Z". Better Auth writes SQLite dates and every JSON date in
// exactly this form, and compares SQLite dates as strings, so any other
// layout breaks ordering and expiry checks.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime formats t as JavaScript's toISOString does.
func FormatTime(t time.Time) string { return string(AppendTime(nil, t)) }

// AppendTime appends t formatted as FormatTime formats it: TimeLayout for
// years 0000–9999, and toISOString's six-digit signed year outside them
// (+010000-01-01T00:00:00.000Z).
func AppendTime(b []byte, t time.Time) []byte { return jsjson.AppendISOTime(b, t) }

// Truncate returns t in UTC truncated to milliseconds, the precision of a
// JavaScript Date and of what Better Auth stores.
func Truncate(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// ParseTime parses the date forms found in Better Auth databases and JSON:
// ISO-8601 with or without fraction or offset, and the "YYYY-MM-DD
// HH:MM:SS[.fff]" form MySQL and some SQLite writers use (taken as UTC).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02 15:04:05.999999999 -0700 MST",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %s", errtext.Quote(s))
}
