package coalesce

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errMissing = errors.New("missing")

// slowMap is a Fetcher over a map whose fetches take a while, so that
// concurrent lookups pile up behind the first.
type slowMap struct {
	data      map[string]*int
	delay     time.Duration
	failMany  atomic.Bool
	manyCalls atomic.Int64
	copies    atomic.Int64
}

func (m *slowMap) FetchOne(ctx context.Context, key string) (*int, error) {
	time.Sleep(m.delay)
	if v, ok := m.data[key]; ok {
		return v, nil
	}
	return nil, errMissing
}

func (m *slowMap) FetchMany(ctx context.Context, keys []string) (map[string]*int, error) {
	m.manyCalls.Add(1)
	time.Sleep(m.delay)
	if m.failMany.Load() {
		return nil, errors.New("backend down")
	}
	out := map[string]*int{}
	for _, k := range keys {
		if v, ok := m.data[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

func (m *slowMap) Missing(string) error { return errMissing }
func (m *slowMap) Copy(v *int) *int     { m.copies.Add(1); c := *v; return &c }
func (m *slowMap) Canceled(err error) error {
	return err
}

func newSlowMap() *slowMap {
	one, two := 1, 2
	return &slowMap{data: map[string]*int{"a": &one, "b": &two}, delay: 20 * time.Millisecond}
}

func TestBatchesUnderLoad(t *testing.T) {
	m := newSlowMap()
	b := New[*int](m, 1, 8)
	keys := []string{"a", "b", "a", "x", "a", "b", "x", "a", "b", "a"}
	got := make([]*int, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { got[i], errs[i] = b.Get(context.Background(), k) })
		time.Sleep(time.Millisecond) // the first takes the slot
	}
	wg.Wait()
	seen := map[*int]bool{}
	for i, k := range keys {
		switch k {
		case "x":
			if !errors.Is(errs[i], errMissing) {
				t.Fatalf("%s: %v", k, errs[i])
			}
		default:
			if errs[i] != nil || *got[i] != *m.data[k] {
				t.Fatalf("%s: %v %v", k, got[i], errs[i])
			}
			if seen[got[i]] && got[i] != m.data[k] {
				t.Fatalf("%s: two callers share a copy", k)
			}
			seen[got[i]] = true
		}
	}
	lookups, fetches := b.Stats()
	if lookups != int64(len(keys)) || fetches >= lookups || m.manyCalls.Load() == 0 {
		t.Fatalf("%d lookups, %d fetches (%d batched): want batching", lookups, fetches, m.manyCalls.Load())
	}
	if m.copies.Load() == 0 {
		t.Fatal("duplicate keys in one batch shared one value")
	}
}

func TestBatchErrorReachesEveryCaller(t *testing.T) {
	m := newSlowMap()
	m.failMany.Store(true)
	b := New[*int](m, 1, 8)
	var failed atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = b.Get(context.Background(), "a") }) // takes the slot
	time.Sleep(2 * time.Millisecond)
	for range 5 {
		wg.Go(func() {
			if _, err := b.Get(context.Background(), "b"); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 5 {
		t.Fatalf("%d of 5 batched callers got the batch's error", failed.Load())
	}
}

func TestCanceledCallerStopsWaiting(t *testing.T) {
	m := newSlowMap()
	m.delay = 300 * time.Millisecond
	b := New[*int](m, 1, 8)
	go func() { _, _ = b.Get(context.Background(), "a") }()
	time.Sleep(5 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.Get(ctx, "b")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 200*time.Millisecond {
		t.Fatalf("canceled caller: %v after %s", err, time.Since(start))
	}
	// The slot is released when the work is done: later lookups succeed.
	v, err := b.Get(context.Background(), "b")
	if err != nil || *v != 2 {
		t.Fatalf("after a cancellation: %v %v", v, err)
	}
}

func TestNoBatcher(t *testing.T) {
	if New[*int](newSlowMap(), 0, 8) != nil || New[*int](newSlowMap(), -1, 8) != nil {
		t.Fatal("New with no slots should mean no batching (nil)")
	}
}
