package redis

import (
	"context"
	"errors"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
)

// lookupScript reads a session entry and its user's revocation marker in
// one round trip: the marker's key depends on the userId inside the entry,
// so without a script a lookup is two sequential GETs. It returns
// {entry, userId, marker}, userId false when the script found none and
// marker false when the user has none; a missing entry is a nil reply.
//
// The userId is found with a pattern, not a JSON parser, to keep the
// script cheap for Redis: the first "userId":"…" in Better Auth's
// JSON.stringify output, which writes the session (and its userId) before
// the user. The Go side decodes the entry properly and trusts the marker
// only when the script's userId is the session's; otherwise (other
// spacing, escapes in the id, a custom field met first) it reads the
// marker with a second GET. A wrong guess costs a round trip, never a
// wrong answer.
//
// The marker's key is not declared in KEYS, which Redis Cluster forbids
// (the two keys may live on different nodes), so the script is only used
// on a single-node client (*redis.Client, including Sentinel failover).
var lookupScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return false end
local uid = string.match(v, '"userId":"([^"\\]*)"')
if not uid then return {v, false, false} end
local m = redis.call('GET', ARGV[1] .. uid)
return {v, uid, m or false}
`)

// lookupManyScript is lookupScript over every key of KEYS, for lookups
// batched under load: one reply per key, false for a missing one.
var lookupManyScript = goredis.NewScript(`
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if not v then
    out[i] = false
  else
    local uid = string.match(v, '"userId":"([^"\\]*)"')
    if not uid then
      out[i] = {v, false, false}
    else
      out[i] = {v, uid, redis.call('GET', ARGV[1] .. uid) or false}
    end
  end
