package server

import (
	"context"
	"log/slog"
)

// PasswordResetEmail is what a Mailer is asked to deliver.
type PasswordResetEmail struct {
	To    string
	Name  string
	URL   string // the link to send; it contains the one-time token
	Token string
}

// Mailer delivers password-reset emails. Plug in your own (SMTP, an email
// API); the default logs in development.
type Mailer interface {
	SendPasswordReset(ctx context.Context, email PasswordResetEmail) error
}

// LogMailer "sends" by logging that an email would go out. The link holds a
// secret token, so it is only logged when LogLinks is set (development).
type LogMailer struct {
	Log      *slog.Logger
	LogLinks bool
}

func (m LogMailer) SendPasswordReset(ctx context.Context, e PasswordResetEmail) error {
	if m.LogLinks {
		m.Log.InfoContext(ctx, "password reset email (development: not sent)", "to", e.To, "url", e.URL)
		return nil
	}
	m.Log.InfoContext(ctx, "password reset email requested; configure a Mailer to deliver it", "to", e.To)
	return nil
}
