package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/jsjson"
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

func (s *Server) checkPasswordLength(pw string) error {
	switch n := ba.PasswordLength(pw); {
	case n < s.cfg.MinPasswordLength:
		return errPasswordTooShort
	case n > s.cfg.MaxPasswordLength:
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

// requireAuthoritativeSession is Better Auth's sensitiveSessionMiddleware
// (change-email, delete-user): requireSession, read again from the session
// store when it came from the cookie cache, so that a revoked session or a
// stale email still cached in a cookie cannot authorize the action. As
// there, the session read is get-session's: a session cookie whose session
// is gone or expired (a deleted user's) is deleted on the 401.
func (s *Server) requireAuthoritativeSession(w http.ResponseWriter, r *http.Request) (*ba.Result, error) {
	res, err := s.verifyFresh(r)
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, ba.ErrUnavailable):
		return nil, err
	case errors.Is(err, ba.ErrUserBanned):
		return nil, errBanned
	case errors.Is(err, ba.ErrSessionExpired), errors.Is(err, ba.ErrSessionNotFound):
		s.clearCookies(w)
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
		s.setCookieCache(w, r, sess, user, dontRemember)
	}
	if s.cfg.Bearer {
		w.Header().Set("set-auth-token", ba.Sign(sess.Token, s.cfg.Secrets[0].Value))
		w.Header().Add("Access-Control-Expose-Headers", "set-auth-token")
	}
}

func (s *Server) clearCookies(w http.ResponseWriter) {
	s.verifier.ClearSessionCookies(w, s.cookieAttrs())
	s.clearAccountCookie(w)
}

// zodEmail is zod 4's email pattern, which Better Auth's z.email() applies
// to an email as sent (before it is lower-cased).
var zodEmail = regexp.MustCompile(`^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`)

// email reads a required email (z.email()).
func (b *body) email(field string) string {
	raw, ok := b.m[field]
	e := b.str(field)
	if ok && jsType(raw) == "string" && !zodEmail.MatchString(e) {
		b.issue(field, "Invalid email address")
	}
	return e
}

// userInput is Better Auth's parseUserInput (db/schema.mjs parseInputData)
// over the body of a sign-up (create) or a self-service update. It walks
// the user's input fields in Better Auth's order (additional fields as
// declared, then the plugins' fields) and returns the additional fields
// to write:
//
//   - a field clients may not set (input: false) that has a default is,
//     on create, given its default whatever the body says; otherwise a
//     truthy value is refused with 400 FIELD_NOT_ALLOWED and a falsy one
//     (false, 0, "", null) is ignored;
//   - on create, an absent field is left for the store, which writes its
//     default (Table.ApplyDefaults), and a required one without a default
//     is refused with 400 MISSING_FIELD "<field> is required"; sent as
//     null it reaches the database as NULL, which Better Auth's adapter
//     turns into the default, and which a NOT NULL column refuses (422
//     FAILED_TO_CREATE_USER, as Better Auth's failed insert answers);
//   - on update, null for a required field is refused as a value of the
//     wrong type (Better Auth's database refuses it: a 500);
//   - a value of the wrong JSON type is refused with a VALIDATION_ERROR
//     naming the field. Better Auth passes any value to the database,
//     which casts or stores it (PostgreSQL stores 5 as "5", SQLite 5.0):
//     a deliberate difference. Those issues are recorded in b when the
//     caller calls typeIssues, after its own fields' issues and before
//     b.err(), so that Better Auth's own refusals (the error returned
//     here) win when a body earns both.
//
// The plugins' fields that clients may set (the username plugin's) are
// read by their plugin's code, not here; the plugins' defaults are the
// store's.
func (s *Server) userInput(b *body, create bool) (fields ba.Fields, typeIssues func(), err error) {
	var issues []func()
	wrongType := func(f ba.Field, raw json.RawMessage) {
		name, expected := f.Name, string(f.Type)
		issues = append(issues, func() { b.fail(name, expected, raw) })
	}
	set := func(name string, v any) {
		if fields == nil {
			fields = ba.Fields{}
		}
		fields[name] = v
	}
	for _, f := range s.schema.Table(ba.ModelUser).InputFields() {
		raw, present := b.m[f.Name]
		additional := ba.IsCustomField(ba.ModelUser, f.Name)
		switch {
		case present && f.NoInput:
			// With a default, on create: the store writes the default.
			if !(create && f.Default != nil) && jsTruthy(raw) {
				return nil, nil, fieldNotAllowed(f.Name)
			}
		case present && !additional:
		case present && jsType(raw) == "null":
			switch {
			case create && f.Required && f.Default == nil:
				return nil, nil, errFailedToCreateUser
			case !create && f.Required:
				wrongType(f, raw) // Better Auth's database refuses it: a 500
			default:
				set(f.Name, nil) // NULL; a Required field gets its default
			}
		case present:
			v, _ := b.any(f.Name)
			if v, err := ba.NormalizeFieldValue(f.Type, v); err == nil {
				set(f.Name, v)
			} else {
				wrongType(f, raw)
			}
		case create && additional && f.Required && f.Default == nil:
			return nil, nil, missingField(f.Name)
		}
	}
	return fields, func() {
		for _, issue := range issues {
			issue()
		}
	}, nil
}

