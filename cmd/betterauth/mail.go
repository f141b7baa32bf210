package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/server"
)

// mailFlags are serve's email delivery flags.
type mailFlags struct {
	smtpURL   string
	from      string
	templates string
	logLinks  bool
}

const mailHelp = `  --smtp-url URL                deliver email over SMTP [SMTP_URL]:
                                smtp://user:pass@host:587 uses STARTTLS
                                whenever offered and never sends the
                                credentials unencrypted to a host that is
                                not loopback; ?tls=required insists;
                                smtps://host:465 is implicit TLS. Emails
                                are queued and sent in the background
                                (15s per attempt, retried on a 4xx)
  --mail-from ADDRESS           the sender of every email (required with
                                --smtp-url) [MAIL_FROM]
  --mail-templates DIR          replace the built-in wording: KIND.subject,
                                KIND.txt, KIND.html per kind (reset-password,
                                email-verification, change-email-confirmation,
                                change-email-verification,
                                delete-account-verification, two-factor-otp)
  --log-email-links             log email links and codes instead of only
                                that an email would go out (development
                                only: they hold a token); alias
                                --log-reset-links
`

// mailer is serve's Mailer and the function that drains it on shutdown.
func (m mailFlags) mailer(log *slog.Logger) (server.Mailer, func(), error) {
	raw := m.smtpURL
	if raw == "" {
		raw = strings.TrimSpace(os.Getenv("SMTP_URL"))
	}
	from := m.from
	if from == "" {
		from = strings.TrimSpace(os.Getenv("MAIL_FROM"))
	}
	if raw == "" {
		if from != "" || m.templates != "" {
			return nil, nil, errors.New("--mail-from and --mail-templates need --smtp-url (or SMTP_URL)")
		}
		return server.LogMailer{Log: log, LogLinks: m.logLinks}, func() {}, nil
	}
	if m.logLinks {
		return nil, nil, errors.New("--log-email-links is for development without SMTP; drop it with --smtp-url")
	}
	cfg, err := server.ParseSMTPURL(raw)
	if err != nil {
		return nil, nil, err // never echoes the URL: it may hold a password
	}
	cfg.From = from
	var o server.SMTPOptions
	o.Log = log
	if m.templates != "" {
		if o.Templates, err = server.LoadMailTemplates(m.templates); err != nil {
			return nil, nil, err
		}
	}
	sm, err := server.NewSMTPMailer(cfg, o)
	if err != nil {
		return nil, nil, err
	}
	log.Info("email over SMTP", "host", cfg.Host, "port", cfg.Port)
	return sm, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := sm.Close(ctx); err != nil {
			log.Warn("emails still queued at shutdown were dropped")
		}
	}, nil
}
