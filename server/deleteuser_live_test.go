package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// sharedPair is the real Better Auth and the Go server on ONE database
// with one secret: a session or an emailed token either one issues works
// on the other, and both answers can be compared request by request.
type sharedPair struct {
	db       storetest.Database
	st       *sqlstore.Store
	baURL    string
	goURL    string
	baMail   string // Better Auth's mail file (authserver.mjs lines)
	goMail   *captureMailer
	hc       *http.Client
	sideURLs [2]string
}

// sharedPairOptions are the options of both servers, given to each in its
// own terms.
type sharedPairOptions struct {
	user, session, account map[string]any
	config                 func(*server.Config)
}

func newSharedPair(t *testing.T, kind sqlstore.Kind, opts sharedPairOptions) *sharedPair {
	t.Helper()
	batest.Ensure(t)
	db := storetest.NewDatabase(t, kind)
	p := &sharedPair{db: db, baMail: filepath.Join(t.TempDir(), "mail.jsonl"), goMail: &captureMailer{},
		hc: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	// Better Auth migrates the database before it listens.
	p.baURL = batest.StartAuthServer(t, batest.AuthServerConfig{DB: db.DSN, Secret: compatSecret, ResetFile: p.baMail,
		StartTimeout: compatTimeout, User: opts.user, Session: opts.session, Account: opts.account})
	p.st = db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}})
	srv := httptest.NewUnstartedServer(nil)
	p.goURL = "http://" + srv.Listener.Addr().String()
	logs := &compatBuffer{}
	cfg := server.Config{Store: p.st, Secrets: []ba.Secret{{Value: compatSecret}}, BaseURL: p.goURL, Mailer: p.goMail,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if opts.config != nil {
		opts.config(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if t.Failed() {
			t.Logf("Go server log:\n%s", logs.tail(20000))
		}
	})
	p.sideURLs = [2]string{p.baURL, p.goURL}
	return p
}

func (p *sharedPair) label(base string) string {
	if base == p.baURL {
		return "Better Auth"
	}
	return "Go"
}

// liveAnswer is what a comparison looks at: the status, the body with
// volatile values and the server's own URL replaced, the Location, and
// the names of the cookies the answer expires.
type liveAnswer struct {
	status int
	// body has volatile values replaced and keys sorted (canonicalBody),
	// exact only the values replaced (orderedBody): key order counts.
	body, exact string
	location    string
	expired     string
	cookies     []string
}

func (p *sharedPair) do(t *testing.T, base, method, path, cookie string, body any) liveAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", base)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := p.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", p.label(base), method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rep := strings.NewReplacer(base, "<baseURL>")
	a := liveAnswer{status: res.StatusCode, body: canonicalBody(rep.Replace(string(raw))), exact: orderedBody(rep.Replace(string(raw))), location: rep.Replace(res.Header.Get("Location")),
		cookies: res.Header.Values("Set-Cookie")}
	var expired []string
	for _, c := range a.cookies {
		name, rest, _ := strings.Cut(c, "=")
		if strings.HasPrefix(rest, ";") && strings.Contains(strings.ToLower(rest), "max-age=0") {
			expired = append(expired, name)
		}
	}
	// Better Auth expires session_data twice (the cookie, then its
	// chunks' store), which a browser takes as once.
	sort.Strings(expired)
	a.expired = strings.Join(slices.Compact(expired), ",")
	return a
}

// signUp creates email on base and returns the session's Cookie header.
func (p *sharedPair) signUp(t *testing.T, base, email string) (cookie string, user *ba.User) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"email": email, "password": "password123", "name": "Delete Me"})
	req, _ := http.NewRequest("POST", base+"/api/auth/sign-up/email", strings.NewReader(string(b)))
	req.Header.Set("Origin", base)
	req.Header.Set("Content-Type", "application/json")
	res, err := p.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("%s sign-up %s: %d %s", p.label(base), email, res.StatusCode, out)
	}
	u, err := p.st.GetUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return batest.CookieHeader(res.Header.Values("Set-Cookie")), u
}

// sessionCookie stores a session of user created age ago (written by the
// Go store, which both servers read) and returns its Cookie header.
func (p *sharedPair) sessionCookie(t *testing.T, user *ba.User, age time.Duration) (string, *ba.Session) {
	t.Helper()
	sess := ba.NewSession(ba.SessionCreate{UserID: user.ID, ExpiresIn: 7 * 24 * time.Hour}, time.Now().Add(-age))
	if err := p.st.CreateSession(context.Background(), sess, user); err != nil {
		t.Fatal(err)
	}
	return "better-auth.session_token=" + ba.SignCookieValue(sess.Token, compatSecret), sess
}

