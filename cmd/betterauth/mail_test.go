package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/betterauth-go/betterauth/server"
)

func TestServeMailer(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Setenv("SMTP_URL", "")
	t.Setenv("MAIL_FROM", "")
	m, closeM, err := mailFlags{logLinks: true}.mailer(log)
	if err != nil {
		t.Fatal(err)
	}
	closeM()
	if lm, ok := m.(server.LogMailer); !ok || !lm.LogLinks {
		t.Fatalf("without SMTP: %T %+v", m, m)
	}
	for _, c := range []struct {
		f    mailFlags
		want string
	}{
		{mailFlags{from: "a@example.com"}, "need --smtp-url"},
		{mailFlags{templates: "/nonexistent"}, "need --smtp-url"},
		{mailFlags{smtpURL: "smtp://u:hunter2@mail.example.com", from: "a@example.com", logLinks: true}, "--log-email-links is for development"},
		{mailFlags{smtpURL: "smtp://u:hunter2@mail.example.com"}, "no sender address"},
		{mailFlags{smtpURL: "imap://u:hunter2@mail.example.com", from: "a@example.com"}, "scheme"},
		{mailFlags{smtpURL: "smtp://u:hunter2@mail.example.com:x", from: "a@example.com"}, "not a URL"},
		{mailFlags{smtpURL: "smtp://u:hunter2@mail.example.com", from: "a@example.com", templates: "/nonexistent"}, "not a directory"},
	} {
		_, _, err := c.f.mailer(log)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%+v: %v, want %q (and never the password)", c.f.from, err, c.want)
		}
	}
	t.Setenv("SMTP_URL", "smtp://127.0.0.1:1")
	t.Setenv("MAIL_FROM", "auth@example.com")
	m, closeM, err = mailFlags{}.mailer(log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*server.SMTPMailer); !ok {
		t.Fatalf("SMTP_URL and MAIL_FROM: %T", m)
	}
	closeM()
}
