// Package testlog captures what a library logs, for tests that check a
// message is logged (and holds no secret).
package testlog

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// Recorder keeps every record logged through its Logger as text lines.
type Recorder struct {
	mu  sync.Mutex
	buf bytes.Buffer
	log *slog.Logger
}

// New returns a Recorder whose Logger logs every level.
func New() *Recorder {
	r := &Recorder{}
	r.log = slog.New(slog.NewTextHandler(writer{r}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return r
}

// Logger is the logger to hand to the code under test.
func (r *Recorder) Logger() *slog.Logger { return r.log }

// String returns everything logged so far.
func (r *Recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

// Count returns how many lines logged so far contain s.
func (r *Recorder) Count(s string) int {
	n := 0
	for _, line := range strings.Split(r.String(), "\n") {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

type writer struct{ r *Recorder }

func (w writer) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.buf.Write(p)
}
