package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// listMailer keeps every email the Go server sends, in order.
type listMailer struct {
	mu   sync.Mutex
	sent []server.Email
}

func (m *listMailer) Send(_ context.Context, e server.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, e)
	return nil
}

// take returns the emails sent since the last take.
func (m *listMailer) take() []server.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// ceAnswer is one HTTP answer of either server.
type ceAnswer struct {
	status   int
	body     string
	location string
	cookies  []string // names of the Set-Cookie headers, sorted
	set      []string // the Set-Cookie lines
}

func cookieNames(lines []string) []string {
	var names []string
	for _, l := range lines {
		name, _, _ := strings.Cut(l, "=")
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// ceMode is one configuration of user.changeEmail and emailVerification,
// given alike to Better Auth and to the Go server.
type ceMode struct {
	enabled, confirmation, withoutVerification, sendVerification bool
}

func (m ceMode) harness(kind sqlstore.Kind, dsn string) batest.Config {
	capture := []string{}
	if m.sendVerification {
		capture = append(capture, "verificationEmail")
	}
	if m.confirmation {
		capture = append(capture, "changeEmailConfirmation")
	}
	extra := map[string]any{"capture": capture}
	if m.enabled {
		extra["options"] = map[string]any{"user": map[string]any{"changeEmail": map[string]any{
			"enabled": true, "updateEmailWithoutVerification": m.withoutVerification}}}
	}
	return batest.Config{Dialect: kind.String(), URL: dsn, Secret: compatSecret, Extra: extra}
}

// cePair is Better Auth (the harness, on auth.handler) and the Go server
// (served in process) on one database, both at http://localhost:3000.
type cePair struct {
	t     *testing.T
	kind  sqlstore.Kind
	dsn   string
	h     *batest.Harness
	store *sqlstore.Store
	mail  *listMailer
	goSrv *server.Server
}

const ceBase = "http://localhost:3000"

func newCEPair(t *testing.T, kind sqlstore.Kind) *cePair {
	db := storetest.NewDatabase(t, kind)
	p := &cePair{t: t, kind: kind, dsn: db.DSN, mail: &listMailer{}}
	p.h = batest.Start(t, ceMode{}.harness(kind, db.DSN))
	p.h.MustCall(t, "migrate", nil, nil)
	p.store = db.Open(t, sqlstore.Options{})
	return p
}

// configure gives both servers mode.
func (p *cePair) configure(m ceMode) {
	p.t.Helper()
	p.h.MustCall(p.t, "init", m.harness(p.kind, p.dsn), nil)
	s, err := server.New(server.Config{Store: p.store, Secrets: []ba.Secret{{Value: compatSecret}}, BaseURL: ceBase,
		Mailer: p.mail, Log: discardLogger(),
		EmailVerification: server.EmailVerificationConfig{Enabled: m.sendVerification},
		ChangeEmail:       server.ChangeEmailConfig{Enabled: m.enabled, SendConfirmation: m.confirmation, UpdateWithoutVerification: m.withoutVerification}})
	if err != nil {
		p.t.Fatal(err)
	}
	p.goSrv = s
	p.mail.take()
}

func (p *cePair) ba(method, path, cookie string, body any) ceAnswer {
	p.t.Helper()
	headers := map[string]string{}
	if cookie != "" {
		headers["cookie"] = cookie
	}
	r := p.h.Request(p.t, method, path, headers, body)
	return ceAnswer{status: r.Status, body: r.Text, location: r.Headers["location"], cookies: cookieNames(r.SetCookie), set: r.SetCookie}
}

func (p *cePair) goSide(method, path, cookie string, body any) ceAnswer {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, ceBase+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Origin", ceBase)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	p.goSrv.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	set := res.Header.Values("Set-Cookie")
	return ceAnswer{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), cookies: cookieNames(set), set: set}
}

// same sends one request to both servers and wants the same status, body
// and Location.
func (p *cePair) same(name, method, path, cookie string, body any) ceAnswer {
	p.t.Helper()
	a, g := p.ba(method, path, cookie, body), p.goSide(method, path, cookie, body)
	if a.status != g.status || a.body != g.body || a.location != g.location {
		p.t.Fatalf("%s: Better Auth %d %q %s, Go %d %q %s", name, a.status, a.location, a.body, g.status, g.location, g.body)
	}
	return a
}

// signUp creates a user through Better Auth and returns its id and session
// cookie; verified marks its email verified.
func (p *cePair) signUp(email string, verified bool) (id, cookie string) {
	p.t.Helper()
	r := p.h.Request(p.t, "POST", "/api/auth/sign-up/email", nil, map[string]any{"email": email, "password": "password12345", "name": "Name " + email})
	if r.Status != 200 {
		p.t.Fatalf("sign-up %s: %d %s", email, r.Status, r.Text)
	}
	var out struct{ User struct{ ID string } }
	if err := r.Decode(&out); err != nil {
		p.t.Fatal(err)
	}
	if verified {
		p.h.MustCall(p.t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user",
			"where": []map[string]any{{"field": "id", "value": out.User.ID}}, "update": map[string]any{"emailVerified": true}}}, nil)
	}
	return out.User.ID, batest.CookieHeader(r.SetCookie)
}

