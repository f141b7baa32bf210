package server

import (
	"crypto/rand"
	"errors"
	"net/http"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// DeleteUserConfig is Better Auth's user.deleteUser options: POST
// /api/auth/delete-user and GET /api/auth/delete-user/callback. Its
// beforeDelete and afterDelete are functions only the TypeScript app can
// run; this server does not call them.
type DeleteUserConfig struct {
	// Enabled serves the routes (user.deleteUser.enabled); without it both
	// answer 404 as Better Auth does. Off by default.
	Enabled bool
	// SendVerification: the app has sendDeleteAccountVerification, so
	// delete-user mails a confirmation link (EmailDeleteAccountVerification,
	// through Config.Mailer) instead of deleting at once.
	SendVerification bool
	// TokenExpiresIn is deleteTokenExpiresIn, the link's lifetime; 1 day
	// when zero.
	TokenExpiresIn time.Duration
}

// Better Auth's answers of the delete-user routes (core error codes).
var (
	errSessionExpiredReauth = newError(400, "SESSION_EXPIRED", "Session expired. Re-authenticate to perform this action.")
	errDeleteTokenInvalid   = newError(404, "INVALID_TOKEN", "Invalid token")
	errFailedToGetUserInfo  = newError(404, "FAILED_TO_GET_USER_INFO", "Failed to get user info")
	errCredentialNotFound   = newError(400, "CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found")
)

// deleteAccountPrefix starts the identifier of a delete-user token's
// verification value, as Better Auth writes it.
const deleteAccountPrefix = "delete-account-"

// freshAge is session.freshAge: how long after sign-in a session may
// delete its user without a password or unlink an account. Zero means no
// freshness check (Better Auth's freshAge: 0).
func (s *Server) freshAge() time.Duration {
	switch d := s.cfg.SessionFreshAge; {
	case d < 0:
		return 0
	case d == 0:
		return 24 * time.Hour
	default:
		return d
	}
}

// sessionIsFresh is Better Auth's rule: now − createdAt < freshAge, always
// true when freshAge is 0.
func (s *Server) sessionIsFresh(sess *ba.Session) bool {
	age := s.freshAge()
	return age == 0 || s.now().Sub(sess.CreatedAt) < age
}

// deleteUser is Better Auth's POST /delete-user: with a password, the
// password must match (and then the session need not be fresh); with a
// token, the token from the confirmation email deletes at once; with
// SendVerification, a confirmation link is mailed; otherwise a fresh
// session deletes its user.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	callbackURL, password, token := b.optStr("callbackURL"), b.optStr("password"), b.optStr("token")
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.requireAuthoritativeSession(w, r)
	if err != nil {
		return err
	}
	if !s.cfg.DeleteUser.Enabled {
		// Better Auth's APIError.fromStatus("NOT_FOUND"): no body.
		w.WriteHeader(http.StatusNotFound)
		return errResponseWritten
	}
	if password != nil && *password != "" {
		if ba.PasswordLength(*password) > s.cfg.MaxPasswordLength {
			return errPasswordTooLong
		}
		acct, err := s.store.GetCredentialAccount(r.Context(), res.User.ID)
		if errors.Is(err, ba.ErrNotFound) || (err == nil && acct.Password == nil) {
			return errCredentialNotFound
		}
		if err != nil {
			return err
		}
		if !s.verifyPassword(r.Context(), *acct.Password, *password) {
			return errInvalidPassword
		}
	}
	if token != nil && *token != "" {
		if err := s.deleteUserWithToken(w, r, res, *token); err != nil {
			return err
		}
		writeJSON(w, 200, jsonObject("success", true, "message", "User deleted"))
		return nil
	}
	if s.cfg.DeleteUser.SendVerification {
		return s.sendDeleteAccountVerification(w, r, res.User, callbackURL)
	}
	if (password == nil || *password == "") && !s.sessionIsFresh(res.Session) {
		return errSessionExpiredReauth
	}
	if err := s.deleteCurrentUser(w, r, res); err != nil {
		return err
	}
	writeJSON(w, 200, jsonObject("success", true, "message", "User deleted"))
	return nil
}

