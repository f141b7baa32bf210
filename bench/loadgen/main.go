// Command loadgen is a closed-loop HTTP load generator for bench/run.sh,
// used when wrk is not installed: C connections each send GET requests back
// to back over keep-alive for a fixed time (or count), and it prints one
// JSON line with requests/s and latency percentiles.
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080/api/me -c 32 -d 10s \
//	    -H 'Cookie: better-auth.session_token=…' -expect '"email"'
//
// Every response must be 200; -expect also checks the body of every 64th
// response (and the first), so a run that silently answers "null" or 401
// fails instead of producing a fast, meaningless number. Loopback only: it
// refuses other hosts.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

// Result is what loadgen prints.
type Result struct {
	URL      string  `json:"url"`
	Conns    int     `json:"connections"`
	Seconds  float64 `json:"seconds"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	Error    string  `json:"first_error,omitempty"`
}

// maxSamples bounds memory: latencies beyond it are counted but not kept.
const maxSamples = 4 << 20

func main() {
	var (
		target   = flag.String("url", "", "URL to GET (loopback only)")
		conns    = flag.Int("c", 32, "connections")
		duration = flag.Duration("d", 10*time.Second, "how long to send load")
		maxReqs  = flag.Int64("n", 0, "stop after this many requests (0: no limit; -d still applies)")
		warmup   = flag.Duration("warmup", time.Second, "load sent before measuring")
		expect   = flag.String("expect", "", "substring every checked response body must contain")
		hs       headers
	)
	flag.Var(&hs, "H", "request header 'Name: value' (repeatable)")
	flag.Parse()
	if err := run(*target, *conns, *duration, *maxReqs, *warmup, *expect, hs); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(target string, conns int, duration time.Duration, maxReqs int64, warmup time.Duration, expect string, hs headers) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" {
		return errors.New("-url must be an http:// URL")
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return errors.New("-url must be on the loopback interface")
	}
	if conns < 1 || conns > 1024 || duration <= 0 || duration > 10*time.Minute {
		return errors.New("-c must be 1..1024 and -d at most 10m")
	}
	header := http.Header{}
	for _, h := range hs {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("-H %q is not 'Name: value'", h)
		}
		header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	client := &http.Client{
		Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
			DisableCompression: true, ForceAttemptHTTP2: false,
		},
		Timeout: 30 * time.Second,
	}
	expectBytes := []byte(expect)

	if warmup > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), warmup)
		load(ctx, client, target, header, conns, 0, nil, expectBytes)
		cancel()
	}

	var (
		mu      sync.Mutex
		samples = make([]time.Duration, 0, 1<<16)
	)
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	start := time.Now()
	stats := load(ctx, client, target, header, conns, maxReqs, func(local []time.Duration) {
		mu.Lock()
		if room := maxSamples - len(samples); room > 0 {
			samples = append(samples, local[:min(room, len(local))]...)
		}
		mu.Unlock()
	}, expectBytes)
	elapsed := time.Since(start).Seconds()

	slices.Sort(samples)
	pct := func(p float64) float64 {
		if len(samples) == 0 {
			return 0
		}
		i := int(p * float64(len(samples)-1))
		return float64(samples[i]) / float64(time.Millisecond)
	}
	res := Result{
		URL: u.Path, Conns: conns, Seconds: elapsed, Requests: stats.ok, Errors: stats.errors,
		RPS: float64(stats.ok) / elapsed, P50: pct(0.50), P90: pct(0.90), P99: pct(0.99), Max: pct(1),
	}
	if e := stats.firstError.Load(); e != nil {
		res.Error = *e
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if stats.errors > 0 {
		return fmt.Errorf("%d of %d requests failed: %s", stats.errors, stats.ok+stats.errors, res.Error)
	}
	return nil
}

type loadStats struct {
	ok, errors int64
	firstError atomic.Pointer[string]
}

// load runs conns workers until ctx ends or maxReqs requests were sent;
// each hands its latencies to collect (when not nil) at the end.
func load(ctx context.Context, client *http.Client, target string, header http.Header, conns int, maxReqs int64, collect func([]time.Duration), expect []byte) *loadStats {
	var (
		st   loadStats
		sent atomic.Int64
		wg   sync.WaitGroup
	)
	fail := func(msg string) {
		atomic.AddInt64(&st.errors, 1)
		st.firstError.CompareAndSwap(nil, &msg)
	}
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			if collect != nil {
				local = make([]time.Duration, 0, 1<<14)
			}
			buf := bytes.NewBuffer(make([]byte, 0, 4096))
			for n := 0; ctx.Err() == nil; n++ {
				if maxReqs > 0 && sent.Add(1) > maxReqs {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
				req.Header = header
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						fail(err.Error())
					}
					continue
				}
				buf.Reset()
				_, err = io.Copy(buf, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				switch {
				case err != nil:
					if ctx.Err() == nil {
						fail(err.Error())
					}
					continue
				case resp.StatusCode != http.StatusOK:
					fail(fmt.Sprintf("status %d", resp.StatusCode))
					continue
				case len(expect) > 0 && n%64 == 0 && !bytes.Contains(buf.Bytes(), expect):
					fail(fmt.Sprintf("body does not contain %q: %.80s", expect, buf.Bytes()))
					continue
				}
				atomic.AddInt64(&st.ok, 1)
				if collect != nil {
					local = append(local, d)
				}
			}
			if collect != nil {
				collect(local)
			}
		}()
	}
	wg.Wait()
	return &st
}
