// Command soak runs mixed traffic — sign-in, get-session, revoke-session —
// against betterauth's server on PostgreSQL (users, accounts) and Redis
// (sessions, as Better Auth's secondaryStorage) for a set time, and
// reports errors and lost writes. Both must be zero: the exit status is 1
// otherwise.
//
//	go run ./bench/soak                      # 60 s, in-process server on a fresh database
//	go run ./bench/soak -duration 10m -workers 16
//	go run ./bench/soak -url http://127.0.0.1:8080   # a running `betterauth serve --redis … --rate-limit off`
//
// Every answer is checked against a ledger of what the server acknowledged:
// a session whose sign-in returned 200 must be served by get-session until
// its revoke returned 200, and refused from then on. A session that
// disappears early is a lost write; one that survives its revoke is a lost
// revoke. At the end every user's list-sessions must equal the ledger's
// live sessions exactly. Each worker owns its own users, so the ledger
// needs no guessing about concurrent operations.
//
// The in-process server uses a database and a Redis key prefix of its own
// and removes them at the end (-keep leaves them). Only loopback addresses
// are used.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/postgres"
	redisstore "github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
)

type options struct {
	duration     time.Duration
	workers      int
	usersPer     int
	baseURL      string
	postgresURL  string
	redisAddr    string
	keep         bool
	signInShare  float64
	revokeShare  float64
	maxPerWorker int
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long to run the mixed traffic")
	flag.IntVar(&o.workers, "workers", 8, "concurrent clients")
	flag.IntVar(&o.usersPer, "users", 3, "users per worker")
	flag.StringVar(&o.baseURL, "url", "", "base URL of a running server (default: start one in process)")
	flag.StringVar(&o.postgresURL, "postgres", envOr("BETTERAUTH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL admin URL (in-process mode creates a database there)")
	flag.StringVar(&o.redisAddr, "redis", envOr("BETTERAUTH_TEST_REDIS", "127.0.0.1:6379"), "Redis address (in-process mode)")
	flag.BoolVar(&o.keep, "keep", false, "keep the database and Redis keys of the in-process server")
	flag.Float64Var(&o.signInShare, "sign-in", 0.15, "share of operations that sign in")
	flag.Float64Var(&o.revokeShare, "revoke", 0.15, "share of operations that revoke a session")
	flag.IntVar(&o.maxPerWorker, "max-sessions", 20, "live sessions per worker before sign-ins give way to revokes")
	flag.Parse()
	if err := soak(context.Background(), o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func soak(ctx context.Context, o options, out io.Writer) error {
	base := o.baseURL
	if base == "" {
		b, stop, err := startServer(ctx, o, out)
		if err != nil {
			return err
		}
		defer stop()
		base = b
	} else if err := loopbackOnly(base); err != nil {
		return err
	}
	run := &runner{base: base, hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.workers * 2}},
		stats: map[string]*opStats{}}
	runID := randomHex(4)

	// Users, signed up before the clock starts.
	workers := make([]*worker, o.workers)
	for w := range workers {
		wk := &worker{r: run, id: w, rng: mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))}
		for u := 0; u < o.usersPer; u++ {
			email := fmt.Sprintf("soak-%s-%d-%d@example.com", runID, w, u)
			password := "soak-password-" + randomHex(8)
			tok, status, err := run.signUp(email, password)
			if err != nil || status != 200 {
				return fmt.Errorf("sign-up %s: %d %v", email, status, err)
			}
			usr := &soakUser{email: email, password: password}
			usr.sessions = append(usr.sessions, &ledgerSession{token: tok.token, cookie: tok.cookie})
			wk.users = append(wk.users, usr)
		}
		workers[w] = wk
	}
	fmt.Fprintf(out, "soak: %d workers × %d users against %s for %v\n", o.workers, o.usersPer, base, o.duration)

	deadline := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	for _, wk := range workers {
		wg.Add(1)
		go func(wk *worker) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				wk.step(o)
			}
		}(wk)
	}
	progress := time.NewTicker(10 * time.Second)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-progress.C:
			fmt.Fprintf(out, "soak: %s\n", run.summary())
		}
	}
	progress.Stop()

	// Final check: every session the ledger holds is served, every revoked
	// one refused, and list-sessions is exactly the live set.
	for _, wk := range workers {
		wk.verifyAll()
	}
	fmt.Fprint(out, run.report())
	if n := run.failures(); n > 0 {
		return fmt.Errorf("%d errors or lost writes (see above)", n)
	}
	return nil
}

func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-url %q is not a URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url must be a loopback address (127.0.0.0/8, ::1 or localhost), not %s", host)
}