end
return out
`)

// sessionLookup is what one read of a session key returned.
type sessionLookup struct {
	raw string
	// hasMarker: the script looked up markerUser's revocation marker;
	// markerFound: it exists, and is marker.
	hasMarker   bool
	markerUser  string
	markerFound bool
	marker      string
}

// fetchSession reads the entry under key and, in the same round trip when
// the client allows it, the marker of the user it names. A missing key is
// goredis.Nil.
func (s *Store) fetchSession(ctx context.Context, key string) (sessionLookup, error) {
	if s.scriptOK.Load() {
		res, err := lookupScript.Run(ctx, s.client, []string{key}, s.RevokedBeforeKey("")).Slice()
		switch {
		case err == nil:
			return parseLookup(res)
		case errors.Is(err, goredis.Nil):
			return sessionLookup{}, err
		case scriptRefused(err):
			// ACLs without EVAL, a proxy or Redis-compatible server
			// without Lua: fall back to GETs from now on.
			if s.scriptOK.CompareAndSwap(true, false) {
				s.log.WarnContext(ctx, "betterauth/redis: the server refused the session lookup script; reading with GET from now on (two round trips for a first read)", "error", err.Error())
			}
		default:
			return sessionLookup{}, err
		}
	}
	if s.mgetOK {
		// The token was read before: its user, and so the marker's key, is
		// known. One MGET reads both (and a client-side cache answers it as
		// one command); GetSessionAndUser uses the marker only if the entry
		// still names that user.
		if uid, ok := s.memo.userID(strings.TrimPrefix(key, s.prefix)); ok {
			vals, err := s.client.MGet(ctx, key, s.RevokedBeforeKey(uid)).Result()
			if err != nil {
				return sessionLookup{}, err
			}
			if len(vals) != 2 {
				return sessionLookup{}, errors.New("unexpected MGET reply")
			}
			raw, ok := vals[0].(string)
			if !ok {
				return sessionLookup{}, goredis.Nil
			}
			l := sessionLookup{raw: raw, hasMarker: true, markerUser: uid}
			l.marker, l.markerFound = vals[1].(string)
			return l, nil
		}
	}
	raw, err := s.client.Get(ctx, key).Result()
	return sessionLookup{raw: raw}, err
}

// sessionFetcher is the coalesce.Fetcher of session lookups by key: under
// load, concurrent lookups go together in one script call.
type sessionFetcher struct{ s *Store }

func (f sessionFetcher) FetchOne(ctx context.Context, key string) (sessionLookup, error) {
	return f.s.fetchSession(ctx, key)
}

func (f sessionFetcher) FetchMany(ctx context.Context, keys []string) (map[string]sessionLookup, error) {
	out := make(map[string]sessionLookup, len(keys))
	if !f.s.scriptOK.Load() {
		for _, key := range keys {
			l, err := f.s.fetchSession(ctx, key)
			if errors.Is(err, goredis.Nil) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[key] = l
		}
		return out, nil
	}
	res, err := lookupManyScript.Run(ctx, f.s.client, keys, f.s.RevokedBeforeKey("")).Slice()
	if err != nil {
		if scriptRefused(err) {
			f.s.scriptOK.Store(false)
			return f.FetchMany(ctx, keys)
		}
		return nil, err
	}
	if len(res) > len(keys) {
		return nil, errors.New("unexpected script reply")
	}
	for i, r := range res { // a trailing missing key may be cut from the reply
		if r == nil {
			continue
		}
		one, ok := r.([]any)
		if !ok {
			return nil, errors.New("unexpected script reply")
		}
		l, err := parseLookup(one)
		if err != nil {
			return nil, err
		}
		out[keys[i]] = l
	}
	return out, nil
}

func (sessionFetcher) Missing(string) error               { return goredis.Nil }
func (sessionFetcher) Copy(l sessionLookup) sessionLookup { return l }
func (sessionFetcher) Canceled(err error) error           { return err }

// lookup reads key, batched with concurrent lookups when the store batches.
func (s *Store) lookup(ctx context.Context, key string) (sessionLookup, error) {
	if s.batcher != nil {
		return s.batcher.Get(ctx, key)
	}
	return s.fetchSession(ctx, key)
}

func parseLookup(res []any) (sessionLookup, error) {
	if len(res) != 3 {
		return sessionLookup{}, errors.New("unexpected script reply")
	}
	raw, ok := res[0].(string)
	if !ok {
		return sessionLookup{}, errors.New("unexpected script reply")
	}
	l := sessionLookup{raw: raw}
	if uid, ok := res[1].(string); ok {
		l.hasMarker = true
		l.markerUser = uid
		l.marker, l.markerFound = res[2].(string)
	}
	return l, nil
}

// scriptRefused reports errors that mean "this server will not run the
// script", as opposed to a failure of this one call.
func scriptRefused(err error) bool {
	msg := err.Error()
	for _, s := range []string{"NOPERM", "unknown command", "not allowed", "CROSSSLOT", "non local key", "scripting is disabled"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// scriptCapable reports whether client talks to one Redis node, where a
// script may read a key it did not declare.
func scriptCapable(client goredis.UniversalClient) bool {
	_, ok := client.(*goredis.Client)
	return ok
}

// decodeMemo remembers the session and user decoded from an entry's exact
// bytes, per token, so that a session read on every request is parsed
// once. It is not a cache of sessions: every lookup still reads Redis, and
// a memo entry is used only when the bytes just read are identical to the
// ones it was decoded from — the same bytes always decode to the same
// values — so revocation, expiry and updates are seen at once. Bounded; a
// nil *decodeMemo remembers nothing.
type decodeMemo struct {
	mu      sync.Mutex
	max     int
	entries map[string]*memoEntry
}

type memoEntry struct {
	raw     string
	session ba.Session
	user    ba.User
}

// DefaultDecodeMemo is the default Options.DecodeMemo.
const DefaultDecodeMemo = 1024

func newDecodeMemo(max int) *decodeMemo {
	if max <= 0 {
		return nil
	}
	return &decodeMemo{max: max, entries: make(map[string]*memoEntry)}
}

// get returns copies of the values decoded from raw for token, if memoized.
func (m *decodeMemo) get(token, raw string) (*ba.Session, *ba.User, bool) {
	if m == nil {
		return nil, nil, false
	}
	m.mu.Lock()
	e, ok := m.entries[token]
	m.mu.Unlock()
	if !ok || e.raw != raw {
		return nil, nil, false
	}
	return e.session.Clone(), e.user.Clone(), true
}

// userID returns the user of the session last decoded for token.
func (m *decodeMemo) userID(token string) (string, bool) {
	if m == nil {
		return "", false
	}
	m.mu.Lock()
	e, ok := m.entries[token]
	m.mu.Unlock()
	if !ok {
		return "", false
	}
	return e.session.UserID, true
}

func (m *decodeMemo) put(token, raw string, sess *ba.Session, user *ba.User) {
	if m == nil {
		return
	}
	e := &memoEntry{raw: raw, session: *sess.Clone(), user: *user.Clone()}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.entries[token]; !ok && len(m.entries) >= m.max {
		for k := range m.entries { // map order: an arbitrary victim
			delete(m.entries, k)
			break
		}
	}
	m.entries[token] = e
}

// LookupStats returns how many session lookups the store answered and how
// many round trips it made for them since it was built; lookups > round
// trips when concurrent lookups were batched. Both are 0 when the store
// does not batch.
func (s *Store) LookupStats() (lookups, roundTrips int64) {
	if s.batcher == nil {
		return 0, 0
	}
	return s.batcher.Stats()
}
