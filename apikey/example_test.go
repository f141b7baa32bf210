package apikey_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/apikey"
	"github.com/betterauth-go/betterauth/sqlite"
)

// A Go API next to a Better Auth app accepts the API keys its users create
// there. Here the database, user and key are made in Go so that the example
// runs on its own; in real use they come from Better Auth.
func ExampleMiddleware() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "apikey-example")
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "auth.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlite.New(db, sqlite.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAPIKey}}})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	keys, err := store.APIKeys()
	if err != nil {
		log.Fatal(err)
	}

	// What POST /api/auth/api-key/create leaves behind.
	user := &ba.User{Name: "Ada", Email: "ada@example.com"}
	_ = store.CreateUser(ctx, user)
	key := "ba_" + "QKxWmMztLrbHvTnYpAsDcEfGhJkLqWeRtYuIoPaSdFgHjKlZxCvBnMqWeRtYuIoP"
	_ = keys.CreateAPIKey(ctx, &ba.APIKey{ReferenceID: user.ID, Key: apikey.Hash(key)})

	v, err := apikey.New(apikey.Config{Keys: keys, Users: store})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", apikey.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello", apikey.User(r.Context()).Name)
	})))
	srv := httptest.NewServer(apikey.Middleware(v)(mux))
	defer srv.Close()

	for _, k := range []string{key, "ba_" + key[3:60] + "wrongkey"} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/me", nil)
		req.Header.Set("x-api-key", k)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d %s", resp.StatusCode, body)
	}
	// Output:
	// 200 hello Ada
	// 401 {"message":"Invalid API key.","code":"INVALID_API_KEY"}
}
