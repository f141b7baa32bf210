package conformance

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const secret = "conformance-secret-0123456789abcdefghijklmnop"

// database is one fresh database reachable from both Go and Node.
type database struct {
	dialect string
	url     string // what the harness gets
	open    func(t *testing.T, opts sqlstore.Options) *sqlstore.Store
}

// dialects returns a constructor of a fresh database per dialect.
func dialects() map[string]func(t *testing.T) database {
	out := map[string]func(t *testing.T) database{}
	for _, kind := range storetest.Kinds {
		out[kind.String()] = func(t *testing.T) database {
			db := storetest.NewDatabase(t, kind)
			return database{dialect: kind.String(), url: db.DSN, open: func(t *testing.T, opts sqlstore.Options) *sqlstore.Store {
				return db.Open(t, opts)
			}}
		}
	}
	return out
}

// forEachDialect runs fn once per database kind, each on its own database.
func forEachDialect(t *testing.T, fn func(t *testing.T, newDB func(t *testing.T) database)) {
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		newDB := dialects()[name]
		t.Run(name, func(t *testing.T) { fn(t, newDB) })
	}
}

func startBA(t *testing.T, db database, plugins []string, extra func(*batest.Config)) *batest.Harness {
	t.Helper()
	cfg := batest.Config{Dialect: db.dialect, URL: db.url, Secret: secret, Plugins: plugins}
	if extra != nil {
		extra(&cfg)
	}
	return batest.Start(t, cfg)
}

// sessionToken extracts and verifies the session token from Set-Cookie
// lines, exactly as a Go backend would from the browser's cookie.
func sessionToken(t *testing.T, setCookie []string) string {
	t.Helper()
	for _, line := range setCookie {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == "better-auth.session_token" && c.Value != "" {
			tok, err := ba.VerifySigned(c.Value, secret)
			if err != nil {
				t.Fatalf("Better Auth's session cookie does not verify in Go: %v", err)
			}
			return tok
		}
	}
	t.Fatalf("no session cookie in %q", setCookie)
	return ""
}

// sameJSON compares every key Better Auth sent with what Go encodes: values
// must be equal; keys Better Auth sent as null may be absent in Go.
func sameJSON(t *testing.T, what string, fromBA json.RawMessage, fromGo any) {
	t.Helper()
	var want map[string]any
	if err := json.Unmarshal(fromBA, &want); err != nil {
		t.Fatalf("%s: Better Auth JSON: %v (%s)", what, err, fromBA)
	}
	b, err := json.Marshal(fromGo)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		g, ok := got[k]
		if w == nil && !ok {
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s.%s: Go has %#v, Better Auth has %#v", what, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != nil {
			t.Errorf("%s.%s: Go has %#v, Better Auth has no such field", what, k, g)
		}
	}
}

func cookieFor(token string) string {
	return "better-auth.session_token=" + ba.SignCookieValue(token, secret)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func normalizeSQL(s string) string {
	var out []string
	for _, stmt := range strings.Split(s, ";") {
		stmt = strings.Join(strings.Fields(stmt), " ")
		if stmt != "" {
			out = append(out, stmt)
		}
	}
	return strings.Join(out, ";\n")
}
