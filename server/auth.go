package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// withHashSlot runs fn while holding one of MaxConcurrentHashes slots, so a
// burst of sign-ins cannot run unbounded scrypt computations (32 MiB each:
// 128·r·N bytes with Better Auth's N=16384, r=16).
func (s *Server) withHashSlot(ctx context.Context, fn func() error) error {
	select {
	case s.hashSem <- struct{}{}:
	case <-ctx.Done():
		return errUnavailable
	}
	err := fn()
	// scrypt's 32 MiB buffer is garbage now. Collect it before the slot is
	// free, so that the next hash reuses its pages: left to the pacer,
	// finished buffers pile up to GOGC× the live heap first (with serve's
	// GOGC=400, 8 concurrent sign-ups peaked at 384 MB RSS). The heap is a
	// few MB of pointers (the buffers hold none), so a collection costs
	// about a millisecond next to the hash's 80+ ms.
	runtime.GC()
	<-s.hashSem
	s.releaseHashMemory()
	return err
}

// releaseHashMemory hands scrypt's buffers back to the operating system
// once no hash is running. The Go runtime would keep them for minutes: a
// server that has signed one user in would otherwise sit at ~85 MB RSS
// instead of ~25 MB while it checks sessions. At most once a second, after
// a short pause so that a burst of sign-ins frees once.
func (s *Server) releaseHashMemory() {
	if len(s.hashSem) > 0 || !s.freeing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.freeing.Store(false)
		time.Sleep(100 * time.Millisecond)
		if len(s.hashSem) == 0 {
			debug.FreeOSMemory()
		}
		time.Sleep(time.Second)
	}()
}

func (s *Server) hashPassword(ctx context.Context, pw string) (string, error) {
	var hash string
	err := s.withHashSlot(ctx, func() (err error) {
		hash, err = ba.HashPassword(pw)
		return err
	})
	return hash, err
}

func (s *Server) verifyPassword(ctx context.Context, hash, pw string) bool {
	ok := false
	_ = s.withHashSlot(ctx, func() error {
		ok, _ = ba.VerifyPassword(hash, pw)
		return nil
	})
	return ok
}

// sessionIP is what Better Auth records as a session's ipAddress: the first
// address of X-Forwarded-For, or "" (it never sees the peer address). It is
// informational; rate limits use clientIP, which does not trust the header
// unless the peer is a trusted proxy.
func sessionIP(r *http.Request) string {
	first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-For"), ",")
	if a, err := netip.ParseAddr(strings.TrimSpace(first)); err == nil {
		return a.String()
	}
	return ""
}

func checkPasswordLength(pw string) error {
	switch n := ba.PasswordLength(pw); {
	case n < ba.MinPasswordLength:
		return errPasswordTooShort
	case n > ba.MaxPasswordLength:
		return errPasswordTooLong
	}
	return nil
}

// session returns the request's verified session, nil when there is none,
// or an error when the session store is down.
func (s *Server) session(r *http.Request) (*ba.Result, error) {
	res, err := s.verify(r)
	if err != nil {
		if errors.Is(err, ba.ErrUnavailable) {
			return nil, err
		}
		return nil, nil
	}
	return res, nil
}

// requireSession is Better Auth's sessionMiddleware: 401 without a session.
func (s *Server) requireSession(r *http.Request) (*ba.Result, error) {
	res, err := s.verify(r)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, ba.ErrUnavailable):
		return nil, err
	case errors.Is(err, ba.ErrUserBanned):
		return nil, errBanned
	}
	return nil, errUnauthorized
}

