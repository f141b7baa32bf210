package sqlstore

import (
	"context"
	"strings"

	ba "github.com/betterauth-go/betterauth"
)

// UserQuery pages and filters ListUsers.
type UserQuery struct {
	// Search matches a case-insensitive substring of the email or name.
	Search string
	// Limit is the page size: 1–100, 20 by default.
	Limit int
	// Offset skips that many users (ordered by createdAt, then id).
	Offset int
}

// ListUsers returns one page of users and the total number matching.
func (s *Store) ListUsers(ctx context.Context, q UserQuery) ([]ba.User, int64, error) {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Limit > 100 {
		q.Limit = 100
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	c, p := s.user, s.kind.Placeholder
	where, args := "", []any{}
	if q.Search != "" {
		// LIKE with the wildcard characters of the search escaped, so a
		// search is a plain substring match; LOWER on both sides makes it
		// case-insensitive on every dialect.
		pattern := "%" + escapeLike(strings.ToLower(q.Search)) + "%"
		args = append(args, pattern, pattern)
		where = " WHERE (LOWER(" + c.col("email") + ") LIKE " + p(1) + " ESCAPE '!' OR LOWER(" + c.col("name") + ") LIKE " + p(2) + " ESCAPE '!')"
	}
	var total int64
	if err := s.queryOne(ctx, "SELECT COUNT(*) FROM "+c.name+where, args, []any{int64Scanner{&total}}); err != nil {
		return nil, 0, s.wrap("count users", err)
	}
	n := len(args)
	query := "SELECT " + c.selectList("") + " FROM " + c.name + where + " ORDER BY " + c.col("createdAt") + ", " + c.col("id") +
		" LIMIT " + p(n+1) + " OFFSET " + p(n+2)
	users, err := getMany(ctx, s, c, "list users", query, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return users, total, nil
}

func escapeLike(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}