// user is the row of id as the Go store reads it.
func (p *cePair) user(id string) *ba.User {
	p.t.Helper()
	u, err := p.store.GetUser(context.Background(), id)
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

func (p *cePair) wantUser(id, email string, verified bool) {
	p.t.Helper()
	if u := p.user(id); u.Email != email || u.EmailVerified != verified {
		p.t.Fatalf("user %s: email %q verified %v, want %q %v", id, u.Email, u.EmailVerified, email, verified)
	}
}

// captured is Better Auth's last captured email of kind, nil for none.
type baEmail struct {
	User     struct{ ID, Email string }
	NewEmail string
	URL      string
	Token    string
}

func (p *cePair) captured(kind string) *baEmail {
	p.t.Helper()
	var e *baEmail
	p.h.MustCall(p.t, "lastCaptured", map[string]any{"kind": kind}, &e)
	return e
}

func verifyPath(token, callback string) string {
	path := "/api/auth/verify-email?token=" + url.QueryEscape(token)
	if callback != "" {
		path += "&callbackURL=" + url.QueryEscape(callback)
	}
	return path
}

// TestChangeEmailMatchesBetterAuth runs POST /change-email and verify-email's
// change-email requests on Better Auth 1.7.25 and on the Go server sharing
// one database (SQLite, PostgreSQL, MariaDB) and secret: the refusals are
// byte-identical, the confirmation and verification links minted by either
// are carried out by the other, the rows (email, emailVerified), the emails
// (kind, recipient) and the session cookies are Better Auth's.
func TestChangeEmailMatchesBetterAuth(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind.String(), func(t *testing.T) { testChangeEmail(t, kind) })
	}
}

