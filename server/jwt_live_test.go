package server_test

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestLiveJWTRoutes runs serve's GET /api/auth/token, GET /api/auth/jwks
// and the set-auth-jwt header of get-session on the database (SQLite,
// PostgreSQL, MariaDB) of a real
// Better Auth 1.7.25 with the jwt plugin: Better Auth's verifyJWT accepts
// Go's tokens, their claims equal Better Auth's own for the same user, the
// key sets are byte-identical, and a caller without a session gets Better
// Auth's answer.
func TestLiveJWTRoutes(t *testing.T) {
	storetest.ForEachKind(t, testLiveJWTRoutes)
}

func testLiveJWTRoutes(t *testing.T, kind sqlstore.Kind) {
	db := storetest.NewDatabase(t, kind)
	h := batest.Start(t, batest.Config{Dialect: kind.String(), URL: db.DSN, Secret: secret, Plugins: []string{"jwt", "bearer"}})
	h.MustCall(t, "migrate", nil, nil)
	store := db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
	signer, err := jwt.NewSigner(jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: secret}}, BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, store, func(c *server.Config) { c.JWTSigner = signer })
	c := e.client()
	c.signUp("jwt@example.com", "correct-horse-battery")

	baVerify := func(token string) map[string]any {
		var out struct {
			Payload map[string]any `json:"payload"`
		}
		h.MustCall(t, "api", map[string]any{"method": "verifyJWT", "body": map[string]any{"token": token}}, &out)
		return out.Payload
	}
	claims := func(token string) map[string]any {
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("not a JWS: %d parts", len(parts))
		}
		p, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(p, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "iat")
		delete(m, "exp")
		return m
	}

	r := c.do("GET", "/api/auth/token", nil)
	var body struct{ Token string }
	if r.status != 200 || json.Unmarshal(r.body, &body) != nil || body.Token == "" {
		t.Fatalf("GET /token: %d %s", r.status, r.body)
	}
	if p := baVerify(body.Token); p == nil {
		t.Fatal("Better Auth's verifyJWT refused the token of GET /api/auth/token")
	}

	gs := c.do("GET", "/api/auth/get-session", nil)
	headerJWT := gs.header.Get("set-auth-jwt")
	if gs.status != 200 || headerJWT == "" {
		t.Fatalf("get-session: %d, no set-auth-jwt", gs.status)
	}
	if !strings.Contains(gs.header.Get("Access-Control-Expose-Headers"), "set-auth-jwt") {
		t.Errorf("Access-Control-Expose-Headers %q", gs.header.Get("Access-Control-Expose-Headers"))
	}
	if baVerify(headerJWT) == nil {
		t.Error("Better Auth's verifyJWT refused set-auth-jwt")
	}

	// Better Auth's own token for the same user has the same claims.
	si := h.Request(t, "POST", "/api/auth/sign-in/email", nil, map[string]any{"email": "jwt@example.com", "password": "correct-horse-battery"})
	if si.Status != 200 {
		t.Fatalf("Better Auth sign-in: %d %s", si.Status, si.Text)
	}
	bt := h.Request(t, "GET", "/api/auth/token", map[string]string{"cookie": batest.CookieHeader(si.SetCookie)}, nil)
	var baBody struct{ Token string }
	if bt.Status != 200 || bt.Decode(&baBody) != nil {
		t.Fatalf("Better Auth /token: %d %s", bt.Status, bt.Text)
	}
	if g, w := claims(body.Token), claims(baBody.Token); !reflect.DeepEqual(g, w) {
		t.Errorf("claims differ:\n go %v\n ba %v", g, w)
	}

	jw := c.do("GET", "/api/auth/jwks", nil)
	baJW := h.Request(t, "GET", "/api/auth/jwks", nil, nil)
	if jw.status != 200 || string(jw.body) != baJW.Text {
		t.Errorf("GET /jwks: %d\n go %s\n ba %s", jw.status, jw.body, baJW.Text)
	}
	if ct := jw.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("jwks content-type %q", ct)
	}

	anon := e.client().do("GET", "/api/auth/token", nil)
	baAnon := h.Request(t, "GET", "/api/auth/token", nil, nil)
	if anon.status != baAnon.Status || string(anon.body) != baAnon.Text {
		t.Errorf("no session: go %d %s, Better Auth %d %s", anon.status, anon.body, baAnon.Status, baAnon.Text)
	}

	// disableSettingJwtHeader: no header, the routes stay.
	off := newEnvOn(t, store, func(c *server.Config) { c.JWTSigner = signer; c.DisableJWTHeader = true })
	oc := off.client()
	oc.signUp("nojwt@example.com", "correct-horse-battery")
	if r := oc.do("GET", "/api/auth/get-session", nil); r.status != 200 || r.header.Get("set-auth-jwt") != "" {
		t.Errorf("DisableJWTHeader: %d, set-auth-jwt present: %v", r.status, r.header.Get("set-auth-jwt") != "")
	}
	if r := oc.do("GET", "/api/auth/token", nil); r.status != 200 {
		t.Errorf("DisableJWTHeader: /token %d", r.status)
	}
}

func TestJWKSPathRefused(t *testing.T) {
	store := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
	signer, err := jwt.NewSigner(jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: secret}}, BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"jwks", "/../jwks", "/a b", "/{x}"} {
		if _, err := server.New(server.Config{Store: store, Secrets: []ba.Secret{{Value: secret}}, JWTSigner: signer, JWKSPath: p}); err == nil {
			t.Errorf("JWKSPath %q accepted", p)
		}
	}
	// A custom path is served there, and /jwks is not.
	e := newEnvOn(t, store, func(c *server.Config) { c.JWTSigner = signer; c.JWKSPath = "/keys" })
	c := e.client()
	if r := c.do("GET", "/api/auth/keys", nil); r.status != 200 || !strings.HasPrefix(string(r.body), `{"keys":[{"alg":"EdDSA"`) {
		t.Errorf("/keys: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/api/auth/jwks", nil); r.status != 404 {
		t.Errorf("/jwks with a custom path: %d", r.status)
	}
	// A forged session cookie gets 401, never a token.
	r := c.do("GET", "/api/auth/token", nil, "Cookie", "better-auth.session_token=forged.AAAA")
	if r.status != 401 || strings.Contains(string(r.body), "token\":\"ey") {
		t.Errorf("forged cookie: %d %s", r.status, r.body)
	}
}

func TestOpenAPIDocumentsJWTRoutes(t *testing.T) {
	store := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
	signer, err := jwt.NewSigner(jwt.SignerConfig{Store: store, Secrets: []ba.Secret{{Value: secret}}, BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Store: store, Secrets: []ba.Secret{{Value: secret}}, JWTSigner: signer, JWKSPath: "/keys"})
	if err != nil {
		t.Fatal(err)
	}
	paths := s.OpenAPI()["paths"].(map[string]map[string]any)
	for _, p := range s.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if _, ok := paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
	if _, ok := paths["/api/auth/keys"]["get"]; !ok {
		t.Error("custom JWKS path not documented")
	}
}
