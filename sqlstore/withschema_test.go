package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// deadlineDB is a sqlstore.DB that answers every query with no rows and
// records the deadline each call's context carried.
type deadlineDB struct {
	mu        sync.Mutex
	deadlines []time.Duration // -1: no deadline
	lastArgs  []any
}

func (d *deadlineDB) record(ctx context.Context, args []any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dl, ok := ctx.Deadline(); ok {
		d.deadlines = append(d.deadlines, time.Until(dl))
	} else {
		d.deadlines = append(d.deadlines, -1)
	}
	d.lastArgs = args
}

// since returns the deadlines of the calls after the first n.
func (d *deadlineDB) since(n int) []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Duration(nil), d.deadlines[n:]...)
}

func (d *deadlineDB) calls() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.deadlines)
}

func (d *deadlineDB) Exec(ctx context.Context, _ string, args ...any) (int64, error) {
	d.record(ctx, args)
	return 0, nil
}

func (d *deadlineDB) Query(ctx context.Context, _ string, args ...any) (sqlstore.Rows, error) {
	d.record(ctx, args)
	return noRows{}, nil
}

// InTx records the deadline of the transaction's context (database/sql
// rolls a transaction back when it ends).
func (d *deadlineDB) InTx(ctx context.Context, fn func(sqlstore.DB) error) error {
	d.record(ctx, nil)
	return fn(d)
}

type noRows struct{}

func (noRows) Next() bool        { return false }
func (noRows) Scan(...any) error { return errors.New("no rows") }
func (noRows) Err() error        { return nil }
func (noRows) Close()            {}

// TestWithSchemaKeepsOptions: a store from WithSchema keeps every option
// of the original, QueryTimeout included (it used to get the 5 s default
// on top of the original's own deadline, so a longer or no timeout
// became 5 s, and its migrations were timed).
func TestWithSchemaKeepsOptions(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		timeout time.Duration
		// want is the range the deadline of a query must fall in; -1 for none.
		min, max time.Duration
	}{
		{"NoTimeout", -1, -1, -1},
		{"LongTimeout", time.Hour, 59 * time.Minute, time.Hour},
		{"ShortTimeout", 2 * time.Second, time.Second, 2 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := &deadlineDB{}
			now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
			s, err := sqlstore.New(sqlstore.Driver{DB: db, Kind: sqlstore.SQLite, Classify: func(err error) (error, string) { return ba.ErrUnavailable, err.Error() }},
				sqlstore.Options{QueryTimeout: tt.timeout, Now: now, BatchSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			s2, err := s.WithSchema(ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}})
			if err != nil {
				t.Fatal(err)
			}
			if !s2.Schema().HasPlugin(ba.PluginAdmin) {
				t.Fatal("WithSchema did not apply the new schema")
			}
			for name, store := range map[string]*sqlstore.Store{"original": s, "WithSchema": s2} {
				if _, err := store.GetUser(ctx, "x"); !errors.Is(err, ba.ErrNotFound) {
					t.Fatalf("%s: GetUser: %v", name, err)
				}
				got := db.since(db.calls() - 1)[0]
				if tt.min < 0 {
					if got >= 0 {
						t.Errorf("%s store: query deadline in %v, want none (QueryTimeout %v)", name, got, tt.timeout)
					}
				} else if got < tt.min || got > tt.max {
					t.Errorf("%s store: query deadline in %v, want %v..%v (QueryTimeout %v)", name, got, tt.min, tt.max, tt.timeout)
				}
				// Migrations are never bounded by QueryTimeout.
				before := db.calls()
				if _, err := store.Migrate(ctx); err != nil {
					t.Fatalf("%s: Migrate: %v", name, err)
				}
				for _, got := range db.since(before) {
					if got >= 0 {
						t.Errorf("%s store: migration call with a deadline in %v, want none", name, got)
					}
				}
				// The expired-session scan takes (after, cutoff, batch size).
				if _, err := store.DeleteExpiredSessions(ctx); err != nil {
					t.Fatal(err)
				}
				if args := db.lastArgs; len(args) != 3 || args[1] != ba.FormatTime(now()) || args[2] != 3 {
					t.Errorf("%s store: expired-session scan args %v, want the clock's time and batch size 3", name, args)
				}
			}
			u := &ba.User{Name: "N", Email: "n@example.com"}
			if err := s2.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if !u.CreatedAt.Equal(now()) {
				t.Errorf("WithSchema store's clock: createdAt %v, want %v", u.CreatedAt, now())
			}
		})
	}
}
