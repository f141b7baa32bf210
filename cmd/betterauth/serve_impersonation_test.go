package main

import (
	"io"
	"log/slog"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// The admin plugin's impersonationSessionDuration and
// allowImpersonatingAdmins are serve's Config.Impersonation; without them
// it stays zero (Better Auth's 1 hour, admins not impersonable).
func TestApplyAppConfigImpersonation(t *testing.T) {
	for _, c := range []struct {
		options string
		want    server.ImpersonationConfig
	}{
		{`{"impersonationSessionDuration":600,"allowImpersonatingAdmins":true}`, server.ImpersonationConfig{SessionDuration: 10 * time.Minute, AllowAdmins: true}},
		{`{}`, server.ImpersonationConfig{}},
	} {
		app, err := ba.ParseConfig([]byte(`{"format":"betterauth-go.config","formatVersion":1,"plugins":[{"id":"admin","options":` + c.options + `}]}`))
		if err != nil {
			t.Fatal(err)
		}
		var cfg server.Config
		applyAppConfig(&cfg, app, map[string]bool{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if cfg.Impersonation != c.want {
			t.Errorf("%s: Config.Impersonation = %+v, want %+v", c.options, cfg.Impersonation, c.want)
		}
	}
}