func testChangeEmail(t *testing.T, kind sqlstore.Kind) {
	p := newCEPair(t, kind)
	const change = "/api/auth/change-email"
	verifiedID, verifiedCookie := p.signUp("vera@example.com", true)
	plainID, plainCookie := p.signUp("paul@example.com", false)
	p.signUp("taken@example.com", false)

	// Disabled (Better Auth's default), then refusals before any flow.
	p.configure(ceMode{sendVerification: true})
	p.same("disabled", "POST", change, verifiedCookie, map[string]any{"newEmail": "new@example.com"})
	p.same("no session", "POST", change, "", map[string]any{"newEmail": "new@example.com"})
	p.same("no body", "POST", change, verifiedCookie, nil)
	p.configure(ceMode{enabled: true, confirmation: true, withoutVerification: true, sendVerification: true})
	for name, body := range map[string]any{
		"invalid email": map[string]any{"newEmail": "not-an-email"},
		"number":        map[string]any{"newEmail": 7},
		"missing":       map[string]any{"callbackURL": "/x"},
		"bad callback":  map[string]any{"newEmail": "new@example.com", "callbackURL": "https://evil.example/"},
		"same email":    map[string]any{"newEmail": "VERA@example.com"},
	} {
		p.same(name, "POST", change, verifiedCookie, body)
	}
	// Taken: {status:true}, nothing sent, nothing changed.
	a := p.same("taken", "POST", change, verifiedCookie, map[string]any{"newEmail": "Taken@example.com"})
	if a.status != 200 || a.body != `{"status":true}` {
		t.Fatalf("taken: %d %s", a.status, a.body)
	}
	if e := p.captured("changeEmailConfirmation"); e != nil {
		t.Fatalf("Better Auth mailed for a taken address: %+v", e.User)
	}
	if sent := p.mail.take(); len(sent) != 0 {
		t.Fatalf("Go mailed for a taken address: %d emails", len(sent))
	}
	p.wantUser(verifiedID, "vera@example.com", true)

	// Confirmation first (verified user). Better Auth mints the
	// confirmation, Go opens it and mails the new address, Better Auth
	// opens that and changes the email.
	a = p.ba("POST", change, verifiedCookie, map[string]any{"newEmail": "Vera.New@example.com", "callbackURL": "/after"})
	if a.status != 200 || a.body != `{"status":true}` {
		t.Fatalf("Better Auth change-email: %d %s", a.status, a.body)
	}
	conf := p.captured("changeEmailConfirmation")
	if conf == nil || conf.User.Email != "vera@example.com" || conf.NewEmail != "vera.new@example.com" ||
		!strings.HasSuffix(conf.URL, "&callbackURL=%2Fafter") {
		t.Fatalf("Better Auth's confirmation: %+v", conf)
	}
	p.wantUser(verifiedID, "vera@example.com", true)
	// Another user's session may not open it, on either server.
	p.same("other user's session", "GET", verifyPath(conf.Token, ""), plainCookie, nil)
	p.same("other user's session, callback", "GET", verifyPath(conf.Token, "/after"), plainCookie, nil)
	g := p.goSide("GET", verifyPath(conf.Token, "/after"), verifiedCookie, nil)
	if g.status != 302 || g.location != "/after" || len(g.set) != 0 {
		t.Fatalf("Go opening the confirmation: %d %q %v", g.status, g.location, g.cookies)
	}
	sent := p.mail.take()
	if len(sent) != 1 || sent[0].Kind != server.EmailChangeVerification || sent[0].To != "vera.new@example.com" ||
		sent[0].NewEmail != "vera.new@example.com" || !strings.HasPrefix(sent[0].URL, ceBase+"/api/auth/verify-email?token="+sent[0].Token+"&callbackURL=%2Fafter") {
		t.Fatalf("Go's emails on confirmation: %+v", sent)
	}
	p.wantUser(verifiedID, "vera@example.com", true)
	a = p.ba("GET", verifyPath(sent[0].Token, ""), verifiedCookie, nil)
	if a.status != 200 || !reflect.DeepEqual(a.cookies, []string{"better-auth.session_token"}) {
		t.Fatalf("Better Auth opening Go's verification: %d %v %s", a.status, a.cookies, a.body)
	}
	p.wantUser(verifiedID, "vera.new@example.com", true)
	baUserBody := a.body
	// Spent: the user's email is no longer the token's.
	p.same("spent confirmation", "GET", verifyPath(conf.Token, ""), "", nil)
	p.same("spent verification", "GET", verifyPath(sent[0].Token, "/after"), "", nil)

	// The reverse: Go mints the confirmation, Better Auth opens it, Go
	// opens Better Auth's verification.
	g = p.goSide("POST", change, verifiedCookie, map[string]any{"newEmail": "vera@example.com"})
	if g.status != 200 || g.body != `{"status":true}` || len(g.set) != 0 {
		t.Fatalf("Go change-email: %d %s %v", g.status, g.body, g.cookies)
	}
	sent = p.mail.take()
	if len(sent) != 1 || sent[0].Kind != server.EmailChangeConfirmation || sent[0].To != "vera.new@example.com" || sent[0].NewEmail != "vera@example.com" ||
		sent[0].Name != "Name vera@example.com" || !strings.HasSuffix(sent[0].URL, "&callbackURL=%2F") {
		t.Fatalf("Go's confirmation: %+v", sent)
	}
	a = p.ba("GET", verifyPath(sent[0].Token, ""), verifiedCookie, nil)
	if a.status != 200 || a.body != `{"status":true}` {
		t.Fatalf("Better Auth opening Go's confirmation: %d %s", a.status, a.body)
	}
	ver := p.captured("verificationEmail")
	if ver == nil || ver.User.Email != "vera@example.com" {
		t.Fatalf("Better Auth's verification: %+v", ver)
	}
	p.wantUser(verifiedID, "vera.new@example.com", true)
	g = p.goSide("GET", verifyPath(ver.Token, ""), verifiedCookie, nil)
	if g.status != 200 || !reflect.DeepEqual(g.cookies, []string{"better-auth.session_token"}) {
		t.Fatalf("Go opening Better Auth's verification: %d %v %s", g.status, g.cookies, g.body)
	}
	p.wantUser(verifiedID, "vera@example.com", true)
	// The answer is Better Auth's {status, user}: its earlier answer with
	// the email and updatedAt of this change.
	var goBody, baBody struct {
		Status bool
		User   map[string]any
	}
	if json.Unmarshal([]byte(g.body), &goBody) != nil || json.Unmarshal([]byte(baUserBody), &baBody) != nil || !goBody.Status {
		t.Fatalf("verification answers: Go %s, Better Auth %s", g.body, baUserBody)
	}
	if !strings.HasPrefix(g.body, `{"status":true,"user":{`) || !strings.HasPrefix(baUserBody, `{"status":true,"user":{`) {
		t.Fatalf("verification answers' order: Go %s, Better Auth %s", g.body, baUserBody)
	}
	baBody.User["email"], baBody.User["updatedAt"] = "vera@example.com", goBody.User["updatedAt"]
	if !reflect.DeepEqual(goBody.User, baBody.User) {
		t.Fatalf("verification user: Go %v, Better Auth %v", goBody.User, baBody.User)
	}
	// The refreshed cookie carries the same session: Better Auth's
	// get-session sees the new email.
	gs := p.ba("GET", "/api/auth/get-session", batest.CookieHeader(g.set), nil)
	if !strings.Contains(gs.body, `"email":"vera@example.com"`) {
		t.Fatalf("get-session after Go's change: %s", gs.body)
	}

	// updateEmailWithoutVerification: an unverified user's email changes at
	// once on either server, and a plain verification goes to the new
	// address.
	a = p.ba("POST", change, plainCookie, map[string]any{"newEmail": "paul2@example.com"})
	if a.status != 200 || a.body != `{"status":true}` || !reflect.DeepEqual(a.cookies, []string{"better-auth.session_token"}) {
		t.Fatalf("Better Auth change-email, unverified: %d %s %v", a.status, a.body, a.cookies)
	}
	p.wantUser(plainID, "paul2@example.com", false)
	ver = p.captured("verificationEmail")
	if ver == nil || ver.User.Email != "paul2@example.com" {
		t.Fatalf("Better Auth's verification, unverified: %+v", ver)
	}
	g = p.goSide("POST", change, plainCookie, map[string]any{"newEmail": "paul3@example.com", "callbackURL": "/v"})
	if g.status != 200 || g.body != a.body || !reflect.DeepEqual(g.cookies, a.cookies) {
		t.Fatalf("Go change-email, unverified: %d %s %v", g.status, g.body, g.cookies)
	}
	p.wantUser(plainID, "paul3@example.com", false)
	sent = p.mail.take()
	if len(sent) != 1 || sent[0].Kind != server.EmailVerification || sent[0].To != "paul3@example.com" || !strings.HasSuffix(sent[0].URL, "&callbackURL=%2Fv") {
		t.Fatalf("Go's verification, unverified: %+v", sent)
	}
	// Better Auth's plain token (for paul2) names an address the user no
	// longer has; Go's (paul3) verifies on Better Auth.
	p.same("stale plain token", "GET", verifyPath(ver.Token, ""), "", nil)
	a = p.ba("GET", verifyPath(sent[0].Token, "/v"), "", nil)
	if a.status != 302 || a.location != "/v" {
		t.Fatalf("Better Auth opening Go's plain verification: %d %q", a.status, a.location)
	}
	p.wantUser(plainID, "paul3@example.com", true)

	// Without the confirmation: the verification goes straight to the new
	// address.
	p.configure(ceMode{enabled: true, sendVerification: true})
	a = p.ba("POST", change, verifiedCookie, map[string]any{"newEmail": "vera3@example.com"})
	ver = p.captured("verificationEmail")
	if a.status != 200 || ver == nil || ver.User.Email != "vera3@example.com" {
		t.Fatalf("Better Auth change-email without confirmation: %d %s %+v", a.status, a.body, ver)
	}
	g = p.goSide("GET", verifyPath(ver.Token, "/done"), "", nil)
	if g.status != 302 || g.location != "/done" || len(g.set) != 0 {
		t.Fatalf("Go opening Better Auth's verification without a session: %d %q %v", g.status, g.location, g.cookies)
	}
	p.wantUser(verifiedID, "vera3@example.com", true)
	g = p.goSide("POST", change, verifiedCookie, map[string]any{"newEmail": "vera4@example.com"})
	sent = p.mail.take()
	if g.status != 200 || len(sent) != 1 || sent[0].Kind != server.EmailChangeVerification || sent[0].To != "vera4@example.com" {
		t.Fatalf("Go change-email without confirmation: %d %s %+v", g.status, g.body, sent)
	}
	p.same("wrong user's session", "GET", verifyPath(sent[0].Token, ""), plainCookie, nil)
	a = p.ba("GET", verifyPath(sent[0].Token, ""), "", nil)
	if a.status != 200 || len(a.set) != 0 {
		t.Fatalf("Better Auth opening Go's verification without a session: %d %s", a.status, a.body)
	}
	p.wantUser(verifiedID, "vera4@example.com", true)
	// An unverified user without updateEmailWithoutVerification gets the
	// verification flow too, and stays unverified after it.
	p.h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user",
		"where": []map[string]any{{"field": "id", "value": plainID}}, "update": map[string]any{"emailVerified": false}}}, nil)
	g = p.goSide("POST", change, plainCookie, map[string]any{"newEmail": "paul5@example.com"})
	sent = p.mail.take()
	if g.status != 200 || len(sent) != 1 || sent[0].Kind != server.EmailChangeVerification {
		t.Fatalf("Go change-email, unverified without updateEmailWithoutVerification: %d %+v", g.status, sent)
	}
	p.wantUser(plainID, "paul3@example.com", false)
	if a := p.ba("GET", verifyPath(sent[0].Token, ""), "", nil); a.status != 200 {
		t.Fatalf("Better Auth opening it: %d %s", a.status, a.body)
	}
	p.wantUser(plainID, "paul5@example.com", false)

	// No sendVerificationEmail and no update at once: Better Auth's
	// refusal, before the lookup of the address.
	p.configure(ceMode{enabled: true, confirmation: false})
	p.same("no verification email", "POST", change, verifiedCookie, map[string]any{"newEmail": "x@example.com"})
	p.same("no verification email, taken", "POST", change, verifiedCookie, map[string]any{"newEmail": "taken@example.com"})
	// updateEmailWithoutVerification alone: changes at once, mails nothing.
	p.configure(ceMode{enabled: true, withoutVerification: true})
	p.same("verified, update only", "POST", change, verifiedCookie, map[string]any{"newEmail": "x@example.com"})
	g = p.goSide("POST", change, plainCookie, map[string]any{"newEmail": "paul6@example.com"})
	if g.status != 200 || len(p.mail.take()) != 0 {
		t.Fatalf("Go change-email, update only: %d %s", g.status, g.body)
	}
	p.wantUser(plainID, "paul6@example.com", false)

	// Legacy tokens (updateTo without a requestType, as older Better Auth
	// minted them): the email changes at once, emailVerified false, and a
	// plain verification goes to the new address.
	p.configure(ceMode{enabled: true, sendVerification: true})
	p.same("legacy without userId", "GET", verifyPath(legacyToken(t, "vera4@example.com", "v5@example.com", ""), ""), "", nil)
	p.same("legacy unknown user", "GET", verifyPath(legacyToken(t, "vera4@example.com", "v5@example.com", "nobody"), "/cb"), "", nil)
	g = p.goSide("GET", verifyPath(legacyToken(t, "vera4@example.com", "V5@example.com", verifiedID), ""), verifiedCookie, nil)
	sent = p.mail.take()
	if g.status != 200 || !reflect.DeepEqual(g.cookies, []string{"better-auth.session_token"}) || len(sent) != 1 ||
		sent[0].Kind != server.EmailVerification || sent[0].To != "v5@example.com" {
		t.Fatalf("Go opening a legacy token: %d %v %s %+v", g.status, g.cookies, g.body, sent)
	}
	p.wantUser(verifiedID, "v5@example.com", false)
	a = p.ba("GET", verifyPath(legacyToken(t, "v5@example.com", "v6@example.com", verifiedID), ""), "", nil)
	ver = p.captured("verificationEmail")
	if a.status != 200 || len(a.set) != 0 || ver == nil || ver.User.Email != "v6@example.com" {
		t.Fatalf("Better Auth opening a legacy token: %d %s %+v", a.status, a.body, ver)
	}
	p.wantUser(verifiedID, "v6@example.com", false)
	if json.Unmarshal([]byte(g.body), &goBody) != nil || json.Unmarshal([]byte(a.body), &baBody) != nil {
		t.Fatalf("legacy answers: Go %s, Better Auth %s", g.body, a.body)
	}
	baBody.User["email"], baBody.User["updatedAt"] = "v5@example.com", goBody.User["updatedAt"]
	if !reflect.DeepEqual(goBody.User, baBody.User) {
		t.Fatalf("legacy user: Go %v, Better Auth %v", goBody.User, baBody.User)
	}
	// Go's plain verification names v5, which the user no longer has.
	p.same("stale legacy verification", "GET", verifyPath(sent[0].Token, ""), "", nil)
}

// legacyToken is an email-change token as Better Auth before the
// confirmation flow minted it: {email, updateTo, userId?} without a
// requestType, signed with the shared secret.
func legacyToken(t *testing.T, email, updateTo, userID string) string {
	t.Helper()
	now := time.Now().Unix()
	claims := map[string]any{"email": email, "updateTo": strings.ToLower(updateTo), "iat": now, "exp": now + 3600}
	if userID != "" {
		claims["userId"] = userID
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(compatSecret))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}
