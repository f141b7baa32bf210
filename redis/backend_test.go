package redis_test

import (
	"testing"

	"github.com/betterauth-go/betterauth/internal/storetest"
)

// TestSessionBackend checks the store as a betterauth.SessionBackend, the
// same suite the SQL stores run.
func TestSessionBackend(t *testing.T) {
	storetest.RunSessionBackend(t, storetest.RedisBackend())
}
