package sqlstore

import (
	"context"
	"fmt"

	ba "github.com/betterauth-go/betterauth"
)

// ListJWKsAsStored returns every jwks row in the order the database hands
// them out without ORDER BY — the query Better Auth's findMany runs for
// its /jwks, whose key order is therefore the database's: insertion order
// on SQLite and PostgreSQL (for a table that is only ever appended to, as
// the jwks table is), primary-key order on MySQL and MariaDB (InnoDB
// clusters rows by id, under the column's collation). jwt.Signer lists its
// JWKS in this order so that it matches Better Auth's byte for byte on
// every database. Use ListJWKs (newest first) for anything else.
func (s *Store) ListJWKsAsStored(ctx context.Context) ([]ba.JWK, error) {
	if s.jwks == nil {
		return nil, s.wrap("list jwks", fmt.Errorf("%w: the jwt plugin is not in the schema", ba.ErrInvalid))
	}
	return getMany(ctx, s, s.jwks, "list jwks", s.q.jwksAsStored)
}
