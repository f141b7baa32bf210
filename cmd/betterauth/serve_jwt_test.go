package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"

	"github.com/betterauth-go/betterauth/jwt"
)

// TestServeJWTPlugin: with the jwt plugin in the schema, serve answers
// GET /api/auth/jwks and /api/auth/token and sets set-auth-jwt on
// get-session, and its tokens verify against its own /jwks.
func TestServeJWTPlugin(t *testing.T) {
	t.Chdir(t.TempDir())
	clearAuthEnv(t)
	base, _ := startServe(t, "--plugins", "jwt")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res := post(t, c, base, "/api/auth/sign-up/email", `{"email":"j@example.com","password":"password123","name":"J"}`)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	get := func(path string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, b
	}
	r, b := get("/api/auth/token")
	var tok struct{ Token string }
	if r.StatusCode != 200 || json.Unmarshal(b, &tok) != nil || tok.Token == "" {
		t.Fatalf("/token: %d %s", r.StatusCode, b)
	}
	if r, _ := get("/api/auth/get-session"); r.Header.Get("set-auth-jwt") == "" {
		t.Error("get-session without set-auth-jwt")
	}
	keys, err := jwt.NewRemoteJWKS(base+"/api/auth/jwks", jwt.RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := jwt.New(jwt.Config{Keys: keys, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := v.Verify(context.Background(), tok.Token)
	if err != nil || cl.Email != "j@example.com" {
		t.Fatalf("verify serve's token against its /jwks: %v %v", cl, err)
	}
}
