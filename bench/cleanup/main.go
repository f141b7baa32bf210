// Command cleanup times the store's expired-session cleanup
// (DeleteExpiredSessions, in batches of 200, or $BATCH) on DATABASE_URL while other
// connections keep refreshing live sessions, as a running app does, and
// prints one line: rows deleted, batches, total and average time per batch,
// and the latency of those concurrent session updates. The updates are what
// a cleanup that locks the table would stall; their worst latency is how
// long any one of them waited.
//
// It refreshes the live sessions of up to 200 of bench/run.sh's scale users
// (scaleuser<N>, one session each), picked at random, from 4 goroutines.
package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cleanup:", err)
		os.Exit(1)
	}
}

func run() error {
	batch := 200 // the stores' default Options.BatchSize
	if v, err := strconv.Atoi(os.Getenv("BATCH")); err == nil && v > 0 {
		batch = v
	}
	ctx := context.Background()
	var lockMu sync.Mutex
	var deletes []time.Duration
	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{BatchSize: batch, CleanupObserver: func(b sqlstore.CleanupBatch) {
		lockMu.Lock()
		deletes = append(deletes, b.Delete)
		lockMu.Unlock()
	}})
	if err != nil {
		return err
	}
	defer closeDB()
	tokens, err := liveTokens(ctx, store, 200)
	if err != nil {
		return err
	}

	stop := make(chan struct{})
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  int
		wg        sync.WaitGroup
	)
	for w := range 4 {
		wg.Go(func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if len(tokens) == 0 {
					return
				}
				t0 := time.Now()
				err := store.RefreshSession(ctx, tokens[(i*7919)%len(tokens)], time.Now().Add(7*24*time.Hour))
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					failures++
				} else {
					latencies = append(latencies, d)
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // writers warm
	start := time.Now()
	n, err := store.DeleteExpiredSessions(ctx)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		return err
	}
	batches := n/int64(batch) + 1 // the last, partial (possibly empty) one
	fmt.Printf("deleted %d expired sessions in %d batches of %d: %s total, %.1f ms per batch",
		n, batches, batch, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/1000/float64(batches))
	if len(deletes) > 0 {
		slices.Sort(deletes)
		fmt.Printf(" (reading ids, no locks, and) DELETE by primary key, the only locking part: p50 %.1f ms, max %.1f ms",
			float64(deletes[len(deletes)/2].Microseconds())/1000, float64(deletes[len(deletes)-1].Microseconds())/1000)
	}
	if len(latencies) > 0 {
		slices.Sort(latencies)
		q := func(p float64) string {
			return fmt.Sprintf("%.1f", float64(latencies[int(p*float64(len(latencies)-1))].Microseconds())/1000)
		}
		fmt.Printf("; %d concurrent session updates meanwhile: p50 %s ms, p99 %s ms, max %s ms, %d failed",
			len(latencies), q(0.5), q(0.99), q(1), failures)
	}
	fmt.Println()
	return nil
}

// liveTokens returns the tokens of up to n live sessions of bench/run.sh's
// scale users, picked at random.
func liveTokens(ctx context.Context, store *sqlstore.Store, n int) ([]string, error) {
	var tokens []string
	for range 4 * n {
		if len(tokens) == n {
			break
		}
		sessions, err := store.ListUserSessions(ctx, "scaleuser"+strconv.Itoa(rand.IntN(1_000_000)))
		if err != nil {
			return nil, err
		}
		for _, s := range sessions {
			tokens = append(tokens, s.Token)
		}
	}
	return tokens, nil
}
