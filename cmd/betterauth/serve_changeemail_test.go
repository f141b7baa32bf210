package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// The app config's user.changeEmail is serve's Config.ChangeEmail, and a
// confirmation without sendVerificationEmail (which Better Auth ignores
// too) is warned about.
func TestApplyAppConfigChangeEmail(t *testing.T) {
	for _, tc := range []struct {
		name, user, ev string
		want           server.ChangeEmailConfig
		warn           bool
	}{
		{"absent", ``, `{}`, server.ChangeEmailConfig{}, false},
		{"all", `{"changeEmail":{"enabled":true,"updateEmailWithoutVerification":true,"sendChangeEmailConfirmation":true}}`, `{"sendVerificationEmail":true}`,
			server.ChangeEmailConfig{Enabled: true, SendConfirmation: true, UpdateWithoutVerification: true}, false},
		{"confirmation without verification", `{"changeEmail":{"enabled":true,"sendChangeEmailConfirmation":true}}`, `{}`,
			server.ChangeEmailConfig{Enabled: true, SendConfirmation: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"format":"betterauth-go.config","formatVersion":1,"emailVerification":` + tc.ev
			if tc.user != "" {
				doc += `,"user":` + tc.user
			}
			app, err := ba.ParseConfig([]byte(doc + `}`))
			if err != nil {
				t.Fatal(err)
			}
			var cfg server.Config
			var logs bytes.Buffer
			applyAppConfig(&cfg, app, map[string]bool{}, slog.New(slog.NewTextHandler(&logs, nil)))
			if cfg.ChangeEmail != tc.want {
				t.Errorf("Config.ChangeEmail = %+v, want %+v", cfg.ChangeEmail, tc.want)
			}
			if got := strings.Contains(logs.String(), "sendChangeEmailConfirmation has no effect"); got != tc.warn {
				t.Errorf("warned %v, want %v: %s", got, tc.warn, logs.String())
			}
		})
	}
}
