package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const (
	rotationS0 = "rotation-legacy-secret-0123456789abcdefghijkl" // BETTER_AUTH_SECRET before rotation
	rotationS1 = "rotation-version-1-secret-0123456789abcdefgh"
	rotationS2 = "rotation-version-2-secret-0123456789abcdefgh"
)

// rotationUser is a user who enabled two-factor in one phase.
type rotationUser struct {
	email  string
	uri    string
	codes  []string
	cookie string // the session cookie value the server of its phase set
}

// enableTOTPWith is enableTOTP in browser b, returning the user with the
// session cookie b holds afterwards.
func enableTOTPWith(t *testing.T, b *tfBrowser, base, email string) *rotationUser {
	t.Helper()
	if a := b.post(base, "/sign-up/email", map[string]any{"email": email, "password": "password1234", "name": "Rot"}); a.status != 200 {
		t.Fatalf("sign-up on %s: %d %v", base, a.status, a.body)
	}
	a := b.post(base, "/two-factor/enable", map[string]any{"password": "password1234"})
	if a.status != 200 {
		t.Fatalf("enable on %s: %d %v", base, a.status, a.body["code"])
	}
	u := &rotationUser{email: email}
	u.uri, _ = a.body["totpURI"].(string)
	for _, c := range a.body["backupCodes"].([]any) {
		u.codes = append(u.codes, c.(string))
	}
	if a := b.post(base, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, u.uri, 0)}); a.status != 200 {
		t.Fatalf("first verify-totp on %s: %d %v", base, a.status, a.body["code"])
	}
	bu, _ := url.Parse(base)
	for _, c := range b.client.Jar.Cookies(bu) {
		if c.Name == "better-auth.session_token" {
			u.cookie = c.Value
		}
	}
	if u.cookie == "" {
		t.Fatal("no session cookie after enabling two-factor")
	}
	return u
}

// getSessionWith asks base's get-session with only this session cookie.
func getSessionWith(t *testing.T, base, cookie string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/auth/get-session", nil)
	req.Header.Set("Cookie", "better-auth.session_token="+cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestLiveSecretRotationTwoFactorAndCookies: Better Auth runs on one
// database with BETTER_AUTH_SECRET, then BETTER_AUTH_SECRETS=1:…, then
// 2:…,1:… (the legacy secret kept); a user enables two-factor in each
// phase, and one more on Go after the rotation. After it, every TOTP
// secret and backup code (bare hex, $ba$1$, $ba$2$; written by either)
// signs in on both servers, and both accept exactly the same session
// cookies: those signed with the current secret, not the older ones.
func TestLiveSecretRotationTwoFactorAndCookies(t *testing.T) {
	db := storetest.NewDatabase(t, sqlstore.SQLite)
	st := db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}})
	tf, err := st.TwoFactors()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	storedSecret := func(t *testing.T, email string) string {
		t.Helper()
		u, err := st.GetUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		row, err := tf.GetByUserID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return row.Secret
	}
	users := map[string]*rotationUser{}
	for _, p := range []struct {
		name, secret, secrets, prefix string
	}{
		{"legacy", rotationS0, "", ""},
		{"v1", rotationS0, "1:" + rotationS1, "$ba$1$"},
	} {
		t.Run("Before/"+p.name, func(t *testing.T) {
			base := batest.StartAuthServer(t, batest.AuthServerConfig{DB: db.DSN, Secret: p.secret, Secrets: p.secrets, StartTimeout: compatTimeout})
			u := enableTOTPWith(t, newTFBrowser(t), base, p.name+"@example.com")
			users[p.name] = u
			got := storedSecret(t, u.email)
			if p.prefix == "" && (strings.HasPrefix(got, "$ba$") || !ba.LooksEncrypted(got)) || p.prefix != "" && !strings.HasPrefix(got, p.prefix) {
				t.Fatalf("Better Auth stored the TOTP secret as %q…, want %q", got[:6], p.prefix)
			}
		})
	}
	if t.Failed() {
		t.FailNow()
	}

	// After rotating to 2:…,1:… with BETTER_AUTH_SECRET kept. Go is given
	// the secrets SymmetricSecretsFromEnv resolves from those variables.
	t.Setenv("BETTER_AUTH_SECRETS", "2:"+rotationS2+",1:"+rotationS1)
	t.Setenv("BETTER_AUTH_SECRET", rotationS0)
	secrets, err := ba.SymmetricSecretsFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	baURL := batest.StartAuthServer(t, batest.AuthServerConfig{DB: db.DSN, Secret: rotationS0, Secrets: "2:" + rotationS2 + ",1:" + rotationS1, StartTimeout: compatTimeout})
	srv := httptest.NewUnstartedServer(nil)
	goURL := "http://" + srv.Listener.Addr().String()
	s, err := server.New(server.Config{Store: st, Secrets: secrets, BaseURL: goURL, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	servers := map[string]string{"better-auth": baURL, "go": goURL}

	users["v2"] = enableTOTPWith(t, newTFBrowser(t), baURL, "v2@example.com")
	users["go"] = enableTOTPWith(t, newTFBrowser(t), goURL, "go@example.com")
	for _, name := range []string{"v2", "go"} {
		if got := storedSecret(t, users[name].email); !strings.HasPrefix(got, "$ba$2$") {
			t.Errorf("%s: TOTP secret stored as %q…, want $ba$2$", name, got[:6])
		}
	}

	backup := 0
	for _, name := range []string{"legacy", "v1", "v2", "go"} {
		u := users[name]
		for srvName, base := range servers {
			b := newTFBrowser(t)
			signInChallenge(t, b, base, u.email)
			if a := b.post(base, "/two-factor/verify-totp", map[string]any{"code": codeOf(t, u.uri, 0)}); a.status != 200 {
				t.Errorf("%s: verify-totp on %s: %d %v", name, srvName, a.status, a.body["code"])
			}
			b = newTFBrowser(t)
			signInChallenge(t, b, base, u.email)
			if a := b.post(base, "/two-factor/verify-backup-code", map[string]any{"code": u.codes[backup]}); a.status != 200 {
				t.Errorf("%s: verify-backup-code on %s: %d %v", name, srvName, a.status, a.body["code"])
			}
			backup++
		}
	}

	// Session cookies: Better Auth signs and checks them with the current
	// secret only, so the cookies of the earlier phases are signed out on
	// both, and the Verifier built from the same secrets agrees.
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: secrets, Sessions: st, BaseURL: goURL})
	if err != nil {
		t.Fatal(err)
	}
	for name, wantValid := range map[string]bool{"legacy": false, "v1": false, "v2": true, "go": true} {
		raw, err := url.QueryUnescape(users[name].cookie)
		if err != nil {
			t.Fatal(err)
		}
		var answers []string
		for _, srvName := range []string{"better-auth", "go"} {
			status, body := getSessionWith(t, servers[srvName], users[name].cookie)
			valid := status == 200 && strings.Contains(body, `"email":"`+users[name].email+`"`)
			if valid != wantValid || (!valid && (status != 200 || body != "null")) {
				t.Errorf("%s cookie on %s: %d %.40q, want valid=%v", name, srvName, status, body, wantValid)
			}
			answers = append(answers, body)
		}
		if !wantValid && answers[0] != answers[1] {
			t.Errorf("%s cookie: better-auth %q, go %q", name, answers[0], answers[1])
		}
		res, err := v.VerifyCookieValue(ctx, raw)
		if (err == nil && res != nil) != wantValid {
			t.Errorf("%s cookie: Verifier %v, want valid=%v", name, err, wantValid)
		}
	}
}
