package server

import (
	"encoding/json"
	"errors"
	"net/http"

	ba "github.com/betterauth-go/betterauth"
)

// The username plugin's answers on its own routes, where a username that
// breaks the rules is 422 (on sign-up and update-user it is 400), and a
// failed sign-in names the username (plugins/username/error-codes.mjs).
var errInvalidUsernameOrPassword = newError(401, "INVALID_USERNAME_OR_PASSWORD", "Invalid username or password")

// usernameRuleError is usernameError with Better Auth's 422 status, as
// /sign-in/username and /is-username-available send it.
func usernameRuleError(err error) *apiError {
	e := usernameError(err)
	return &apiError{status: http.StatusUnprocessableEntity, code: e.code, message: e.message}
}

// signInUsername is the username plugin's POST /sign-in/username
// (plugins/username/index.mjs, signInUsername): the username is checked
// against Config.Username (422), looked up normalised, the password
// verified against the credential account (401 otherwise, in the same time
// as for an unknown user), then email verification, the admin plugin's
// ban and the twoFactor plugin's redirect apply as on /sign-in/email.
func (s *Server) signInUsername(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	username, password := b.str("username"), b.str("password")
	callbackURL, rememberMe := b.optStr("callbackURL"), b.optBool("rememberMe")
	if err := b.err(); err != nil {
		return err
	}
	if username == "" || password == "" {
		return errInvalidUsernameOrPassword
	}
	if err := s.cfg.Username.Check(username); err != nil {
		return usernameRuleError(err)
	}
	if ba.PasswordLength(password) > s.cfg.MaxPasswordLength {
		return errPasswordTooLong
	}
	user, err := s.store.GetUserByUsername(r.Context(), ba.NormalizeUsername(username))
	if errors.Is(err, ba.ErrNotFound) {
		s.verifyPassword(r.Context(), dummyHash, password) // same time as a real check
		return errInvalidUsernameOrPassword
	}
	if err != nil {
		return err
	}
	acct, err := s.store.GetCredentialAccount(r.Context(), user.ID)
	if errors.Is(err, ba.ErrNotFound) || (err == nil && acct.Password == nil) {
		s.verifyPassword(r.Context(), dummyHash, password)
		return errInvalidUsernameOrPassword
	}
	if err != nil {
		return err
	}
	if !s.verifyPassword(r.Context(), *acct.Password, password) {
		return errInvalidUsernameOrPassword
	}
	// Better Auth checks verification in the route, then the admin plugin
	// refuses a banned user when the session is created, then the
	// twoFactor plugin's after hook replaces the answer.
	if s.cfg.RequireEmailVerification && !user.EmailVerified {
		return errEmailNotVerified
	}
	if user.IsBanned(s.now()) {
		return errBanned
	}
	if user.TwoFactorEnabled != nil && *user.TwoFactorEnabled {
		s.clearCookies(w)
		writeJSON(w, 200, jsonObject("twoFactorRedirect", true, "twoFactorMethods", []string{}))
		return nil
	}
	sess, err := s.issueSession(w, r, user, rememberMe != nil && !*rememberMe)
	if err != nil {
		return err
	}
	userJSON := json.RawMessage(s.schema.UserJSON(user))
	switch {
	case callbackURL != nil && *callbackURL != "":
		w.Header().Set("Location", *callbackURL)
		writeJSON(w, 200, jsonObject("redirect", true, "token", sess.Token, "url", *callbackURL, "user", userJSON))
	case callbackURL != nil:
		// Better Auth echoes an empty callbackURL: "url":"".
		writeJSON(w, 200, jsonObject("redirect", false, "token", sess.Token, "url", "", "user", userJSON))
	default:
		writeJSON(w, 200, jsonObject("redirect", false, "token", sess.Token, "user", userJSON))
	}
	return nil
}

// isUsernameAvailable is the username plugin's POST /is-username-available:
// 422 INVALID_USERNAME for an empty username, 422 for one that breaks
// Config.Username's rules, else {"available":bool} for the normalised
// username. It needs no session.
func (s *Server) isUsernameAvailable(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	username := b.str("username")
	if err := b.err(); err != nil {
		return err
	}
	if username == "" {
		return usernameRuleError(ba.ErrUsernameInvalid)
	}
	if err := s.cfg.Username.Check(username); err != nil {
		return usernameRuleError(err)
	}
	_, err = s.store.GetUserByUsername(r.Context(), ba.NormalizeUsername(username))
	switch {
	case errors.Is(err, ba.ErrNotFound):
		writeJSON(w, 200, map[string]bool{"available": true})
	case err != nil:
		return err
	default:
		writeJSON(w, 200, map[string]bool{"available": false})
	}
	return nil
}

// listAccounts is Better Auth's GET /list-accounts: the caller's accounts
// without tokens or password hash, scope split into scopes (401 without a
// session).
func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	return s.writeAccounts(w, r, res.User.ID)
}

// errDeferSessionRequired is Better Auth's answer to POST /get-session
// when session.deferSessionRefresh is off.
var errDeferSessionRequired = newError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED", "POST method requires deferSessionRefresh to be enabled in session config")

// getSessionPost is POST /get-session: with Config.DeferSessionRefresh it
// is the read that refreshes (getSessionRead); without it Better Auth
// refuses it, before reading any session.
func (s *Server) getSessionPost(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.DeferSessionRefresh {
		return s.getSessionRead(w, r, true)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	return errDeferSessionRequired
}

// Better Auth's answers of /unlink-account (core error codes).
var (
	errUnlinkLastAccount = newError(400, "FAILED_TO_UNLINK_LAST_ACCOUNT", "You can't unlink your last account")
	errAccountNotFound   = newError(400, "ACCOUNT_NOT_FOUND", "Account not found")
	errSessionNotFresh   = newError(403, "SESSION_NOT_FRESH", "Session is not fresh")
)

// unlinkAccount is Better Auth's POST /unlink-account: a fresh session
// (403 SESSION_NOT_FRESH otherwise) deletes one of its user's accounts by
// its id, never the last one unless Config.AllowUnlinkingAll.
func (s *Server) unlinkAccount(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	accountID := b.str("accountId")
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	if !s.sessionIsFresh(res.Session) {
		return errSessionNotFresh
	}
	list, err := s.store.ListAccounts(r.Context(), res.User.ID)
	if err != nil {
		return err
	}
	if len(list) == 1 && !s.cfg.AllowUnlinkingAll {
		return errUnlinkLastAccount
	}
	for i := range list {
		if list[i].ID == accountID {
			if err := s.store.DeleteAccount(r.Context(), accountID); err != nil {
				return err
			}
			writeJSON(w, 200, map[string]bool{"status": true})
			return nil
		}
	}
	return errAccountNotFound
}
