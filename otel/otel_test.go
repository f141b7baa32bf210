package otel_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	baotel "github.com/betterauth-go/betterauth/otel"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/sqlite"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const secret = "otel-test-secret-0123456789abcdef0123456789"

// env is a Tracer on in-memory SDK providers, a SQLite store and a
// Verifier reporting to it, and one signed-in user.
type env struct {
	spans    *tracetest.InMemoryExporter
	metrics  *sdkmetric.ManualReader
	tracer   *baotel.Tracer
	store    *sqlstore.Store
	verifier *ba.Verifier
	user     *ba.User
	sess     *ba.Session
	cookie   string // the session cookie's value
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{spans: tracetest.NewInMemoryExporter(), metrics: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(e.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(e.metrics))
	t.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })
	var err error
	if e.tracer, err = baotel.New(baotel.Options{TracerProvider: tp, MeterProvider: mp}); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if e.store, err = sqlite.New(db, sqlite.Options{Tracer: e.tracer}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e.user = &ba.User{Name: "Otel", Email: "otel@example.com"}
	if err := e.store.CreateUser(ctx, e.user); err != nil {
		t.Fatal(err)
	}
	e.sess = &ba.Session{UserID: e.user.ID}
	if err := e.store.CreateSession(ctx, e.sess, e.user); err != nil {
		t.Fatal(err)
	}
	e.cookie = ba.SignCookieValue(e.sess.Token, secret)
	e.verifier = e.newVerifier(t, e.store)
	e.spans.Reset()
	return e
}

func (e *env) newVerifier(t *testing.T, sessions ba.SessionStore) *ba.Verifier {
	t.Helper()
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: sessions,
		BaseURL: "http://localhost:3000", Bearer: ba.BearerConfig{Enabled: true}, Tracer: e.tracer})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func cookieRequest(value string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "better-auth.session_token="+value)
	return r
}

// take returns the spans ended since the last take, by name.
func (e *env) take(t *testing.T) map[string]tracetest.SpanStub {
	t.Helper()
	out := map[string]tracetest.SpanStub{}
	for _, s := range e.spans.GetSpans() {
		if _, dup := out[s.Name]; dup {
			t.Fatalf("two %q spans", s.Name)
		}
		out[s.Name] = s
	}
	e.spans.Reset()
	return out
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	out := map[string]string{}
	for _, kv := range kvs {
		out[string(kv.Key)] = kv.Value.Emit()
	}
	return out
}

func mustAttrs(t *testing.T, what string, kvs []attribute.KeyValue, want map[string]string) {
	t.Helper()
	got := attrs(kvs)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s attributes %v, want %v", what, got, want)
	}
}

// mustNotHold fails if any span's name, attribute, event, link or status
// holds one of the secrets.
func mustNotHold(t *testing.T, spans map[string]tracetest.SpanStub, secrets ...string) {
	t.Helper()
	for _, s := range spans {
		texts := []string{s.Name, s.Status.Description}
		for _, kv := range s.Attributes {
			texts = append(texts, string(kv.Key), kv.Value.Emit())
		}
		for _, ev := range s.Events {
			texts = append(texts, ev.Name)
			for _, kv := range ev.Attributes {
				texts = append(texts, string(kv.Key), kv.Value.Emit())
			}
		}
		for _, kv := range s.Resource.Attributes() {
			texts = append(texts, kv.Value.Emit())
		}
		for _, text := range texts {
			for _, secret := range secrets {
				if secret != "" && strings.Contains(text, secret) {
					t.Fatalf("span %q holds a secret in %q", s.Name, text)
				}
			}
		}
	}
}