// requireUser is requireSession that also accepts a jwt-plugin token when
// Config.JWT is set; the result then has a user and no session.
func (s *Server) requireUser(r *http.Request) (*ba.Result, error) {
	res, err := s.requireSession(r)
	if err == nil || s.cfg.JWT == nil || !errors.Is(err, errUnauthorized) {
		return res, err
	}
	token := jwt.FromRequest(r)
	if token == "" {
		return nil, err
	}
	claims, jerr := s.cfg.JWT.Verify(r.Context(), token)
	switch {
	case errors.Is(jerr, ba.ErrUnavailable):
		return nil, jerr
	case jerr != nil:
		return nil, errUnauthorized
	}
	user := claims.User()
	if user == nil || user.ID == "" {
		return nil, errUnauthorized
	}
	if user.IsBanned(s.now()) {
		return nil, errBanned
	}
	return &ba.Result{User: user, Credential: ba.CredentialJWT}, nil
}

func (s *Server) hasCookie(r *http.Request, suffix string) bool {
	_, err := r.Cookie(s.verifier.CookieName(suffix))
	return err == nil
}

func (s *Server) dontRemember(r *http.Request) bool {
	c, err := r.Cookie(s.verifier.CookieName("dont_remember"))
	if err != nil {
		return false
	}
	v, err := ba.VerifySigned(c.Value, s.cfg.Secrets[0].Value)
	return err == nil && v == "true"
}

// issueSession creates a session for user and sets its cookies, as Better
// Auth's createSession + setSessionCookie do.
func (s *Server) issueSession(w http.ResponseWriter, r *http.Request, user *ba.User, dontRemember bool) (*ba.Session, error) {
	sess := s.newSession(r, user, dontRemember)
	if err := s.sessions.CreateSession(r.Context(), sess, user); err != nil {
		return nil, err
	}
	s.setSessionCookies(w, r, sess, user, dontRemember)
	return sess, nil
}

// newSession is a new session of user for the client of r, not yet stored.
func (s *Server) newSession(r *http.Request, user *ba.User, dontRemember bool) *ba.Session {
	expiresIn := s.cfg.SessionExpiresIn
	if dontRemember {
		expiresIn = 24 * time.Hour // Better Auth: one day for rememberMe:false
	}
	return ba.NewSession(ba.SessionCreate{UserID: user.ID, ExpiresIn: expiresIn, IPAddress: sessionIP(r), UserAgent: r.UserAgent()}, s.now())
}

func (s *Server) setSessionCookies(w http.ResponseWriter, r *http.Request, sess *ba.Session, user *ba.User, dontRemember bool) {
	s.verifier.SetSessionCookie(w, sess.Token, s.cfg.SessionExpiresIn, dontRemember, s.cookieAttrs())
	if !dontRemember && s.hasCookie(r, "dont_remember") {
		// Better Auth 1.7.17+: a remembered session expires a stale
		// dont_remember cookie, which would otherwise shorten it.
		w.Header().Add("Set-Cookie", ba.SerializeCookie(s.verifier.CookieName("dont_remember"), "", 0, s.secure, s.cookieAttrs()))
	}
	if s.cfg.CookieCache.Enabled() {
		if err := s.verifier.SetCookieCache(w, s.schema, sess, user, dontRemember, s.cookieAttrs()); err != nil {
			s.log.Error("cookie cache not set", "error", err.Error())
		}
	}
	if s.cfg.Bearer {
		w.Header().Set("set-auth-token", ba.Sign(sess.Token, s.cfg.Secrets[0].Value))
		w.Header().Add("Access-Control-Expose-Headers", "set-auth-token")
	}
}

func (s *Server) clearCookies(w http.ResponseWriter) {
	s.verifier.ClearSessionCookies(w, s.cookieAttrs())
}

func validEmail(e string) bool { return ba.ValidEmail(ba.NormalizeEmail(e)) }

// customFieldsFromBody reads the schema's custom user fields that clients
// may set; fields Better Auth marks input:false are refused.
func (s *Server) customFieldsFromBody(b *body) (ba.Fields, error) {
	var out ba.Fields
	for _, f := range s.schema.Table(ba.ModelUser).Additional() {
		v, ok := b.any(f.Name)
		if !ok {
			continue
		}
		if f.NoInput {
			return nil, fieldNotAllowed(f.Name)
		}
		nv, err := ba.NormalizeFieldValue(f.Type, v)
		if err != nil {
			b.fail(f.Name, string(f.Type), b.m[f.Name])
			continue
		}
		if out == nil {
			out = ba.Fields{}
		}
		out[f.Name] = nv
	}
	return out, b.err()
}

