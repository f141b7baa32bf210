package otel

import (
	"context"
	"errors"
	"slices"
	"sync"

	global "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	ba "github.com/betterauth-go/betterauth"
)

// ScopeName is the instrumentation scope of the spans and metrics.
const ScopeName = "github.com/betterauth-go/betterauth/otel"

// Span names.
const (
	// SpanVerify is the span of one verification.
	SpanVerify = "betterauth.verify"
	// SpanStorePrefix starts the span name of a store operation, which
	// ends with the operation: "betterauth.store get session and user".
	SpanStorePrefix = "betterauth.store "
)

// Attribute keys of verification spans and metrics. Store spans and the
// store metric use OpenTelemetry's database conventions instead
// (db.system.name, db.operation.name, db.collection.name, error.type).
const (
	// AttrOutcome is betterauth.Outcome: ok, no_session,
	// invalid_signature, not_found, expired, banned, unavailable, error.
	AttrOutcome = attribute.Key("betterauth.outcome")
	// AttrCredential is the betterauth.Credential the request presented:
	// cookie, bearer, cookie-cache; absent when there was none.
	AttrCredential = attribute.Key("betterauth.credential")
	// AttrCookieCache is the cookie cache strategy (compact, jwt, jwe) of
	// a verification answered by the session_data cookie.
	AttrCookieCache = attribute.Key("betterauth.cookie_cache.strategy")
)

// Metric names.
const (
	// MetricVerifications counts verifications by outcome, credential and
	// cookie cache strategy.
	MetricVerifications = "betterauth.verifications"
	// MetricVerifyDuration is the duration of verifications, in seconds,
	// by the same attributes.
	MetricVerifyDuration = "betterauth.verify.duration"
	// MetricStoreDuration is the duration of store operations, in
	// seconds: OpenTelemetry's db.client.operation.duration, by
	// db.system.name, db.operation.name, db.collection.name and
	// error.type.
	MetricStoreDuration = "db.client.operation.duration"
)

