package main

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	urlpkg "net/url"
	"strings"
	"sync"
	"testing"

	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/betterauth-go/betterauth/internal/testdb"
)

// otlpRecorder is an OTLP/HTTP collector on loopback that keeps every
// request body by path.
type otlpRecorder struct {
	mu     sync.Mutex
	bodies map[string][][]byte
}

func (o *otlpRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	o.mu.Lock()
	o.bodies[r.URL.Path] = append(o.bodies[r.URL.Path], b)
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK) // an empty body is an empty Export…Response
}

func (o *otlpRecorder) get(path string) [][]byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.bodies[path]
}

func attrMap(kvs []*commonpb.KeyValue) map[string]string {
	out := map[string]string{}
	for _, kv := range kvs {
		out[kv.Key] = kv.Value.GetStringValue()
	}
	return out
}

// TestServeOTel: with --otel, serve exports the request's spans and the
// metrics to the collector OTEL_EXPORTER_OTLP_ENDPOINT names, under
// OTEL_SERVICE_NAME, continuing the caller's trace, flushed at shutdown,
// and no export holds the session token, cookie, password or secret.
func TestServeOTel(t *testing.T) {
	addr := testdb.RedisAddr(t)
	collector := &otlpRecorder{bodies: map[string][][]byte{}}
	otlp := httptest.NewServer(collector)
	defer otlp.Close()

	t.Chdir(t.TempDir())
	secret := strings.Repeat("o", 40)
	for k, v := range map[string]string{
		"DATABASE_URL": "", "BETTER_AUTH_SECRET": secret, "BETTER_AUTH_SECRETS": "", "BETTER_AUTH_URL": "", "NODE_ENV": "",
		"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.URL, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "", "OTEL_EXPORTER_OTLP_COMPRESSION": "", "OTEL_TRACES_SAMPLER": "",
		"OTEL_SERVICE_NAME": "betterauth-test", "OTEL_RESOURCE_ATTRIBUTES": "",
	} {
		t.Setenv(k, v)
	}
	prefix, _ := redisPrefix(t, addr, "oteltest")
	base, stop := startServe(t, "--otel", "--redis", "redis://"+addr+"/0", "--redis-key-prefix", prefix)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	token := signUp(t, c, base, `{"email":"o@example.com","password":"password123","name":"O"}`)
	u, _ := urlpkg.Parse(base)
	var cookie string
	for _, ck := range jar.Cookies(u) {
		cookie = ck.Value
	}
	traceID := "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest("GET", base+"/api/me", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	r, err := c.Do(req)
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("/api/me: %v %v", r, err)
	}
	r.Body.Close()
	stop() // flushes

	traces, metrics := collector.get("/v1/traces"), collector.get("/v1/metrics")
	if len(traces) == 0 || len(metrics) == 0 {
		t.Fatalf("exports: %d of traces, %d of metrics", len(traces), len(metrics))
	}
	for _, body := range append(append([][]byte{}, traces...), metrics...) {
		for _, s := range []string{token, cookie, "password123", secret, prefix} {
			if strings.Contains(string(body), s) {
				t.Fatalf("an export holds %q", s)
			}
		}
	}

	spans := map[string]map[string]string{} // name → attributes of the /api/me trace
	for _, body := range traces {
		var export coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &export); err != nil {
			t.Fatal(err)
		}
		for _, rs := range export.ResourceSpans {
			if name := attrMap(rs.Resource.Attributes)["service.name"]; name != "betterauth-test" {
				t.Fatalf("service.name %q", name)
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					if hex.EncodeToString(s.TraceId) == traceID {
						spans[s.Name] = attrMap(s.Attributes)
					}
				}
			}
		}
	}
	if a := spans["GET /api/me"]; a == nil || a["http.route"] != "/api/me" {
		t.Fatalf("no server span continuing the caller's trace: %v", spans)
	}
	if a := spans["betterauth.verify"]; a["betterauth.outcome"] != "ok" || a["betterauth.credential"] != "cookie" {
		t.Fatalf("verify span %v", a)
	}
	if a := spans["betterauth.store get session and user"]; a["db.system.name"] != "redis" {
		t.Fatalf("session lookup span %v (all: %v)", a, spans)
	}
	if a := spans["betterauth.store get user"]; a != nil && a["db.system.name"] != "sqlite" {
		t.Fatalf("user read span %v", a)
	}

	names := map[string]bool{}
	for _, body := range metrics {
		var export colmetricpb.ExportMetricsServiceRequest
		if err := proto.Unmarshal(body, &export); err != nil {
			t.Fatal(err)
		}
		for _, rm := range export.ResourceMetrics {
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					names[m.Name] = true
				}
			}
		}
	}
	for _, want := range []string{"betterauth.verifications", "betterauth.verify.duration", "db.client.operation.duration"} {
		if !names[want] {
			t.Errorf("metric %s not exported (got %v)", want, names)
		}
	}
}