func (s *Server) signUpEmail(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, false)
	if err != nil {
		return err
	}
	name, email, password := b.str("name"), b.str("email"), b.str("password")
	image, username := b.optStr("image"), b.optStr("username")
	rememberMe := b.optBool("rememberMe")
	_ = b.optStr("callbackURL")
	if err := b.err(); err != nil {
		return err
	}
	for _, forbidden := range []string{"role", "banned", "banReason", "banExpires", "emailVerified", "twoFactorEnabled"} {
		if b.has(forbidden) {
			return fieldNotAllowed(forbidden)
		}
	}
	if !validEmail(email) {
		return errEmailAddress
	}
	if err := checkPasswordLength(password); err != nil {
		return err
	}
	fields, err := s.customFieldsFromBody(b)
	if err != nil {
		return err
	}
	create := ba.UserCreate{Name: name, Email: email, Image: image, Fields: fields}
	if username != nil && s.schema.HasPlugin(ba.PluginUsername) {
		create.Username = username
	}
	user := ba.NewUser(create, s.now())
	if _, err := s.store.GetUserByEmail(r.Context(), user.Email); err == nil {
		return errUserExists
	} else if !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	hash, err := s.hashPassword(r.Context(), password)
	if err != nil {
		return err
	}
	if _, err := s.store.CreateUserWithPassword(r.Context(), user, hash); err != nil {
		if errors.Is(err, ba.ErrDuplicate) {
			// Lost a race with a concurrent sign-up of the same email, or
			// the username is taken.
			if _, e := s.store.GetUserByEmail(r.Context(), user.Email); e == nil {
				return errUserExists
			}
			return errUsernameTaken
		}
		return err
	}
	if s.cfg.RequireEmailVerification {
		writeJSON(w, 200, jsonObject("token", nil, "user", json.RawMessage(s.schema.UserJSON(user))))
		return nil
	}
	sess, err := s.issueSession(w, r, user, rememberMe != nil && !*rememberMe)
	if err != nil {
		return err
	}
	writeJSON(w, 200, jsonObject("token", sess.Token, "user", json.RawMessage(s.schema.UserJSON(user))))
	return nil
}

