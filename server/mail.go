package server

import (
	"context"
	"log/slog"
)

// EmailKind names which of Better Auth's emails an Email is. The values are
// the names Better Auth's callbacks use (the requestType of its change-email
// flow, the route names of the others).
type EmailKind string

const (
	// EmailResetPassword carries the reset-password link
	// (emailAndPassword.sendResetPassword in Better Auth).
	EmailResetPassword EmailKind = "reset-password"
	// EmailVerification carries the verify-email link
	// (emailVerification.sendVerificationEmail). It is also the email to
	// the new address when change-email updates an unverified user's
	// address at once (updateEmailWithoutVerification): a plain
	// verification, as in Better Auth.
	EmailVerification EmailKind = "email-verification"
	// EmailChangeConfirmation goes to the current address before an email
	// change (user.changeEmail.sendChangeEmailConfirmation).
	EmailChangeConfirmation EmailKind = "change-email-confirmation"
	// EmailChangeVerification goes to the new address of an email change
	// (emailVerification.sendVerificationEmail with the new address).
	EmailChangeVerification EmailKind = "change-email-verification"
	// EmailDeleteAccountVerification carries the delete-user callback link
	// (user.deleteUser.sendDeleteAccountVerification).
	EmailDeleteAccountVerification EmailKind = "delete-account-verification"
	// EmailTwoFactorOTP carries a two-factor one-time code
	// (twoFactor.otpOptions.sendOTP); it has OTP set and no URL.
	EmailTwoFactorOTP EmailKind = "two-factor-otp"
)

// Email is one email a Mailer is asked to deliver.
type Email struct {
	Kind EmailKind
	// To is the address to send to; Name is the user's name (may be empty).
	To, Name string
	// URL is the link to send (it contains the one-time Token); empty for
	// EmailTwoFactorOTP.
	URL, Token string
	// OTP is the one-time code of EmailTwoFactorOTP.
	OTP string
	// NewEmail is the address being changed to, for the change-email kinds.
	NewEmail string
}

// Mailer delivers the server's emails. Plug in your own (an email API), use
// SMTPMailer, or the default LogMailer in development. Send is called on
// the request's goroutine; an error is logged, never shown to the client
// (Better Auth's answers do not depend on delivery).
type Mailer interface {
	Send(ctx context.Context, email Email) error
}

// LogMailer "sends" by logging that an email would go out. The link and
// code are secrets, so they are only logged when LogLinks is set
// (development).
type LogMailer struct {
	Log      *slog.Logger
	LogLinks bool
}

func (m LogMailer) Send(ctx context.Context, e Email) error {
	log := m.Log
	if log == nil {
		log = slog.Default()
	}
	if m.LogLinks {
		attrs := []any{"kind", string(e.Kind), "to", e.To}
		if e.URL != "" {
			attrs = append(attrs, "url", e.URL)
		}
		if e.OTP != "" {
			attrs = append(attrs, "otp", e.OTP)
		}
		log.InfoContext(ctx, "email (development: not sent)", attrs...)
		return nil
	}
	log.InfoContext(ctx, "email requested; configure SMTP or a Mailer to deliver it", "kind", string(e.Kind), "to", e.To)
	return nil
}
