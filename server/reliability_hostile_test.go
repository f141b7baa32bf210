package server_test

// Hostile input at the HTTP level: thousands of malformed requests to every
// route — bad cookies, bad percent-encoding, NUL bytes, 8 KB headers, huge
// and deeply nested JSON, wrong content types, unicode confusables in
// emails. Requests are written as raw bytes, since net/http's client
// refuses to send most of them. No answer may be a 5xx, nothing may panic,
// and the server must still serve a valid session afterwards.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

type hostileRequest struct {
	label   string
	method  string
	target  string // request-target, bytes as they are
	headers []string
	body    string
}

func (h hostileRequest) bytes(host string) []byte {
	var b strings.Builder
	b.WriteString(h.method + " " + h.target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n")
	hasCT := false
	for _, hd := range h.headers {
		b.WriteString(hd + "\r\n")
		hasCT = hasCT || strings.HasPrefix(strings.ToLower(hd), "content-type:")
	}
	if h.body != "" || h.method == "POST" || h.method == "PATCH" {
		if !hasCT {
			b.WriteString("Content-Type: application/json\r\n")
		}
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(h.body))
	}
	b.WriteString("\r\n" + h.body)
	return []byte(b.String())
}

// confusableEmails look like admin@example.com and are not it.
var confusableEmails = []string{
	"аdmin@example.com",          // Cyrillic а
	"ａdmin@example.com",          // fullwidth
	"admin@exаmple.com",          // Cyrillic а in the domain
	"admin\u200b@example.com",    // zero-width space
	"admin@example.com\u202e",    // right-to-left override
	"\u0430dmin@example.com",     // Cyrillic а again, escaped
	"admın@example.com",          // dotless ı
	"admin@example.com\x00.evil", // NUL
	"ADMİN@EXAMPLE.COM",          // dotted capital İ
	"admin@example.com ",         // trailing space
}

func hostileBodies(valid map[string]any) []string {
	nested := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	arrays := strings.Repeat("[", 200000)
	huge := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	justUnder := strings.Repeat(" ", (1<<20)-8) + `{"x":1}`
	withNUL, _ := json.Marshal(map[string]any{"email": "\x00@x.co", "password": "\x00\x00\x00\x00\x00\x00\x00\x00", "name": "\x00", "token": "\x00", "newPassword": "\x00\x00\x00\x00\x00\x00\x00\x00", "currentPassword": "\x00", "role": "\x00", "banReason": "\x00"})
	wrongTypes := `{"email":1,"password":true,"name":{},"token":[],"newPassword":null,"currentPassword":1e999,"rememberMe":"yes","image":5,"username":[1],"bio":{"a":1},"role":false,"banExpiresIn":"soon","revokeOtherSessions":"true","callbackURL":7}`
	bodies := []string{"", "{", "}", "[]", "null", "0", `"x"`, "{}", "\xff\xfe{}", `{"email":"\xff\xfe@x.co","name":"\xc3\x28"}`,
		nested, arrays, huge, justUnder, string(withNUL), wrongTypes,
		`{"email":"a@b.co","email":"admin@example.com","password":"x"}`,
		`{"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}`,
		`{"email":"` + strings.Repeat("a", 300) + `@example.com","password":"password-123"}`,
		`{"password":"` + strings.Repeat("p", 200) + `","newPassword":"` + strings.Repeat("p", 200) + `"}`,
		`{"callbackURL":"javascript:alert(1)","redirectTo":"//evil.example/x"}`,
		`{"callbackURL":"https://evil.example/","redirectTo":"/\\evil.example"}`,
		`{"banExpiresIn":1e308,"role":"` + strings.Repeat("r", 300) + `"}`,
		`{"banExpiresIn":-1}`,
		`{"image":null,"username":null,"bio":null}`,
	}
	for _, e := range confusableEmails {
		b, _ := json.Marshal(map[string]any{"email": e, "password": "password-admin-1", "name": "Confusable"})
		bodies = append(bodies, string(b))
	}
	if valid != nil {
		b, _ := json.Marshal(valid)
		bodies = append(bodies, string(b))
	}
	return bodies
}