func TestVerifySpans(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	secrets := []string{e.sess.Token, e.cookie, ba.Sign(e.sess.Token, secret), secret, e.user.Email}

	t.Run("OK", func(t *testing.T) {
		if _, err := e.verifier.Verify(ctx, cookieRequest(e.cookie)); err != nil {
			t.Fatal(err)
		}
		spans := e.take(t)
		if len(spans) != 2 {
			t.Fatalf("spans %v", spans)
		}
		verify, store := spans["betterauth.verify"], spans["betterauth.store get session and user"]
		mustAttrs(t, "verify", verify.Attributes, map[string]string{"betterauth.outcome": "ok", "betterauth.credential": "cookie"})
		mustAttrs(t, "store", store.Attributes, map[string]string{"db.system.name": "sqlite", "db.operation.name": "get session and user", "db.collection.name": "session"})
		if store.Parent.SpanID() != verify.SpanContext.SpanID() {
			t.Fatal("the store span is not the verification's child")
		}
		if verify.Status.Code != codes.Unset || store.Status.Code != codes.Unset || store.SpanKind.String() != "client" {
			t.Fatalf("status %v/%v, store kind %v", verify.Status, store.Status, store.SpanKind)
		}
		mustNotHold(t, spans, secrets...)
	})

	t.Run("InvalidSignature", func(t *testing.T) {
		forged := e.sess.Token + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"
		if _, err := e.verifier.Verify(ctx, cookieRequest(forged)); !errors.Is(err, ba.ErrInvalidSignature) {
			t.Fatal(err)
		}
		spans := e.take(t)
		if len(spans) != 1 {
			t.Fatalf("a forged cookie reached the store: %v", spans)
		}
		mustAttrs(t, "verify", spans["betterauth.verify"].Attributes, map[string]string{"betterauth.outcome": "invalid_signature", "betterauth.credential": "cookie"})
		mustNotHold(t, spans, append(secrets, forged)...)
	})

	t.Run("NotFound", func(t *testing.T) {
		unknown := ba.SignCookieValue("UnknownTokenUnknownTokenUnknown0", secret)
		if _, err := e.verifier.Verify(ctx, cookieRequest(unknown)); !errors.Is(err, ba.ErrSessionNotFound) {
			t.Fatal(err)
		}
		spans := e.take(t)
		mustAttrs(t, "verify", spans["betterauth.verify"].Attributes, map[string]string{"betterauth.outcome": "not_found", "betterauth.credential": "cookie"})
		// No such row is an answer, not a failure of the database.
		if store := spans["betterauth.store get session and user"]; store.Status.Code != codes.Unset || attrs(store.Attributes)["error.type"] != "" {
			t.Fatalf("store span %+v", store)
		}
		mustNotHold(t, spans, append(secrets, unknown, "UnknownTokenUnknownTokenUnknown0")...)
	})

	t.Run("Bearer", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+ba.Sign(e.sess.Token, secret))
		if _, err := e.verifier.Verify(ctx, r); err != nil {
			t.Fatal(err)
		}
		spans := e.take(t)
		mustAttrs(t, "verify", spans["betterauth.verify"].Attributes, map[string]string{"betterauth.outcome": "ok", "betterauth.credential": "bearer"})
		mustNotHold(t, spans, secrets...)
	})

	t.Run("Unavailable", func(t *testing.T) {
		down := e.newVerifier(t, failingStore{})
		if _, err := down.Verify(ctx, cookieRequest(e.cookie)); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatal(err)
		}
		spans := e.take(t)
		verify := spans["betterauth.verify"]
		mustAttrs(t, "verify", verify.Attributes, map[string]string{"betterauth.outcome": "unavailable", "betterauth.credential": "cookie", "error.type": "unavailable"})
		// The store's message names the token; it must not reach the span.
		if verify.Status.Code != codes.Error || verify.Status.Description != "unavailable" {
			t.Fatalf("status %+v", verify.Status)
		}
		mustNotHold(t, spans, secrets...)
	})
}

// failingStore fails with a message that holds the token, as a careless
// custom store might.
type failingStore struct{}

func (failingStore) GetSessionAndUser(_ context.Context, token string) (*ba.Session, *ba.User, error) {
	return nil, nil, fmt.Errorf("%w: lookup of %s timed out", ba.ErrUnavailable, token)
}

func TestStoreSpans(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	t.Run("OK", func(t *testing.T) {
		if _, err := e.store.GetUser(ctx, e.user.ID); err != nil {
			t.Fatal(err)
		}
		s := e.take(t)["betterauth.store get user"]
		mustAttrs(t, "get user", s.Attributes, map[string]string{"db.system.name": "sqlite", "db.operation.name": "get user", "db.collection.name": "user"})
		if s.Parent.IsValid() {
			t.Fatal("a store call outside any span has a parent")
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		if err := e.store.CreateUser(ctx, &ba.User{Name: "Again", Email: e.user.Email}); !errors.Is(err, ba.ErrDuplicate) {
			t.Fatal(err)
		}
		spans := e.take(t)
		s := spans["betterauth.store create user"]
		if attrs(s.Attributes)["error.type"] != "duplicate" || s.Status.Code != codes.Error || s.Status.Description != "duplicate" {
			t.Fatalf("%+v", s)
		}
		mustNotHold(t, spans, e.user.Email)
	})
	t.Run("Unavailable", func(t *testing.T) {
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.store.GetUser(canceled, e.user.ID); !errors.Is(err, ba.ErrUnavailable) {
			t.Fatal(err)
		}
		s := e.take(t)["betterauth.store get user"]
		if attrs(s.Attributes)["error.type"] != "unavailable" || s.Status.Code != codes.Error {
			t.Fatalf("%+v", s)
		}
	})
}

func TestRedisSpans(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	client := goredis.NewClient(&goredis.Options{Addr: testdb.RedisAddr(t)})
	t.Cleanup(func() { _ = client.Close() })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "batest-otel:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		keys, _ := client.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			_ = client.Del(context.Background(), keys...).Err()
		}
	})
	rs, err := redis.New(client, redis.Options{KeyPrefix: prefix, Tracer: e.tracer})
	if err != nil {
		t.Fatal(err)
	}
	sess := &ba.Session{}
	if err := rs.CreateSession(ctx, sess, e.user); err != nil {
		t.Fatal(err)
	}
	v := e.newVerifier(t, rs)
	e.spans.Reset()

	cookie := ba.SignCookieValue(sess.Token, secret)
	if _, err := v.Verify(ctx, cookieRequest(cookie)); err != nil {
		t.Fatal(err)
	}
	spans := e.take(t)
	verify, lookup := spans["betterauth.verify"], spans["betterauth.store get session and user"]
	mustAttrs(t, "lookup", lookup.Attributes, map[string]string{"db.system.name": "redis", "db.operation.name": "get session and user"})
	if lookup.Parent.SpanID() != verify.SpanContext.SpanID() {
		t.Fatal("the Redis lookup is not the verification's child")
	}
	mustNotHold(t, spans, sess.Token, cookie, prefix, secret)

	if err := rs.DeleteSessionByToken(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, cookieRequest(cookie)); !errors.Is(err, ba.ErrSessionNotFound) {
		t.Fatal(err)
	}
	spans = e.take(t)
	if _, ok := spans["betterauth.store delete session"]; !ok {
		t.Fatalf("no delete span: %v", spans)
	}
	mustAttrs(t, "verify", spans["betterauth.verify"].Attributes, map[string]string{"betterauth.outcome": "not_found", "betterauth.credential": "cookie"})
	mustNotHold(t, spans, sess.Token, cookie, prefix, secret)
}

