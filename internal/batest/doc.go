// Package batest runs the real TypeScript Better Auth (better-auth@1.7.25,
// pinned in harness/package-lock.json) so that Go tests can check this
// library against it byte for byte: same cookies, same JSON, same rows.
//
// The Node side is harness/harness.mjs. It talks JSON lines over
// stdin/stdout: one request per line, one response per request, strictly in
// order. Everything Better Auth or any library logs goes to stderr, which
// Start captures and logs when the test fails.
//
// # Go API
//
//	dir := batest.Ensure(t)   // npm ci if needed; skip (fail in CI) without node/npm
//	h := batest.Start(t, batest.Config{Dialect: "sqlite", URL: testdb.SQLite(t), Secret: secret})
//	h.MustCall(t, "migrate", nil, nil)
//	r := h.Request(t, "POST", "/api/auth/sign-up/email", nil, map[string]any{...})
//	r2 := h.Request(t, "GET", "/api/auth/get-session", map[string]string{"cookie": batest.CookieHeader(r.SetCookie)}, nil)
//
// StartAuthServer runs Better Auth as an HTTP server instead
// (harness/authserver.mjs on a SQLite file, for tests that drive it over the
// network) and returns its base URL; StartProcess is the start-and-wait-for-
// a-ready-line it and other tests' servers use.
//
//	baseURL := batest.StartAuthServer(t, batest.AuthServerConfig{DB: testdb.SQLite(t), Secret: secret})
//
// Ensure installs node_modules with `npm ci` when it is missing or its
// stamp (sha256 of package-lock.json plus `node --version`) differs, under
// an exclusive flock in os.TempDir() so parallel test binaries do not race.
// A cold `npm ci` takes about two minutes, most of it compiling
// better-sqlite3 from source (harness/.npmrc sets nodedir=/usr so node-gyp
// uses the installed Node headers instead of downloading them).
//
// # Protocol
//
// Request:  {"id":N,"op":"<op>","args":{...}}
// Response: {"id":N,"ok":true,"result":<json>} or {"id":N,"ok":false,"error":"<message>"}
// A line that is not JSON is answered with id null. Dates in results are
// ISO strings (Date.prototype.toJSON).
//
// Ops (args → result):
//
//	init {dialect, url, secret, baseURL?, plugins?, pluginOptions?, additionalFields?,
//	      cookieCache?, session?, emailAndPassword?, emailVerification?, advanced?,
//	      rateLimit?, trustedOrigins?, capture?, logLevel?, secondaryStorage?, options?}
//	    → {baseURL}
//	  Creates betterAuth({...}) and waits for auth.$context. dialect is
//	  "postgres" (url for pg.Pool), "mysql" (mysql://user[:pass]@host[:port]/db,
//	  turned into a mysql2/promise pool with timezone "Z") or "sqlite" (a file
//	  path for better-sqlite3). Options built:
//	    emailAndPassword: {...emailAndPassword, enabled: true, sendResetPassword: <capture>}
//	    rateLimit: {enabled: rateLimit === true}
//	    trustedOrigins: trustedOrigins ?? [baseURL]
//	    telemetry: {enabled: false}; logger → stderr at level logLevel ?? "warn"
//	    user: {additionalFields} when given
//	    session: {...session, cookieCache: {enabled: true, ...cookieCache}} (cookieCache when not null)
//	    emailVerification, advanced: passed through
//	    plugins: in the given order, from better-auth/plugins: admin, organization,
//	      jwt, username, bearer, twoFactor; pluginOptions[name] is passed to the
//	      plugin function.
//	    capture: subset of ["verificationEmail", "twoFactorOTP",
//	      "changeEmailConfirmation"]; installs emailVerification.sendVerificationEmail /
//	      twoFactor otpOptions.sendOTP / user.changeEmail.sendChangeEmailConfirmation
//	      (with changeEmail.enabled defaulting to true) capturing callbacks. They are opt-in because their mere presence
//	      changes Better Auth's behaviour. Reset-password emails are always captured.
//	    secondaryStorage: {redisURL, keyPrefix?, log?} or null/absent (none).
//	      secondaryStorage = redisStorage({client, keyPrefix}) from
//	      @better-auth/redis-storage over an ioredis client for redisURL
//	      (redis://127.0.0.1:6379); init pings Redis and fails if it cannot.
//	      keyPrefix is passed only when it is a string, so omitting it keeps
//	      the package default "better-auth:". With secondary storage, Better
//	      Auth keeps sessions only in Redis and drops the session table from
//	      its schema, unless session.storeSessionInDatabase is true (session
//	      options, including preserveSessionInDatabase, pass through as
//	      above). log: true records every storage call for storageLog.
//	    options: any JSON object, deep-merged into the options last (escape hatch).
//	  A second init replaces the instance (and closes the previous pool and
//	  Redis client).
//	    pluginOptions.admin/organization may carry rolesStatements {role: statements}
//	      and acStatements, turned into createAccessControl(acStatements) roles
//	      (roles) and ac, since JSON cannot carry role objects.
//	authorize {statements, request, connector?} → role(statements).authorize(request, connector)
//	  from better-auth/plugins/access ({thrown: message} if it throws).
//	compileMigrations {throwOnUnsafe?} → {sql}
//	  getMigrations(auth.options).compileMigrations(): statements joined by ";\n\n"
//	  plus a final ";" (just ";" when nothing is to be done).
//	migrate {throwOnUnsafe?} → {sql}   the compiled SQL, then runMigrations()
//	request {method, path, headers?, body?, rawBody?}
//	    → {status, headers: {lower-case name: value} (no set-cookie),
//	       setCookie: [string] (headers.getSetCookie()), body: <JSON or null>, text}
//	  new Request(baseURL+path) passed to auth.handler. body (non-null) is
//	  JSON-encoded with content-type application/json unless headers has a
//	  content-type; rawBody (a string) is sent verbatim instead. origin:
//	  baseURL is added unless headers has an origin. body is null when the
//	  response text is empty or not JSON.
//	hashPassword {password} → {hash}              better-auth/crypto hashPassword
//	verifyPassword {hash, password} → {ok}        better-auth/crypto verifyPassword
//	symmetricEncrypt {secret | secrets: [{version, value}], legacySecret?, data} → {data}
//	symmetricDecrypt {same key, data} → {data}
//	  better-auth/crypto symmetricEncrypt/Decrypt with key = secret, or
//	  {keys: Map(version → value), currentVersion: secrets[0].version, legacySecret}
//	internal {method, args: [...]} → <result or null>
//	  (await auth.$context).internalAdapter[method](...args)
//	adapter {method, args: {...}} → <result or null>
//	  (await auth.$context).adapter[method](args)
//	  For internal and adapter, every string inside args matching
//	  ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$ becomes a Date first.
//	signCookie {value, secret?} → {cookie}
//	  better-call serializeSignedCookie's value part:
//	  encodeURIComponent(value + "." + base64(HMAC-SHA256(secret, value))),
//	  secret defaulting to init's.
//	lastResetEmail → {user, url, token} or null
//	lastCaptured {kind} → last capture of kind ("resetPassword",
//	  "verificationEmail" {user,url,token}, "twoFactorOTP" {user,otp},
//	  "changeEmailConfirmation" {user,newEmail,url,token}) or null
//	storageLog {clear?} → [{op, key, value?, ttl?}]
//	  The secondary-storage calls (get, set, delete, getAndDelete, increment)
//	  recorded since init or the previous storageLog, oldest first, when
//	  init's secondaryStorage.log is true; keys without the prefix, ttl as
//	  Better Auth passed it (null when absent). Cleared unless clear is false.
//	close → null; closes the pool and the Redis client, then the process
//	  exits 0 (it also exits on stdin EOF).
package batest
