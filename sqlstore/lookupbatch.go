package sqlstore

import (
	"context"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/coalesce"
)

// Concurrent session lookups share queries under load (internal/coalesce):
// at most Options.MaxLookupQueries lookup queries run at once, and lookups
// that arrive meanwhile go together in the next one — WHERE token =
// ANY($1) on PostgreSQL, an IN list on MySQL. SQLite runs in process and
// has no round trip to save, so it never batches.

// maxLookupBatch is the most tokens one batched query carries.
const maxLookupBatch = 64

// sessionFetcher is the coalesce.Fetcher of session lookups.
type sessionFetcher struct{ s *Store }

func (f sessionFetcher) FetchOne(ctx context.Context, token string) (sessionAndUser, error) {
	sess, user, err := f.s.lookupOne(ctx, token)
	return sessionAndUser{sess, user}, err
}

func (f sessionFetcher) FetchMany(ctx context.Context, tokens []string) (map[string]sessionAndUser, error) {
	return f.s.lookupMany(ctx, tokens)
}

func (f sessionFetcher) Missing(string) error {
	return f.s.wrap("get session and user", ba.ErrNotFound)
}

func (f sessionFetcher) Copy(v sessionAndUser) sessionAndUser {
	return sessionAndUser{v.sess.Clone(), v.user.Clone()}
}

func (f sessionFetcher) Canceled(err error) error { return f.s.wrap("get session and user", err) }

func newLookupBatcher(s *Store, maxInFlight int) *coalesce.Batcher[sessionAndUser] {
	if s.kind == SQLite {
		return nil
	}
	return coalesce.New[sessionAndUser](sessionFetcher{s}, maxInFlight, maxLookupBatch)
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
func batchedLookupQueries(k Kind, single string) (anyQuery string, lists map[int]string) {
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

// LookupStats returns how many session lookups the store has answered and
// how many queries it sent for them since it was built; lookups > queries
// when concurrent lookups were batched. Both are 0 when the store does not
// batch (SQLite, a single connection, MaxLookupQueries < 0).
func (s *Store) LookupStats() (lookups, queries int64) {
	if s.batcher == nil {
		return 0, 0
	}
	return s.batcher.Stats()
}
