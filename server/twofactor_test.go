package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/redis"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

type tfClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *tfClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *tfClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type tfEnv struct {
	t     *testing.T
	s     *server.Server
	store *sqlstore.Store
	clock *tfClock
	otps  chan server.TwoFactorOTP
}

// newTFEnv is a Go server with the twoFactor plugin, OTP on, a settable
// clock and, with redisVerifications, its verification values in Redis.
func newTFEnv(t *testing.T, redisVerifications bool) *tfEnv {
	t.Helper()
	clock := &tfClock{now: time.Now().Truncate(time.Second)}
	schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}}
	st := storetest.OpenMigrated(t, sqlstore.SQLite, sqlstore.Options{Schema: schema, Now: clock.Now})
	cfg := server.Config{Store: st, Secrets: []ba.Secret{{Value: secret}}, BaseURL: "http://fuzz.test", Log: discardLogger(), Now: clock.Now,
		TwoFactor: &server.TwoFactorConfig{OTP: true, OTPStore: "hashed"}}
	if redisVerifications {
		client := goredis.NewClient(&goredis.Options{Addr: testdb.RedisAddr(t)})
		t.Cleanup(func() { _ = client.Close() })
		resolved, err := schema.Resolve()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Verifications, err = redis.New(client, redis.Options{KeyPrefix: "tf-" + ba.RandomString(8) + ":", Schema: resolved, Now: clock.Now}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &tfEnv{t: t, s: s, store: st, clock: clock, otps: make(chan server.TwoFactorOTP, 10)}
	server.SetTwoFactorOTPSender(s, func(_ context.Context, o server.TwoFactorOTP) error { e.otps <- o; return nil })
	return e
}

func (e *tfEnv) client() *fuzzClient { return &fuzzClient{t: e.t, s: e.s} }

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return m
}