// signUpUsername is the username plugin's part of a sign-up, which runs
// before the body is validated: a displayUsername that is a valid
// username, sent without a username, becomes the username; a username is
// checked (checkUsername); without a displayUsername, displayUsername is
// the username as sent. Better Auth stores anything for either field; here
// each must be a string or null.
func (s *Server) signUpUsername(ctx context.Context, b *body) (username, displayUsername *string, err error) {
	if !s.schema.HasPlugin(ba.PluginUsername) {
		return nil, nil, nil
	}
	if jsType(b.m["displayUsername"]) == "string" && !b.has("username") {
		var d string
		if json.Unmarshal(b.m["displayUsername"], &d) == nil && s.cfg.Username.Check(d) == nil {
			b.m["username"] = b.m["displayUsername"]
		}
	}
	username, _ = b.nullableStr("username")
	displayUsername, _ = b.nullableStr("displayUsername")
	if err := b.err(); err != nil {
		return nil, nil, err
	}
	if username != nil {
		if err := s.checkUsername(ctx, *username, ""); err != nil {
			return nil, nil, err
		}
		if displayUsername == nil || *displayUsername == "" {
			displayUsername = username
		}
	}
	return username, displayUsername, nil
}

// checkUsername is the username plugin's check of a username about to be
// written for the user userID ("" for a new user): Config.Username's rules
// (400 USERNAME_TOO_SHORT, USERNAME_TOO_LONG, INVALID_USERNAME), then no
// other user may have it once normalised (400 USERNAME_IS_ALREADY_TAKEN).
func (s *Server) checkUsername(ctx context.Context, username, userID string) error {
	if err := s.cfg.Username.Check(username); err != nil {
		return usernameError(err)
	}
	other, err := s.store.GetUserByUsername(ctx, username)
	switch {
	case errors.Is(err, ba.ErrNotFound):
		return nil
	case err != nil:
		return err
	case userID == "" || other.ID != userID:
		return errUsernameTaken
	}
	return nil
}

