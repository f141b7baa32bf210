package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestBaseURLNormalised: server.New keeps Config.BaseURL's origin, as
// Better Auth keeps new URL(baseURL).origin: upper case, the default port,
// a trailing slash and Better Auth's own /api/auth are dropped, so the
// origin check, links and the OpenAPI server name the origin browsers
// send. Any other path, user info, a query or another scheme is refused
// at New with the reason.
func TestBaseURLNormalised(t *testing.T) {
	st := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{})
	secrets := []ba.Secret{{Value: strings.Repeat("b", 40)}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct{ in, want string }{
		{"HTTP://LocalHost:80/", "http://localhost"},
		{"https://Auth.Example.COM:443", "https://auth.example.com"},
		{"https://auth.example.com:8443/api/auth/", "https://auth.example.com:8443"},
		{"http://127.0.0.1:3000//", "http://127.0.0.1:3000"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := server.New(server.Config{Store: st, Secrets: secrets, BaseURL: tc.in, Log: quiet})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			res, err := http.Get(srv.URL + "/api/openapi.json")
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Servers []struct{ URL string } `json:"servers"`
			}
			_ = json.NewDecoder(res.Body).Decode(&doc)
			res.Body.Close()
			if len(doc.Servers) != 1 || doc.Servers[0].URL != tc.want {
				t.Errorf("OpenAPI servers %v, want %q", doc.Servers, tc.want)
			}
			// A cookie-carrying POST from the origin itself passes the
			// origin check (a signed-out sign-out answers 200/400/401, never
			// 403 INVALID_ORIGIN).
			req, _ := http.NewRequest("POST", srv.URL+"/api/auth/sign-out", strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", tc.want)
			req.Header.Set("Cookie", "better-auth.session_token=x")
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 403 {
				t.Errorf("POST from %s: 403 %s", tc.want, body)
			}
		})
	}
	for _, tc := range []struct{ in, want string }{
		{"https://example.com/auth", `has the path "/auth"`},
		{"https://example.com/api/auth/extra", "has the path"},
		{"https://user:pw@example.com", "without user info"},
		{"https://example.com/?x=1", "query"},
		{"ftp://example.com", "scheme is not http or https"},
		{"example.com", "not an absolute"},
	} {
		t.Run("Refused/"+tc.in, func(t *testing.T) {
			_, err := server.New(server.Config{Store: st, Secrets: secrets, BaseURL: tc.in, Log: quiet})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("server.New(BaseURL %q): %v, want an error containing %q", tc.in, err, tc.want)
			}
		})
	}
}