func (s *Server) signInEmail(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, false)
	if err != nil {
		return err
	}
	email, password := b.str("email"), b.str("password")
	rememberMe := b.optBool("rememberMe")
	callbackURL := b.optStr("callbackURL")
	if err := b.err(); err != nil {
		return err
	}
	if !validEmail(email) {
		return errInvalidEmail
	}
	if callbackURL != nil && *callbackURL != "" && !s.safeRedirect(*callbackURL) {
		return newError(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
	}
	user, err := s.store.GetUserByEmail(r.Context(), email)
	if errors.Is(err, ba.ErrNotFound) {
		s.verifyPassword(r.Context(), dummyHash, password) // same time as a real check
		return errInvalidCredentials
	}
	if err != nil {
		return err
	}
	acct, err := s.store.GetCredentialAccount(r.Context(), user.ID)
	if errors.Is(err, ba.ErrNotFound) || (err == nil && acct.Password == nil) {
		s.verifyPassword(r.Context(), dummyHash, password)
		return errInvalidCredentials
	}
	if err != nil {
		return err
	}
	if !s.verifyPassword(r.Context(), *acct.Password, password) {
		return errInvalidCredentials
	}
	// Refuse what Better Auth refuses, so this route is no way around the
	// TypeScript app's rules.
	if user.IsBanned(s.now()) {
		return errBanned
	}
	if s.cfg.RequireEmailVerification && !user.EmailVerified {
		return errEmailNotVerified
	}
	if user.TwoFactorEnabled != nil && *user.TwoFactorEnabled {
		// The second factor is verified by Better Auth on the frontend; no
		// session is created here.
		s.clearCookies(w)
		writeJSON(w, 200, jsonObject("twoFactorRedirect", true, "twoFactorMethods", []string{}))
		return nil
	}
	sess, err := s.issueSession(w, r, user, rememberMe != nil && !*rememberMe)
	if err != nil {
		return err
	}
	if callbackURL != nil && *callbackURL != "" {
		w.Header().Set("Location", *callbackURL)
		writeJSON(w, 200, jsonObject("redirect", true, "token", sess.Token, "url", *callbackURL, "user", json.RawMessage(s.schema.UserJSON(user))))
		return nil
	}
	writeJSON(w, 200, jsonObject("redirect", false, "token", sess.Token, "user", json.RawMessage(s.schema.UserJSON(user))))
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	res, err := s.session(r)
	if err != nil {
		return err
	}
	if res != nil {
		if err := s.sessions.DeleteSessionByToken(r.Context(), res.Token); err != nil && !errors.Is(err, ba.ErrNotFound) {
			return err
		}
	}
	s.clearCookies(w)
	writeJSON(w, 200, map[string]bool{"success": true})
	return nil
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	res, err := s.verify(r)
	switch {
	case errors.Is(err, ba.ErrUnavailable):
		return err
	case errors.Is(err, ba.ErrSessionExpired), errors.Is(err, ba.ErrSessionNotFound):
		s.clearCookies(w)
		writeJSON(w, 200, []byte("null"))
		return nil
	case err != nil:
		writeJSON(w, 200, []byte("null"))
		return nil
	}
	now := s.now()
	refresh := !res.Session.ExpiresAt.Add(-s.cfg.SessionExpiresIn).Add(s.cfg.SessionUpdateAge).After(now)
	if refresh && res.Credential != ba.CredentialCookieCache && r.URL.Query().Get("disableRefresh") != "true" && !s.dontRemember(r) {
		expires := ba.Truncate(now.Add(s.cfg.SessionExpiresIn))
		if err := s.sessions.RefreshSession(r.Context(), res.Token, expires); err != nil && !errors.Is(err, ba.ErrNotFound) {
			return err
		}
		res.Session.ExpiresAt, res.Session.UpdatedAt = expires, ba.Truncate(now)
		s.setSessionCookies(w, r, res.Session, res.User, false)
	}
	b := getResponseBuffer()
	*b = s.schema.AppendGetSessionJSON(*b, res.Session, res.User)
	writeJSON(w, 200, *b)
	putResponseBuffer(b)
	return nil
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	list, err := s.sessions.ListUserSessions(r.Context(), res.User.ID)
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, len(list))
	for i := range list {
		out[i] = s.schema.SessionJSON(&list[i])
	}
	writeJSON(w, 200, out)
	return nil
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	b, err := readBody(w, r, false)
	if err != nil {
		return err
	}
	token := b.str("token")
	if err := b.err(); err != nil {
		return err
	}
	// Only the caller's own sessions; anything else answers the same way,
	// so tokens of others cannot be probed.
	sess, _, err := s.sessions.GetSessionAndUser(r.Context(), token)
	switch {
	case err == nil && sess != nil && sess.UserID == res.User.ID:
		if err := s.sessions.DeleteSessionByToken(r.Context(), token); err != nil && !errors.Is(err, ba.ErrNotFound) {
			return err
		}
		if sameToken(token, res.Token) {
			s.clearCookies(w)
		}
	case err != nil && !errors.Is(err, ba.ErrNotFound):
		return err
	}
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

func (s *Server) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	if _, err := s.sessions.RevokeUserSessions(r.Context(), res.User.ID); err != nil {
		return err
	}
	s.clearCookies(w)
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

