package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// EmailVerificationConfig is Better Auth's emailVerification options.
type EmailVerificationConfig struct {
	// Enabled: the app has emailVerification.sendVerificationEmail, so
	// verification emails go out (through Config.Mailer). Without it
	// send-verification-email answers 400 VERIFICATION_EMAIL_NOT_ENABLED.
	Enabled bool
	// SendOnSignUp mails a verification link after sign-up; nil follows
	// RequireEmailVerification, as Better Auth's default does.
	SendOnSignUp *bool
	// SendOnSignIn mails a fresh link when RequireEmailVerification refuses
	// a sign-in.
	SendOnSignIn bool
	// AutoSignInAfterVerification: opening the link signs the user in.
	AutoSignInAfterVerification bool
	// ExpiresIn is the verification token's lifetime; 1 h by default.
	ExpiresIn time.Duration
}

var (
	errVerificationNotEnabled = newError(400, "VERIFICATION_EMAIL_NOT_ENABLED", "Verification email isn't enabled")
	errEmailAlreadyVerified   = newError(400, "EMAIL_ALREADY_VERIFIED", "Email is already verified")
	errEmailMismatch          = newError(400, "EMAIL_MISMATCH", "Email mismatch")
)

// verifyEmailErrors are verify-email's error codes and messages.
var verifyEmailErrors = map[string]string{
	"INVALID_TOKEN":  "Invalid token",
	"TOKEN_EXPIRED":  "Token expired",
	"USER_NOT_FOUND": "User not found",
	"INVALID_USER":   "Invalid user",
}

func (s *Server) verificationExpiresIn() time.Duration {
	if d := s.cfg.EmailVerification.ExpiresIn; d > 0 {
		return d
	}
	return time.Hour
}

// emailVerificationClaims are the claims of Better Auth's
// createEmailVerificationToken, in its order.
type emailVerificationClaims struct {
	Email       string `json:"email"`
	UpdateTo    string `json:"updateTo,omitempty"`
	RequestType string `json:"requestType,omitempty"`
	UserID      string `json:"userId,omitempty"`
	IAT         int64  `json:"iat"`
	EXP         int64  `json:"exp"`
}

// createEmailVerificationToken is Better Auth's for a plain verification:
// the lower-cased email and the user id.
func (s *Server) createEmailVerificationToken(email, userID string) string {
	return s.signEmailVerificationToken(emailVerificationClaims{Email: email, UserID: userID}, s.verificationExpiresIn())
}

// parseEmailVerificationToken is jose's jwtVerify with algorithms [HS256]
// and the current secret, then Better Auth's claim schema. It returns the
// error code verify-email answers with.
func (s *Server) parseEmailVerificationToken(token string) (*emailVerificationClaims, string) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, "INVALID_TOKEN"
	}
	enc := base64.RawURLEncoding
	hdr, err1 := enc.DecodeString(parts[0])
	payload, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, "INVALID_TOKEN"
	}
	var h map[string]json.RawMessage
	if json.Unmarshal(hdr, &h) != nil || string(h["alg"]) != `"HS256"` {
		return nil, "INVALID_TOKEN"
	}
	if _, crit := h["crit"]; crit {
		return nil, "INVALID_TOKEN"
	}
	mac := hmac.New(sha256.New, []byte(s.cfg.Secrets[0].Value))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if subtle.ConstantTimeCompare(mac.Sum(nil), sig) != 1 {
		return nil, "INVALID_TOKEN"
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(payload, &raw) != nil {
		return nil, "INVALID_TOKEN"
	}
	now := s.now().Unix()
	if e, ok := raw["exp"]; ok {
		var exp float64
		if json.Unmarshal(e, &exp) != nil {
			return nil, "INVALID_TOKEN"
		}
		if exp <= float64(now) {
			return nil, "TOKEN_EXPIRED"
		}
	}
	if n, ok := raw["nbf"]; ok {
		var nbf float64
		if json.Unmarshal(n, &nbf) != nil || nbf > float64(now) {
			return nil, "INVALID_TOKEN"
		}
	}
	var c emailVerificationClaims
	str := func(k string, dst *string, required bool) bool {
		v, ok := raw[k]
		if !ok {
			return !required
		}
		return json.Unmarshal(v, dst) == nil && jsType(v) == "string"
	}
	if !str("email", &c.Email, true) || !zodEmail.MatchString(c.Email) || !str("updateTo", &c.UpdateTo, false) ||
		!str("requestType", &c.RequestType, false) || !str("userId", &c.UserID, false) {
		return nil, "INVALID_TOKEN"
	}
	return &c, ""
}

// verificationURL is the link Better Auth mails: baseURL/verify-email with
// the token and the encoded callbackURL ("/" without one).
func (s *Server) verificationURL(token string, callbackURL *string) string {
	cb := "/"
	if callbackURL != nil && *callbackURL != "" {
		cb = *callbackURL
	}
	return s.cfg.BaseURL + "/api/auth/verify-email?token=" + token + "&callbackURL=" + ba.EncodeURIComponent(cb)
}