// requireGone fails unless the user, their sessions and accounts are gone.
func (p *sharedPair) requireGone(t *testing.T, what string, user *ba.User) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.st.GetUser(ctx, user.ID); !errors.Is(err, ba.ErrNotFound) {
		t.Errorf("%s: user %s still there (%v)", what, user.Email, err)
	}
	if list, err := p.st.ListUserSessions(ctx, user.ID); err != nil || len(list) != 0 {
		t.Errorf("%s: %d sessions left (%v)", what, len(list), err)
	}
	if list, err := p.st.ListAccounts(ctx, user.ID); err != nil || len(list) != 0 {
		t.Errorf("%s: %d accounts left (%v)", what, len(list), err)
	}
}

func (p *sharedPair) requireThere(t *testing.T, what string, user *ba.User) {
	t.Helper()
	if _, err := p.st.GetUser(context.Background(), user.ID); err != nil {
		t.Errorf("%s: user %s is gone (%v)", what, user.Email, err)
	}
}

// deleteMail is the newest delete-account email base sent (Better Auth's
// from its mail file, after count earlier lines; Go's from its Mailer).
func (p *sharedPair) deleteMail(t *testing.T, base string, count int) (link, token string) {
	t.Helper()
	if base == p.baURL {
		return newestResetEmail(t, &compatSide{label: "Better Auth", resetFile: p.baMail}, count)
	}
	p.goMail.mu.Lock()
	defer p.goMail.mu.Unlock()
	if p.goMail.n != count+1 || p.goMail.last.Kind != server.EmailDeleteAccountVerification {
		t.Fatalf("Go mailer: %d emails, last %q; want %d, delete-account-verification", p.goMail.n, p.goMail.last.Kind, count+1)
	}
	return p.goMail.last.URL, p.goMail.last.Token
}

func (p *sharedPair) mailCount(t *testing.T, base string) int {
	t.Helper()
	if base == p.baURL {
		return resetEmailCount(t, &compatSide{resetFile: p.baMail})
	}
	p.goMail.mu.Lock()
	defer p.goMail.mu.Unlock()
	return p.goMail.n
}

// compareRuns requires the answers of the run against Better Auth and the
// run against Go to be the same, step by step.
func compareRuns(t *testing.T, runs [2]map[string]liveAnswer) {
	t.Helper()
	names := make([]string, 0, len(runs[0]))
	for name := range runs[0] {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want, got := runs[0][name], runs[1][name]
		if want.status != got.status || want.body != got.body || want.exact != got.exact || want.location != got.location || want.expired != got.expired {
			t.Errorf("%s: Go differs from Better Auth\n  Better Auth: %d %s loc=%q expired=%q\n  Go:          %d %s loc=%q expired=%q",
				name, want.status, want.exact, want.location, want.expired, got.status, got.exact, got.location, got.expired)
		}
	}
	if len(runs[0]) != len(runs[1]) {
		t.Errorf("runs have %d and %d steps", len(runs[0]), len(runs[1]))
	}
}

// expectLive requires a's status and body.
func expectLive(t *testing.T, name string, a liveAnswer, status int, body string) {
	t.Helper()
	if a.status != status || a.body != body {
		t.Errorf("%s: %d %s, want %d %s", name, a.status, a.body, status, body)
	}
}

const sessionCookiesExpired = "better-auth.dont_remember,better-auth.session_data,better-auth.session_token"

var deleteSharedKinds = []sqlstore.Kind{sqlstore.SQLite, sqlstore.Postgres, sqlstore.MySQL}

