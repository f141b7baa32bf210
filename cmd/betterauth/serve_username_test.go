package main

import (
	"io"
	"log/slog"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/server"
)

// The app config's username options are serve's Config.Username, so
// /sign-in/username and /is-username-available apply the app's lengths.
func TestApplyAppConfigUsername(t *testing.T) {
	app, err := ba.ParseConfig([]byte(`{"format":"betterauth-go.config","formatVersion":1,"plugins":[{"id":"username","options":{"minUsernameLength":5,"maxUsernameLength":8}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var cfg server.Config
	applyAppConfig(&cfg, app, map[string]bool{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if want := (ba.UsernameRules{MinLength: 5, MaxLength: 8}); cfg.Username != want {
		t.Errorf("Config.Username = %+v, want %+v", cfg.Username, want)
	}
}