// signUpEmail is Better Auth's sign-up: the body (JSON or a form), the
// username plugin's checks, the body's fields (name, email, password,
// image, callbackURL, rememberMe, in zod's order), the password's length,
// the fields clients may not set, then the email's owner.
func (s *Server) signUpEmail(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectAndRecordSchema, form: true})
	if err != nil {
		return err
	}
	username, displayUsername, err := s.signUpUsername(r.Context(), b)
	if err != nil {
		return err
	}
	// Better Auth's handler refuses a disabled sign-up after the body was
	// validated and the plugins' before-hooks ran.
	if s.cfg.DisableSignUp {
		return errSignUpDisabled
	}
	name, email, password := b.str("name"), b.email("email"), b.nonEmptyStr("password")
	image, callbackURL, rememberMe := b.optStr("image"), b.optStr("callbackURL"), b.optBool("rememberMe")
	if err := b.err(); err != nil {
		return err
	}
	if err := s.checkPasswordLength(password); err != nil {
		return err
	}
	fields, typeIssues, err := s.userInput(b, true)
	if err != nil {
		return err
	}
	typeIssues()
	if err := b.err(); err != nil {
		return err
	}
	user := ba.NewUser(ba.UserCreate{Name: name, Email: email, Image: image, Fields: fields}, s.now())
	if username != nil {
		normalized := ba.NormalizeUsername(*username)
		user.Username = &normalized
	}
	user.DisplayUsername = displayUsername
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
			// of the same username.
			if _, e := s.store.GetUserByEmail(r.Context(), user.Email); e == nil {
				return errUserExists
			}
			return errUsernameTaken
		}
		return err
	}
	if s.sendOnSignUp() {
		s.sendVerificationEmail(r, user, callbackURL)
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
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema, form: true})
	if err != nil {
		return err
	}
	email, password := b.str("email"), b.str("password")
	callbackURL, rememberMe := b.optStr("callbackURL"), b.optBool("rememberMe")
	if err := b.err(); err != nil {
		return err
	}
	if !zodEmail.MatchString(email) {
		return errInvalidEmail
	}
	if ba.PasswordLength(password) > ba.MaxPasswordLength {
		return errPasswordTooLong
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
		if s.cfg.EmailVerification.Enabled && s.cfg.EmailVerification.SendOnSignIn {
			s.sendVerificationEmail(r, user, callbackURL)
		}
		return errEmailNotVerified
	}
	if user.TwoFactorEnabled != nil && *user.TwoFactorEnabled {
		if s.twoFactors == nil {
			// No twoFactor table: no second step can be finished here.
			s.clearCookies(w)
			writeJSON(w, 200, jsonObject("twoFactorRedirect", true, "twoFactorMethods", []string{}))
			return nil
		}
		done, err := s.twoFactorSignIn(w, r, user, rememberMe != nil && !*rememberMe)
		if err != nil || done {
			return err
		}
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
	b, err := s.readBody(w, r, bodySpec{schema: optionalObjectSchema})
	if err != nil {
		return err
	}
	_, _, _ = b.optStr("callbackURL"), b.optBool("disableRedirect"), b.optStr("state")
	if err := b.err(); err != nil {
		return err
	}
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

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	_, list, err := s.callerSessions(r)
	if err != nil {
		return err
	}
	if s.schema.HasPlugin(ba.PluginAdmin) {
		list = withoutImpersonations(list)
	}
	out := make([]json.RawMessage, len(list))
	for i := range list {
		out[i] = s.schema.SessionJSON(&list[i])
	}
	writeJSON(w, 200, out)
	return nil
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	token := b.str("token")
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	// Only the caller's own sessions; anything else answers the same way,
	// so tokens of others cannot be probed.
	sess, _, err := s.sessions.GetSessionAndUser(r.Context(), token)
	switch {
	case err == nil && sess != nil && sess.UserID == res.User.ID:
		if err := s.endSession(w, r, res, token); err != nil {
			return err
		}
	case err != nil && !errors.Is(err, ba.ErrNotFound):
		return err
	}
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

func (s *Server) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.readBody(w, r, bodySpec{schema: noSchema}); err != nil {
		return err
	}
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
	if _, err := s.readBody(w, r, bodySpec{schema: noSchema}); err != nil {
		return err
	}
	res, list, err := s.callerSessions(r)
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
	b, err := s.readBody(w, r, bodySpec{schema: recordSchema})
	if err != nil {
		return err
	}
	// The username plugin checks the username before the session is
	// required, and without a session any holder of it makes it taken.
	if err := s.checkUsernameUpdate(r, b, nil); err != nil {
		return err
	}
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	user, err := s.applyUserUpdate(r, res.User.ID, b)
	if err != nil {
		return err
	}
	s.setSessionCookies(w, r, res.Session, user, s.dontRemember(r))
	writeJSON(w, 200, map[string]bool{"status": true})
	return nil
}

// checkUsernameUpdate is the username plugin's check of the username in a
// self-service update, for the user of res (nil: the request's session,
// if any).
func (s *Server) checkUsernameUpdate(r *http.Request, b *body, res *ba.Result) error {
	if !s.schema.HasPlugin(ba.PluginUsername) || jsType(b.m["username"]) != "string" {
		return nil
	}
	var username string
	if err := json.Unmarshal(b.m["username"], &username); err != nil {
		return err
	}
	if err := s.cfg.Username.Check(username); err != nil {
		return usernameError(err)
	}
	if res == nil {
		var err error
		if res, err = s.session(r); err != nil {
			return err
		}
	}
	userID := ""
	if res != nil {
		userID = res.User.ID
	}
	return s.checkUsername(r.Context(), username, userID)
}