// TestDeleteUserLive: user.deleteUser enabled without an email, on the
// same database as Better Auth: every request goes once to Better Auth
// and once to Go (each time for a user the OTHER server signed up), and
// the answers, the expired cookies and the rows left must agree. The
// session.freshAge of one hour (not the default day) and
// account.accountLinking.allowUnlinkingAll apply on both.
func TestDeleteUserLive(t *testing.T) {
	for _, kind := range deleteSharedKinds {
		t.Run(kind.String(), func(t *testing.T) {
			p := newSharedPair(t, kind, sharedPairOptions{
				user:    map[string]any{"deleteUser": map[string]any{"enabled": true}},
				session: map[string]any{"freshAge": 3600},
				account: map[string]any{"accountLinking": map[string]any{"allowUnlinkingAll": true}},
				config: func(c *server.Config) {
					c.DeleteUser = server.DeleteUserConfig{Enabled: true}
					c.SessionFreshAge = time.Hour
					c.AllowUnlinkingAll = true
				},
			})
			var runs [2]map[string]liveAnswer
			for i, base := range p.sideURLs {
				other := p.sideURLs[1-i]
				got := map[string]liveAnswer{}
				runs[i] = got
				tag := strings.ReplaceAll(strings.ToLower(p.label(base)), " ", "")
				step := func(name, method, path, cookie string, body any) liveAnswer {
					t.Helper()
					a := p.do(t, base, method, path, cookie, body)
					got[name] = a
					return a
				}

				expectLive(t, "anonymous", step("anonymous", "POST", "/api/auth/delete-user", "", map[string]any{}), 401, `{"message":"Unauthorized","code":"UNAUTHORIZED"}`)

				cookie, user := p.signUp(t, other, "fresh-"+tag+"@example.com")
				expectLive(t, "wrong password", step("wrong password", "POST", "/api/auth/delete-user", cookie, map[string]any{"password": "wrong-password"}), 400, `{"message":"Invalid password","code":"INVALID_PASSWORD"}`)
				step("not a string", "POST", "/api/auth/delete-user", cookie, map[string]any{"password": 12})
				step("no body", "POST", "/api/auth/delete-user", cookie, nil)
				p.requireThere(t, "after refusals", user)
				a := step("fresh session", "POST", "/api/auth/delete-user", cookie, map[string]any{})
				expectLive(t, "fresh session", a, 200, `{"success":true,"message":"User deleted"}`)
				if a.expired != sessionCookiesExpired {
					t.Errorf("%s: fresh delete expired %q, want %q", p.label(base), a.expired, sessionCookiesExpired)
				}
				p.requireGone(t, p.label(base)+" fresh delete", user)
				step("after delete", "GET", "/api/auth/get-session", cookie, nil)

				// Two hours old: past freshAge (1 h) though within the default day.
				_, stale := p.signUp(t, other, "stale-"+tag+"@example.com")
				old, _ := p.sessionCookie(t, stale, 2*time.Hour)
				expectLive(t, "stale session", step("stale session", "POST", "/api/auth/delete-user", old, map[string]any{}), 400,
					`{"message":"Session expired. Re-authenticate to perform this action.","code":"SESSION_EXPIRED"}`)
				accounts, err := p.st.ListAccounts(context.Background(), stale.ID)
				if err != nil || len(accounts) != 1 {
					t.Fatalf("accounts: %v %v", accounts, err)
				}
				expectLive(t, "stale unlink", step("stale unlink", "POST", "/api/auth/unlink-account", old, map[string]any{"accountId": accounts[0].ID}), 403,
					`{"message":"Session is not fresh","code":"SESSION_NOT_FRESH"}`)
				p.requireThere(t, "after stale refusal", stale)
				a = step("stale with password", "POST", "/api/auth/delete-user", old, map[string]any{"password": "password123"})
				expectLive(t, "stale with password", a, 200, `{"success":true,"message":"User deleted"}`)
				p.requireGone(t, p.label(base)+" delete with password", stale)

				// allowUnlinkingAll: a fresh (30 min) session unlinks the
				// only account.
				_, single := p.signUp(t, other, "single-"+tag+"@example.com")
				recent, _ := p.sessionCookie(t, single, 30*time.Minute)
				accounts, _ = p.st.ListAccounts(context.Background(), single.ID)
				expectLive(t, "unlink last", step("unlink last", "POST", "/api/auth/unlink-account", recent, map[string]any{"accountId": accounts[0].ID}), 200, `{"status":true}`)
				if left, _ := p.st.ListAccounts(context.Background(), single.ID); len(left) != 0 {
					t.Errorf("%s: unlink-account left %d accounts", p.label(base), len(left))
				}
				// Without a credential account a password cannot be checked.
				step("password without credential account", "POST", "/api/auth/delete-user", recent, map[string]any{"password": "password123"})
				p.requireThere(t, "after credential refusal", single)
			}
			compareRuns(t, runs)
		})
	}
}

var deleteTokenPattern = regexp.MustCompile(`^[0-9a-z]{32}$`)

