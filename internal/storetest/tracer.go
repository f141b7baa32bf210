package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Tracer is a betterauth.QueryTracer that records what it is told, and
// checks that each QueryEnd comes with the context its QueryStart returned
// and the same operation.
type Tracer struct {
	mu    sync.Mutex
	ended []ba.QueryInfo
	open  int
	bad   []string
}

type tracerKey struct{}

// startMark is what QueryStart puts in the context.
type startMark struct{ info ba.QueryInfo }

// QueryStart implements betterauth.QueryTracer.
func (t *Tracer) QueryStart(ctx context.Context, info ba.QueryInfo) context.Context {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open++
	if info.Duration != 0 || info.Err != nil {
		t.bad = append(t.bad, fmt.Sprintf("QueryStart(%q) with Duration/Err set", info.Operation))
	}
	return context.WithValue(ctx, tracerKey{}, &startMark{info})
}

// QueryEnd implements betterauth.QueryTracer.
func (t *Tracer) QueryEnd(ctx context.Context, info ba.QueryInfo) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open--
	m, ok := ctx.Value(tracerKey{}).(*startMark)
	switch {
	case !ok:
		t.bad = append(t.bad, fmt.Sprintf("QueryEnd(%q) without QueryStart's context", info.Operation))
	case m.info.Operation != info.Operation || m.info.System != info.System || m.info.Table != info.Table:
		t.bad = append(t.bad, fmt.Sprintf("QueryEnd(%+v) after QueryStart(%+v)", info, m.info))
	case info.Duration <= 0:
		t.bad = append(t.bad, fmt.Sprintf("QueryEnd(%q) with duration %s", info.Operation, info.Duration))
	}
	t.ended = append(t.ended, info)
}

// Take returns the operations ended since the last Take and fails tb if
// any was reported wrongly or is still open.
func (t *Tracer) Take(tb testing.TB) []ba.QueryInfo {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.bad) > 0 {
		tb.Fatalf("tracer misused:\n%s", strings.Join(t.bad, "\n"))
	}
	if t.open != 0 {
		tb.Fatalf("%d operations started and not ended", t.open)
	}
	out := t.ended
	t.ended = nil
	return out
}

// Operations returns the operation names of infos, in order.
func Operations(infos []ba.QueryInfo) []string {
	out := make([]string, len(infos))
	for i, info := range infos {
		out[i] = info.Operation
	}
	return out
}

// RunTracer checks that a store reports its operations to
// Options.Tracer: named, with its dialect's system and the table, the
// error's sentinel, and nothing of the values (no token, no email).
func RunTracer(t *testing.T, f Factory, system string) {
	ctx := context.Background()
	tr := &Tracer{}
	s := MustMigrate(t, f, sqlstore.Options{Tracer: tr})
	tr.Take(t) // what migrating did, if anything

	u := &ba.User{Name: "Tracer", Email: "tracer@example.com"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	sess := &ba.Session{UserID: u.ID}
	if err := s.CreateSession(ctx, sess, u); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetSessionAndUser(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetSessionAndUser(ctx, "no-such-token"); !errors.Is(err, ba.ErrNotFound) {
		t.Fatalf("GetSessionAndUser(unknown): %v", err)
	}
	if _, err := s.RevokeUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	got := tr.Take(t)
	want := []string{"create user", "create session", "get session and user", "get session and user", "revoke user sessions"}
	if fmt.Sprint(Operations(got)) != fmt.Sprint(want) {
		t.Fatalf("operations %q, want %q", Operations(got), want)
	}
	tables := s.Schema()
	for i, info := range got {
		if info.System != system {
			t.Errorf("%s: System %q, want %q", info.Operation, info.System, system)
		}
		model := ba.ModelSession
		if i == 0 {
			model = ba.ModelUser
		}
		if wantTable := tables.Table(model).Name; info.Table != wantTable {
			t.Errorf("%s: Table %q, want %q", info.Operation, info.Table, wantTable)
		}
		if text := fmt.Sprintf("%+v %v", info, info.Err); strings.Contains(text, sess.Token) || strings.Contains(text, u.Email) {
			t.Errorf("%s: the report holds a value: %s", info.Operation, text)
		}
	}
	if got[2].Err != nil || !errors.Is(got[3].Err, ba.ErrNotFound) {
		t.Errorf("errors: found %v, unknown %v; want nil and ErrNotFound", got[2].Err, got[3].Err)
	}

	t.Run("Transaction", func(t *testing.T) {
		acct, err := s.CreateUserWithPassword(ctx, &ba.User{Name: "Tx", Email: "tx@example.com"}, "hash")
		if err != nil || acct == nil {
			t.Fatal(err)
		}
		want := []string{"create user", "create credential account", "transaction"}
		if got := Operations(tr.Take(t)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("operations %q, want %q", got, want)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		// However lookups are batched, each caller's is one operation of
		// its own.
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, _, err := s.GetSessionAndUser(ctx, "no-such-token"); !errors.Is(err, ba.ErrNotFound) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got := tr.Take(t)
		if len(got) != 20 {
			t.Fatalf("%d operations for 20 lookups", len(got))
		}
		for _, info := range got {
			if info.Operation != "get session and user" || !errors.Is(info.Err, ba.ErrNotFound) {
				t.Fatalf("%+v", info)
			}
		}
	})

	t.Run("Cleanup", func(t *testing.T) {
		if _, err := s.DeleteExpiredSessions(ctx); err != nil {
			t.Fatal(err)
		}
		got := tr.Take(t)
		if len(got) != 1 || got[0].Operation != "delete expired sessions" || got[0].Err != nil {
			t.Fatalf("%+v", got)
		}
	})

	t.Run("Unavailable", func(t *testing.T) {
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.GetUser(canceled, u.ID); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatalf("GetUser on a canceled context: %v", err)
		}
		got := tr.Take(t)
		if len(got) != 1 || got[0].Operation != "get user" || !errors.Is(got[0].Err, ba.ErrUnavailable) {
			t.Fatalf("%+v", got)
		}
	})
}