// applyUserUpdate applies the self-service update in b (update-user and
// PATCH /api/me), whose username checkUsernameUpdate has checked, and
// tells the session backend.
func (s *Server) applyUserUpdate(r *http.Request, userID string, b *body) (*ba.User, error) {
	if jsTruthy(b.m["email"]) {
		return nil, errEmailCannotBeUpdated
	}
	up, err := s.userUpdateFromBody(b)
	if err != nil {
		return nil, err
	}
	user, err := s.store.UpdateUser(r.Context(), userID, up)
	if errors.Is(err, ba.ErrDuplicate) {
		return nil, errUsernameTaken // taken since the check
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
// name, image, username and displayUsername (username plugin) and custom
// fields. Better Auth stores any JSON value for them; here name is a
// string, and image, username and displayUsername a string or null.
func (s *Server) userUpdateFromBody(b *body) (ba.UserUpdate, error) {
	var up ba.UserUpdate
	fields, typeIssues, err := s.userInput(b, false)
	if err != nil {
		return up, err
	}
	up.Name = b.optStr("name")
	if v, set := b.nullableStr("image"); set {
		up.Image = ba.Nullable[string]{Set: true, Value: v}
	}
	if s.schema.HasPlugin(ba.PluginUsername) {
		if v, set := b.nullableStr("username"); set {
			up.Username = ba.Nullable[string]{Set: true, Value: v}
		}
		if v, set := b.nullableStr("displayUsername"); set {
			up.DisplayUsername = ba.Nullable[string]{Set: true, Value: v}
		}
	}
	up.Fields = fields // a field sent as null is cleared
	typeIssues()
	if err := b.err(); err != nil {
		return up, err
	}
	if up.Name == nil && !up.Image.Set && !up.Username.Set && !up.DisplayUsername.Set && len(up.Fields) == 0 {
		return up, errNoFieldsToUpdate
	}
	return up, nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	newPassword, current := b.str("newPassword"), b.str("currentPassword")
	revokeOthers := b.optBool("revokeOtherSessions")
	if err := b.err(); err != nil {
		return err
	}
	res, err := s.requireSession(r)
	if err != nil {
		return err
	}
	if err := s.checkPasswordLength(newPassword); err != nil {
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
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	email, redirectTo := b.email("email"), b.optStr("redirectTo")
	if err := b.err(); err != nil {
		return err
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
		if err := s.cfg.Mailer.Send(r.Context(), Email{Kind: EmailResetPassword, To: user.Email, Name: user.Name, URL: link, Token: token}); err != nil {
			s.log.ErrorContext(r.Context(), "password reset email failed", "error", err.Error())
		}
	}
	writeJSON(w, 200, jsonObject("status", true, "message", resetMessage))
	return nil
}

// queryValues are the values of the query parameter name as Better Auth
// reads them: URLSearchParams's parsing, where a malformed escape stays as
// it is rather than dropping the parameter.
func queryValues(r *http.Request, name string) []string {
	var out []string
	for _, kv := range parseURLEncoded(r.URL.RawQuery) {
		if kv[0] == name {
			out = append(out, kv[1])
		}
	}
	return out
}

// queryStringError is zod's verdict on a query parameter declared
// z.string() (optional or not), given its values.
func queryStringError(name string, values []string, optional bool) error {
	switch {
	case len(values) == 0 && !optional:
		return validationError("[query."+name+"] Invalid input: expected string, received undefined", nil)
	case len(values) > 1:
		return validationError("[query."+name+"] Invalid input: expected string, received array", nil)
	}
	return nil
}

// resetPasswordCallback is the link in the email: it checks the token and
// redirects to the app's page with it (or with error=INVALID_TOKEN), as
// Better Auth's requestPasswordResetCallback does: new URL(callbackURL,
// baseURL + "/api/auth"), then searchParams.set("token" or "error"), so
// the app's own query keeps its order, re-encoded as URLSearchParams
// encodes, and a token parameter already there is replaced in place. An
// empty callbackURL redirects to <baseURL>/api/auth/error.
func (s *Server) resetPasswordCallback(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	callbacks := queryValues(r, "callbackURL")
	if err := queryStringError("callbackURL", callbacks, false); err != nil {
		return err
	}
	callback := callbacks[0]
	if callback != "" && !s.safeRedirect(callback) {
		return errInvalidCallbackURL
	}
	authBase := s.cfg.BaseURL + "/api/auth"
	if callback == "" {
		callback = authBase + "/error"
	}
	u, ok := resolveURL(callback, authBase)
	if !ok {
		return errInvalidCallbackURL
	}
	v, err := s.verifications.GetVerificationByIdentifier(r.Context(), "reset-password:"+token)
	if err != nil && !errors.Is(err, ba.ErrNotFound) {
		return err
	}
	if err != nil || v.IsExpired(s.now()) || callbacks[0] == "" {
		u.set("error", "INVALID_TOKEN")
	} else {
		u.set("token", token)
	}
	w.Header().Set("Location", u.href())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusFound)
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(w, r, bodySpec{schema: objectSchema})
	if err != nil {
		return err
	}
	newPassword, token := b.str("newPassword"), b.optStr("token")
	if err := b.err(); err != nil {
		return err
	}
	queryTokens := queryValues(r, "token")
	if err := queryStringError("token", queryTokens, true); err != nil {
		return err
	}
	if (token == nil || *token == "") && len(queryTokens) == 1 {
		token = &queryTokens[0] // body.token || query.token
	}
	if token == nil || *token == "" {
		return errInvalidToken
	}
	if err := s.checkPasswordLength(newPassword); err != nil {
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
		switch v := kv[i+1].(type) {
		case json.RawMessage:
			// Ours, already compact: json.Marshal would re-scan it.
			b = append(b, v...)
			continue
		case string:
			// Messages may quote the request (a Content-Type): written
			// as JSON.stringify writes them.
			b = jsjson.AppendString(b, v)
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
