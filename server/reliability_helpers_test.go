package server_test

// Helpers shared by the reliability, fault and fuzz tests: a TCP proxy that
// can cut a database or Redis connection, servers on PostgreSQL, MariaDB and
// Redis, and a raw HTTP client for requests net/http refuses to send.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/postgres"
	redisstore "github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// reliabilitySchema is the schema of the reliability tests: the admin and
// username plugins (more routes, more string fields) and one custom field.
var reliabilitySchema = ba.Schema{
	Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginUsername},
	Tables: map[string]ba.TableConfig{"user": {AdditionalFields: []ba.Field{
		{Name: "bio", Type: ba.TypeString},
	}}},
}

// faultProxy forwards TCP connections to a service and can cut them: Cut
// closes every open connection and refuses new ones (as a restarting
// database does), Restore lets them through again, and CutWhenClientSends
// kills the one connection whose client sends a given byte sequence, before
// the server sees it.
type faultProxy struct {
	t      testing.TB
	ln     net.Listener
	target string

	mu      sync.Mutex
	down    bool
	stalled bool // a partition: bytes are swallowed, nothing is closed
	conns   map[net.Conn]struct{}
	pattern []byte // one-shot cut trigger; nil when unset
	hits    int
	closed  bool
	wg      sync.WaitGroup
}

func startProxy(t testing.TB, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{t: t, ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *faultProxy) Addr() string { return p.ln.Addr().String() }

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down || p.closed {
			p.mu.Unlock()
			c.Close() // a restarting server: connection reset
			continue
		}
		if p.stalled {
			// A partition: the connection is accepted and never answered.
			p.conns[c] = struct{}{}
			p.wg.Add(1)
			p.mu.Unlock()
			go func() {
				defer p.wg.Done()
				_, _ = io.Copy(io.Discard, c)
				c.Close()
				p.mu.Lock()
				delete(p.conns, c)
				p.mu.Unlock()
			}()
			continue
		}
		p.mu.Unlock()
		up, err := net.DialTimeout("tcp", p.target, 3*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.down || p.closed {
			p.mu.Unlock()
			c.Close()
			up.Close()
			continue
		}
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.wg.Add(2)
		p.mu.Unlock()
		go p.pipe(c, up, true)
		go p.pipe(up, c, false)
	}
}

// pipe copies src to dst; on the client side it watches for the cut
// pattern (keeping a tail so that a pattern split across reads is seen).
func (p *faultProxy) pipe(src, dst net.Conn, fromClient bool) {
	defer p.wg.Done()
	defer func() {
		src.Close()
		dst.Close()
		p.mu.Lock()
		delete(p.conns, src)
		delete(p.conns, dst)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	var tail []byte
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if fromClient {
				p.mu.Lock()
				pat := p.pattern
				p.mu.Unlock()
				if pat != nil {
					window := append(tail, buf[:n]...)
					if bytes.Contains(window, pat) {
						p.mu.Lock()
						if p.pattern != nil {
							p.pattern = nil
							p.hits++
						}
						p.mu.Unlock()
						return // drop the bytes, kill both sides
					}
					if len(window) > len(pat) {
						tail = append(tail[:0], window[len(window)-len(pat):]...)
					} else {
						tail = append(tail[:0], window...)
					}
				}
			}
			p.mu.Lock()
			stalled := p.stalled
			p.mu.Unlock()
			if stalled {
				continue // swallowed by the partition
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Cut closes every connection and refuses new ones until Restore.
func (p *faultProxy) Cut() {
	p.mu.Lock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
}

// Stall swallows every byte in both directions and leaves connections
// open, as a network partition does, until Restore.
func (p *faultProxy) Stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
}

// Restore accepts connections again.
func (p *faultProxy) Restore() {
	p.mu.Lock()
	p.down, p.stalled = false, false
	p.mu.Unlock()
}

// CutWhenClientSends kills the next connection whose client sends pattern.
func (p *faultProxy) CutWhenClientSends(pattern string) {
	p.mu.Lock()
	p.pattern = []byte(pattern)
	p.mu.Unlock()
}

// Hits reports how many connections the pattern has killed.
func (p *faultProxy) Hits() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits
}

// Open reports the number of proxied connections (both sides counted).
func (p *faultProxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns) / 2
}

