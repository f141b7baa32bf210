package postgres

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	ba "github.com/betterauth-go/betterauth"
)

// TestClassifyDropsValues: PostgreSQL's data-exception messages (class 22)
// quote the value that was refused, which can be a token or a password
// hash; the store's error names the SQLSTATE and column instead.
func TestClassifyDropsValues(t *testing.T) {
	const value = "tokenVALUEAAAAAAAAAAAAAAAAAAAAAA"
	for _, pgErr := range []*pgconn.PgError{
		{Code: "22P02", Message: `invalid input syntax for type uuid: "` + value + `"`},
		{Code: "22007", Message: `invalid input syntax for type timestamp with time zone: "` + value + `"`, ColumnName: "expiresAt"},
		{Code: "22021", Message: `invalid byte sequence for encoding "UTF8": 0x00 ` + value},
	} {
		sentinel, msg := classify(pgErr)
		if !errors.Is(sentinel, ba.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", pgErr.Code, sentinel)
		}
		if strings.Contains(msg, value[:12]) || !strings.Contains(msg, pgErr.Code) || !strings.Contains(msg, pgErr.ColumnName) {
			t.Errorf("%s: message %q", pgErr.Code, msg)
		}
	}
}
