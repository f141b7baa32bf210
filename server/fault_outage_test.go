package server_test

// Fault tests: the database (PostgreSQL, MariaDB) or Redis holding the
// sessions goes away under load. The shared services are never stopped: a
// proxy in the test stands between the server and the service and is cut
// (every connection closed, new ones reset, as during a restart), then
// restored.
//
// What must hold:
//   - during the outage every request answers 503 with Retry-After, never
//     401 (which would sign the user out) and never another user;
//   - within 2 s of the service coming back the server serves sessions
//     again, by itself;
//   - afterwards no goroutine or pool connection is left behind.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/server"
)

// poolStats describes the connection pool of the service being cut.
type poolStats struct {
	inUse func() int // connections handed out
	open  func() int // connections held
	max   int
}

const (
	phaseUp = iota
	phaseDown
	phaseRestored
)

type phasedOutcome struct {
	outcome
	who        int
	path       string
	phaseStart int32
	phaseEnd   int32
}

// runOutage drives load on e from several goroutines while proxy is cut
// for a second and restored, and checks the rules above.
func runOutage(t *testing.T, e *env, proxy *faultProxy, pool poolStats) {
	users := make([]signedIn, 3)
	for i := range users {
		users[i] = signUpRaw(t, e, fmt.Sprintf("outage%d@example.com", i), "password-outage-1")
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 32}
	hc := &http.Client{Timeout: 15 * time.Second, Transport: transport}
	// Warm up with the load's concurrency, so that the pools are at their
	// working size before the goroutines are counted.
	var warm sync.WaitGroup
	for w := 0; w < 6; w++ {
		warm.Add(1)
		go func(u signedIn) {
			defer warm.Done()
			for i := 0; i < 5; i++ {
				if o := send(hc, "GET", e.srv.URL+"/api/me", "", u.header); o.status != 200 {
					t.Errorf("warm-up: %d %s", o.status, o.body)
					return
				}
			}
		}(users[w%len(users)])
	}
	warm.Wait()
	if t.Failed() {
		t.FailNow()
	}
	transport.CloseIdleConnections()
	baseline := goroutinesSettle(0, 300*time.Millisecond)
	poolBefore := pool.open()

	var phase atomic.Int32
	stop := make(chan struct{})
	var mu sync.Mutex
	var results []phasedOutcome
	var wg sync.WaitGroup
	paths := []string{"/api/me", "/api/auth/get-session", "/api/auth/list-sessions", "/api/me/sessions"}
	const workers = 6
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			u := users[w%len(users)]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[i%len(paths)]
				ps := phase.Load()
				o := send(hc, "GET", e.srv.URL+path, "", u.header)
				r := phasedOutcome{outcome: o, who: w % len(users), path: path, phaseStart: ps, phaseEnd: phase.Load()}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}(w)
	}

	time.Sleep(400 * time.Millisecond)
	proxy.Cut()
	phase.Store(phaseDown)
	time.Sleep(1200 * time.Millisecond)
	phase.Store(phaseRestored)
	proxy.Restore()
	restoredAt := time.Now()
	// The server must serve a valid session again within 2 s, by itself.
	var recovered time.Duration
	for {
		o := send(hc, "GET", e.srv.URL+"/api/me", "", users[0].header)
		if o.status == 200 {
			recovered = time.Since(restoredAt)
			break
		}
		if time.Since(restoredAt) > 10*time.Second {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(2500 * time.Millisecond) // load goes on after recovery
	close(stop)
	wg.Wait()

	if recovered == 0 || recovered > 2*time.Second {
		t.Errorf("server did not serve a session within 2 s of the service coming back (recovered after %v; 0 = never within 10 s)", recovered)
	} else {
		t.Logf("recovered %v after the service came back", recovered.Round(time.Millisecond))
	}

	counts := map[string]int{}
	down := 0
	for _, r := range results {
		key := fmt.Sprintf("phase%d-%d", r.phaseStart, r.status)
		counts[key]++
		if r.err != nil {
			t.Errorf("%s: transport error %v", r.path, r.err)
			continue
		}
		switch r.status {
		case 200:
			if !strings.Contains(string(r.body), users[r.who].email) && r.path != "/api/me/sessions" && r.path != "/api/auth/list-sessions" {
				t.Errorf("%s answered 200 without the signed-in user (%s): %.200s", r.path, users[r.who].email, r.body)
			}
			if r.path == "/api/auth/get-session" && strings.TrimSpace(string(r.body)) == "null" {
				t.Errorf("get-session answered null (signed out) in phase %d", r.phaseStart)
			}
			if r.phaseStart == phaseDown && r.phaseEnd == phaseDown {
				t.Errorf("%s answered 200 while the service was down: %.200s", r.path, r.body)
			}
			if r.path == "/api/me/sessions" && !strings.Contains(string(r.body), `"current":true`) {
				t.Errorf("%s did not list the current session: %.200s", r.path, r.body)
			}
			if r.path == "/api/auth/list-sessions" {
				if !strings.Contains(string(r.body), users[r.who].userID) {
					t.Errorf("%s listed another user's sessions: %.200s", r.path, r.body)
				}
			}
		case 503:
			if r.phaseStart == phaseDown && r.phaseEnd == phaseDown {
				down++
			}
			if r.start.After(restoredAt.Add(2 * time.Second)) {
				t.Errorf("%s answered 503 more than 2 s after the service came back", r.path)
			}
		default:
			t.Errorf("%s (phase %d→%d) answered %d, want 200 or 503 (never 401, never 5xx other than 503): %.200s", r.path, r.phaseStart, r.phaseEnd, r.status, r.body)
		}
	}
	t.Logf("outcomes: %v", counts)
	if down == 0 {
		t.Error("no request was answered during the outage: the test did not exercise it")
	}

	// No goroutine or connection left behind: at most a few more than
	// before, plus those of the connections the pool holds beyond its
	// earlier size (two proxy goroutines and one driver reader each).
	transport.CloseIdleConnections()
	allowed := baseline + 4 + 3*max(0, pool.open()-poolBefore)
	if n := goroutinesSettle(allowed, 5*time.Second); n > allowed {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("goroutines: %d before the outage, %d after, at most %d allowed (leak)\n%s", baseline, n, allowed, buf)
	}
	deadline := time.Now().Add(3 * time.Second)
	for pool.inUse() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := pool.inUse(); n != 0 {
		t.Errorf("%d pool connections still in use after the load stopped", n)
	}
	if n := pool.open(); n > pool.max {
		t.Errorf("pool holds %d connections, more than its maximum %d", n, pool.max)
	}
	for proxy.Open() > pool.open() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := proxy.Open(); n > pool.max {
		t.Errorf("%d connections open to the service (the pool holds %d), more than the pool's maximum %d", n, pool.open(), pool.max)
	}
	logs := e.logText()
	if strings.Contains(logs, "panic serving request") {
		t.Error("a request panicked during the outage")
	}
	if strings.Contains(logs, `"status":500`) {
		t.Error("a request failed with 500 during the outage (want 503)")
	}
}

// checkRetryAfter cuts the service once more and checks the 503's headers
// and body.
func checkRetryAfter(t *testing.T, e *env, proxy *faultProxy) {
	u := signInRawOrSkip(t, e)
	proxy.Cut()
	defer proxy.Restore()
	o := send(&http.Client{Timeout: 15 * time.Second}, "GET", e.srv.URL+"/api/me", "", u.header)
	if o.status != 503 || o.header.Get("Retry-After") == "" {
		t.Fatalf("during an outage: %d Retry-After=%q, want 503 with Retry-After", o.status, o.header.Get("Retry-After"))
	}
	var body struct{ Code string }
	if err := json.Unmarshal(o.body, &body); err != nil || body.Code != "SERVICE_UNAVAILABLE" {
		t.Fatalf("503 body %s", o.body)
	}
}

func signInRawOrSkip(t *testing.T, e *env) signedIn {
	return signInRaw(t, e, "outage0@example.com", "password-outage-1")
}

func TestFaultPostgresOutage(t *testing.T) {
	var proxy *faultProxy
	db := openPostgres(t, func(target string) string { proxy = startProxy(t, target); return proxy.Addr() })
	e := newEnvOn(t, db.store, nil)
	runOutage(t, e, proxy, poolStats{inUse: db.inUse, open: db.open, max: db.maxOpen})
	checkRetryAfter(t, e, proxy)
}

func TestFaultMySQLOutage(t *testing.T) {
	var proxy *faultProxy
	db := openMySQL(t, func(target string) string { proxy = startProxy(t, target); return proxy.Addr() })
	e := newEnvOn(t, db.store, nil)
	runOutage(t, e, proxy, poolStats{inUse: db.inUse, open: db.open, max: db.maxOpen})
	checkRetryAfter(t, e, proxy)
}

// Redis holds the sessions (Better Auth's secondaryStorage); users stay in
// SQL. Cutting Redis must give 503, not "no session".
func TestFaultRedisOutage(t *testing.T) {
	db := openSQLite(t)
	var proxy *faultProxy
	client, rs, _ := redisBackend(t, func(target string) string { proxy = startProxy(t, target); return proxy.Addr() }, db.store.Schema())
	e := newEnvOn(t, db.store, func(c *server.Config) { c.Sessions = rs })
	// go-redis keeps pipelines on a second pool of the same size.
	count := func(inUse bool) func() int {
		return func() int {
			s := client.PoolStats()
			total, idle := int(s.TotalConns), int(s.IdleConns)
			if p := s.PipelineStats; p != nil {
				total, idle = total+int(p.TotalConns), idle+int(p.IdleConns)
			}
			if inUse {
				return total - idle
			}
			return total
		}
	}
	stats := poolStats{inUse: count(true), open: count(false), max: 2 * 8}
	runOutage(t, e, proxy, stats)
	checkRetryAfter(t, e, proxy)
}

// A network partition (the database stops answering, nothing is closed)
// must also end in 503, not in requests that hang until the client gives
// up, each holding a goroutine and a pool connection.
//
// KNOWN FAILING until the store applies a query timeout: pgx has none by
// default and the request context has no deadline, so the request below
// hangs until the client's 12 s timeout. See the reliability report for the
// proposed patch (sqlstore.Options.QueryTimeout, 5 s by default).
func TestFaultPostgresPartition(t *testing.T) {
	var proxy *faultProxy
	db := openPostgres(t, func(target string) string { proxy = startProxy(t, target); return proxy.Addr() })
	e := newEnvOn(t, db.store, nil)
	u := signUpRaw(t, e, "partition@example.com", "password-partition")
	hc := &http.Client{Timeout: 12 * time.Second}
	proxy.Stall()
	o := send(hc, "GET", e.srv.URL+"/api/me", "", u.header)
	proxy.Restore()
	if o.err != nil || o.status != 503 || o.end.Sub(o.start) > 10*time.Second {
		t.Errorf("during a partition: status %d, error %v, after %v; want 503 within 10 s", o.status, o.err, o.end.Sub(o.start).Round(time.Millisecond))
	}
	restored := time.Now()
	for {
		if o := send(hc, "GET", e.srv.URL+"/api/me", "", u.header); o.status == 200 {
			break
		}
		if time.Since(restored) > 2*time.Second {
			t.Fatal("no session served within 2 s of the partition healing")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