func TestMetrics(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for range 3 {
		if _, err := e.verifier.Verify(ctx, cookieRequest(e.cookie)); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = e.verifier.Verify(ctx, cookieRequest("forged.AAAA"))
	_, _ = e.verifier.Verify(ctx, httptest.NewRequest("GET", "/", nil))

	var rm metricdata.ResourceMetrics
	if err := e.metrics.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	byName := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != baotel.ScopeName {
			t.Errorf("scope %q", sm.Scope.Name)
		}
		for _, m := range sm.Metrics {
			byName[m.Name] = m
		}
	}

	counts := map[string]int64{}
	sum, ok := byName["betterauth.verifications"].Data.(metricdata.Sum[int64])
	if !ok || !sum.IsMonotonic {
		t.Fatalf("betterauth.verifications: %+v", byName["betterauth.verifications"])
	}
	for _, dp := range sum.DataPoints {
		counts[fmt.Sprint(attrs(dp.Attributes.ToSlice()))] += dp.Value
	}
	want := map[string]int64{
		fmt.Sprint(map[string]string{"betterauth.outcome": "ok", "betterauth.credential": "cookie"}):                3,
		fmt.Sprint(map[string]string{"betterauth.outcome": "invalid_signature", "betterauth.credential": "cookie"}): 1,
		fmt.Sprint(map[string]string{"betterauth.outcome": "no_session"}):                                           1,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("verification counts %v, want %v", counts, want)
	}

	hist, ok := byName["betterauth.verify.duration"].Data.(metricdata.Histogram[float64])
	if !ok || byName["betterauth.verify.duration"].Unit != "s" {
		t.Fatalf("betterauth.verify.duration: %+v", byName["betterauth.verify.duration"])
	}
	var n uint64
	for _, dp := range hist.DataPoints {
		n += dp.Count
	}
	if n != 5 {
		t.Fatalf("%d verification durations, want 5", n)
	}

	store, ok := byName["db.client.operation.duration"].Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("db.client.operation.duration: %+v", byName["db.client.operation.duration"])
	}
	lookups := uint64(0)
	for _, dp := range store.DataPoints {
		a := attrs(dp.Attributes.ToSlice())
		if a["db.operation.name"] == "get session and user" && a["db.system.name"] == "sqlite" && a["db.collection.name"] == "session" {
			lookups += dp.Count
		}
	}
	if lookups != 3 {
		t.Fatalf("%d lookups measured, want 3: %+v", lookups, store.DataPoints)
	}
	// Nothing of the session in any metric attribute either.
	for _, m := range byName {
		if text := fmt.Sprintf("%+v", m.Data); strings.Contains(text, e.sess.Token) || strings.Contains(text, e.cookie) {
			t.Fatalf("metric %s holds the token", m.Name)
		}
	}
}

// TestGlobalProviders: the zero Options use OpenTelemetry's global
// providers (no-ops until the application sets them), without failing.
func TestGlobalProviders(t *testing.T) {
	tr, err := baotel.New(baotel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := tr.VerifyStart(context.Background())
	tr.VerifyEnd(ctx, ba.VerifyInfo{Outcome: ba.OutcomeOK, Duration: time.Millisecond})
	ctx = tr.QueryStart(context.Background(), ba.QueryInfo{System: "sqlite", Operation: "get user"})
	tr.QueryEnd(ctx, ba.QueryInfo{System: "sqlite", Operation: "get user", Duration: time.Millisecond})
}