// TestDeleteUserVerificationLive: with sendDeleteAccountVerification,
// delete-user mails a link; the link (or its token in a delete-user body)
// minted by one server deletes the user on the other, and both refuse a
// wrong, foreign or spent token, a missing session and an untrusted
// callbackURL alike.
func TestDeleteUserVerificationLive(t *testing.T) {
	for _, kind := range deleteSharedKinds {
		t.Run(kind.String(), func(t *testing.T) {
			p := newSharedPair(t, kind, sharedPairOptions{
				user:   map[string]any{"deleteUser": map[string]any{"enabled": true, "sendDeleteAccountVerification": true}},
				config: func(c *server.Config) { c.DeleteUser = server.DeleteUserConfig{Enabled: true, SendVerification: true} },
			})
			ctx := context.Background()
			var runs [2]map[string]liveAnswer
			for i, base := range p.sideURLs {
				other := p.sideURLs[1-i]
				got := map[string]liveAnswer{}
				runs[i] = got
				tag := strings.ReplaceAll(strings.ToLower(p.label(base)), " ", "")
				step := func(name, at, method, path, cookie string, body any) liveAnswer {
					t.Helper()
					a := p.do(t, at, method, path, cookie, body)
					got[name] = a
					return a
				}
				// request has base mail a link for the user of cookie.
				request := func(name, cookie string, body map[string]any) (link, token string) {
					t.Helper()
					n := p.mailCount(t, base)
					expectLive(t, name, step(name, base, "POST", "/api/auth/delete-user", cookie, body), 200, `{"success":true,"message":"Verification email sent"}`)
					return p.deleteMail(t, base, n)
				}

				cookie, user := p.signUp(t, other, "link-"+tag+"@example.com")
				n := p.mailCount(t, base)
				expectLive(t, "wrong password", step("wrong password", base, "POST", "/api/auth/delete-user", cookie, map[string]any{"password": "nope-nope"}), 400, `{"message":"Invalid password","code":"INVALID_PASSWORD"}`)
				if p.mailCount(t, base) != n {
					t.Errorf("%s mailed after a wrong password", p.label(base))
				}
				link, token := request("request", cookie, map[string]any{"callbackURL": "/bye"})
				if !deleteTokenPattern.MatchString(token) {
					t.Errorf("%s token %q is not 32 of [0-9a-z]", p.label(base), token)
				}
				if want := base + "/api/auth/delete-user/callback?token=" + token + "&callbackURL=%2Fbye"; link != want {
					t.Errorf("%s link %q, want %q", p.label(base), link, want)
				}
				v, err := p.st.GetVerificationByIdentifier(ctx, "delete-account-"+token)
				if err != nil || v.Value != user.ID {
					t.Fatalf("%s verification row: %+v %v", p.label(base), v, err)
				}
				if d := time.Until(v.ExpiresAt); d < 23*time.Hour || d > 25*time.Hour {
					t.Errorf("%s token expires in %v, want a day", p.label(base), d)
				}
				p.requireThere(t, "after the email", user)

				// The other server opens the link.
				callback := "/api/auth/delete-user/callback?token="
				step("callback wrong token", other, "GET", callback+"wrong&callbackURL=%2Fbye", cookie, nil)
				step("callback no session", other, "GET", callback+token+"&callbackURL=%2Fbye", "", nil)
				step("callback no token", other, "GET", "/api/auth/delete-user/callback", cookie, nil)
				step("callback untrusted", other, "GET", callback+token+"&callbackURL=https%3A%2F%2Fevil.example.com", cookie, nil)
				p.requireThere(t, "after refused callbacks", user)
				a := step("callback", other, "GET", callback+token+"&callbackURL=%2Fbye", cookie, nil)
				if a.status != 302 || a.location != "/bye" {
					t.Errorf("%s callback: %d %q", p.label(other), a.status, a.location)
				}
				p.requireGone(t, p.label(other)+" callback", user)

				// A token in delete-user's body, also on the other server.
				cookie2, user2 := p.signUp(t, other, "body-"+tag+"@example.com")
				_, token2 := request("request 2", cookie2, map[string]any{})
				a = step("body token", other, "POST", "/api/auth/delete-user", cookie2, map[string]any{"token": token2})
				expectLive(t, "body token", a, 200, `{"success":true,"message":"User deleted"}`)
				if a.expired != sessionCookiesExpired {
					t.Errorf("%s body-token delete expired %q", p.label(other), a.expired)
				}
				p.requireGone(t, p.label(other)+" body token", user2)

				// Another user's token is refused and spent.
				cookie3, user3 := p.signUp(t, other, "owner-"+tag+"@example.com")
				cookie4, user4 := p.signUp(t, other, "thief-"+tag+"@example.com")
				link3, token3 := request("request 3", cookie3, map[string]any{})
				step("foreign token", other, "POST", "/api/auth/delete-user", cookie4, map[string]any{"token": token3})
				step("spent link", other, "GET", strings.TrimPrefix(link3, base), cookie3, nil)
				p.requireThere(t, "owner", user3)
				p.requireThere(t, "thief", user4)
				step("callback without callbackURL", other, "GET", callback+"missing", cookie3, nil)
			}
			compareRuns(t, runs)
		})
	}
}