func (p *faultProxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}

// viaProxy rewrites a URL's host:port to the proxy's.
func viaProxy(t testing.TB, rawURL, proxyAddr string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = proxyAddr
	return u.String()
}

// proxiedURL is rawURL, or rawURL through the proxy that proxy starts for
// its host when proxy is non-nil.
func proxiedURL(t testing.TB, rawURL string, proxy func(target string) string) string {
	t.Helper()
	if proxy == nil {
		return rawURL
	}
	return viaProxy(t, rawURL, proxy(hostOf(t, rawURL)))
}

// mustMigrate fails t on err (from making st) or on st's migration.
func mustMigrate(t testing.TB, st *sqlstore.Store, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// hostOf returns the host:port of a URL.
func hostOf(t testing.TB, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Port() == "" {
		switch u.Scheme {
		case "mysql":
			return u.Hostname() + ":3306"
		default:
			return u.Hostname() + ":5432"
		}
	}
	return u.Host
}

// backendDB is a store on one of the SQL databases with what the fault
// tests need to look at: the raw handle for checks that bypass the proxy,
// and the pool's in-use count.
type backendDB struct {
	name  string
	store *sqlstore.Store
	// direct runs SQL on the same database without the proxy.
	direct func(ctx context.Context, query string, args ...any) (int64, error)
	// count returns SELECT count(*) … without the proxy.
	count func(ctx context.Context, query string, args ...any) (int64, error)
	// inUse is the number of connections the store's pool has handed out.
	inUse func() int
	// open is the number of connections the store's pool holds.
	open func() int
	// maxOpen bounds open.
	maxOpen int
	quote   func(string) string
}

// openPostgres creates a fresh PostgreSQL database, migrates it and opens a
// store on it through proxy (when proxy is non-nil).
func openPostgres(t testing.TB, proxy func(target string) string) *backendDB {
	t.Helper()
	raw := testdb.Postgres(t)
	ctx := context.Background()
	direct, err := postgres.Open(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(direct.Close)
	ds, err := postgres.New(direct, postgres.Options{Schema: reliabilitySchema})
	mustMigrate(t, ds, err)
	url := proxiedURL(t, raw, proxy)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	const maxConns = 8
	pool, err := postgres.Open(ctx, url+sep+fmt.Sprintf("pool_max_conns=%d", maxConns))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st, err := postgres.New(pool, postgres.Options{Schema: reliabilitySchema})
	if err != nil {
		t.Fatal(err)
	}
	return &backendDB{
		name: "postgres", store: st,
		direct: func(ctx context.Context, q string, args ...any) (int64, error) {
			tag, err := direct.Exec(ctx, q, args...)
			return tag.RowsAffected(), err
		},
		count: func(ctx context.Context, q string, args ...any) (int64, error) {
			var n int64
			err := direct.QueryRow(ctx, q, args...).Scan(&n)
			return n, err
		},
		inUse:   func() int { return int(pool.Stat().AcquiredConns()) },
		open:    func() int { return int(pool.Stat().TotalConns()) },
		maxOpen: maxConns,
		quote:   func(s string) string { return `"` + s + `"` },
	}
}

// openMySQL is openPostgres for MariaDB/MySQL.
func openMySQL(t testing.TB, proxy func(target string) string) *backendDB {
	t.Helper()
	raw := testdb.MySQL(t)
	// The driver logs every broken connection to the standard logger;
	// the fault tests break hundreds on purpose.
	_ = gomysql.SetLogger(log.New(io.Discard, "", 0))
	ctx := context.Background()
	direct, err := mysql.Open(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.Close() })
	ds, err := mysql.New(direct, mysql.Options{Schema: reliabilitySchema})
	mustMigrate(t, ds, err)
	url := proxiedURL(t, raw, proxy)
	db, err := mysql.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	const maxConns = 8
	db.SetMaxOpenConns(maxConns)
	t.Cleanup(func() { db.Close() })
	st, err := mysql.New(db, mysql.Options{Schema: reliabilitySchema})
	if err != nil {
		t.Fatal(err)
	}
	return sqlBackend("mysql", st, direct, db, maxConns, func(s string) string { return "`" + s + "`" })
}

// openSQLite is a backendDB on a fresh SQLite file (no proxy possible).
func openSQLite(t testing.TB) *backendDB {
	t.Helper()
	db, err := sqlite.OpenWAL(context.Background(), testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := sqlite.New(db, sqlite.Options{Schema: reliabilitySchema})
	mustMigrate(t, st, err)
	return sqlBackend("sqlite", st, db, db, 1<<20, func(s string) string { return `"` + s + `"` })
}

// sqlBackend is the backendDB of a store on a database/sql pool: direct
// runs SQL on the handle that bypasses the proxy (pool itself when there
// is none), and the in-use and open counts are pool's.
func sqlBackend(name string, st *sqlstore.Store, direct, pool *sql.DB, maxOpen int, quote func(string) string) *backendDB {
	return &backendDB{
		name: name, store: st,
		direct: func(ctx context.Context, q string, args ...any) (int64, error) {
			res, err := direct.ExecContext(ctx, q, args...)
			if err != nil {
				return 0, err
			}
			return res.RowsAffected()
		},
		count: func(ctx context.Context, q string, args ...any) (int64, error) {
			var n int64
			err := direct.QueryRowContext(ctx, q, args...).Scan(&n)
			return n, err
		},
		inUse:   func() int { return pool.Stats().InUse },
		open:    func() int { return pool.Stats().OpenConnections },
		maxOpen: maxOpen,
		quote:   quote,
	}
}

// eachSQLBackend runs f in one subtest per SQL database (PostgreSQL,
// MariaDB/MySQL, SQLite), on a fresh migrated store without a proxy and a
// test server on it.
func eachSQLBackend(t *testing.T, f func(t *testing.T, db *backendDB, e *env)) {
	for _, c := range []struct {
		name string
		open func(*testing.T) *backendDB
	}{
		{"postgres", func(t *testing.T) *backendDB { return openPostgres(t, nil) }},
		{"mysql", func(t *testing.T) *backendDB { return openMySQL(t, nil) }},
		{"sqlite", func(t *testing.T) *backendDB { return openSQLite(t) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := c.open(t)
			f(t, db, newEnvOn(t, db.store, nil))
		})
	}
}

// redisBackend connects to the local Redis (through proxy when non-nil)
// with a unique key prefix, removed when the test ends.
func redisBackend(t testing.TB, proxy func(target string) string, schema *ba.ResolvedSchema) (*goredis.Client, *redisstore.Store, string) {
	t.Helper()
	addr := testdb.RedisAddr(t)
	dial := addr
	if proxy != nil {
		dial = proxy(addr)
	}
	client := goredis.NewClient(&goredis.Options{Addr: dial, PoolSize: 8, DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second})
	prefix := testdb.Name("reliability") + ":"
	t.Cleanup(func() {
		c := goredis.NewClient(&goredis.Options{Addr: addr})
		defer c.Close()
		ctx := context.Background()
		if keys, err := c.Keys(ctx, prefix+"*").Result(); err == nil && len(keys) > 0 {
			c.Del(ctx, keys...)
		}
		client.Close()
	})
	rs, err := redisstore.New(client, redisstore.Options{KeyPrefix: prefix, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	return client, rs, prefix
}

// newEnvOn starts a test server on store (newEnv calls it with SQLite).
func newEnvOn(t testing.TB, store *sqlstore.Store, mod func(*server.Config)) *env {
	t.Helper()
	logs := &bytes.Buffer{}
	e := &env{t: t, store: store, mailer: &captureMailer{}, logs: logs}
	lw := &lockedWriter{w: logs}
	envLogs.Store(e, lw)
	t.Cleanup(func() { envLogs.Delete(e) })
	cfg := server.Config{Store: store, Secrets: []ba.Secret{{Value: secret}}, Mailer: e.mailer,
		Log: slog.New(slog.NewJSONHandler(lw, nil))}
	e.srv = httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + e.srv.Listener.Addr().String()
	if mod != nil {
		mod(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = s
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// envLogs maps an env made by newEnvOn to the writer of its logs, so that
// logText can read them under the writer's lock while the server runs.
var envLogs sync.Map

// logText returns the logs of an env made by newEnvOn so far.
func (e *env) logText() string {
	v, ok := envLogs.Load(e)
	if !ok {
		e.t.Fatal("logText: env not made by newEnvOn")
	}
	lw := v.(*lockedWriter)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return e.logs.String()
}

// outcome is one request's result, for load loops that must not call
// t.Fatal from their goroutines.
type outcome struct {
	start, end time.Time
	status     int
	header     http.Header
	body       []byte
	err        error
}

// send makes a request without failing the test; cookies are given
// explicitly so that goroutines can share a session.
func send(hc *http.Client, method, url string, body string, header http.Header) outcome {
	o := outcome{start: time.Now()}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		o.err, o.end = err, time.Now()
		return o
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := hc.Do(req)
	if err != nil {
		o.err, o.end = err, time.Now()
		return o
	}
	o.body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	o.status, o.header, o.end = res.StatusCode, res.Header, time.Now()
	return o
}

// signedIn is a user with a session: the cookie header that carries it.
type signedIn struct {
	email, password, token string
	userID                 string
	cookie                 string // Cookie header value
	header                 http.Header
}

// signUpRaw signs a user up on e and returns the session cookies.
func signUpRaw(t testing.TB, e *env, email, password string) signedIn {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password, "name": "N"})
	o := send(hc, "POST", e.srv.URL+"/api/auth/sign-up/email", string(body), http.Header{"Origin": {e.srv.URL}})
	if o.err != nil || o.status != 200 {
		t.Fatalf("sign-up %s: %v %d %s", email, o.err, o.status, o.body)
	}
	return finishSignIn(t, e, email, password, hc, o)
}

// signInRaw signs an existing user in (a second session).
func signInRaw(t testing.TB, e *env, email, password string) signedIn {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	o := send(hc, "POST", e.srv.URL+"/api/auth/sign-in/email", string(body), http.Header{"Origin": {e.srv.URL}})
	if o.err != nil || o.status != 200 {
		t.Fatalf("sign-in %s: %v %d %s", email, o.err, o.status, o.body)
	}
	return finishSignIn(t, e, email, password, hc, o)
}

func finishSignIn(t testing.TB, e *env, email, password string, hc *http.Client, o outcome) signedIn {
	t.Helper()
	var r struct {
		Token string
		User  struct{ ID string }
	}
	if err := json.Unmarshal(o.body, &r); err != nil || r.Token == "" {
		t.Fatalf("sign-in body %s: %v", o.body, err)
	}
	var cookies []string
	for _, c := range (&http.Response{Header: o.header}).Cookies() {
		if c.Value != "" {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
	}
	if len(cookies) == 0 {
		t.Fatalf("sign-in %s set no cookie", email)
	}
	cookie := strings.Join(cookies, "; ")
	return signedIn{email: email, password: password, token: r.Token, userID: r.User.ID, cookie: cookie,
		header: http.Header{"Cookie": {cookie}, "Origin": {e.srv.URL}}}
}

// goroutinesSettle waits until the goroutine count is at most want, and
// returns the last count.
func goroutinesSettle(want int, within time.Duration) int {
	deadline := time.Now().Add(within)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		runtime.GC()
		n = runtime.NumGoroutine()
	}
	return n
}

// rawRequest writes req (a whole HTTP/1.1 request, bytes as they are) to
// addr and returns the status code, or 0 when the server closed the
// connection without an answer.
func rawRequest(addr string, req []byte) (int, []byte, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	// The server may answer (413, 431) before reading everything, so a
	// write error is not the end: read what it answered.
	_, _ = c.Write(req)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	return res.StatusCode, b, nil
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