// Options configure a Tracer. The zero value uses OpenTelemetry's global
// providers.
type Options struct {
	// TracerProvider makes the spans. Default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the metrics. Default otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

// Tracer turns betterauth's hooks into OpenTelemetry spans and metrics. It
// is a betterauth.VerifyTracer (VerifierConfig.Tracer,
// server.Config.VerifyTracer) and a betterauth.QueryTracer
// (sqlstore.Options.Tracer, redis.Options.Tracer); one Tracer can serve a
// Verifier and all its stores. It is safe for concurrent use.
type Tracer struct {
	tracer        trace.Tracer
	verifications metric.Int64Counter
	verifyTime    metric.Float64Histogram
	storeTime     metric.Float64Histogram

	verifySets sync.Map // verifyKey → attribute.Set
	storeOps   sync.Map // storeKey → *storeOp
}

var (
	_ ba.VerifyTracer = (*Tracer)(nil)
	_ ba.QueryTracer  = (*Tracer)(nil)
)

// Advisory histogram buckets, in seconds: a cookie-cache verification
// takes microseconds, a store read over loopback a few hundred.
var (
	verifyBuckets = []float64{.00001, .000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
	storeBuckets  = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
)

// New builds a Tracer and its instruments.
func New(opts Options) (*Tracer, error) {
	tp, mp := opts.TracerProvider, opts.MeterProvider
	if tp == nil {
		tp = global.GetTracerProvider()
	}
	if mp == nil {
		mp = global.GetMeterProvider()
	}
	t := &Tracer{tracer: tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))}
	meter := mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	var err, e error
	t.verifications, e = meter.Int64Counter(MetricVerifications, metric.WithUnit("{verification}"),
		metric.WithDescription("Session verifications by outcome and credential."))
	err = errors.Join(err, e)
	t.verifyTime, e = meter.Float64Histogram(MetricVerifyDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of session verifications."), metric.WithExplicitBucketBoundaries(verifyBuckets...))
	err = errors.Join(err, e)
	t.storeTime, e = meter.Float64Histogram(MetricStoreDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."), metric.WithExplicitBucketBoundaries(storeBuckets...))
	err = errors.Join(err, e)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// VerifyStart starts the span of a verification (betterauth.VerifyTracer).
func (t *Tracer) VerifyStart(ctx context.Context) context.Context {
	ctx, _ = t.tracer.Start(ctx, SpanVerify)
	return ctx
}

// VerifyEnd ends the span VerifyStart started, with the outcome and the
// credential kind, and records the metrics. The span's status is Error
// only when the store failed (unavailable, error): a missing or expired
// session is an answer, not a fault. The error's message is never
// recorded.
func (t *Tracer) VerifyEnd(ctx context.Context, info ba.VerifyInfo) {
	set := t.verifySet(info)
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		span.SetAttributes(set.ToSlice()...)
		if info.Outcome == ba.OutcomeUnavailable || info.Outcome == ba.OutcomeError {
			span.SetAttributes(semconv.ErrorTypeKey.String(string(info.Outcome)))
			span.SetStatus(codes.Error, string(info.Outcome))
		}
	}
	span.End()
	opt := metric.WithAttributeSet(set)
	t.verifications.Add(ctx, 1, opt)
	t.verifyTime.Record(ctx, info.Duration.Seconds(), opt)
}

type verifyKey struct {
	outcome    ba.Outcome
	credential ba.Credential
	strategy   ba.CookieCacheStrategy
}

// verifySet returns the attributes of a verification, built once per
// combination (there are a few dozen).
func (t *Tracer) verifySet(info ba.VerifyInfo) attribute.Set {
	k := verifyKey{info.Outcome, info.Credential, info.CookieCache}
	if s, ok := t.verifySets.Load(k); ok {
		return s.(attribute.Set)
	}
	kv := []attribute.KeyValue{AttrOutcome.String(string(k.outcome))}
	if k.credential != "" {
		kv = append(kv, AttrCredential.String(string(k.credential)))
	}
	if k.strategy != "" {
		kv = append(kv, AttrCookieCache.String(string(k.strategy)))
	}
	s, _ := t.verifySets.LoadOrStore(k, attribute.NewSet(kv...))
	return s.(attribute.Set)
}

// QueryStart starts the client span of a store operation
// (betterauth.QueryTracer).
func (t *Tracer) QueryStart(ctx context.Context, info ba.QueryInfo) context.Context {
	op := t.storeOp(info, "")
	ctx, _ = t.tracer.Start(ctx, op.name, op.start...)
	return ctx
}

// QueryEnd ends the span QueryStart started and records the operation's
// duration. An error other than betterauth.ErrNotFound (an answer: no
// such row) sets error.type and the Error status, with the error's class
// (duplicate, invalid, unavailable), never its message.
func (t *Tracer) QueryEnd(ctx context.Context, info ba.QueryInfo) {
	errType := errorType(info.Err)
	span := trace.SpanFromContext(ctx)
	if errType != "" && span.IsRecording() {
		span.SetAttributes(semconv.ErrorTypeKey.String(errType))
		span.SetStatus(codes.Error, errType)
	}
	span.End()
	t.storeTime.Record(ctx, info.Duration.Seconds(), metric.WithAttributeSet(t.storeOp(info, errType).attrs))
}

// errorType is the error.type of a store error: "" for none and for
// ErrNotFound.
func errorType(err error) string {
	switch {
	case err == nil, errors.Is(err, ba.ErrNotFound):
		return ""
	case errors.Is(err, ba.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, ba.ErrDuplicate):
		return "duplicate"
	case errors.Is(err, ba.ErrInvalid):
		return "invalid"
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

type storeKey struct{ system, operation, table, errType string }

// storeOp is what the spans and metrics of one kind of store operation
// share, built once: stores name a few dozen operations.
type storeOp struct {
	name  string
	start []trace.SpanStartOption
	attrs attribute.Set
}

func (t *Tracer) storeOp(info ba.QueryInfo, errType string) *storeOp {
	k := storeKey{info.System, info.Operation, info.Table, errType}
	if op, ok := t.storeOps.Load(k); ok {
		return op.(*storeOp)
	}
	kv := []attribute.KeyValue{semconv.DBSystemNameKey.String(info.System), semconv.DBOperationName(info.Operation)}
	if info.Table != "" {
		kv = append(kv, semconv.DBCollectionName(info.Table))
	}
	op := &storeOp{name: SpanStorePrefix + info.Operation}
	op.start = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(slices.Clone(kv)...)}
	if errType != "" {
		kv = append(kv, semconv.ErrorTypeKey.String(errType))
	}
	op.attrs = attribute.NewSet(kv...) // sorts kv, hence the clone above
	v, _ := t.storeOps.LoadOrStore(k, op)
	return v.(*storeOp)
}