func (e *tfEnv) code(uri string) string {
	u, _ := url.Parse(uri)
	c, err := totp.GenerateCodeCustom(u.Query().Get("secret"), e.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// TestTwoFactorGoFlows runs the second step on the Go server alone, with
// verification values in the SQL table and in Redis: TOTP, OTP (send-otp
// and verify-otp, its attempt limit), backup codes, the trust-device
// cookie, and the account lock ending after its duration.
func TestTwoFactorGoFlows(t *testing.T) {
	for _, topo := range []struct {
		name  string
		redis bool
	}{{"sql", false}, {"redis", true}} {
		t.Run(topo.name, func(t *testing.T) {
			e := newTFEnv(t, topo.redis)
			c := e.client()
			if r := c.post("/api/auth/sign-up/email", `{"email":"flow@example.com","password":"password-123","name":"F"}`); r.Code != 200 {
				t.Fatalf("sign-up: %d", r.Code)
			}
			// Body and password refusals, Better Auth's codes.
			if r := c.post("/api/auth/two-factor/enable", `{}`); r.Code != 400 || decode(t, r.Body.Bytes())["code"] != "VALIDATION_ERROR" {
				t.Errorf("enable without password: %d %s", r.Code, r.Body.String())
			}
			if r := c.post("/api/auth/two-factor/enable", `{"password":"password-123","method":"sms"}`); r.Code != 400 || !strings.Contains(r.Body.String(), `[body.method] Invalid option`) {
				t.Errorf("enable method sms: %d %s", r.Code, r.Body.String())
			}
			if r := c.post("/api/auth/two-factor/enable", `{"password":"wrong-password"}`); r.Code != 400 || decode(t, r.Body.Bytes())["code"] != "INVALID_PASSWORD" {
				t.Errorf("enable wrong password: %d %s", r.Code, r.Body.String())
			}
			if r := c.post("/api/auth/two-factor/generate-backup-codes", `{"password":"password-123"}`); r.Code != 400 || decode(t, r.Body.Bytes())["code"] != "TWO_FACTOR_NOT_ENABLED" {
				t.Errorf("backup codes before enable: %d %s", r.Code, r.Body.String())
			}
			r := c.post("/api/auth/two-factor/enable", `{"password":"password-123","issuer":"My App"}`)
			if r.Code != 200 {
				t.Fatalf("enable: %d %s", r.Code, r.Body.String())
			}
			en := decode(t, r.Body.Bytes())
			uri := en["totpURI"].(string)
			if !strings.HasPrefix(uri, "otpauth://totp/My%20App:flow%40example.com?secret=") || !strings.HasSuffix(uri, "&issuer=My+App&digits=6&period=30") {
				t.Errorf("totpURI %q", uri)
			}
			// Stored encrypted: neither the secret nor a code in the row.
			user, _ := e.store.GetUserByEmail(context.Background(), "flow@example.com")
			tfs, _ := e.store.TwoFactors()
			row, err := tfs.GetByUserID(context.Background(), user.ID)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(uri)
			if strings.Contains(row.BackupCodes, en["backupCodes"].([]any)[0].(string)) || len(row.Secret) != 2*(24+32+16) || row.Verified == nil || *row.Verified {
				t.Errorf("row not stored as Better Auth stores it (secret %d hex chars, verified %v)", len(row.Secret), row.Verified)
			}
			_ = u
			if r := c.post("/api/auth/two-factor/enable", `{"password":"password-123"}`); r.Code != 200 {
				t.Errorf("enable again before verifying: %d", r.Code)
			}
			r = c.post("/api/auth/two-factor/get-totp-uri", `{"password":"password-123"}`)
			if r.Code != 200 {
				t.Fatalf("get-totp-uri: %d", r.Code)
			}
			uri = decode(t, r.Body.Bytes())["totpURI"].(string)
			if r := c.post("/api/auth/two-factor/verify-totp", `{"code":"`+e.code(uri)+`"}`); r.Code != 200 {
				t.Fatalf("first verify-totp: %d %s", r.Code, r.Body.String())
			}
			if r := c.post("/api/auth/two-factor/enable", `{"password":"password-123"}`); r.Code != 400 || decode(t, r.Body.Bytes())["code"] != "TOTP_ALREADY_ENABLED" {
				t.Errorf("enable when on: %d %s", r.Code, r.Body.String())
			}
			r = c.post("/api/auth/two-factor/generate-backup-codes", `{"password":"password-123"}`)
			if r.Code != 200 {
				t.Fatalf("generate-backup-codes: %d", r.Code)
			}
			codes := decode(t, r.Body.Bytes())["backupCodes"].([]any)
			if len(codes) != 10 || len(codes[0].(string)) != 11 || codes[0].(string)[5] != '-' {
				t.Errorf("backup codes %d, first %d chars", len(codes), len(codes[0].(string)))
			}

			signIn := func() *fuzzClient {
				t.Helper()
				b := e.client()
				r := b.post("/api/auth/sign-in/email", `{"email":"flow@example.com","password":"password-123"}`)
				m := decode(t, r.Body.Bytes())
				if r.Code != 200 || m["twoFactorRedirect"] != true || b.cookies["better-auth.two_factor"] == "" || b.cookies["better-auth.session_token"] != "" {
					t.Fatalf("sign-in: %d %v", r.Code, m)
				}
				if got := m["twoFactorMethods"].([]any); len(got) != 2 || got[0] != "totp" || got[1] != "otp" {
					t.Errorf("twoFactorMethods %v", got)
				}
				return b
			}

			// Without the cookie: INVALID_TWO_FACTOR_COOKIE.
			if r := e.client().post("/api/auth/two-factor/verify-totp", `{"code":"123456"}`); r.Code != 401 || decode(t, r.Body.Bytes())["code"] != "INVALID_TWO_FACTOR_COOKIE" {
				t.Errorf("no cookie: %d %s", r.Code, r.Body.String())
			}

			// OTP: sent, 5 wrong answers, then too many.
			b := signIn()
			if r := b.post("/api/auth/two-factor/send-otp", ``); r.Code != 200 {
				t.Fatalf("send-otp: %d %s", r.Code, r.Body.String())
			}
			sent := <-e.otps
			if sent.To != "flow@example.com" || len(sent.OTP) != 6 {
				t.Errorf("sent %q, %d digits", sent.To, len(sent.OTP))
			}
			wrong := "000000"
			if sent.OTP == wrong {
				wrong = "111111"
			}
			for i := 0; i < 5; i++ {
				if r := b.post("/api/auth/two-factor/verify-otp", `{"code":"`+wrong+`"}`); r.Code != 401 || decode(t, r.Body.Bytes())["code"] != "INVALID_CODE" {
					t.Fatalf("wrong otp %d: %d %s", i, r.Code, r.Body.String())
				}
			}
			if r := b.post("/api/auth/two-factor/verify-otp", `{"code":"`+sent.OTP+`"}`); r.Code != 400 || decode(t, r.Body.Bytes())["code"] != "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE" {
				t.Errorf("otp after 5 failures: %d %s", r.Code, r.Body.String())
			}
			if r := b.post("/api/auth/two-factor/verify-otp", `{"code":"`+sent.OTP+`"}`); r.Code != 400 || decode(t, r.Body.Bytes())["code"] != "OTP_HAS_EXPIRED" {
				t.Errorf("otp spent: %d %s", r.Code, r.Body.String())
			}
			// A new code works, with trustDevice.
			b.post("/api/auth/two-factor/send-otp", `{}`)
			sent = <-e.otps
			if r := b.post("/api/auth/two-factor/verify-otp", `{"code":"`+sent.OTP+`","trustDevice":true}`); r.Code != 200 || b.cookies["better-auth.session_token"] == "" || b.cookies["better-auth.trust_device"] == "" {
				t.Fatalf("verify-otp: %d %s", r.Code, r.Body.String())
			}
			// The trusted device signs in without the second step.
			delete(b.cookies, "better-auth.session_token")
			if r := b.post("/api/auth/sign-in/email", `{"email":"flow@example.com","password":"password-123"}`); r.Code != 200 || decode(t, r.Body.Bytes())["token"] == nil {
				t.Errorf("trusted sign-in: %d %s", r.Code, r.Body.String())
			}

			// A backup code is spent once.
			b = signIn()
			if r := b.post("/api/auth/two-factor/verify-backup-code", `{"code":"`+codes[0].(string)+`"}`); r.Code != 200 {
				t.Fatalf("verify-backup-code: %d %s", r.Code, r.Body.String())
			}
			b = signIn()
			if r := b.post("/api/auth/two-factor/verify-backup-code", `{"code":"`+codes[0].(string)+`"}`); r.Code != 401 || decode(t, r.Body.Bytes())["code"] != "INVALID_BACKUP_CODE" {
				t.Errorf("spent backup code: %d %s", r.Code, r.Body.String())
			}

			// Lockout: 10 consecutive failures (one counted just above),
			// then 429 until 15 minutes have passed.
			for i := 0; i < 9; i++ {
				if i%4 == 0 {
					b = signIn()
				}
				b.post("/api/auth/two-factor/verify-totp", `{"code":"000000x"}`)
			}
			b = signIn()
			if r := b.post("/api/auth/two-factor/verify-totp", `{"code":"`+e.code(uri)+`"}`); r.Code != 429 || decode(t, r.Body.Bytes())["code"] != "ACCOUNT_TEMPORARILY_LOCKED" {
				t.Fatalf("locked: %d %s", r.Code, r.Body.String())
			}
			e.clock.advance(15*time.Minute + time.Second)
			b = signIn()
			if r := b.post("/api/auth/two-factor/verify-totp", `{"code":"`+e.code(uri)+`"}`); r.Code != 200 {
				t.Fatalf("after the lock: %d %s", r.Code, r.Body.String())
			}
			if row, _ := tfs.GetByUserID(context.Background(), user.ID); row.LockedUntil != nil || row.FailedVerificationCount == nil || *row.FailedVerificationCount != 0 {
				t.Errorf("lock not cleared: %v %v", row.LockedUntil, row.FailedVerificationCount)
			}

			// A challenge lives 10 minutes.
			b = signIn()
			e.clock.advance(10*time.Minute + time.Second)
			if r := b.post("/api/auth/two-factor/verify-totp", `{"code":"`+e.code(uri)+`"}`); r.Code != 401 || decode(t, r.Body.Bytes())["code"] != "INVALID_TWO_FACTOR_COOKIE" {
				t.Errorf("expired challenge: %d %s", r.Code, r.Body.String())
			}
		})
	}
}