// startServer creates a database and a Redis prefix, and serves
// server.New on them on a loopback port.
func startServer(ctx context.Context, o options, out io.Writer) (string, func(), error) {
	name := "soak_" + randomHex(6)
	admin, err := pgx.Connect(ctx, o.postgresURL)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL at %s: %v", redact(o.postgresURL), err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close(ctx)
		return "", nil, fmt.Errorf("create database: %v", err)
	}
	admin.Close(ctx)
	u, _ := url.Parse(o.postgresURL)
	u.Path = "/" + name
	q := u.Query()
	q.Set("pool_max_conns", "16")
	u.RawQuery = q.Encode()
	pool, err := postgres.Open(ctx, u.String())
	if err != nil {
		return "", nil, err
	}
	st, err := postgres.New(pool, postgres.Options{})
	if err != nil {
		pool.Close()
		return "", nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		pool.Close()
		return "", nil, err
	}
	client := goredis.NewClient(&goredis.Options{Addr: o.redisAddr, PoolSize: 32})
	if err := client.Ping(ctx).Err(); err != nil {
		pool.Close()
		return "", nil, fmt.Errorf("Redis at %s: %v", o.redisAddr, err)
	}
	prefix := name + ":"
	rs, err := redisstore.New(client, redisstore.Options{KeyPrefix: prefix, Schema: st.Schema()})
	if err != nil {
		return "", nil, err
	}
	secret := randomHex(24)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	base := "http://" + ln.Addr().String()
	logs := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(server.Config{Store: st, Sessions: rs,
		Secrets: []ba.Secret{{Value: secret}}, BaseURL: base, Log: logs, Mailer: server.LogMailer{Log: logs}})
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	fmt.Fprintf(out, "soak: in-process server on PostgreSQL database %s and Redis prefix %s\n", name, prefix)
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		pool.Close()
		if !o.keep {
			var cursor uint64
			for {
				keys, next, err := client.Scan(sctx, cursor, prefix+"*", 500).Result()
				if err != nil {
					break
				}
				if len(keys) > 0 {
					client.Del(sctx, keys...)
				}
				if cursor = next; cursor == 0 {
					break
				}
			}
			if c, err := pgx.Connect(sctx, o.postgresURL); err == nil {
				_, _ = c.Exec(sctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				c.Close(sctx)
			}
		}
		client.Close()
	}
	return base, stop, nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// --- the ledger -----------------------------------------------------------

type ledgerSession struct {
	token, cookie string
	revoked       bool
}

type soakUser struct {
	email, password string
	sessions        []*ledgerSession
}

func (u *soakUser) live() []*ledgerSession {
	var out []*ledgerSession
	for _, s := range u.sessions {
		if !s.revoked {
			out = append(out, s)
		}
	}
	return out
}

type worker struct {
	r     *runner
	id    int
	rng   *mrand.Rand
	users []*soakUser
}

func (w *worker) liveCount() int {
	n := 0
	for _, u := range w.users {
		n += len(u.live())
	}
	return n
}

func (w *worker) step(o options) {
	u := w.users[w.rng.IntN(len(w.users))]
	live := u.live()
	p := w.rng.Float64()
	switch {
	case len(live) == 0 || (p < o.signInShare && w.liveCount() < o.maxPerWorker):
		tok, status, err := w.r.signIn(u.email, u.password)
		if w.r.check("sign-in", status, err, 200) {
			u.sessions = append(u.sessions, &ledgerSession{token: tok.token, cookie: tok.cookie})
		}
	case p < o.signInShare+o.revokeShare && len(live) > 1:
		// Revoke one session with another of the same user's.
		victim, by := live[w.rng.IntN(len(live))], live[w.rng.IntN(len(live))]
		for by == victim {
			by = live[w.rng.IntN(len(live))]
		}
		status, err := w.r.revoke(by.cookie, victim.token)
		if w.r.check("revoke-session", status, err, 200) {
			victim.revoked = true
			// The revoke has returned: the token must be refused now.
			w.expectSession("get-session after revoke", u, victim)
		}
	default:
		s := u.sessions[w.rng.IntN(len(u.sessions))]
		w.expectSession("get-session", u, s)
	}
}

// expectSession checks get-session for s against the ledger.
func (w *worker) expectSession(op string, u *soakUser, s *ledgerSession) {
	email, status, err := w.r.getSession(s.cookie)
	if !w.r.check(op, status, err, 200) {
		return
	}
	switch {
	case s.revoked && email != "":
		w.r.lost("revoked session served (lost revoke) for " + u.email)
	case !s.revoked && email == "":
		w.r.lost("acknowledged session missing (lost write) for " + u.email)
	case !s.revoked && email != u.email:
		w.r.lost("session served another user: " + email + " instead of " + u.email)
	}
}

func (w *worker) verifyAll() {
	for _, u := range w.users {
		for _, s := range u.sessions {
			w.expectSession("final get-session", u, s)
		}
		live := u.live()
		if len(live) == 0 {
			continue
		}
		tokens, status, err := w.r.listSessions(live[0].cookie)
		if !w.r.check("final list-sessions", status, err, 200) {
			continue
		}
		want := map[string]bool{}
		for _, s := range live {
			want[s.token] = true
		}
		for _, t := range tokens {
			if !want[t] {
				w.r.lost("list-sessions holds a session the ledger revoked or never saw, for " + u.email)
			}
			delete(want, t)
		}
		if len(want) > 0 {
			w.r.lost(fmt.Sprintf("list-sessions misses %d acknowledged sessions of %s", len(want), u.email))
		}
	}
}