func TestHostileRequests(t *testing.T) {
	db := openSQLite(t)
	e := newEnvOn(t, db.store, func(c *server.Config) {
		c.Bearer = true
		c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact}
	})
	ctx := context.Background()
	admin := signUpRaw(t, e, "admin@example.com", "password-admin-1")
	if _, err := db.store.UpdateUser(ctx, admin.userID, ba.UserUpdate{Role: ba.Value("admin")}); err != nil {
		t.Fatal(err)
	}
	victim := ba.NewUser(ba.UserCreate{Name: "Victim", Email: "victim@example.com"}, time.Now())
	if err := db.store.CreateUser(ctx, victim); err != nil {
		t.Fatal(err)
	}
	// A bystander whose session is never sent with the junk: it must
	// survive everything.
	bystander := signUpRaw(t, e, "bystander@example.com", "password-bystander")

	s, err := server.New(server.Config{Store: db.store, Secrets: []ba.Secret{{Value: secret}}})
	if err != nil {
		t.Fatal(err)
	}
	patterns := s.Patterns()
	// Routes that end the admin's sessions go last, so that the others
	// are reached signed in.
	destructive := func(p string) bool {
		return strings.Contains(p, "sign-out") || strings.Contains(p, "revoke") || strings.Contains(p, "/sessions") || strings.Contains(p, "/ban") || strings.Contains(p, "change-password")
	}
	sort.SliceStable(patterns, func(i, j int) bool { return !destructive(patterns[i]) && destructive(patterns[j]) })

	signed := admin.cookie
	token := admin.token
	otherSecret := ba.Sign(token, "another-secret-of-at-least-32-characters")
	validSigned := ba.Sign(token, secret)
	cookies := []string{
		"", signed,
		"better-auth.session_token=%", "better-auth.session_token=%zz%zz%", "better-auth.session_token=%00",
		"better-auth.session_token=" + token, "better-auth.session_token=" + token + ".AAAA",
		"better-auth.session_token=" + url.QueryEscape(otherSecret),
		"better-auth.session_token=" + validSigned + "\x00",
		"better-auth.session_token=" + strings.Repeat("A", 8000),
		strings.Repeat("c=v; ", 400),
		signed + "; better-auth.session_token=garbage.garbage",
		"__Secure-better-auth.session_token=" + url.QueryEscape(validSigned),
		signed + "; better-auth.session_data=garbage",
		signed + "; better-auth.session_data.0=eyJ; better-auth.session_data.1=%%%; better-auth.session_data.9=x",
		signed + "; better-auth.session_data=" + strings.Repeat("eyJhIjoxfQ", 400),
		"better-auth.session_token=\"" + url.QueryEscape(validSigned) + "\"",
		"better-auth.session_token=ｖａｌｉｄ.ｓｉｇ",
		";;;==;=;", "\xff\xfe=\xff",
		signed + "; better-auth.dont_remember=%zz",
	}
	auths := []string{"Bearer", "Bearer ", "Bearer %zz.%zz", "Bearer " + token, "Bearer a.b.c", "Bearer " + url.QueryEscape(validSigned),
		"Basic Zm9vOmJhcg==", "Bearer " + strings.Repeat("x", 8000) + ".y", "bEaReR \xff.\xfe", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}
	headers := [][]string{
		{"X-Junk: " + strings.Repeat("j", 8<<10)},
		manyHeaders(100),
		{"X-Forwarded-For: ::::,,,999.1.1.1, \xff, " + strings.Repeat("1.", 2000)},
		{"X-Request-Id: " + strings.Repeat("r", 5000)},
		{"X-Request-Id: \x01\x02\xff"},
		{"Origin: null"}, {"Origin: http://evil.example"}, {"Origin: \xff\xfe"},
		{"Referer: ::not a url::"},
		{"User-Agent: " + strings.Repeat("u", 8000)},
		{"Content-Type: text/plain"}, {"Content-Type: application/x-www-form-urlencoded"}, {"Content-Type: multipart/form-data; boundary=x"},
		{"Content-Type: application/json; charset=utf-16"}, {"Content-Type: application/json;;;=;"}, {"Content-Type: \x7f"},
		{"Accept-Encoding: gzip;q=\xff"},
	}
	var reqs []hostileRequest
	host := strings.TrimPrefix(e.srv.URL, "http://")
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		fill := func(v string) string {
			r := strings.NewReplacer("{id}", v, "{token}", v)
			return r.Replace(path)
		}
		target := fill(victim.ID)
		base := []string{"Origin: " + e.srv.URL}
		add := func(label, m, tgt string, hs []string, body string) {
			reqs = append(reqs, hostileRequest{label: p + " " + label, method: m, target: tgt, headers: hs, body: body})
		}
		for i, c := range cookies {
			hs := append([]string{}, base...)
			if c != "" {
				hs = append(hs, "Cookie: "+c)
			}
			add(fmt.Sprintf("cookie#%d", i), method, target, hs, "{}")
		}
		for i, a := range auths {
			add(fmt.Sprintf("auth#%d", i), method, target, append(append([]string{}, base...), "Authorization: "+a), "{}")
		}
		for i, h := range headers {
			add(fmt.Sprintf("header#%d", i), method, target, append(append(append([]string{}, base...), "Cookie: "+signed), h...), "{}")
		}
		for _, v := range []string{"%zz", "%00", "..%2F..%2Fetc%2Fpasswd", "%27%20OR%20%271%27%3D%271", strings.Repeat("x", 3000), "%E2%80%AE%D0%B0", "%ff%fe", "."} {
			if strings.Contains(path, "{") {
				add("path "+v[:min(len(v), 12)], method, fill(v), append(append([]string{}, base...), "Cookie: "+signed), "{}")
			}
		}
		for _, q := range []string{"?%zz=%zz", "?callbackURL=%zz", "?callbackURL=javascript:alert(1)", "?limit=-1&offset=99999999999999999999", "?limit=1e3&offset=x",
			"?search=%25%27%22%00", "?disableRefresh=%00", "?" + strings.Repeat("a=b&", 2000), "?token=%00&callbackURL=//evil.example"} {
			add("query "+q[:min(len(q), 12)], method, target+q, append(append([]string{}, base...), "Cookie: "+signed), "{}")
		}
		if method != "GET" {
			for i, b := range hostileBodies(nil) {
				add(fmt.Sprintf("body#%d", i), method, target, append(append([]string{}, base...), "Cookie: "+signed), b)
			}
		}
		// The wrong method on every path.
		for _, m := range []string{"PUT", "TRACE", "CONNECT", "BREW", "GET"} {
			if m != method {
				add("method "+m, m, target, append(append([]string{}, base...), "Cookie: "+signed), "")
			}
		}
	}
	// Malformed request lines and framing, once each: whole requests, the
	// Host header added after the first line.
	for i, raw := range []string{
		"GET /api/me\x00 HTTP/1.1\r\n\r\n", "GET /api/%zz HTTP/1.1\r\n\r\n", "GET http://evil.example/api/me HTTP/1.1\r\n\r\n", "GET * HTTP/1.1\r\n\r\n",
		"GET /" + strings.Repeat("a", 10000) + " HTTP/1.1\r\n\r\n", "GET /api/me HTTP/9.9\r\n\r\n", "\x16\x03\x01\x02\x00\r\n\r\n",
		"GET /api/me HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"POST /api/auth/sign-in/email HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n",
		"POST /api/auth/sign-in/email HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		"POST /api/auth/sign-in/email HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		"POST /api/auth/sign-in/email HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		"POST /api/auth/sign-in/email HTTP/1.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
		"POST /api/auth/sign-in/email HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
	} {
		reqs = append(reqs, hostileRequest{label: fmt.Sprintf("raw#%d", i), method: "", target: raw})
	}

	t.Logf("%d hostile requests over %d routes", len(reqs), len(patterns))
	type failure struct {
		label  string
		status int
		body   string
	}
	var mu sync.Mutex
	var failures []failure
	statuses := map[int]int{}
	work := make(chan hostileRequest)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				var raw []byte
				if r.method == "" {
					line, rest, _ := strings.Cut(r.target, "\r\n")
					raw = []byte(line + "\r\nHost: " + host + "\r\nConnection: close\r\n" + rest)
				} else {
					raw = r.bytes(host)
				}
				began := time.Now()
				status, body, err := rawRequest(host, raw)
				if d := time.Since(began); d > 3*time.Second {
					t.Logf("slow: %s took %v (status %d, %v)", r.label, d.Round(time.Millisecond), status, err)
				}
				mu.Lock()
				statuses[status]++
				if err != nil && status == 0 {
					// Go's server closes the connection on some framing
					// errors (an 8 KB line, a TLS hello) after answering
					// 4xx or without an answer; never a 5xx.
					mu.Unlock()
					continue
				}
				// net/http itself answers 505 to "HTTP/9.9" and 501 to an
				// unknown Transfer-Encoding, before any handler runs: the
				// statuses RFC 9112 asks for, and no server fault.
				protocol := r.method == "" && (status == 505 || status == 501) && !strings.HasPrefix(string(body), "{")
				if status >= 500 && !protocol {
					failures = append(failures, failure{r.label, status, string(body)})
				}
				mu.Unlock()
			}
		}()
	}
	for _, r := range reqs {
		work <- r
	}
	close(work)
	wg.Wait()
	t.Logf("statuses: %v", statuses)
	for i, f := range failures {
		if i == 20 {
			t.Errorf("… and %d more", len(failures)-20)
			break
		}
		t.Errorf("%s: %d %.200s", f.label, f.status, f.body)
	}
	logs := e.logText()
	if strings.Contains(logs, "panic serving request") {
		t.Error("a request panicked (see the logs)")
	}

	// The server still serves valid sessions.
	hc := &http.Client{Timeout: time.Minute}
	if o := send(hc, "GET", e.srv.URL+"/api/me", "", bystander.header); o.status != 200 || !strings.Contains(string(o.body), bystander.email) {
		t.Fatalf("bystander's session after the hostile requests: %d %s", o.status, o.body)
	}
	fresh := signInRaw(t, e, "admin@example.com", "password-admin-1")
	if o := send(hc, "GET", e.srv.URL+"/api/auth/get-session", "", fresh.header); o.status != 200 || !strings.Contains(string(o.body), "admin@example.com") {
		t.Fatalf("new session after the hostile requests: %d %s", o.status, o.body)
	}
	// The confusable emails created no alias of the admin: none of them
	// signed in as the admin (checked above by status), and none of them
	// is stored as the admin's address.
	for _, c := range confusableEmails {
		u, err := db.store.GetUserByEmail(ctx, c)
		if err == nil && u.ID == admin.userID && ba.NormalizeEmail(c) != "admin@example.com" {
			t.Errorf("confusable %q resolves to the admin", c)
		}
	}
}