// sendDeleteAccountVerification stores a delete-account token as Better
// Auth does (identifier "delete-account-<token>", value the user id,
// 32 characters of [0-9a-z]) and mails its callback link.
func (s *Server) sendDeleteAccountVerification(w http.ResponseWriter, r *http.Request, user *ba.User, callbackURL *string) error {
	expiresIn := s.cfg.DeleteUser.TokenExpiresIn
	if expiresIn <= 0 {
		expiresIn = 24 * time.Hour
	}
	token := randomLowerAlnum(32)
	now := s.now()
	v := ba.NewVerification(ba.VerificationCreate{Identifier: deleteAccountPrefix + token, Value: user.ID, ExpiresAt: now.Add(expiresIn)}, now)
	if err := s.verifications.CreateVerification(r.Context(), v); err != nil {
		return err
	}
	callback := "/"
	if callbackURL != nil && *callbackURL != "" {
		callback = *callbackURL
	}
	link := s.cfg.BaseURL + "/api/auth/delete-user/callback?token=" + token + "&callbackURL=" + ba.EncodeURIComponent(callback)
	if err := s.cfg.Mailer.Send(r.Context(), Email{Kind: EmailDeleteAccountVerification, To: user.Email, Name: user.Name, URL: link, Token: token}); err != nil {
		s.log.ErrorContext(r.Context(), "delete-account email failed", "error", err.Error())
	}
	writeJSON(w, 200, jsonObject("success", true, "message", "Verification email sent"))
	return nil
}

// deleteUserWithToken consumes a delete-account token (spent whether or
// not it is the caller's, as in Better Auth) and deletes the caller when
// it was issued to them: 404 INVALID_TOKEN otherwise.
func (s *Server) deleteUserWithToken(w http.ResponseWriter, r *http.Request, res *ba.Result, token string) error {
	v, err := s.verifications.ConsumeVerification(r.Context(), deleteAccountPrefix+token)
	if errors.Is(err, ba.ErrNotFound) {
		return errDeleteTokenInvalid
	}
	if err != nil {
		return err
	}
	if !sameToken(v.Value, res.User.ID) {
		return errDeleteTokenInvalid
	}
	return s.deleteCurrentUser(w, r, res)
}

// deleteCurrentUser deletes the caller with their sessions and accounts
// (and organization memberships) and expires the caller's cookies. With
// sessions in the SQL database all of it is one transaction. With
// sessions in Redis the sessions go first, so that a failure part-way
// leaves a signed-out user rather than live sessions of a deleted one.
func (s *Server) deleteCurrentUser(w http.ResponseWriter, r *http.Request, res *ba.Result) error {
	ctx := r.Context()
	if !s.txSessions {
		if _, err := s.sessions.RevokeUserSessions(ctx, res.User.ID); err != nil {
			return err
		}
	}
	err := s.store.DeleteUser(ctx, res.User.ID)
	if s.txForget != nil {
		s.txForget(res.User.ID)
	}
	if err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	s.clearCookies(w)
	return nil
}

// deleteUserCallback is Better Auth's GET /delete-user/callback, the link
// of the confirmation email: the signed-in user whose token it is gets
// deleted, then a redirect to callbackURL or {"success":true,...}.
func (s *Server) deleteUserCallback(w http.ResponseWriter, r *http.Request) error {
	tokens, callbacks := queryValues(r, "token"), queryValues(r, "callbackURL")
	if err := queryStringError("token", tokens, false); err != nil {
		return err
	}
	if err := queryStringError("callbackURL", callbacks, true); err != nil {
		return err
	}
	callback := ""
	if len(callbacks) == 1 {
		callback = callbacks[0]
	}
	if callback != "" && !s.safeRedirect(callback) {
		return errInvalidCallbackURL
	}
	if !s.cfg.DeleteUser.Enabled {
		return newError(http.StatusNotFound, "NOT_FOUND", "Not found")
	}
	res, err := s.requireAuthoritativeSession(w, r)
	if errors.Is(err, ba.ErrUnavailable) {
		return err
	}
	if err != nil {
		return errFailedToGetUserInfo
	}
	if err := s.deleteUserWithToken(w, r, res, tokens[0]); err != nil {
		return err
	}
	if callback != "" {
		w.Header().Set("Location", callback)
		w.WriteHeader(http.StatusFound)
		return nil
	}
	writeJSON(w, 200, jsonObject("success", true, "message", "User deleted"))
	return nil
}

// randomLowerAlnum is Better Auth's generateRandomString(n, "0-9", "a-z"):
// n characters drawn uniformly from [0-9a-z] with crypto/rand.
func randomLowerAlnum(n int) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("server: crypto/rand failed: " + err.Error())
		}
		for _, c := range buf {
			if c >= 252 { // 252 = 7·36: no modulo bias
				continue
			}
			out = append(out, alphabet[int(c)%len(alphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}