// --- HTTP ---------------------------------------------------------------

type runner struct {
	base  string
	hc    *http.Client
	mu    sync.Mutex
	stats map[string]*opStats
	errs  []string
	loss  []string
}

type opStats struct {
	n, errors int
	latencies []time.Duration
}

type issued struct{ token, cookie string }

func (r *runner) do(op, method, path, body, cookie string) (int, []byte, http.Header, error) {
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Origin", r.base)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	start := time.Now()
	res, err := r.hc.Do(req)
	if err != nil {
		r.observe(op, time.Since(start))
		return 0, nil, nil, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	r.observe(op, time.Since(start))
	return res.StatusCode, b, res.Header, err
}

func (r *runner) observe(op string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats[op]
	if s == nil {
		s = &opStats{}
		r.stats[op] = s
	}
	s.n++
	s.latencies = append(s.latencies, d)
}

// check records an error unless the answer is want; it reports success.
func (r *runner) check(op string, status int, err error, want int) bool {
	if err == nil && status == want {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.stats[op]; s != nil {
		s.errors++
	}
	msg := fmt.Sprintf("%s: status %d", op, status)
	if err != nil {
		msg += ": " + err.Error()
	}
	r.errs = append(r.errs, msg)
	return false
}

func (r *runner) lost(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loss = append(r.loss, msg)
}

func (r *runner) failures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs) + len(r.loss)
}

func sessionFrom(status int, body []byte, h http.Header, err error) (issued, int, error) {
	if err != nil || status != 200 {
		return issued{}, status, err
	}
	var v struct{ Token string }
	if err := json.Unmarshal(body, &v); err != nil || v.Token == "" {
		return issued{}, status, errors.New("no token in the answer")
	}
	var cookies []string
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Value != "" {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
	}
	if len(cookies) == 0 {
		return issued{}, status, errors.New("no session cookie")
	}
	return issued{token: v.Token, cookie: strings.Join(cookies, "; ")}, status, nil
}

func (r *runner) signUp(email, password string) (issued, int, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password, "name": "Soak"})
	return sessionFrom(r.do("sign-up", "POST", "/api/auth/sign-up/email", string(body), ""))
}

func (r *runner) signIn(email, password string) (issued, int, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return sessionFrom(r.do("sign-in", "POST", "/api/auth/sign-in/email", string(body), ""))
}

func (r *runner) revoke(cookie, token string) (int, error) {
	body, _ := json.Marshal(map[string]string{"token": token})
	status, _, _, err := r.do("revoke-session", "POST", "/api/auth/revoke-session", string(body), cookie)
	return status, err
}

// getSession returns the signed-in email, "" for null.
func (r *runner) getSession(cookie string) (string, int, error) {
	status, body, _, err := r.do("get-session", "GET", "/api/auth/get-session?disableRefresh=true", "", cookie)
	if err != nil || status != 200 {
		return "", status, err
	}
	if strings.TrimSpace(string(body)) == "null" {
		return "", status, nil
	}
	var v struct{ User struct{ Email string } }
	if err := json.Unmarshal(body, &v); err != nil || v.User.Email == "" {
		return "", status, fmt.Errorf("get-session answer %.100q", body)
	}
	return v.User.Email, status, nil
}

func (r *runner) listSessions(cookie string) ([]string, int, error) {
	status, body, _, err := r.do("list-sessions", "GET", "/api/auth/list-sessions", "", cookie)
	if err != nil || status != 200 {
		return nil, status, err
	}
	var v []struct{ Token string }
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, status, err
	}
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = s.Token
	}
	return out, status, nil
}

func (r *runner) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	total := 0
	for _, s := range r.stats {
		total += s.n
	}
	return fmt.Sprintf("%d requests, %d errors, %d lost writes", total, len(r.errs), len(r.loss))
}

func (r *runner) report() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	ops := make([]string, 0, len(r.stats))
	for op := range r.stats {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	fmt.Fprintf(&b, "%-16s %9s %7s %9s %9s %9s\n", "operation", "requests", "errors", "p50", "p99", "max")
	for _, op := range ops {
		s := r.stats[op]
		l := append([]time.Duration(nil), s.latencies...)
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		pct := func(p float64) time.Duration {
			if len(l) == 0 {
				return 0
			}
			return l[int(math.Min(float64(len(l)-1), p*float64(len(l))))].Round(100 * time.Microsecond)
		}
		fmt.Fprintf(&b, "%-16s %9d %7d %9v %9v %9v\n", op, s.n, s.errors, pct(0.5), pct(0.99), pct(1))
	}
	fmt.Fprintf(&b, "errors: %d\nlost writes: %d\n", len(r.errs), len(r.loss))
	for i, e := range append(append([]string(nil), r.errs...), r.loss...) {
		if i == 20 {
			fmt.Fprintf(&b, "  … and %d more\n", len(r.errs)+len(r.loss)-20)
			break
		}
		fmt.Fprintf(&b, "  %s\n", e)
	}
	return b.String()
}
