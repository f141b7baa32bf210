package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// ChangeEmailConfig is Better Auth's user.changeEmail options. The zero
// value is Better Auth's default: change-email answers 400
// CHANGE_EMAIL_DISABLED.
type ChangeEmailConfig struct {
	// Enabled is user.changeEmail.enabled.
	Enabled bool
	// SendConfirmation: the app has user.changeEmail.sendChangeEmailConfirmation,
	// so a verified user's change first mails a confirmation to the current
	// address (Email kind change-email-confirmation); opening it mails the
	// verification to the new address. As in Better Auth it takes effect
	// only with EmailVerification.Enabled.
	SendConfirmation bool
	// UpdateWithoutVerification is user.changeEmail.updateEmailWithoutVerification:
	// a user whose email is not verified gets the new address at once.
	UpdateWithoutVerification bool
}

var (
	errChangeEmailDisabled = newError(400, "CHANGE_EMAIL_DISABLED", "Change email is disabled")
	// Better Auth sends these two without a code (APIError.fromStatus).
	errEmailIsTheSame           = newError(400, "", "Email is the same")
	errVerificationEmailMissing = newError(400, "", "Verification email isn't enabled")
)

// signEmailVerificationToken is Better Auth's createEmailVerificationToken
// for any claims: an HS256 JWT keyed by the current secret, expiring after
// expiresIn. Email and UpdateTo are lower-cased.
func (s *Server) signEmailVerificationToken(c emailVerificationClaims, expiresIn time.Duration) string {
	now := s.now().Unix()
	c.Email, c.UpdateTo = strings.ToLower(c.Email), strings.ToLower(c.UpdateTo)
	c.IAT, c.EXP = now, now+int64(expiresIn/time.Second)
	payload, _ := json.Marshal(c)
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(s.cfg.Secrets[0].Value))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// sendMail hands e to the mailer; a delivery failure is logged (never the
// link), as Better Auth's answers never depend on it.
func (s *Server) sendMail(r *http.Request, e Email) {
	if err := s.cfg.Mailer.Send(r.Context(), e); err != nil {
		s.log.ErrorContext(r.Context(), "email failed", "kind", string(e.Kind), "error", err.Error())
	}
}

// changeEmail is POST /change-email {newEmail, callbackURL?}.
func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	newEmail, callbackURL := b.email("newEmail"), b.optStr("callbackURL")
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.requireAuthoritativeSession(w, r)
	if err != nil {
		return err
	}
	cfg := s.cfg.ChangeEmail
	if !cfg.Enabled {
		return errChangeEmailDisabled
	}
	user := res.User
	newEmail = strings.ToLower(newEmail)
	if newEmail == user.Email {
		return errEmailIsTheSame
	}
	// Better Auth checks that some flow can run before it looks the new
	// address up, so that the answer does not tell whether it is taken.
	updateAtOnce := !user.EmailVerified && cfg.UpdateWithoutVerification
	canVerify := s.cfg.EmailVerification.Enabled
	confirmFirst := canVerify && user.EmailVerified && cfg.SendConfirmation
	if !updateAtOnce && !canVerify {
		return errVerificationEmailMissing
	}
	expiresIn := s.verificationExpiresIn()
	taken := func() error {
		// The same work as a change that goes on, and the same answer.
		_ = s.signEmailVerificationToken(emailVerificationClaims{Email: user.Email, UpdateTo: newEmail, UserID: user.ID}, expiresIn)
		writeJSON(w, 200, jsonObject("status", true))
		return nil
	}
	if _, err := s.store.GetUserByEmail(r.Context(), newEmail); err == nil {
		return taken()
	} else if !errors.Is(err, ba.ErrNotFound) {
		return err
	}

	switch {
	case updateAtOnce:
		updated, err := s.store.UpdateUser(r.Context(), user.ID, ba.UserUpdate{Email: &newEmail})
		if errors.Is(err, ba.ErrDuplicate) {
			return taken() // taken since the lookup
		}
		if err != nil {
			return err
		}
		if err := s.sessions.UserChanged(r.Context(), updated); err != nil {
			return err
		}
		s.setSessionCookies(w, r, res.Session, updated, s.dontRemember(r))
		if canVerify {
			// A plain verification of the new address (no updateTo).
			token := s.signEmailVerificationToken(emailVerificationClaims{Email: newEmail, UserID: user.ID}, expiresIn)
			s.sendMail(r, Email{Kind: EmailVerification, To: newEmail, Name: user.Name, URL: s.verificationURL(token, callbackURL), Token: token})
		}
	case confirmFirst:
		token := s.signEmailVerificationToken(emailVerificationClaims{Email: user.Email, UpdateTo: newEmail,
			RequestType: string(EmailChangeConfirmation), UserID: user.ID}, expiresIn)
		s.sendMail(r, Email{Kind: EmailChangeConfirmation, To: user.Email, Name: user.Name, NewEmail: newEmail,
			URL: s.verificationURL(token, callbackURL), Token: token})
	default:
		token := s.signEmailVerificationToken(emailVerificationClaims{Email: user.Email, UpdateTo: newEmail,
			RequestType: string(EmailChangeVerification), UserID: user.ID}, expiresIn)
		s.sendMail(r, Email{Kind: EmailChangeVerification, To: newEmail, Name: user.Name, NewEmail: newEmail,
			URL: s.verificationURL(token, callbackURL), Token: token})
	}
	writeJSON(w, 200, jsonObject("status", true))
	return nil
}

