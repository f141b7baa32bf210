// Package otel reports session verifications and store operations to
// OpenTelemetry, as spans and metrics, through the official API
// (go.opentelemetry.io/otel).
//
// One *Tracer implements both hooks the rest of the module offers:
// betterauth.VerifyTracer (VerifierConfig.Tracer, server.Config.VerifyTracer)
// and betterauth.QueryTracer (sqlstore.Options.Tracer — so postgres,
// mysql and sqlite.Options — and redis.Options.Tracer). It makes:
//
//   - a span "betterauth.verify" per verification, with betterauth.outcome
//     (ok, no_session, invalid_signature, not_found, expired, banned,
//     unavailable, error), betterauth.credential (cookie, bearer,
//     cookie-cache) and betterauth.cookie_cache.strategy; its status is
//     Error only when the store failed;
//   - a client span "betterauth.store <operation>" per store operation
//     ("betterauth.store get session and user"), a child of the
//     verification when the verification made it, with db.system.name
//     (postgresql, mysql, sqlite, redis), db.operation.name,
//     db.collection.name and, on failure, error.type;
//   - the metrics betterauth.verifications (a counter) and
//     betterauth.verify.duration (a histogram, seconds) by outcome and
//     credential, and db.client.operation.duration (seconds) by system,
//     operation, table and error.type.
//
// No attribute, event or status holds a token, cookie value, key, secret,
// email or SQL argument, and error messages are never recorded (only their
// class): the hooks do not pass such values, and a message could.
//
// It is not an SDK setup: it uses the TracerProvider and MeterProvider it
// is given (the global ones by default), and exporting, sampling and
// resources are the application's (betterauth serve --otel sets up OTLP
// over HTTP from the OTEL_* environment variables). It makes no HTTP server
// spans either; wrap your handler with go.opentelemetry.io/contrib's
// otelhttp for those, and the verification spans become their children.
//
// The import name otel is also OpenTelemetry's; rename one of them:
//
//	import baotel "github.com/betterauth-go/betterauth/otel"
//
//	tracer, err := baotel.New(baotel.Options{}) // the global providers
//	store, err := postgres.New(pool, postgres.Options{Tracer: tracer})
//	verifier, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store, Tracer: tracer})
package otel
