// Command cleanup times the store's expired-session cleanup
// (DeleteExpiredSessions, in batches of 1,000) on DATABASE_URL and prints
// one line: rows deleted, batches, total and average time per batch. Each
// batch is one short statement (row locks on at most 1,000 rows; PostgreSQL's
// DELETE takes no table lock that blocks readers or writers), so the
// average batch time is how long any one row can be held.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/dburl"
)

func main() {
	const batch = 1000 // the stores' default Options.BatchSize
	ctx := context.Background()
	u, err := dburl.Parse(os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "cleanup:", err)
		os.Exit(2)
	}
	store, closeStore, err := dburl.Open(ctx, u, ba.Schema{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cleanup:", err)
		os.Exit(1)
	}
	defer closeStore()
	start := time.Now()
	n, err := store.DeleteExpiredSessions(ctx)
	elapsed := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cleanup:", err)
		os.Exit(1)
	}
	batches := n / batch
	batches++ // the last, partial (possibly empty) one
	fmt.Printf("deleted %d expired sessions in %d batches of %d: %s total, %.1f ms per batch\n",
		n, batches, batch, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/1000/float64(batches))
}
