package mysql

import (
	"errors"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	ba "github.com/betterauth-go/betterauth"
)

// TestClassifyDropsValues: MySQL's messages for refused values quote the
// value (or its first bytes), which can be a token or a password hash; the
// store's error names the error number instead.
func TestClassifyDropsValues(t *testing.T) {
	const value = "tokenVALUEAAAAAAAAAAAAAAAAAAAAAA"
	for _, myErr := range []*gomysql.MySQLError{
		{Number: 1292, Message: "Incorrect datetime value: '" + value + "' for column `test`.`session`.`expiresAt` at row 1"},
		{Number: 1366, Message: "Incorrect string value: '" + value + "' for column `test`.`user`.`name` at row 1"},
		{Number: 3140, Message: `Invalid JSON text: "Invalid value." at position 0 in value for column 'x' ` + value},
	} {
		sentinel, msg := classify(myErr)
		if !errors.Is(sentinel, ba.ErrInvalid) {
			t.Errorf("%d: %v, want ErrInvalid", myErr.Number, sentinel)
		}
		if strings.Contains(msg, value[:12]) {
			t.Errorf("%d: message %q", myErr.Number, msg)
		}
	}
}
