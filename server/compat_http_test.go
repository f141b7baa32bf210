package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlite"
)

// compatLogEnv, set to anything, logs every answer both servers agree on.
const compatLogEnv = "BETTERAUTH_COMPAT_LOG"

// TestHTTPCompatibility sends the same raw HTTP requests to the real Better
// Auth (harness/authserver.mjs) and to this server, and requires the same
// answer: the status, the Location header and the body byte for byte, once
// each server's own origin and reset token are written <baseURL> and
// <token>. A body holding ids, tokens or dates is compared with those
// values replaced and its keys sorted.
//
// What the official client never sends is covered here: bodies that are
// not JSON objects, wrong content types, usernames the username plugin
// refuses, and reset links whose callbackURL carries its own query.
func TestHTTPCompatibility(t *testing.T) {
	dir := batest.Ensure(t)
	t.Run("Defaults", func(t *testing.T) {
		p := newCompatPair(t, dir, compatOptions{})
		t.Run("Bodies", func(t *testing.T) { compatBodies(t, p) })
		t.Run("Fields", func(t *testing.T) { compatFields(t, p) })
		t.Run("ResetCallback", func(t *testing.T) { compatResetCallback(t, p) })
		t.Run("ListAccounts", func(t *testing.T) { compatListAccounts(t, p) })
		t.Run("DeleteUserDisabled", func(t *testing.T) {
			p.signUp(t, map[string]any{"email": "delete@example.com", "password": "password123", "name": "D"})
			p.compare(t, "deleteUser disabled", compatRequest{method: "POST", path: "/api/auth/delete-user", json: map[string]any{"password": "password123"}, signedIn: true})
			p.compare(t, "deleteUser callback disabled", compatRequest{method: "GET", path: "/api/auth/delete-user/callback?token=x", signedIn: true})
		})
		t.Run("GetSessionPost", func(t *testing.T) {
			p.compare(t, "getSession POST anonymous", compatRequest{method: "POST", path: "/api/auth/get-session"})
			p.compare(t, "getSession POST", compatRequest{method: "POST", path: "/api/auth/get-session", json: map[string]any{}, signedIn: true})
			p.compare(t, "getSession POST disableRefresh", compatRequest{method: "POST", path: "/api/auth/get-session?disableRefresh=true", signedIn: true})
		})
	})
	t.Run("Username", func(t *testing.T) {
		p := newCompatPair(t, dir, compatOptions{plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor, ba.PluginUsername}})
		compatUsername(t, p)
		compatUsernameRoutes(t, p)
	})
	t.Run("AdditionalFields", func(t *testing.T) {
		p := newCompatPair(t, dir, compatOptions{additionalFields: storetest.ProductionFields, goFields: storetest.ProductionGoFields()})
		compatAdditionalFields(t, p)
	})
	t.Run("EmailVerification", func(t *testing.T) {
		p := newCompatPair(t, dir, compatOptions{
			emailVerification: map[string]any{"sendOnSignUp": false},
			config:            func(c *server.Config) { c.EmailVerification = server.EmailVerificationConfig{Enabled: true} },
		})
		compatEmailVerification(t, p)
	})
	t.Run("UsernameLengths", func(t *testing.T) {
		p := newCompatPair(t, dir, compatOptions{
			plugins:       []ba.Plugin{ba.PluginUsername},
			pluginOptions: map[string]any{"username": map[string]any{"minUsernameLength": 5, "maxUsernameLength": 8}},
			config:        func(c *server.Config) { c.Username = ba.UsernameRules{MinLength: 5, MaxLength: 8} },
		})
		for _, name := range []string{"abcd", "abcde", "abcdefgh", "abcdefghi", "ABCDEFGH"} {
			p.compare(t, "signUp "+name, compatRequest{method: "POST", path: "/api/auth/sign-up/email",
				json: map[string]any{"email": strings.ToLower(name) + "@example.com", "password": "password123", "name": "N", "username": name}})
		}
		for _, name := range []string{"abcd", "abcde", "ABCDEFGH", "abcdefghi", "fresh"} {
			p.compare(t, "isUsernameAvailable "+name, compatRequest{method: "POST", path: "/api/auth/is-username-available", json: map[string]any{"username": name}})
			p.compare(t, "signInUsername "+name, compatRequest{method: "POST", path: "/api/auth/sign-in/username", json: map[string]any{"username": name, "password": "password123"}})
		}
	})
}

// compatSide is one of the two servers of a compatPair.
type compatSide struct {
	label     string
	baseURL   string
	resetFile string
	// cookie is the Cookie header of the user signed in by signIn, and
	// email and password that user's credentials.
	cookie, email, password string
	// token is the newest reset token; it stands for {token} in paths and
	// <token> in answers.
	token string
	// db is the side's SQLite file.
	db string
}

// compatPair is the real Better Auth and the Go server, configured alike.
type compatPair struct {
	sides [2]*compatSide
	hc    *http.Client
}