func (s *Server) revokeOtherSessions(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	list, err := s.sessions.ListUserSessions(r.Context(), res.User.ID)
	if err != nil {
		return err
	}
	for _, other := range list {
		if sameToken(other.Token, res.Token) {
			continue
		}
		if err := s.sessions.DeleteSessionByToken(r.Context(), other.Token); err != nil && !errors.Is(err, ba.ErrNotFound) {
			return err
		}
	}
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	user, err := s.updateUserFromRequest(w, r, res.User.ID)
	if err != nil {
		return err
	}
	s.setSessionCookies(w, r, res.Session, user, s.dontRemember(r))
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

// updateUserFromRequest applies the self-service update in the request
// body (update-user and PATCH /api/me) and tells the session backend.
func (s *Server) updateUserFromRequest(w http.ResponseWriter, r *http.Request, userID string) (*ba.User, error) {
	b, err := readBody(w, r, false)
	if err != nil {
		return nil, err
	}
	if b.has("email") {
		return nil, errEmailCannotBeUpdated
	}
	up, err := s.userUpdateFromBody(b)
	if err != nil {
		return nil, err
	}
	user, err := s.store.UpdateUser(r.Context(), userID, up)
	if errors.Is(err, ba.ErrDuplicate) {
		return nil, errUsernameTaken
	}
	if err != nil {
		return nil, err
	}
	if err := s.sessions.UserChanged(r.Context(), user); err != nil {
		return nil, err
	}
	return user, nil
}

// userUpdateFromBody reads the fields a user may change about themself:
// name, image, username (username plugin) and custom fields.
func (s *Server) userUpdateFromBody(b *body) (ba.UserUpdate, error) {
	var up ba.UserUpdate
	for _, forbidden := range []string{"role", "banned", "banReason", "banExpires", "emailVerified", "twoFactorEnabled", "id", "createdAt", "updatedAt"} {
		if b.has(forbidden) {
			return up, fieldNotAllowed(forbidden)
		}
	}
	up.Name = b.optStr("name")
	if v, set := b.nullableStr("image"); set {
		up.Image = ba.Nullable[string]{Set: true, Value: v}
	}
	if s.schema.HasPlugin(ba.PluginUsername) {
		if v, set := b.nullableStr("username"); set {
			up.Username = ba.Nullable[string]{Set: true, Value: v}
		}
	}
	fields, err := s.customFieldsFromBody(b)
	if err != nil {
		return up, err
	}
	// A custom field sent as null clears it.
	for _, f := range s.schema.Table(ba.ModelUser).Additional() {
		if raw, ok := b.m[f.Name]; ok && jsType(raw) == "null" {
			if fields == nil {
				fields = ba.Fields{}
			}
			fields[f.Name] = nil
		}
	}
	up.Fields = fields
	if err := b.err(); err != nil {
		return up, err
	}
	if up.Name == nil && !up.Image.Set && !up.Username.Set && len(up.Fields) == 0 {
		return up, errNoFieldsToUpdate
	}
	return up, nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	b, err := readBody(w, r, false)
	if err != nil {
		return err
	}
	newPassword, current := b.str("newPassword"), b.str("currentPassword")
	revokeOthers := b.optBool("revokeOtherSessions")
	if err := b.err(); err != nil {
		return err
	}
	if err := checkPasswordLength(newPassword); err != nil {
		return err
	}
	acct, err := s.store.GetCredentialAccount(r.Context(), res.User.ID)
	if errors.Is(err, ba.ErrNotFound) {
		return newError(400, "CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found")
	}
	if err != nil {
		return err
	}
	if acct.Password == nil || !s.verifyPassword(r.Context(), *acct.Password, current) {
		return errInvalidPassword
	}
	hash, err := s.hashPassword(r.Context(), newPassword)
	if err != nil {
		return err
	}
	revoke := revokeOthers != nil && *revokeOthers
	dontRemember := s.dontRemember(r)
	var sess *ba.Session
	// Revoke, change, sign in again: one transaction with SQL sessions.
	// With Redis sessions the revocation comes first, so that a failure
	// after it leaves the old password and no sessions (sign in again)
	// rather than a new password and an intruder's session still alive.
	err = s.userTx(r.Context(), res.User.ID, func(store *sqlstore.Store, sessions SessionBackend) error {
		if revoke {
			if _, err := sessions.RevokeUserSessions(r.Context(), res.User.ID); err != nil {
				return err
			}
		}
		if _, err := store.UpdateAccount(r.Context(), acct.ID, ba.AccountUpdate{Password: ba.Value(hash)}); err != nil {
			return err
		}
		if revoke {
			sess = s.newSession(r, res.User, dontRemember)
			return sessions.CreateSession(r.Context(), sess, res.User)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var token any
	if sess != nil {
		s.setSessionCookies(w, r, sess, res.User, dontRemember)
		token = sess.Token
	}
	writeJSON(w, 200, jsonObject("token", token, "user", json.RawMessage(s.schema.UserJSON(res.User))))
	return nil
}

const resetMessage = "If this email exists in our system, check your email for the reset link"

func (s *Server) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, false)
	if err != nil {
		return err
	}
	email := b.str("email")
	redirectTo := b.optStr("redirectTo")
	if err := b.err(); err != nil {
		return err
	}
	if !validEmail(email) {
		return errEmailAddress
	}
	if redirectTo != nil && !s.safeRedirect(*redirectTo) {
		return newError(403, "INVALID_REDIRECT_URL", "Invalid redirectURL")
	}
	user, err := s.store.GetUserByEmail(r.Context(), email)
	switch {
	case errors.Is(err, ba.ErrNotFound):
		// Same answer, and comparable work, whether or not the email
		// exists: no user enumeration.
		_ = ba.RandomString(24)
	case err != nil:
		return err
	default:
		token := ba.RandomString(24)
		v := ba.NewVerification(ba.VerificationCreate{Identifier: "reset-password:" + token, Value: user.ID, ExpiresAt: s.now().Add(time.Hour)}, s.now())
		if err := s.verifications.CreateVerification(r.Context(), v); err != nil {
			return err
		}
		callback := ""
		if redirectTo != nil {
			callback = *redirectTo
		}
		link := s.cfg.BaseURL + "/api/auth/reset-password/" + token + "?callbackURL=" + ba.EncodeURIComponent(callback)
		if err := s.cfg.Mailer.SendPasswordReset(r.Context(), PasswordResetEmail{To: user.Email, Name: user.Name, URL: link, Token: token}); err != nil {
			s.log.ErrorContext(r.Context(), "password reset email failed", "error", err.Error())
		}
	}
	writeJSON(w, 200, jsonObject("status", true, "message", resetMessage))
	return nil
}

// resetPasswordCallback is the link in the email: it checks the token and
// redirects to the app's page with it (or with error=INVALID_TOKEN).
func (s *Server) resetPasswordCallback(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if !r.URL.Query().Has("callbackURL") {
		return validationError("[query.callbackURL] Invalid input: expected string, received undefined", nil)
	}
	callback := r.URL.Query().Get("callbackURL")
	if callback == "" || !s.safeRedirect(callback) {
		return newError(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
	}
	u, err := url.Parse(s.cfg.BaseURL + "/")
	if err == nil {
		u, err = u.Parse(callback) // Better Auth redirects to an absolute URL
	}
	if err != nil {
		return newError(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
	}
	q := u.Query()
	v, err := s.verifications.GetVerificationByIdentifier(r.Context(), "reset-password:"+token)
	if err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	if err != nil || v.IsExpired(s.now()) {
		q.Set("error", "INVALID_TOKEN")
	} else {
		q.Set("token", token)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusFound)
	return nil
}

// safeRedirect accepts relative paths and URLs on a trusted origin, so
// reset links cannot redirect to another site.
func (s *Server) safeRedirect(target string) bool {
	if strings.HasPrefix(target, "/") && !strings.HasPrefix(target, "//") && !strings.HasPrefix(target, "/\\") {
		return true
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return false
	}
	return httpauth.OriginTrusted(u.Scheme+"://"+u.Host, s.trusted)
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, false)
	if err != nil {
		return err
	}
	newPassword := b.str("newPassword")
	token := b.optStr("token")
	if token == nil {
		token = strPtr(r.URL.Query().Get("token"))
	}
	if err := b.err(); err != nil {
		return err
	}
	if *token == "" {
		return errInvalidToken
	}
	if err := checkPasswordLength(newPassword); err != nil {
		return err
	}
	identifier := "reset-password:" + *token
	// An unknown token costs no scrypt run, as in Better Auth (which looks
	// the token up before hashing).
	if v, err := s.verifications.GetVerificationByIdentifier(r.Context(), identifier); errors.Is(err, ba.ErrNotFound) || (err == nil && v.IsExpired(s.now())) {
		return errInvalidToken
	} else if err != nil {
		return err
	}
	hash, err := s.hashPassword(r.Context(), newPassword)
	if err != nil {
		return err
	}
	setPassword := func(tx *sqlstore.Store, userID string) error {
		acct, err := tx.GetCredentialAccount(r.Context(), userID)
		switch {
		case errors.Is(err, ba.ErrNotFound):
			// A user who signed up with a provider gets a password
			// account, as Better Auth does.
			return tx.CreateAccount(r.Context(), &ba.Account{UserID: userID, ProviderID: ba.ProviderCredential, AccountID: userID, Password: &hash})
		case err != nil:
			return err
		}
		_, err = tx.UpdateAccount(r.Context(), acct.ID, ba.AccountUpdate{Password: ba.Value(hash)})
		return err
	}
	if s.txVerifications {
		// Consuming the token and writing the password are one
		// transaction: when the write fails, the link still works.
		err = s.store.WithTx(r.Context(), func(tx *sqlstore.Store) error {
			v, err := tx.ConsumeVerification(r.Context(), identifier)
			if err != nil {
				return err
			}
			return setPassword(tx, v.Value)
		})
	} else {
		// In secondary storage the token is consumed first and for good
		// (GETDEL cannot roll back), as Better Auth's
		// resetCredentialPassword does: a failed write spends the link.
		var v *ba.Verification
		if v, err = s.verifications.ConsumeVerification(r.Context(), identifier); err == nil {
			err = s.store.WithTx(r.Context(), func(tx *sqlstore.Store) error { return setPassword(tx, v.Value) })
		}
	}
	if errors.Is(err, ba.ErrNotFound) {
		return errInvalidToken
	}
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

func strPtr(s string) *string { return &s }

// plainKey reports whether k is written in JSON as itself between quotes.
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// sameToken compares session tokens in constant time, as every comparison
// of a secret-derived value is.
func sameToken(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// jsonObject builds a small JSON object with keys in the given order
// (Better Auth's response key order), values encoded by encoding/json.
func jsonObject(kv ...any) json.RawMessage {
	size := 2
	for i := 0; i+1 < len(kv); i += 2 {
		if raw, ok := kv[i+1].(json.RawMessage); ok {
			size += len(raw) + 16
		}
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		if k, ok := kv[i].(string); ok && plainKey(k) {
			// The route's own key names: no escaping to do.
			b = append(append(append(b, '"'), k...), '"')
		} else {
			k, _ := json.Marshal(kv[i])
			b = append(b, k...)
		}
		b = append(b, ':')
		if raw, ok := kv[i+1].(json.RawMessage); ok {
			// Ours, already compact: json.Marshal would re-scan it.
			b = append(b, raw...)
			continue
		}
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			v = []byte("null")
		}
		b = append(b, v...)
	}
	return append(b, '}')
}
