package otel_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	ba "github.com/betterauth-go/betterauth"
	baotel "github.com/betterauth-go/betterauth/otel"
	"github.com/betterauth-go/betterauth/sqlite"
)

// One Tracer serves the store and the Verifier; the store's lookup is a
// child span of the verification. A real application gives it the
// providers it exports with (or none, for OpenTelemetry's global ones);
// here an in-memory exporter shows what is recorded.
func Example() {
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer provider.Shutdown(ctx)

	tracer, err := baotel.New(baotel.Options{TracerProvider: provider})
	if err != nil {
		log.Fatal(err)
	}

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{Tracer: tracer})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	verifier, err := ba.NewVerifier(ba.VerifierConfig{
		Secrets:  []ba.Secret{{Value: "a-long-random-secret-from-your-environment"}},
		Sessions: store,
		Tracer:   tracer,
	})
	if err != nil {
		log.Fatal(err)
	}
	spans.Reset() // forget the migration's setup

	r := httptest.NewRequest("GET", "/api/me", nil)
	r.Header.Set("Cookie", "better-auth.session_token="+ba.SignCookieValue("NoSuchTokenNoSuchTokenNoSuchTok", "a-long-random-secret-from-your-environment"))
	_, err = verifier.Verify(ctx, r)
	fmt.Println("verify:", err)
	for _, s := range spans.GetSpans() {
		fmt.Println(s.Name)
		for _, kv := range s.Attributes {
			fmt.Printf("  %s=%s\n", kv.Key, kv.Value.Emit())
		}
	}
	// Output:
	// verify: betterauth: session not found
	// betterauth.store get session and user
	//   db.system.name=sqlite
	//   db.operation.name=get session and user
	//   db.collection.name=session
	// betterauth.verify
	//   betterauth.credential=cookie
	//   betterauth.outcome=not_found
}