func newCompatPair(t *testing.T, dir string, opts compatOptions) *compatPair {
	t.Helper()
	baURL, baReset, baDB := startBetterAuthServer(t, opts)
	goURL, goReset, goDB := startGoServer(t, opts)
	return &compatPair{
		sides: [2]*compatSide{{label: "Better Auth", baseURL: baURL, resetFile: baReset, db: baDB}, {label: "Go", baseURL: goURL, resetFile: goReset, db: goDB}},
		hc: &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// compatRequest is one request, sent alike to both servers. path may hold
// {token} and {baseURL}, replaced by the side's own.
type compatRequest struct {
	method, path string
	// json is marshalled as the body, sent as application/json; without
	// it, raw is sent with contentType (none when "").
	json        any
	raw         string
	contentType string
	// signedIn sends the cookie of the user signIn signed in (signing in
	// again first when a previous request ended the session).
	signedIn bool
	// exact compares the bodies byte for byte, key order included, with
	// only the values of volatileKeys replaced (orderedBody).
	exact bool
}

type compatAnswer struct {
	status   int
	location string
	body     string
}

func (a compatAnswer) String() string {
	s := fmt.Sprintf("%d %s", a.status, a.body)
	if a.location != "" {
		s += " Location: " + a.location
	}
	return s
}

func (p *compatPair) send(t *testing.T, side *compatSide, r compatRequest) compatAnswer {
	t.Helper()
	host := strings.TrimPrefix(side.baseURL, "http://")
	path := strings.NewReplacer("{token}", side.token, "{baseURL}", url.QueryEscape(side.baseURL),
		"{BASEURL}", url.QueryEscape(strings.ToUpper(side.baseURL)),
		"{userBaseURL}", url.QueryEscape("http://us er:p@ss@"+host)).Replace(r.path)
	body, contentType := r.raw, r.contentType
	if r.json != nil {
		b, err := json.Marshal(r.json)
		if err != nil {
			t.Fatal(err)
		}
		body, contentType = strings.ReplaceAll(string(b), "{baseURL}", side.baseURL), "application/json"
	}
	var rd io.Reader
	if r.method != "GET" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(r.method, side.baseURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", side.baseURL)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if r.signedIn {
		p.ensureSignedIn(t, side)
		req.Header.Set("Cookie", side.cookie)
	}
	res, err := p.hc.Do(req)
	if err != nil {
		t.Fatalf("%s: %s %s: %v", side.label, r.method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	placeholders := []string{side.baseURL, "<baseURL>", host, "<host>"}
	if side.token != "" {
		placeholders = append(placeholders, side.token, "<token>")
	}
	rep := strings.NewReplacer(placeholders...)
	canonical := canonicalBody
	if r.exact {
		canonical = orderedBody
	}
	return compatAnswer{status: res.StatusCode, location: rep.Replace(res.Header.Get("Location")), body: canonical(rep.Replace(string(b)))}
}

// volatileValue is a string value of one of volatileKeys.
var volatileValue = regexp.MustCompile(`"(id|accountId|token|userId|createdAt|updatedAt|expiresAt)":"[^"\\]*"`)

// orderedBody is body with the string values of volatileKeys replaced by
// "<key>" and nothing else changed: what two servers that answer alike
// send byte for byte.
func orderedBody(body string) string {
	return volatileValue.ReplaceAllString(body, `"$1":"<$1>"`)
}

// volatileKeys hold values that differ between any two servers.
var volatileKeys = map[string]bool{"id": true, "accountId": true, "token": true, "userId": true, "createdAt": true, "updatedAt": true, "expiresAt": true}

// canonicalBody is body itself, or — when it is JSON holding volatileKeys —
// that JSON with their values replaced by "<key>" and its keys sorted.
func canonicalBody(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return body
	}
	changed := false
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if volatileKeys[k] && e != nil {
					x[k] = "<" + k + ">"
					changed = true
				} else {
					x[k] = walk(e)
				}
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	v = walk(v)
	if !changed {
		return body
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// compare sends r to both servers and reports any difference in their
// answers, which it returns (Better Auth's first).
func (p *compatPair) compare(t *testing.T, name string, r compatRequest) (compatAnswer, compatAnswer) {
	t.Helper()
	want := p.send(t, p.sides[0], r)
	got := p.send(t, p.sides[1], r)
	if want != got {
		t.Errorf("%s (%s %s): Go differs from Better Auth\n  Better Auth: %s\n  Go:          %s", name, r.method, r.path, want, got)
	} else if os.Getenv(compatLogEnv) != "" {
		t.Logf("%s (%s %s): both %s", name, r.method, r.path, want)
	}
	return want, got
}

// differ sends r to both servers where Go knowingly answers differently,
// and requires exactly the answers documented: Better Auth's status, and
// Go's status and body (so that a change on either side still fails).
func (p *compatPair) differ(t *testing.T, name string, r compatRequest, baStatus, goStatus int, goBody, why string) {
	t.Helper()
	want := p.send(t, p.sides[0], r)
	got := p.send(t, p.sides[1], r)
	if want.status != baStatus || got.status != goStatus || got.body != goBody {
		t.Errorf("%s: a deliberate difference changed (%s)\n  Better Auth: %s (want status %d)\n  Go:          %s (want %d %s)", name, why, want, baStatus, got, goStatus, goBody)
	}
}

// signUp creates the user whose session signedIn requests carry, on both.
func (p *compatPair) signUp(t *testing.T, body map[string]any) {
	t.Helper()
	for _, side := range p.sides {
		side.email, side.password = body["email"].(string), body["password"].(string)
		side.cookie = ""
		p.signInWith(t, side, "/api/auth/sign-up/email", body)
	}
}

func (p *compatPair) signInWith(t *testing.T, side *compatSide, path string, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", side.baseURL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", side.baseURL)
	req.Header.Set("Content-Type", "application/json")
	res, err := p.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("%s: POST %s: %d %s", side.label, path, res.StatusCode, out)
	}
	side.cookie = batest.CookieHeader(res.Header.Values("Set-Cookie"))
}

// ensureSignedIn signs the side's user in again when its session is gone
// (after a sign-out or revoke-sessions that the previous request made).
func (p *compatPair) ensureSignedIn(t *testing.T, side *compatSide) {
	t.Helper()
	if side.email == "" {
		t.Fatal("signedIn request before signUp")
	}
	if side.cookie != "" {
		req, _ := http.NewRequest("GET", side.baseURL+"/api/auth/get-session?disableRefresh=true", nil)
		req.Header.Set("Cookie", side.cookie)
		res, err := p.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 200 && string(b) != "null" {
			return
		}
	}
	p.signInWith(t, side, "/api/auth/sign-in/email", map[string]any{"email": side.email, "password": side.password})
}

// newestResetEmail waits for the reset email to email newer than the
// count-th line of the side's reset file, and returns its link.
func newestResetEmail(t *testing.T, side *compatSide, count int) (link, token string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(side.resetFile)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		lines = lines[:len(lines)-1] // only complete lines
		if len(lines) > count {
			var e struct{ URL, Token string }
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &e); err != nil {
				t.Fatal(err)
			}
			return e.URL, e.Token
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no reset email after %d", side.label, count)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func resetEmailCount(t *testing.T, side *compatSide) int {
	t.Helper()
	b, err := os.ReadFile(side.resetFile)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

// compatBodies sends every POST route bodies that are not JSON objects, or
// not JSON, or not declared JSON, anonymously and signed in.
func compatBodies(t *testing.T, p *compatPair) {
	p.signUp(t, map[string]any{"email": "bodies@example.com", "password": "password123", "name": "Bodies"})
	routes := []string{"sign-up/email", "sign-in/email", "sign-out", "revoke-session", "revoke-sessions", "revoke-other-sessions",
		"update-user", "change-password", "request-password-reset", "reset-password"}
	bodies := []struct{ name, contentType, body string }{
		{"array", "application/json", "[]"},
		{"arrayOfObject", "application/json", `[{"email":"x@example.com"}]`},
		{"string", "application/json", `"text"`},
		{"number", "application/json", "42"},
		{"null", "application/json", "null"},
		{"true", "application/json", "true"},
		{"invalidJSON", "application/json", "{"},
		{"trailingGarbage", "application/json", "{} x"},
		{"whitespace", "application/json", "  \n"},
		{"byteOrderMark", "application/json", "\ufeff[]"},
		{"empty", "application/json", ""},
		{"emptyObject", "application/json", "{}"},
		{"wrongTypes", "application/json", `{"name":1,"email":2,"password":3,"image":4,"callbackURL":true,"rememberMe":"yes","token":5,"newPassword":6,"currentPassword":7,"revokeOtherSessions":"no","redirectTo":8,"disableRedirect":"x","state":9}`},
		{"noContentType", "", `{"email":"x@example.com"}`},
		{"textPlain", "text/plain", "{}"},
		{"form", "application/x-www-form-urlencoded", "a=1&a=2&b=%20x+y"},
		{"jsonCharset", "application/json; charset=utf-8", "[]"},
		{"jsonUpperCase", "Application/JSON", "[]"},
		{"mergePatchJSON", "application/merge-patch+json", "{}"},
	}
	for _, route := range routes {
		for _, b := range bodies {
			for _, signedIn := range []bool{false, true} {
				name := route + " " + b.name
				if signedIn {
					name += " signedIn"
				}
				p.compare(t, name, compatRequest{method: "POST", path: "/api/auth/" + route, raw: b.body, contentType: b.contentType, signedIn: signedIn})
			}
		}
	}
}

// compatFields sends object bodies whose fields zod, the origin check or
// parseUserInput refuse, and fields clients may not set.
func compatFields(t *testing.T, p *compatPair) {
	p.signUp(t, map[string]any{"email": "fields@example.com", "password": "password123", "name": "Fields"})
	post := func(name, route string, signedIn bool, body map[string]any) {
		t.Helper()
		p.compare(t, route+" "+name, compatRequest{method: "POST", path: "/api/auth/" + route, json: body, signedIn: signedIn})
	}
	signUp := func(name string, body map[string]any) { t.Helper(); post(name, "sign-up/email", false, body) }
	signUp("allWrong", map[string]any{"name": 5, "email": 5, "password": ""})
	signUp("emptyPassword", map[string]any{"name": "F", "email": "f0@example.com", "password": ""})
	signUp("emailWithSpace", map[string]any{"name": "F", "email": " f0@example.com", "password": "password123"})
	signUp("emailOneLetterTLD", map[string]any{"name": "F", "email": "f0@example.c", "password": "password123"})
	signUp("emailEquals", map[string]any{"name": "F", "email": "a=b@example.com", "password": "password123"})
	signUp("imageNull", map[string]any{"name": "F", "email": "f0@example.com", "password": "password123", "image": nil})
	signUp("rememberMeString", map[string]any{"name": "F", "email": "f0@example.com", "password": "password123", "rememberMe": "false"})
	signUp("roleBeforePasswordLength", map[string]any{"name": "F", "email": "f0@example.com", "password": "short", "role": "admin"})
	signUp("banReason", map[string]any{"name": "F", "email": "f0@example.com", "password": "password123", "banReason": "x"})
	signUp("roleEmpty", map[string]any{"name": "F", "email": "f1@example.com", "password": "password123", "role": ""})
	signUp("defaultedFields", map[string]any{"name": "F", "email": "f2@example.com", "password": "password123", "emailVerified": true, "banned": true, "twoFactorEnabled": true})
	signUp("untrustedCallbackBeforeValidation", map[string]any{"name": 5, "callbackURL": "https://evil.example/x"})
	signUp("mixedCaseEmail", map[string]any{"name": "F", "email": "O'Hara+x@Example.COM", "password": "password123"})

	signIn := func(name string, body map[string]any) { t.Helper(); post(name, "sign-in/email", false, body) }
	signIn("allWrong", map[string]any{"email": 5, "password": true, "callbackURL": 0, "rememberMe": "yes"})
	signIn("emailWithSpace", map[string]any{"email": " fields@example.com", "password": "password123"})
	signIn("passwordTooLong", map[string]any{"email": "fields@example.com", "password": strings.Repeat("p", 129)})
	signIn("untrustedCallback", map[string]any{"email": "fields@example.com", "password": "password123", "callbackURL": "https://evil.example/x"})
	signIn("callbackNotString", map[string]any{"email": "fields@example.com", "password": "password123", "callbackURL": []string{"/a"}})
	signIn("callbackEmpty", map[string]any{"email": "fields@example.com", "password": "wrong-password", "callbackURL": ""})

	post("untrustedRedirect", "request-password-reset", false, map[string]any{"email": "x", "redirectTo": "https://evil.example/x"})
	post("redirectNotString", "request-password-reset", false, map[string]any{"email": "fields@example.com", "redirectTo": 5})
	post("badEmail", "request-password-reset", false, map[string]any{"email": "not-an-email", "redirectTo": 5.5})
	post("tokenInQueryAndBody", "reset-password", false, map[string]any{"newPassword": "password123", "token": ""})
	p.compare(t, "reset-password repeatedQueryToken", compatRequest{method: "POST", path: "/api/auth/reset-password?token=a&token=b", json: map[string]any{"newPassword": "password123"}})
	p.compare(t, "reset-password queryToken", compatRequest{method: "POST", path: "/api/auth/reset-password?token=a", json: map[string]any{"newPassword": "password123", "token": ""}})
	post("allWrong", "change-password", true, map[string]any{"newPassword": 1, "currentPassword": nil, "revokeOtherSessions": "yes"})
	post("tokenNull", "revoke-session", true, map[string]any{"token": nil})
	post("fieldsWrong", "sign-out", true, map[string]any{"disableRedirect": "x", "state": 1})

	update := func(name string, body map[string]any) { t.Helper(); post(name, "update-user", true, body) }
	update("emailVerifiedFalse", map[string]any{"emailVerified": false})
	update("emailVerifiedTrue", map[string]any{"emailVerified": true})
	update("roleEmpty", map[string]any{"role": ""})
	update("twoFactorEnabled", map[string]any{"twoFactorEnabled": true, "role": "admin"})
	update("emailAndRole", map[string]any{"email": "other@example.com", "role": "admin"})
	update("emailEmpty", map[string]any{"email": ""})
	update("coreFields", map[string]any{"id": "x", "createdAt": "2020-01-01T00:00:00.000Z", "updatedAt": 1, "emailVerified": true})
	update("coreFieldsAndName", map[string]any{"id": "x", "emailVerified": true, "name": "Fields B"})
	p.compare(t, "getSession after update-user", compatRequest{method: "GET", path: "/api/auth/get-session?disableRefresh=true", signedIn: true})
}

// compatResetCallback follows reset links whose callbackURL has a query,
// a fragment, a token of its own, or characters that need encoding.
func compatResetCallback(t *testing.T, p *compatPair) {
	p.signUp(t, map[string]any{"email": "reset@example.com", "password": "password123", "name": "Reset"})
	// The link in the email, for a redirectTo with a query.
	for _, side := range p.sides {
		side.token = ""
	}
	counts := [2]int{resetEmailCount(t, p.sides[0]), resetEmailCount(t, p.sides[1])}
	p.compare(t, "requestPasswordReset", compatRequest{method: "POST", path: "/api/auth/request-password-reset",
		json: map[string]any{"email": "reset@example.com", "redirectTo": "/callback?foo=bar&baz=qux"}})
	var links [2]string
	for i, side := range p.sides {
		links[i], side.token = newestResetEmail(t, side, counts[i])
		links[i] = strings.NewReplacer(side.baseURL, "<baseURL>", side.token, "<token>").Replace(links[i])
	}
	if links[0] != links[1] {
		t.Errorf("reset link: Better Auth %s, Go %s", links[0], links[1])
	}
	link, _ := strings.CutPrefix(strings.ReplaceAll(links[1], "<token>", "{token}"), "<baseURL>")
	p.compare(t, "the emailed link", compatRequest{method: "GET", path: link})

	callbacks := []string{
		"/callback?foo=bar&baz=qux",
		"/callback",
		"/callback?",
		"/callback?token=old&x=1",
		"/callback?x=1&token=old&y=2&token=older",
		"/callback#section",
		"/callback?a=1#frag?x=y&z",
		"/callback?x=1#",
		"/callback?q=a%20b+c&r=a+b",
		"/callback?q=%7E~!'()*-._&s=a/b:c@d,e;f$g",
		"/callback?flag&other=",
		"/callback?&&a=1&&",
		"/callback?é=ü&k=€",
		"/callback?x=%zz&y=%&z=%4",
		"/callback?x=%FF%FE&y=%E2%82",
		"/callback?a=b=c",
		`/callback?x=<>"` + "`" + `{}|\^[]`,
		`/callback?x=<>"` + "`" + `{}|^[]`,
		`/p<a>"t{h}|^` + "`" + `[]@:;=,$&'()*+!~?x=1`,
		"/callback?tok%65n=old&x=1",
		"/callback?TOKEN=x",
		"/callback?token",
		"/callback?a=1&a=2",
		"/callback?x=%2B+%20&y=%26%3D",
		"/callback?x=☃#☃",
		"/callback#frag#more",
		"/a/b/..",
		"/a/.",
		"/%2e%2e/x",
		"/callback ",
		" /callback",
		"/callback?x=\u2028",
		"/pa th/ü/x?x=1",
		"/a/./b/../c?x=1",
		"/a/%2e%2E/c",
		"/callback%2Fx",
		"/callback?x=1 2#a b",
		"{baseURL}/callback?z=1&a=2",
		"{baseURL}/callback",
		"{BASEURL}/CallBack?X=1",
		"{userBaseURL}/callback?x=1",
		"{baseURL}\\callback\\x?y=1",
		"{baseURL}?x=1",
		"{baseURL}",
		"{baseURL}#f",
		"//evil.example/x",
		"/\\evil.example",
		"https://evil.example/cb",
		"relative",
		"/cb\t?x=1",
		"",
	}
	placeholders := strings.NewReplacer("%7BbaseURL%7D", "{baseURL}", "%7BBASEURL%7D", "{BASEURL}", "%7BuserBaseURL%7D", "{userBaseURL}")
	for _, cb := range callbacks {
		enc := placeholders.Replace(ba.EncodeURIComponent(cb))
		p.compare(t, "callback "+cb, compatRequest{method: "GET", path: "/api/auth/reset-password/{token}?callbackURL=" + enc})
		p.compare(t, "callback badToken "+cb, compatRequest{method: "GET", path: "/api/auth/reset-password/bad-token?callbackURL=" + enc})
	}
	p.compare(t, "callback repeated", compatRequest{method: "GET", path: "/api/auth/reset-password/{token}?callbackURL=/a&callbackURL=/b"})
	p.compare(t, "callback missing", compatRequest{method: "GET", path: "/api/auth/reset-password/{token}"})
	p.compare(t, "callback unencoded", compatRequest{method: "GET", path: "/api/auth/reset-password/{token}?callbackURL=/callback?foo=bar&baz=qux"})
}

// compatUsername signs up and updates users with usernames the username
// plugin accepts, refuses, or finds taken.
func compatUsername(t *testing.T, p *compatPair) {
	signUp := func(name string, body map[string]any) {
		t.Helper()
		full := map[string]any{"password": "password123", "name": "N"}
		for k, v := range body {
			full[k] = v
		}
		p.compare(t, "signUp "+name, compatRequest{method: "POST", path: "/api/auth/sign-up/email", json: full})
	}
	signUp("invalid", map[string]any{"email": "u1@example.com", "username": "invalid username!"})
	signUp("tooShort", map[string]any{"email": "u1@example.com", "username": "ab"})
	signUp("tooLong", map[string]any{"email": "u1@example.com", "username": strings.Repeat("a", 31)})
	signUp("longest", map[string]any{"email": "u2@example.com", "username": strings.Repeat("a", 30)})
	signUp("shortest", map[string]any{"email": "u3@example.com", "username": "abc"})
	signUp("empty", map[string]any{"email": "u1@example.com", "username": ""})
	signUp("accented", map[string]any{"email": "u1@example.com", "username": "ééé"})
	signUp("emojiUTF16Length", map[string]any{"email": "u1@example.com", "username": "😀😀"})
	signUp("beforeEmailCheck", map[string]any{"email": "not-an-email", "username": "x"})
	signUp("ok", map[string]any{"email": "alice@example.com", "username": "Alice_1.x"})
	signUp("takenOtherCase", map[string]any{"email": "bob@example.com", "username": "ALICE_1.X"})
	signUp("takenBeforeEmailExists", map[string]any{"email": "alice@example.com", "username": "ALICE_1.X"})
	signUp("emailExists", map[string]any{"email": "alice@example.com", "username": "fresh_name"})
	signUp("displayUsernameOnly", map[string]any{"email": "bob@example.com", "displayUsername": "Bob.B"})
	signUp("displayUsernameOnlyTaken", map[string]any{"email": "bob2@example.com", "displayUsername": "BOB.b"})
	signUp("displayUsernameNotAUsername", map[string]any{"email": "carol@example.com", "displayUsername": "Carol C!"})
	signUp("both", map[string]any{"email": "dave@example.com", "username": "Dave_1", "displayUsername": "Dave!!"})
	signUp("usernameNull", map[string]any{"email": "erin@example.com", "username": nil})
	signUp("none", map[string]any{"email": "frank@example.com"})
	p.differ(t, "signUp usernameNotString", compatRequest{method: "POST", path: "/api/auth/sign-up/email",
		json: map[string]any{"email": "num@example.com", "password": "password123", "name": "N", "username": 42}},
		422, 400, `{"message":"[body.username] Invalid input: expected string, received number","code":"VALIDATION_ERROR"}`,
		"the plugin validates string usernames only, so Better Auth passes 42 to the database, which refuses it (422 FAILED_TO_CREATE_USER); Go refuses it as invalid input")
	p.differ(t, "signUp nullBody", compatRequest{method: "POST", path: "/api/auth/sign-up/email", raw: "null", contentType: "application/json"},
		500, 400, `{"message":"[body] Invalid input: expected object, received null; [body] Invalid input: expected record, received null","code":"VALIDATION_ERROR"}`,
		"the username plugin's hook reads body.displayUsername of a null body and throws; Go answers what Better Auth does without the plugin")
	p.differ(t, "updateUser nullBody", compatRequest{method: "POST", path: "/api/auth/update-user", raw: "null", contentType: "application/json"},
		500, 400, `{"message":"[body] Invalid input: expected record, received null","code":"VALIDATION_ERROR"}`,
		"as for sign-up")

	p.signUp(t, map[string]any{"email": "grace@example.com", "password": "password123", "name": "Grace", "username": "Grace_1"})
	update := func(name string, signedIn bool, body map[string]any) {
		t.Helper()
		p.compare(t, "updateUser "+name, compatRequest{method: "POST", path: "/api/auth/update-user", json: body, signedIn: signedIn})
		if signedIn {
			p.compare(t, "getSession after updateUser "+name, compatRequest{method: "GET", path: "/api/auth/get-session?disableRefresh=true", signedIn: true})
		}
	}
	update("anonymousInvalid", false, map[string]any{"username": "bad name"})
	update("anonymousTaken", false, map[string]any{"username": "bob.b"})
	update("anonymousFree", false, map[string]any{"username": "free_name"})
	update("invalid", true, map[string]any{"username": "no way"})
	update("tooShort", true, map[string]any{"username": "ab"})
	update("taken", true, map[string]any{"username": "BOB.B"})
	update("ownOtherCase", true, map[string]any{"username": "GRACE_1"})
	update("new", true, map[string]any{"username": "Grace_2"})
	update("displayUsername", true, map[string]any{"displayUsername": "Any Thing!"})
	update("displayUsernameAndName", true, map[string]any{"displayUsername": "G", "name": "Grace G"})
	update("usernameNull", true, map[string]any{"username": nil})
	update("usernameAfterNull", true, map[string]any{"username": "grace_3"})
}

// compatAdditionalFields applies Better Auth's write rules for additional
// fields on sign-up and update-user (defaults, required, input:false,
// returned:false), then compares get-session, list-sessions and sign-in
// byte for byte, Go's GET /api/me with Better Auth's get-session user, and
// the rows both databases hold.
func compatAdditionalFields(t *testing.T, p *compatPair) {
	signUp := func(name string, body map[string]any) {
		t.Helper()
		full := map[string]any{"password": "password123", "name": "N", "country": "NL"}
		for k, v := range body {
			full[k] = v
		}
		p.compare(t, "signUp "+name, compatRequest{method: "POST", path: "/api/auth/sign-up/email", json: full, exact: true})
	}
	signUp("defaults", map[string]any{"email": "defaults@example.com"})
	signUp("allSet", map[string]any{"email": "all@example.com", "plan": "pro", "notificationsEnabled": false, "theme": "dark", "bio": "Hi", "internalNote": "vip"})
	signUp("inputFalseTruthy", map[string]any{"email": "stripe@example.com", "stripeCustomerId": "cus_123"})
	signUp("inputFalseEmpty", map[string]any{"email": "stripe0@example.com", "stripeCustomerId": ""})
	signUp("inputFalseNull", map[string]any{"email": "stripe1@example.com", "stripeCustomerId": nil})
	signUp("inputFalseZero", map[string]any{"email": "stripe2@example.com", "stripeCustomerId": 0})
	signUp("inputFalseAfterPasswordLength", map[string]any{"email": "short@example.com", "stripeCustomerId": "cus_1", "password": "short"})
	signUp("inputFalseBeforePlugins", map[string]any{"email": "order@example.com", "role": "admin", "stripeCustomerId": "cus_1"})
	signUp("pluginInputFalse", map[string]any{"email": "role@example.com", "role": "admin"})
	signUp("pluginDefaulted", map[string]any{"email": "banned@example.com", "banned": true, "twoFactorEnabled": true})
	signUp("requiredMissing", map[string]any{"email": "nocountry@example.com", "country": nil})
	p.compare(t, "signUp requiredAbsent", compatRequest{method: "POST", path: "/api/auth/sign-up/email", exact: true,
		json: map[string]any{"email": "absent@example.com", "password": "password123", "name": "N"}})
	signUp("requiredAbsentAfterInputFalse", map[string]any{"email": "absent2@example.com", "stripeCustomerId": "cus_1", "country": nil})
	signUp("requiredWithDefaultNull", map[string]any{"email": "plannull@example.com", "plan": nil})
	signUp("optionalWithDefaultNull", map[string]any{"email": "themenull@example.com", "theme": nil})
	signUp("optionalNull", map[string]any{"email": "bionull@example.com", "bio": nil})
	signUp("emptyStrings", map[string]any{"email": "empty@example.com", "plan": "", "theme": "", "bio": ""})
	signUp("unknownField", map[string]any{"email": "unknown@example.com", "favouriteColour": "blue"})
	p.differ(t, "signUp numberForString", compatRequest{method: "POST", path: "/api/auth/sign-up/email",
		json: map[string]any{"email": "number@example.com", "password": "password123", "name": "N", "country": "NL", "plan": 5}},
		200, 400, `{"message":"[body.plan] Invalid input: expected string, received number","code":"VALIDATION_ERROR"}`,
		"Better Auth does not check the type and the database casts or stores the value (SQLite keeps 5, PostgreSQL \"5\"); Go refuses it, naming the field")
	p.differ(t, "signUp stringForBoolean", compatRequest{method: "POST", path: "/api/auth/sign-up/email",
		json: map[string]any{"email": "string@example.com", "password": "password123", "name": "N", "country": "NL", "notificationsEnabled": "yes"}},
		200, 400, `{"message":"[body.notificationsEnabled] Invalid input: expected boolean, received string","code":"VALIDATION_ERROR"}`,
		"as for numberForString")

	p.signUp(t, map[string]any{"email": "me@example.com", "password": "password123", "name": "Me", "country": "DE", "bio": "Bio", "internalNote": "n"})
	getSession := compatRequest{method: "GET", path: "/api/auth/get-session?disableRefresh=true", signedIn: true, exact: true}
	p.compare(t, "getSession", getSession)
	p.compareMe(t, "me")

	update := func(name string, body map[string]any) {
		t.Helper()
		p.compare(t, "updateUser "+name, compatRequest{method: "POST", path: "/api/auth/update-user", json: body, signedIn: true, exact: true})
		p.compare(t, "getSession after updateUser "+name, getSession)
	}
	update("inputFalseTruthy", map[string]any{"stripeCustomerId": "cus_9"})
	update("inputFalseFalsyOnly", map[string]any{"stripeCustomerId": ""})
	update("inputFalseFalsyAndName", map[string]any{"stripeCustomerId": nil, "name": "Me 2"})
	update("pluginInputFalseBeforeAdditional", map[string]any{"banned": true, "stripeCustomerId": "cus_9"})
	update("plan", map[string]any{"plan": "team"})
	for _, field := range []string{"plan", "country"} {
		p.differ(t, "updateUser requiredNull "+field, compatRequest{method: "POST", path: "/api/auth/update-user", json: map[string]any{field: nil}, signedIn: true},
			500, 400, `{"message":"[body.`+field+`] Invalid input: expected string, received null","code":"VALIDATION_ERROR"}`,
			"Better Auth writes NULL into the NOT NULL column and fails; Go refuses the value, naming the field")
	}
	update("optionalNull", map[string]any{"theme": nil, "bio": nil})
	update("notReturned", map[string]any{"internalNote": "changed"})
	p.differ(t, "updateUser numberForString", compatRequest{method: "POST", path: "/api/auth/update-user", json: map[string]any{"bio": 5}, signedIn: true},
		200, 400, `{"message":"[body.bio] Invalid input: expected string, received number","code":"VALIDATION_ERROR"}`,
		"as on sign-up")
	// Better Auth stored "5.0" in bio above; this sets it on both again.
	update("several", map[string]any{"notificationsEnabled": false, "theme": "light", "bio": "New"})
	update("requiredAbsentIsFine", map[string]any{"name": "Me 3"})
	p.compareMe(t, "me after updates")
	p.compare(t, "listSessions", compatRequest{method: "GET", path: "/api/auth/list-sessions", signedIn: true, exact: true})
	p.compare(t, "signIn", compatRequest{method: "POST", path: "/api/auth/sign-in/email", json: map[string]any{"email": "me@example.com", "password": "password123"}, exact: true})
	// The users whose sign-up Go refused on purpose are only in Better
	// Auth's database, holding what SQLite made of the values.
	p.compareUserRows(t, "number@example.com", "string@example.com")
}

// compareMe compares Go's GET /api/me with the user of Better Auth's
// get-session, byte for byte.
func (p *compatPair) compareMe(t *testing.T, name string) {
	t.Helper()
	baAnswer := p.send(t, p.sides[0], compatRequest{method: "GET", path: "/api/auth/get-session?disableRefresh=true", signedIn: true, exact: true})
	var session map[string]json.RawMessage
	if err := json.Unmarshal([]byte(baAnswer.body), &session); err != nil || session["user"] == nil {
		t.Fatalf("%s: Better Auth's get-session: %s", name, baAnswer)
	}
	goAnswer := p.send(t, p.sides[1], compatRequest{method: "GET", path: "/api/me", signedIn: true, exact: true})
	if goAnswer.status != 200 || goAnswer.body != string(session["user"]) {
		t.Errorf("%s: Go's /api/me differs from Better Auth's get-session user\n  Better Auth: %s\n  Go:          %s", name, session["user"], goAnswer)
	}
}

// compareUserRows requires both databases to hold the same user rows, by
// email, with ids and dates left out; the users of onlyBetterAuth must be
// in Better Auth's database only.
func (p *compatPair) compareUserRows(t *testing.T, onlyBetterAuth ...string) {
	t.Helper()
	var rows [2]map[string]map[string]string
	for i, side := range p.sides {
		rows[i] = sqliteUserRows(t, side.db)
	}
	if len(rows[0]) == 0 {
		t.Fatal("Better Auth's database has no users")
	}
	for _, email := range onlyBetterAuth {
		if _, ok := rows[0][email]; !ok {
			t.Errorf("row %s: not in Better Auth's database", email)
		}
		if _, ok := rows[1][email]; ok {
			t.Errorf("row %s: in Go's database", email)
		}
		delete(rows[0], email)
	}
	for email, want := range rows[0] {
		got, ok := rows[1][email]
		switch {
		case !ok:
			t.Errorf("row %s: only in Better Auth's database: %v", email, want)
		case fmt.Sprint(got) != fmt.Sprint(want):
			t.Errorf("row %s differs\n  Better Auth: %v\n  Go:          %v", email, want, got)
		}
	}
	for email, got := range rows[1] {
		if _, ok := rows[0][email]; !ok {
			t.Errorf("row %s: only in Go's database: %v", email, got)
		}
	}
}

// sqliteUserRows reads every user row of a SQLite file as column → the value's
// Go type and text, by email; id and dates are left out.
func sqliteUserRows(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	db, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Query(`SELECT * FROM "user"`)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	cols, _ := res.Columns()
	out := map[string]map[string]string{}
	for res.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := res.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, c := range cols {
			switch c {
			case "id", "createdAt", "updatedAt":
				continue
			}
			row[c] = fmt.Sprintf("%T(%v)", vals[i], vals[i])
		}
		out[fmt.Sprint(vals[slices.Index(cols, "email")])] = row
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// compatEmailVerification compares send-verification-email and
// verify-email's answers to bad input and bad tokens.
func compatEmailVerification(t *testing.T, p *compatPair) {
	p.signUp(t, map[string]any{"email": "ev@example.com", "password": "password123", "name": "EV"})
	send := "/api/auth/send-verification-email"
	for name, body := range map[string]any{
		"unknown address":    map[string]any{"email": "nobody@example.com"},
		"unverified":         map[string]any{"email": "ev@example.com", "callbackURL": "/verified"},
		"not an email":       map[string]any{"email": "nope"},
		"no email":           map[string]any{},
		"email not string":   map[string]any{"email": 7},
		"callback untrusted": map[string]any{"email": "ev@example.com", "callbackURL": "https://evil.example/"},
	} {
		p.compare(t, "send "+name, compatRequest{method: "POST", path: send, json: body})
	}
	p.compare(t, "send mismatch", compatRequest{method: "POST", path: send, json: map[string]any{"email": "other@example.com"}, signedIn: true})
	p.compare(t, "send signed in", compatRequest{method: "POST", path: send, json: map[string]any{"email": "EV@example.com"}, signedIn: true})
	for _, q := range []string{
		"",
		"?token=",
		"?token=nope",
		"?token=nope&callbackURL=%2Fdone",
		"?token=nope&callbackURL=%2Fdone%3Fa%3D1",
		"?token=nope&callbackURL=https%3A%2F%2Fevil.example%2F",
		"?callbackURL=https%3A%2F%2Fevil.example%2F",
		"?token=a.b.c",
		"?token=x&token=y",
		"?token=x&callbackURL=%2Fa&callbackURL=%2Fb",
		"?token=eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImV2QGV4YW1wbGUuY29tIn0.x",
		"?token=eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImV2QGV4YW1wbGUuY29tIn0.",
	} {
		p.compare(t, "verify "+q, compatRequest{method: "GET", path: "/api/auth/verify-email" + q})
	}
}

// compatUsernameRoutes sends the username plugin's own routes,
// /sign-in/username and /is-username-available, to both servers, after
// compatUsername created alice (alice_1.x), bob (bob.b) and grace (grace_3).
func compatUsernameRoutes(t *testing.T, p *compatPair) {
	signIn := func(name string, body any) {
		t.Helper()
		p.compare(t, "signInUsername "+name, compatRequest{method: "POST", path: "/api/auth/sign-in/username", json: body})
	}
	signIn("ok", map[string]any{"username": "alice_1.x", "password": "password123"})
	signIn("otherCase", map[string]any{"username": "ALICE_1.X", "password": "password123"})
	signIn("callbackURL", map[string]any{"username": "alice_1.x", "password": "password123", "callbackURL": "/dashboard"})
	signIn("emptyCallbackURL", map[string]any{"username": "alice_1.x", "password": "password123", "callbackURL": ""})
	signIn("untrustedCallbackURL", map[string]any{"username": "alice_1.x", "password": "password123", "callbackURL": "https://evil.example/x"})
	signIn("rememberMeFalse", map[string]any{"username": "alice_1.x", "password": "password123", "rememberMe": false})
	signIn("wrongPassword", map[string]any{"username": "alice_1.x", "password": "password124"})
	signIn("unknown", map[string]any{"username": "nobody_here", "password": "password123"})
	signIn("emptyUsername", map[string]any{"username": "", "password": "password123"})
	signIn("emptyPassword", map[string]any{"username": "alice_1.x", "password": ""})
	signIn("invalidUsername", map[string]any{"username": "bad name", "password": "password123"})
	signIn("tooShort", map[string]any{"username": "ab", "password": "password123"})
	signIn("tooLong", map[string]any{"username": strings.Repeat("a", 31), "password": "password123"})
	signIn("passwordTooLong", map[string]any{"username": "alice_1.x", "password": strings.Repeat("p", 129)})
	signIn("missingPassword", map[string]any{"username": "alice_1.x"})
	signIn("missingUsername", map[string]any{"password": "password123"})
	signIn("usernameNotString", map[string]any{"username": 42, "password": "password123"})
	signIn("rememberMeNotBool", map[string]any{"username": "alice_1.x", "password": "password123", "rememberMe": "no"})
	signIn("array", []any{1})
	// A banned user (admin plugin) and one with two factors (twoFactor
	// plugin), set in both databases as the plugins would.
	for _, side := range p.sides {
		db, err := sqlite.Open(context.Background(), side.db)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`UPDATE "user" SET banned = 1, banReason = 'spam' WHERE username = 'bob.b'`,
			`UPDATE "user" SET twoFactorEnabled = 1 WHERE username = 'dave_1'`} {
			if res, err := db.Exec(q); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%s: %s: %d rows", side.label, q, n)
			}
		}
		db.Close()
	}
	signIn("banned", map[string]any{"username": "bob.b", "password": "password123"})
	signIn("bannedWrongPassword", map[string]any{"username": "bob.b", "password": "password124"})
	signIn("twoFactor", map[string]any{"username": "Dave_1", "password": "password123"})
	p.compare(t, "signInUsername form", compatRequest{method: "POST", path: "/api/auth/sign-in/username", raw: "username=alice_1.x&password=password123", contentType: "application/x-www-form-urlencoded"})
	p.compare(t, "signInUsername GET", compatRequest{method: "GET", path: "/api/auth/sign-in/username"})

	available := func(name string, body any) {
		t.Helper()
		p.compare(t, "isUsernameAvailable "+name, compatRequest{method: "POST", path: "/api/auth/is-username-available", json: body})
	}
	available("taken", map[string]any{"username": "alice_1.x"})
	available("takenOtherCase", map[string]any{"username": "BOB.B"})
	available("free", map[string]any{"username": "free_name"})
	available("empty", map[string]any{"username": ""})
	available("invalid", map[string]any{"username": "no way"})
	available("tooShort", map[string]any{"username": "ab"})
	available("tooLong", map[string]any{"username": strings.Repeat("a", 31)})
	available("missing", map[string]any{})
	available("notString", map[string]any{"username": nil})
	available("signedIn", map[string]any{"username": "grace_3"})
}

// compatListAccounts lists the accounts of a fresh user (its credential
// account), and answers a caller without a session.
func compatListAccounts(t *testing.T, p *compatPair) {
	p.compare(t, "listAccounts anonymous", compatRequest{method: "GET", path: "/api/auth/list-accounts"})
	p.signUp(t, map[string]any{"email": "accounts@example.com", "password": "password123", "name": "A"})
	want, _ := p.compare(t, "listAccounts", compatRequest{method: "GET", path: "/api/auth/list-accounts", signedIn: true})
	if want.status != 200 || !strings.Contains(want.body, `"providerId":"credential"`) || !strings.Contains(want.body, `"scopes":[]`) {
		t.Errorf("listAccounts: Better Auth answered %s, not the credential account", want)
	}
	p.compare(t, "unlinkAccount anonymous", compatRequest{method: "POST", path: "/api/auth/unlink-account", json: map[string]any{"accountId": "x"}})
	p.compare(t, "unlinkAccount last", compatRequest{method: "POST", path: "/api/auth/unlink-account", json: map[string]any{"accountId": "x"}, signedIn: true})
	p.compare(t, "unlinkAccount missing", compatRequest{method: "POST", path: "/api/auth/unlink-account", json: map[string]any{}, signedIn: true})
	p.compare(t, "unlinkAccount notString", compatRequest{method: "POST", path: "/api/auth/unlink-account", json: map[string]any{"accountId": 1}, signedIn: true})
	// A second account, linked as an OAuth provider would, in both
	// databases: then one account may be unlinked, by its id only.
	for _, side := range p.sides {
		db, err := sqlite.Open(context.Background(), side.db)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(`INSERT INTO account (id, accountId, providerId, userId, scope, createdAt, updatedAt)
			SELECT 'acc-gh-1', 'gh-1', 'github', userId, 'read:user, user:email', createdAt, updatedAt FROM account
			WHERE providerId = 'credential' AND userId = (SELECT id FROM "user" WHERE email = 'accounts@example.com')`)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	want, _ = p.compare(t, "listAccounts two", compatRequest{method: "GET", path: "/api/auth/list-accounts", signedIn: true})
	if !strings.Contains(want.body, `"scopes":["read:user","user:email"]`) {
		t.Errorf("listAccounts two: Better Auth answered %s, without the linked account's scopes", want)
	}
	p.compare(t, "unlinkAccount unknown", compatRequest{method: "POST", path: "/api/auth/unlink-account", json: map[string]any{"accountId": "gh-1"}, signedIn: true})
	p.compare(t, "unlinkAccount linked", compatRequest{method: "POST", path: "/api/auth/unlink-account", json: map[string]any{"accountId": "acc-gh-1"}, signedIn: true})
	want, _ = p.compare(t, "listAccounts after unlink", compatRequest{method: "GET", path: "/api/auth/list-accounts", signedIn: true})
	if strings.Contains(want.body, "github") || !strings.Contains(want.body, "credential") {
		t.Errorf("listAccounts after unlink: Better Auth answered %s", want)
	}
	p.compare(t, "listAccounts POST", compatRequest{method: "POST", path: "/api/auth/list-accounts", json: map[string]any{}, signedIn: true})
}
