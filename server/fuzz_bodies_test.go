package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// FuzzRouteBodies sends arbitrary bodies, content types and query strings
// to every route that reads input, signed in as an admin with a fresh
// session each time (so that every route is reached past its session
// check). No input may cause a 5xx: a panic would surface as the
// recoverer's 500.
//
//	go test -run X -fuzz FuzzRouteBodies ./server
func FuzzRouteBodies(f *testing.F) {
	// PostgreSQL rather than SQLite: the SQLite engine is Go code, and its
	// coverage instrumentation slows fuzzing to a few executions a second.
	db := openPostgres(f, nil)
	ctx := context.Background()
	s, err := server.New(server.Config{Store: db.store, Secrets: []ba.Secret{{Value: secret}}, Bearer: true,
		CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheCompact}, Mailer: &captureMailer{},
		BaseURL: "http://fuzz.test", Log: discardLogger()})
	if err != nil {
		f.Fatal(err)
	}
	admin := ba.NewUser(ba.UserCreate{Name: "Admin", Email: "admin@example.com"}, time.Now())
	role := "admin"
	admin.Role = &role
	if err := db.store.CreateUser(ctx, admin); err != nil {
		f.Fatal(err)
	}
	target := ba.NewUser(ba.UserCreate{Name: "Target", Email: "target@example.com"}, time.Now())
	if err := db.store.CreateUser(ctx, target); err != nil {
		f.Fatal(err)
	}
	var routes [][2]string
	for _, p := range s.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		routes = append(routes, [2]string{method, strings.ReplaceAll(strings.ReplaceAll(path, "{id}", target.ID), "{token}", "tok")})
	}
	for i := range routes {
		for _, body := range []string{"{}", `{"email":"a@b.co","password":"password-123","name":"N"}`, `{"name":"x","image":null,"bio":"b","username":"u"}`,
			`{"token":"t","newPassword":"password-123","currentPassword":"password-123"}`, `{"banReason":"r","banExpiresIn":60,"role":"r"}`,
			`{"username":"Admin_1","password":"password-123","rememberMe":false,"callbackURL":"/x"}`, `{"username":""}`, "[", "\x00"} {
			f.Add(uint8(i), []byte(body), "application/json", "")
		}
		f.Add(uint8(i), []byte(`{"callbackURL":"//evil.example","redirectTo":"javascript:x"}`), "text/plain", "?callbackURL=%zz&limit=-1")
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, contentType, query string) {
		r := routes[int(route)%len(routes)]
		sess := ba.NewSession(ba.SessionCreate{UserID: admin.ID}, time.Now())
		if err := db.store.CreateSession(ctx, sess, nil); err != nil {
			t.Fatal(err)
		}
		target := r[1]
		if query != "" {
			if u, err := url.Parse(target + query); err == nil {
				target = u.RequestURI()
			}
		}
		req, err := http.NewRequest(r[0], "http://fuzz.test"+target, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", "http://fuzz.test")
		req.Header.Set("Cookie", "better-auth.session_token="+url.QueryEscape(ba.Sign(sess.Token, secret)))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q (%s): %d %s", r[0], target, body, contentType, rec.Code, rec.Body.String())
		}
	})
}
