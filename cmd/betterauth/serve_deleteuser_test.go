package main

import (
	"io"
	"log/slog"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// The exported user.deleteUser, session.freshAge and deferSessionRefresh
// and account.accountLinking.allowUnlinkingAll become serve's Config; an
// app's freshAge 0 (no freshness check) becomes a negative SessionFreshAge.
func TestApplyAppConfigDeleteUserAndSessionOptions(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      func(server.Config) bool
	}{
		{"Set", `{"format":"betterauth-go.config","formatVersion":1,
			"session":{"expiresIn":604800,"updateAge":86400,"freshAge":600,"deferSessionRefresh":true},
			"account":{"accountLinking":{"allowUnlinkingAll":true}},
			"user":{"deleteUser":{"enabled":true,"sendDeleteAccountVerification":true,"deleteTokenExpiresIn":3600}}}`,
			func(c server.Config) bool {
				return c.SessionFreshAge == 10*time.Minute && c.DeferSessionRefresh && c.AllowUnlinkingAll &&
					c.DeleteUser == server.DeleteUserConfig{Enabled: true, SendVerification: true, TokenExpiresIn: time.Hour}
			}},
		{"FreshAgeOff", `{"format":"betterauth-go.config","formatVersion":1,"session":{"expiresIn":604800,"updateAge":86400,"freshAge":0}}`,
			func(c server.Config) bool {
				return c.SessionFreshAge < 0 && !c.DeferSessionRefresh && !c.AllowUnlinkingAll && c.DeleteUser == server.DeleteUserConfig{}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, err := ba.ParseConfig([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			var cfg server.Config
			applyAppConfig(&cfg, app, map[string]bool{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if !tc.want(cfg) {
				t.Errorf("SessionFreshAge %v DeferSessionRefresh %v AllowUnlinkingAll %v DeleteUser %+v",
					cfg.SessionFreshAge, cfg.DeferSessionRefresh, cfg.AllowUnlinkingAll, cfg.DeleteUser)
			}
		})
	}
}
