package betterauth

import (
	"fmt"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
)

// TimeLayout is JavaScript's Date.prototype.toISOString format: UTC,
// milliseconds, "Z". Better Auth writes SQLite dates and every JSON date in
// exactly this form, and compares SQLite dates as strings, so any other
// layout breaks ordering and expiry checks.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime formats t as JavaScript's toISOString does.
func FormatTime(t time.Time) string { return string(AppendTime(nil, t)) }

// AppendTime appends t formatted as FormatTime formats it. It is written
// out by hand because every response carries dates, and time.Format
// re-reads its layout each call.
func AppendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, TimeLayout)
	}
	hour, min, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

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
