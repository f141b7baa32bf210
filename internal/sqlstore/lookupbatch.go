package sqlstore

import (
	"context"
	"maps"
	"strings"
	"sync"
	"sync/atomic"

	ba "github.com/betterauth-go/betterauth"
)

// lookupBatcher coalesces session lookups under load. At most maxInFlight
// lookup queries run at once; a lookup that arrives while they all run
// waits, and when one of them returns, every waiting lookup (up to
// maxBatch) goes in the next single query: WHERE token = ANY($1) on
// PostgreSQL, an IN list on MySQL. With a free slot a lookup is sent at
// once, alone, with the single-token statement, so an idle or lightly
// loaded server answers exactly as without batching; a busy one sends far
// fewer queries, each for several sessions, which is what saturates the
// database on a small machine: per-query overhead, not per-row work.
//
// Every lookup still reads the database: a waiting lookup is sent after it
// arrived, so it sees every write committed before it asked. Nothing is
// cached.
type lookupBatcher struct {
	s           *Store
	maxInFlight int
	maxBatch    int

	mu       sync.Mutex
	inFlight int
	queue    []*lookupCall

	lookups, queries atomic.Int64 // for LookupStats
}

type lookupCall struct {
	token string
	done  chan struct{}
	sess  *ba.Session
	user  *ba.User
	err   error
}

var callPool = sync.Pool{New: func() any { return &lookupCall{done: make(chan struct{}, 1)} }}

// maxLookupBatch is the most tokens one batched query carries.
const maxLookupBatch = 64

func newLookupBatcher(s *Store, maxInFlight int) *lookupBatcher {
	if maxInFlight <= 0 || s.kind == SQLite {
		return nil // SQLite is in process: no round trip to save
	}
	return &lookupBatcher{s: s, maxInFlight: maxInFlight, maxBatch: maxLookupBatch}
}

// get looks token up, alone or with others.
func (b *lookupBatcher) get(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	b.lookups.Add(1)
	b.mu.Lock()
	if b.inFlight < b.maxInFlight {
		b.inFlight++
		b.mu.Unlock()
		b.queries.Add(1)
		sess, user, err := b.s.lookupOne(ctx, token)
		b.next()
		return sess, user, err
	}
	c := callPool.Get().(*lookupCall)
	c.token = token
	b.queue = append(b.queue, c)
	b.mu.Unlock()
	select {
	case <-c.done:
		sess, user, err := c.sess, c.user, c.err
		*c = lookupCall{done: c.done}
		callPool.Put(c)
		return sess, user, err
	case <-ctx.Done():
		// The batch will still answer c; it is left to the collector
		// rather than the pool, since the batch may write to it later.
		return nil, nil, b.s.wrap("get session and user", ctx.Err())
	}
}

// next hands the slot just freed to the waiting lookups, if any.
func (b *lookupBatcher) next() {
	b.mu.Lock()
	if len(b.queue) == 0 {
		b.inFlight--
		b.mu.Unlock()
		return
	}
	n := min(len(b.queue), b.maxBatch)
	batch := make([]*lookupCall, n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:])
	b.queue = b.queue[:rest]
	b.mu.Unlock()
	go func() {
		b.run(batch)
		b.next()
	}()
}

// run answers every call of batch with one query. The query is not tied to
// any one caller's context (callers that give up stop waiting; the others
// still get their answer); the store's query timeout bounds it.
func (b *lookupBatcher) run(batch []*lookupCall) {
	tokens := make([]string, 0, len(batch))
	seen := make(map[string]bool, len(batch))
	for _, c := range batch {
		if !seen[c.token] {
			seen[c.token] = true
			tokens = append(tokens, c.token)
		}
	}
	b.queries.Add(1)
	found, err := b.s.lookupMany(context.Background(), tokens)
	taken := make(map[string]bool, len(found))
	for _, c := range batch {
		switch r, ok := found[c.token]; {
		case err != nil:
			c.err = err
		case !ok:
			c.err = b.s.wrap("get session and user", ba.ErrNotFound)
		case taken[c.token]:
			// Each caller gets values of its own: they may change them.
			c.sess, c.user = copySession(r.sess), copyUser(r.user)
		default:
			taken[c.token] = true
			c.sess, c.user = r.sess, r.user
		}
		c.done <- struct{}{}
	}
}

type sessionAndUser struct {
	sess *ba.Session
	user *ba.User
}

// lookupOne is the single-token lookup: one indexed join.
func (s *Store) lookupOne(ctx context.Context, token string) (*ba.Session, *ba.User, error) {
	var sess ba.Session
	var user ba.User
	targets := append(s.session.targets(&sess), s.user.targets(&user)...)
	if err := s.queryOne(ctx, s.q.sessionAndUserByToken, []any{token}, targets); err != nil {
		return nil, nil, s.wrap("get session and user", err)
	}
	return &sess, &user, nil
}

// lookupMany looks several distinct tokens up in one query.
func (s *Store) lookupMany(ctx context.Context, tokens []string) (map[string]sessionAndUser, error) {
	var q string
	var args []any
	if s.kind == Postgres {
		q, args = s.q.sessionsAndUsersByTokens, []any{tokens}
	} else {
		// One statement per power-of-two size, the list padded with
		// repeats of its last token, so that few statements are prepared.
		size := 1
		for size < len(tokens) {
			size *= 2
		}
		q = s.q.sessionsAndUsersByTokenList[size]
		args = make([]any, size)
		for i := range args {
			args[i] = tokens[min(i, len(tokens)-1)]
		}
	}
	out := make(map[string]sessionAndUser, len(tokens))
	err := s.queryRows(ctx, q, args, func(r Rows) error {
		var sess ba.Session
		var user ba.User
		if err := r.Scan(append(s.session.targets(&sess), s.user.targets(&user)...)...); err != nil {
			return err
		}
		out[sess.Token] = sessionAndUser{&sess, &user}
		return nil
	})
	if err != nil {
		return nil, s.wrap("get session and user", err)
	}
	return out, nil
}

// batchedLookupQueries builds the multi-token lookups from the single-token
// one (…WHERE s.token = <p1>).
func batchedLookupQueries(k Kind, single, tokenCol string) (anyQuery string, lists map[int]string) {
	base := strings.TrimSuffix(single, " = "+k.Placeholder(1))
	if k == Postgres {
		return base + " = ANY(" + k.Placeholder(1) + ")", nil
	}
	lists = map[int]string{}
	for size := 1; size <= maxLookupBatch; size *= 2 {
		var b strings.Builder
		b.WriteString(base + " IN (")
		for i := range size {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k.Placeholder(i + 1))
		}
		b.WriteString(")")
		lists[size] = b.String()
	}
	return "", lists
}

func copySession(s *ba.Session) *ba.Session {
	c := *s
	c.Fields = maps.Clone(s.Fields)
	return &c
}

func copyUser(u *ba.User) *ba.User {
	c := *u
	c.Fields = maps.Clone(u.Fields)
	return &c
}

// LookupStats returns how many session lookups the store has answered and
// how many queries it sent for them since it was built; lookups > queries
// when concurrent lookups were batched. Both are 0 when the store does not
// batch (SQLite, a single connection, MaxLookupQueries < 0).
func (s *Store) LookupStats() (lookups, queries int64) {
	if s.batcher == nil {
		return 0, 0
	}
	return s.batcher.lookups.Load(), s.batcher.queries.Load()
}