// verifyEmailChange is verify-email for a token with updateTo: Better
// Auth's change-email confirmation (mail the new address), verification
// (change the address, emailVerified kept) and legacy (change the address,
// emailVerified false, mail a plain verification) requests. The token must
// name its user, whose current address must still be the token's email;
// a session of another user is refused with INVALID_USER.
func (s *Server) verifyEmailChange(w http.ResponseWriter, r *http.Request, c *emailVerificationClaims, callback string,
	redirect func(string) error, fail func(string) error) error {
	if c.UserID == "" {
		return fail("INVALID_TOKEN")
	}
	bound, err := s.store.GetUser(r.Context(), c.UserID)
	if errors.Is(err, ba.ErrNotFound) {
		return fail("USER_NOT_FOUND")
	}
	if err != nil {
		return err
	}
	if strings.ToLower(bound.Email) != c.Email {
		return fail("INVALID_TOKEN")
	}
	cur, err := s.session(r)
	if err != nil {
		return err
	}
	if cur != nil && cur.User.ID != bound.ID {
		return fail("INVALID_USER")
	}
	var cb *string
	if callback != "" {
		cb = &callback
	}
	if c.RequestType == string(EmailChangeConfirmation) {
		token := s.signEmailVerificationToken(emailVerificationClaims{Email: c.Email, UpdateTo: c.UpdateTo,
			RequestType: string(EmailChangeVerification), UserID: bound.ID}, s.verificationExpiresIn())
		if s.cfg.EmailVerification.Enabled {
			s.sendMail(r, Email{Kind: EmailChangeVerification, To: strings.ToLower(c.UpdateTo), Name: bound.Name,
				NewEmail: strings.ToLower(c.UpdateTo), URL: s.verificationURL(token, cb), Token: token})
		}
		if callback != "" {
			return redirect(callback)
		}
		writeJSON(w, 200, jsonObject("status", true))
		return nil
	}
	// change-email-verification keeps emailVerified; the legacy request
	// (any other requestType) clears it and mails a plain verification.
	legacy := c.RequestType != string(EmailChangeVerification)
	verified := bound.EmailVerified && !legacy
	// updateTo is written as the token has it: Better Auth lower-cases it
	// when it mints the token.
	updateTo := c.UpdateTo
	updated, err := s.store.UpdateUser(r.Context(), bound.ID, ba.UserUpdate{Email: &updateTo, EmailVerified: &verified})
	if errors.Is(err, ba.ErrDuplicate) {
		// Taken since the link was sent. Better Auth's failed write is a
		// 500; here it is the sign-up answer for a taken address.
		if callback != "" {
			return redirect(appendErrorParam(callback, errUserExists.code))
		}
		return errUserExists
	}
	if err != nil {
		return err
	}
	if err := s.sessions.UserChanged(r.Context(), updated); err != nil {
		return err
	}
	if legacy && s.cfg.EmailVerification.Enabled {
		// Better Auth mints this one with its default lifetime (1 h), not
		// emailVerification.expiresIn.
		token := s.signEmailVerificationToken(emailVerificationClaims{Email: updateTo, UserID: bound.ID}, time.Hour)
		s.sendMail(r, Email{Kind: EmailVerification, To: updated.Email, Name: updated.Name, URL: s.verificationURL(token, cb), Token: token})
	}
	if cur != nil {
		u := *cur.User
		u.Email, u.EmailVerified = updated.Email, verified
		s.setSessionCookies(w, r, cur.Session, &u, s.dontRemember(r))
	}
	if callback != "" {
		return redirect(callback)
	}
	writeJSON(w, 200, jsonObject("status", true, "user", json.RawMessage(s.schema.UserJSON(updated))))
	return nil
}
