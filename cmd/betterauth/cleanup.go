package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/betterauth-go/betterauth/sqlstore"
)

// expiredRowCleaner is the part of a store the cleanup loop uses.
type expiredRowCleaner interface {
	DeleteExpiredSessions(ctx context.Context) (int64, error)
	DeleteExpiredVerifications(ctx context.Context) (int64, error)
}

var _ expiredRowCleaner = (*sqlstore.Store)(nil)

// keepSessionRows cleans verifications only: with
// session.preserveSessionInDatabase the rows of ended sessions are kept on
// purpose.
type keepSessionRows struct{ expiredRowCleaner }

func (keepSessionRows) DeleteExpiredSessions(context.Context) (int64, error) { return 0, nil }

// cleanExpired deletes expired sessions and verifications every interval
// (±10 %) until ctx ends; the first run comes after a random part of the
// interval (at most 5 minutes), so that instances started together do not
// clean together. Rows are deleted in batches that lock only the rows they
// delete (sqlstore's DeleteExpired*), so the loop is safe beside a running
// Better Auth app and beside other instances doing the same. Better Auth
// has no scheduled cleanup: rows of sessions never presented again would
// only accumulate.
func cleanExpired(ctx context.Context, store expiredRowCleaner, interval time.Duration, log *slog.Logger) {
	wait := rand.N(min(interval, 5*time.Minute))
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		cleanOnce(ctx, store, log)
		wait = interval - interval/10 + rand.N(interval/5+1)
	}
}

func cleanOnce(ctx context.Context, store expiredRowCleaner, log *slog.Logger) {
	start := time.Now()
	sessions, err := store.DeleteExpiredSessions(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("expired-session cleanup failed; retrying at the next interval", "error", err.Error(), "deleted", sessions)
		}
		return
	}
	verifications, err := store.DeleteExpiredVerifications(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("expired-verification cleanup failed; retrying at the next interval", "error", err.Error(), "deleted", verifications)
		}
		return
	}
	level := slog.LevelDebug
	if sessions+verifications > 0 {
		level = slog.LevelInfo
	}
	log.Log(ctx, level, "expired rows deleted", "sessions", sessions, "verifications", verifications,
		"duration_ms", time.Since(start).Milliseconds())
}