// TestDeleteUserRedisSessions: with sessions and verification values in
// Redis (Better Auth's secondaryStorage), delete-user removes the user's
// Redis sessions (every one, not only the caller's) with the SQL rows,
// and the emailed token lives in Redis as verification:delete-account-….
func TestDeleteUserRedisSessions(t *testing.T) {
	for _, mode := range []string{"Immediate", "Email"} {
		t.Run(mode, func(t *testing.T) {
			schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}, SecondaryStorage: true}
			st := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: schema})
			resolved, err := schema.Resolve()
			if err != nil {
				t.Fatal(err)
			}
			client := goredis.NewClient(&goredis.Options{Addr: testdb.RedisAddr(t)})
			t.Cleanup(func() { _ = client.Close() })
			rs, err := redis.New(client, redis.Options{KeyPrefix: testdb.RedisKeyPrefix(t, "deleteuser"), Schema: resolved})
			if err != nil {
				t.Fatal(err)
			}
			mail := &captureMailer{}
			srv := httptest.NewUnstartedServer(nil)
			base := "http://" + srv.Listener.Addr().String()
			s, err := server.New(server.Config{Store: st, Sessions: rs, Verifications: rs, Secrets: []ba.Secret{{Value: compatSecret}}, BaseURL: base,
				Mailer: mail, Log: discardLogger(), DeleteUser: server.DeleteUserConfig{Enabled: true, SendVerification: mode == "Email"}})
			if err != nil {
				t.Fatal(err)
			}
			srv.Config.Handler = s
			srv.Start()
			t.Cleanup(srv.Close)
			p := &sharedPair{st: st, goURL: base, goMail: mail, hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

			cookie, _ := p.signUp(t, base, "redis-"+strings.ToLower(mode)+"@example.com")
			ctx := context.Background()
			user, err := st.GetUserByEmail(ctx, "redis-"+strings.ToLower(mode)+"@example.com")
			if err != nil {
				t.Fatal(err)
			}
			// A second session, on another device.
			other := ba.NewSession(ba.SessionCreate{UserID: user.ID}, time.Now())
			if err := rs.CreateSession(ctx, other, user); err != nil {
				t.Fatal(err)
			}
			if list, err := rs.ListUserSessions(ctx, user.ID); err != nil || len(list) != 2 {
				t.Fatalf("sessions before: %d %v", len(list), err)
			}
			var a liveAnswer
			if mode == "Email" {
				expectLive(t, "request", p.do(t, base, "POST", "/api/auth/delete-user", cookie, map[string]any{}), 200, `{"success":true,"message":"Verification email sent"}`)
				_, token := p.deleteMail(t, base, 0)
				v, err := rs.GetVerificationByIdentifier(ctx, "delete-account-"+token)
				if err != nil || v.Value != user.ID {
					t.Fatalf("verification in Redis: %+v %v", v, err)
				}
				a = p.do(t, base, "GET", "/api/auth/delete-user/callback?token="+token, cookie, nil)
				if _, err := rs.GetVerificationByIdentifier(ctx, "delete-account-"+token); !errors.Is(err, ba.ErrNotFound) {
					t.Errorf("token not consumed: %v", err)
				}
			} else {
				a = p.do(t, base, "POST", "/api/auth/delete-user", cookie, map[string]any{})
			}
			expectLive(t, "delete", a, 200, `{"success":true,"message":"User deleted"}`)
			if a.expired != sessionCookiesExpired {
				t.Errorf("expired cookies %q", a.expired)
			}
			if list, err := rs.ListUserSessions(ctx, user.ID); err != nil || len(list) != 0 {
				t.Errorf("Redis sessions after: %d %v", len(list), err)
			}
			if _, _, err := rs.GetSessionAndUser(ctx, other.Token); !errors.Is(err, ba.ErrNotFound) {
				t.Errorf("the other device's session: %v", err)
			}
			if _, err := st.GetUser(ctx, user.ID); !errors.Is(err, ba.ErrNotFound) {
				t.Errorf("user: %v", err)
			}
			if list, err := st.ListAccounts(ctx, user.ID); err != nil || len(list) != 0 {
				t.Errorf("accounts: %d %v", len(list), err)
			}
		})
	}
}