func manyHeaders(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("X-H%d: %s", i, strings.Repeat("v", 60))
	}
	return out
}

// Confusable emails never reach another user's account: sign-in with a
// look-alike and the real password fails, a sign-up with a look-alike is a
// different user (or refused), and a reset request for a look-alike never
// mails the real address.
func TestConfusableEmails(t *testing.T) {
	db := openSQLite(t)
	e := newEnvOn(t, db.store, nil)
	admin := signUpRaw(t, e, "admin@example.com", "password-admin-1")
	hc := &http.Client{Timeout: time.Minute}
	origin := http.Header{"Origin": {e.srv.URL}}
	for _, c := range confusableEmails {
		if ba.NormalizeEmail(c) == "admin@example.com" {
			continue // the same address after Better Auth's normalisation
		}
		in, _ := json.Marshal(map[string]any{"email": c, "password": "password-admin-1"})
		if o := send(hc, "POST", e.srv.URL+"/api/auth/sign-in/email", string(in), origin); o.status == 200 || o.status >= 500 {
			t.Errorf("sign-in as %q with the admin's password: %d %s", c, o.status, o.body)
		}
		e.mailer.mu.Lock()
		before := e.mailer.n
		e.mailer.mu.Unlock()
		reset, _ := json.Marshal(map[string]any{"email": c})
		if o := send(hc, "POST", e.srv.URL+"/api/auth/request-password-reset", string(reset), origin); o.status >= 500 {
			t.Errorf("reset for %q: %d", c, o.status)
		}
		e.mailer.mu.Lock()
		if e.mailer.n != before && e.mailer.last.To != ba.NormalizeEmail(c) {
			// Only a look-alike that signed up itself (below, in an
			// earlier round) gets mail, at its own stored address.
			t.Errorf("reset for look-alike %q mailed %q", c, e.mailer.last.To)
		}
		e.mailer.mu.Unlock()
		up, _ := json.Marshal(map[string]any{"email": c, "password": "password-other-1", "name": "Other"})
		o := send(hc, "POST", e.srv.URL+"/api/auth/sign-up/email", string(up), origin)
		switch {
		case o.status == 200:
			var r struct{ User struct{ ID, Email string } }
			_ = json.Unmarshal(o.body, &r)
			if r.User.ID == admin.userID || r.User.Email == "admin@example.com" {
				t.Errorf("sign-up as %q became the admin: %s", c, o.body)
			}
		case o.status >= 500:
			t.Errorf("sign-up as %q: %d %s", c, o.status, o.body)
		}
	}
	// Better Auth's normalisation (lower-casing, as JavaScript does) maps
	// the Kelvin sign to k: a reset for it goes to the stored address,
	// never to the look-alike typed in.
	signUpRaw(t, e, "kate@example.com", "password-kate-12")
	reset, _ := json.Marshal(map[string]any{"email": "\u212Aate@example.com"})
	send(hc, "POST", e.srv.URL+"/api/auth/request-password-reset", string(reset), origin)
	e.mailer.mu.Lock()
	defer e.mailer.mu.Unlock()
	if e.mailer.n > 0 && e.mailer.last.To != "kate@example.com" {
		t.Errorf("reset mailed to %q, not the stored address", e.mailer.last.To)
	}
}