// sendVerificationEmail mails user a fresh verification link; a delivery
// failure is logged, as the answer never depends on it.
func (s *Server) sendVerificationEmail(r *http.Request, user *ba.User, callbackURL *string) {
	token := s.createEmailVerificationToken(user.Email, user.ID)
	e := Email{Kind: EmailVerification, To: user.Email, Name: user.Name, URL: s.verificationURL(token, callbackURL), Token: token}
	if err := s.cfg.Mailer.Send(r.Context(), e); err != nil {
		s.log.ErrorContext(r.Context(), "verification email failed", "error", err.Error())
	}
}

// sendOnSignUp is emailVerification.sendOnSignUp ?? requireEmailVerification.
func (s *Server) sendOnSignUp() bool {
	ev := s.cfg.EmailVerification
	if !ev.Enabled {
		return false
	}
	if ev.SendOnSignUp != nil {
		return *ev.SendOnSignUp
	}
	return s.cfg.RequireEmailVerification
}

// sendVerificationEmailRoute is POST /send-verification-email.
func (s *Server) sendVerificationEmailRoute(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	email, callbackURL := b.email("email"), b.optStr("callbackURL")
	if err := b.err(); err != nil {
		return err
	}
	if err := s.callbackURLError(r, b); err != nil {
		return err
	}
	if !s.cfg.EmailVerification.Enabled {
		return errVerificationNotEnabled
	}
	res, err := s.session(r)
	if err != nil {
		return err
	}
	if res == nil {
		// No session: the same answer, after at least 500 ms, whether or
		// not the address has an unverified user (no enumeration).
		start := time.Now()
		user, err := s.store.GetUserByEmail(r.Context(), email)
		if err != nil && !errors.Is(err, ba.ErrNotFound) {
			return err
		}
		if err == nil && !user.EmailVerified {
			s.sendVerificationEmail(r, user, callbackURL)
		} else {
			_ = s.createEmailVerificationToken(email, "")
		}
		if remaining := 500*time.Millisecond - time.Since(start); remaining > 0 {
			t := time.NewTimer(remaining)
			select {
			case <-t.C:
			case <-r.Context().Done():
			}
			t.Stop()
		}
		writeJSON(w, 200, jsonObject("status", true))
		return nil
	}
	if !strings.EqualFold(res.User.Email, email) {
		return errEmailMismatch
	}
	if res.User.EmailVerified {
		return errEmailAlreadyVerified
	}
	s.sendVerificationEmail(r, res.User, callbackURL)
	writeJSON(w, 200, jsonObject("status", true))
	return nil
}

// verifyEmail is GET /verify-email?token=&callbackURL=.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	// The query's schema first (token required, callbackURL optional, both
	// strings), then the origin check on callbackURL, then the token.
	tokens := queryValues(r, "token")
	if err := queryStringError("token", tokens, false); err != nil {
		return err
	}
	callbacks := queryValues(r, "callbackURL")
	if err := queryStringError("callbackURL", callbacks, true); err != nil {
		return err
	}
	callback := ""
	if len(callbacks) == 1 {
		callback = callbacks[0]
		if callback != "" && !s.safeRedirect(callback) {
			return errInvalidCallbackURL
		}
	}
	redirect := func(to string) error {
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusFound)
		return nil
	}
	fail := func(code string) error {
		if callback != "" {
			return redirect(appendErrorParam(callback, code))
		}
		return newError(401, code, verifyEmailErrors[code])
	}
	c, code := s.parseEmailVerificationToken(tokens[0])
	if code != "" {
		return fail(code)
	}
	if c.UpdateTo != "" {
		return s.verifyEmailChange(w, r, c, callback, redirect, fail)
	}
	user, err := s.store.GetUserByEmail(r.Context(), c.Email)
	if errors.Is(err, ba.ErrNotFound) {
		return fail("USER_NOT_FOUND")
	}
	if err != nil {
		return err
	}
	if c.UserID != "" && c.UserID != user.ID {
		return fail("INVALID_TOKEN")
	}
	done := func() error {
		if callback != "" {
			return redirect(callback)
		}
		writeJSON(w, 200, jsonObject("status", true, "user", nil))
		return nil
	}
	if user.EmailVerified {
		return done()
	}
	verified := true
	updated, err := s.store.UpdateUser(r.Context(), user.ID, ba.UserUpdate{EmailVerified: &verified})
	if err != nil {
		return err
	}
	if s.cfg.EmailVerification.AutoSignInAfterVerification {
		cur, err := s.session(r)
		if err != nil {
			return err
		}
		if cur == nil || cur.User.Email != c.Email {
			if _, err := s.issueSession(w, r, updated, false); err != nil {
				return err
			}
		} else {
			cu := *cur.User
			cu.EmailVerified = true
			s.setSessionCookies(w, r, cur.Session, &cu, s.dontRemember(r))
		}
	}
	return done()
}

// appendErrorParam is Better Auth's appendQueryParams(callbackURL,
// {error: code}): the parameter goes after the callback's own query,
// before its fragment.
func appendErrorParam(callback, code string) string {
	frag := ""
	if i := strings.IndexByte(callback, '#'); i >= 0 {
		callback, frag = callback[:i], callback[i:]
	}
	switch {
	case strings.HasSuffix(callback, "?"), strings.HasSuffix(callback, "&"):
	case strings.Contains(callback, "?"):
		callback += "&"
	default:
		callback += "?"
	}
	return callback + "error=" + code + frag
}
