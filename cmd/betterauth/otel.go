package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	global "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	ba "github.com/betterauth-go/betterauth"
	baotel "github.com/betterauth-go/betterauth/otel"
)

// defaultServiceName is service.name unless OTEL_SERVICE_NAME (or
// service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise.
const defaultServiceName = "betterauth"

// otelShutdownTimeout bounds the final flush of spans and metrics.
const otelShutdownTimeout = 5 * time.Second

// telemetry is what serve --otel sets up: OTLP over HTTP for traces and
// metrics, a Tracer for the Verifier and the stores, and HTTP server spans.
type telemetry struct {
	tracer     *baotel.Tracer
	traces     *sdktrace.TracerProvider
	metrics    *sdkmetric.MeterProvider
	propagator propagation.TextMapPropagator
}

// startTelemetry builds the exporters, which read the standard
// OTEL_EXPORTER_OTLP_* variables themselves (endpoint, headers, timeout,
// compression, certificates: by default http://localhost:4318); the SDK
// reads OTEL_TRACES_SAMPLER, OTEL_BSP_* and OTEL_METRIC_EXPORT_INTERVAL.
// Nothing is sent until there is something to send, so a collector that
// is down does not stop the server: exports fail, are logged, and spans
// are dropped.
func startTelemetry(ctx context.Context, log *slog.Logger) (*telemetry, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(defaultServiceName)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		return nil, fmt.Errorf("--otel: resource: %v", err)
	}
	traceExporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("--otel: trace exporter: %v", err)
	}
	metricExporter, err := otlpmetrichttp.New(ctx)
	if err != nil {
		_ = traceExporter.Shutdown(ctx)
		return nil, fmt.Errorf("--otel: metric exporter: %v", err)
	}
	// Export failures reach OpenTelemetry's global error handler, which
	// would print them with the standard logger; log them as ours.
	global.SetErrorHandler(global.ErrorHandlerFunc(func(err error) {
		log.Warn("OpenTelemetry export failed", "error", err.Error())
	}))
	t := &telemetry{
		traces:     sdktrace.NewTracerProvider(sdktrace.WithBatcher(traceExporter), sdktrace.WithResource(res)),
		metrics:    sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metricExporter)), sdkmetric.WithResource(res)),
		propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}
	if t.tracer, err = baotel.New(baotel.Options{TracerProvider: t.traces, MeterProvider: t.metrics}); err != nil {
		_ = t.shutdown()
		return nil, fmt.Errorf("--otel: %v", err)
	}
	return t, nil
}

// shutdown flushes what is left and stops the exporters.
func (t *telemetry) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), otelShutdownTimeout)
	defer cancel()
	return errors.Join(t.traces.Shutdown(ctx), t.metrics.Shutdown(ctx))
}

// handler gives each request a server span, continuing the caller's trace
// when it sends traceparent: the verification and store spans become its
// children. The span is named by method and route pattern, never by the
// path (a reset link's path holds its token), and carries no header,
// query or body.
func (t *telemetry) handler(next http.Handler) http.Handler {
	tracer := t.traces.Tracer("github.com/betterauth-go/betterauth/cmd/betterauth", trace.WithSchemaURL(semconv.SchemaURL))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := t.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(semconv.HTTPRequestMethodKey.String(r.Method)))
		defer span.End()
		sw := &spanWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		span.SetAttributes(semconv.HTTPResponseStatusCode(sw.status))
		// The server's mux records the pattern it matched ("GET
		// /api/me") on the request it was handed, this one: nothing in
		// between copies it.
		if pattern := r.Pattern; pattern != "" {
			if _, path, ok := strings.Cut(pattern, " "); ok {
				pattern = path
			}
			span.SetName(r.Method + " " + pattern)
			span.SetAttributes(semconv.HTTPRoute(pattern))
		}
		if sw.status >= 500 {
			span.SetStatus(codes.Error, strconv.Itoa(sw.status))
		}
	})
}

// spanWriter notes the status written, for the server span.
type spanWriter struct {
	http.ResponseWriter
	status int
}

func (w *spanWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *spanWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *spanWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// startTelemetryIf starts telemetry when on; a nil *telemetry (off) hands
// out no tracers and leaves the handler as it is.
func startTelemetryIf(ctx context.Context, on bool, log *slog.Logger) (*telemetry, error) {
	if !on {
		return nil, nil
	}
	t, err := startTelemetry(ctx, log)
	if err != nil {
		return nil, err
	}
	log.Info("OpenTelemetry on: traces and metrics go over OTLP/HTTP (OTEL_EXPORTER_OTLP_*)")
	return t, nil
}

// verifyTracer is the Verifier's tracer; nil when off (a nil interface,
// not a nil *otel.Tracer in one).
func (t *telemetry) verifyTracer() ba.VerifyTracer {
	if t == nil {
		return nil
	}
	return t.tracer
}

// queryTracer is the stores' tracer; nil when off.
func (t *telemetry) queryTracer() ba.QueryTracer {
	if t == nil {
		return nil
	}
	return t.tracer
}

// handlerOf wraps h with server spans when on.
func (t *telemetry) handlerOf(h http.Handler) http.Handler {
	if t == nil {
		return h
	}
	return t.handler(h)
}

// close flushes and stops telemetry when on, logging a failure.
func (t *telemetry) close(log *slog.Logger) {
	if t == nil {
		return
	}
	if err := t.shutdown(); err != nil {
		log.Warn("OpenTelemetry: final export failed", "error", err.Error())
	}
}
