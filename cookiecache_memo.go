package betterauth

import (
	"sync"
	"time"
)

// cacheMemo remembers decoded cookie caches by their exact text, each until
// the expiry signed inside it, so that a browser's session_data cookie is
// checked (HMAC or AES-GCM, then JSON) once instead of on every request.
// It changes nothing a request sees: the same cookie text always decodes
// to the same session and user, only caches that verified are kept, and
// every request still checks the token, expiry and ban against its own
// clock. A nil *cacheMemo remembers nothing.
type cacheMemo struct {
	mu      sync.Mutex
	max     int
	entries map[string]*memoEntry
}

type memoEntry struct {
	session Session
	user    User
	expires time.Time
}

func newCacheMemo(max int) *cacheMemo {
	if max <= 0 {
		return nil
	}
	return &cacheMemo{max: max, entries: make(map[string]*memoEntry)}
}

func (m *cacheMemo) get(raw string, now time.Time) (*memoEntry, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	e, ok := m.entries[raw]
	if ok && !now.Before(e.expires) {
		delete(m.entries, raw)
		ok = false
	}
	m.mu.Unlock()
	return e, ok
}

func (m *cacheMemo) put(raw string, sess *Session, user *User, expires, now time.Time) {
	if m == nil {
		return
	}
	e := &memoEntry{session: *sess.Clone(), user: *user.Clone(), expires: expires}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= m.max {
		for k, old := range m.entries {
			if !now.Before(old.expires) {
				delete(m.entries, k)
			}
		}
		for k := range m.entries {
			if len(m.entries) < m.max {
				break
			}
			delete(m.entries, k) // map order: arbitrary victims
		}
	}
	m.entries[raw] = e
}
