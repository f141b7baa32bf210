package server

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// operation documents one route for the OpenAPI document. Every registered
// route must have one (a test checks both ways).
type operation struct {
	summary   string
	tag       string
	session   bool   // needs a session (cookie or bearer)
	admin     bool   // needs the admin role
	request   string // request body schema, "" for none
	response  string // 200 response schema, "" for a bare object
	status    int    // success status, 200 by default
	errorCode []int  // documented error statuses
}

var operations = map[string]operation{
	"POST /api/auth/sign-up/email":               {summary: "Sign up with email and password", tag: "auth", request: "SignUpEmail", response: "TokenUser", errorCode: []int{400, 422, 429}},
	"POST /api/auth/sign-in/email":               {summary: "Sign in with email and password", tag: "auth", request: "SignInEmail", response: "SignInResult", errorCode: []int{400, 401, 403, 429}},
	"POST /api/auth/sign-out":                    {summary: "Sign out", tag: "auth", response: "Success"},
	"GET /api/auth/get-session":                  {summary: "The current session and user, or null", tag: "auth", response: "SessionAndUser"},
	"GET /api/auth/list-sessions":                {summary: "The user's active sessions", tag: "auth", session: true, response: "SessionList"},
	"POST /api/auth/revoke-session":              {summary: "Revoke one of the user's sessions", tag: "auth", session: true, request: "Token", response: "Status", errorCode: []int{400, 401}},
	"POST /api/auth/revoke-sessions":             {summary: "Revoke all of the user's sessions", tag: "auth", session: true, response: "Status"},
	"POST /api/auth/revoke-other-sessions":       {summary: "Revoke all sessions but the current one", tag: "auth", session: true, response: "Status"},
	"POST /api/auth/update-user":                 {summary: "Update the user's name, image and custom fields", tag: "auth", session: true, request: "UserUpdate", response: "Status", errorCode: []int{400, 401}},
	"POST /api/auth/change-password":             {summary: "Change the password", tag: "auth", session: true, request: "ChangePassword", response: "TokenUser", errorCode: []int{400, 401, 429}},
	"POST /api/auth/request-password-reset":      {summary: "Email a password-reset link (same answer whether or not the email exists)", tag: "auth", request: "RequestPasswordReset", response: "StatusMessage", errorCode: []int{400, 429}},
	"POST /api/auth/reset-password":              {summary: "Set a new password with a reset token", tag: "auth", request: "ResetPassword", response: "Status", errorCode: []int{400}},
	"GET /api/auth/reset-password/{token}":       {summary: "Reset link target: redirects to callbackURL with the token", tag: "auth", status: 302, errorCode: []int{400}},
	"GET /api/auth/ok":                           {summary: "Liveness of the auth API", tag: "auth", response: "OK"},
	"GET /api/me":                                {summary: "The signed-in user", tag: "me", session: true, response: "User"},
	"PATCH /api/me":                              {summary: "Update the signed-in user (not their role)", tag: "me", session: true, request: "UserUpdate", response: "User", errorCode: []int{400, 401, 422}},
	"GET /api/me/sessions":                       {summary: "The user's active sessions, the current one marked", tag: "me", session: true, response: "SessionResponseList"},
	"DELETE /api/me/sessions/{id}":               {summary: "Revoke one of the user's sessions", tag: "me", session: true, status: 204, errorCode: []int{401, 404}},
	"GET /api/me/accounts":                       {summary: "Linked accounts (never tokens or passwords)", tag: "me", session: true, response: "AccountList"},
	"GET /api/users/{id}":                        {summary: "A user's public profile", tag: "users", session: true, response: "UserPublic", errorCode: []int{401, 404}},
	"GET /api/admin/users":                       {summary: "List users, paged, searched by email or name", tag: "admin", admin: true, response: "UserPage", errorCode: []int{400, 401, 403}},
	"POST /api/admin/users/{id}/ban":             {summary: "Ban a user and revoke their sessions", tag: "admin", admin: true, request: "Ban", response: "UserWrapper", errorCode: []int{400, 401, 403, 404}},
	"POST /api/admin/users/{id}/unban":           {summary: "Lift a ban", tag: "admin", admin: true, response: "UserWrapper", errorCode: []int{401, 403, 404}},
	"POST /api/admin/users/{id}/role":            {summary: "Set a user's role", tag: "admin", admin: true, request: "Role", response: "UserWrapper", errorCode: []int{400, 401, 403, 404}},
	"DELETE /api/admin/users/{id}/sessions":      {summary: "Revoke all of a user's sessions", tag: "admin", admin: true, response: "Count", errorCode: []int{401, 403, 404}},
	"GET /api/openapi.json":                      {summary: "This document", tag: "meta"},
	"GET /api/auth/token":                        {summary: "A JWT for the signed-in user (jwt plugin)", tag: "auth", session: true, response: "JWTToken"},
	jwksOperation:                                {summary: "The JSON Web Key Set (jwt plugin)", tag: "auth", response: "JWKS"},
	"GET /healthz":                               {summary: "The process is up", tag: "meta"},
	"GET /readyz":                                {summary: "The database (and Redis) answer", tag: "meta", errorCode: []int{503}},
	"POST /api/auth/send-verification-email":     {summary: "Email a verification link (without a session: the same answer whether or not the email exists)", tag: "auth", request: "SendVerificationEmail", response: "Status", errorCode: []int{400, 403, 429}},
	"GET /api/auth/verify-email":                 {summary: "Verification link target: verifies the email or carries out an email change, then redirects to callbackURL or answers {status, user:null}", tag: "auth", response: "StatusUser", errorCode: []int{400, 401, 403}},
	"POST /api/auth/change-email":                {summary: "Change the email: mail a confirmation to the current address or a verification to the new one, or update an unverified user's at once (same answer when the new address is taken)", tag: "auth", session: true, request: "ChangeEmail", response: "Status", errorCode: []int{400, 401, 403, 429}},
	"POST /api/auth/admin/has-permission":        {summary: "Whether the signed-in user's admin role allows the permissions", tag: "auth", session: true, request: "HasPermission", response: "HasPermissionResult", errorCode: []int{400, 401}},
	"POST /api/auth/organization/has-permission": {summary: "Whether the user's membership of the organization allows the permissions", tag: "auth", session: true, request: "HasPermission", response: "HasPermissionResult", errorCode: []int{400, 401}},
	"POST /api/auth/sign-in/username":            {summary: "Sign in with username and password (username plugin)", tag: "auth", request: "SignInUsername", response: "SignInResult", errorCode: []int{400, 401, 403, 422, 429}},
	"POST /api/auth/is-username-available":       {summary: "Whether a username is free (username plugin)", tag: "auth", request: "Username", response: "Available", errorCode: []int{400, 422}},
	"POST /api/auth/get-session":                 {summary: "With session.deferSessionRefresh: the current session, refreshed by the updateAge rule, or null (405 without it)", tag: "auth", response: "SessionAndUser", errorCode: []int{405}},
	"POST /api/auth/unlink-account":              {summary: "Unlink one of the user's accounts, never the last (fresh session)", tag: "auth", session: true, request: "AccountID", response: "Status", errorCode: []int{400, 401, 403}},
	"POST /api/auth/delete-user":                 {summary: "Delete the signed-in user (user.deleteUser): with the password, an emailed token, or a fresh session; or email a confirmation link", tag: "auth", session: true, request: "DeleteUser", response: "SuccessMessage", errorCode: []int{400, 401, 404}},
	"GET /api/auth/delete-user/callback":         {summary: "Confirmation link target: deletes the signed-in user whose token it is, then redirects to callbackURL or answers {success, message}", tag: "auth", session: true, response: "SuccessMessage", errorCode: []int{400, 403, 404}},
	"GET /api/auth/list-accounts":                {summary: "The user's linked accounts (never tokens or passwords)", tag: "auth", session: true, response: "AccountList"},
}

const jwksOperation = "GET /api/auth/jwks"

var pathParam = regexp.MustCompile(`\{([a-zA-Z]+)\}`)

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func obj(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str      = map[string]any{"type": "string"}
	nullStr  = map[string]any{"type": []string{"string", "null"}}
	boolean  = map[string]any{"type": "boolean"}
	integer  = map[string]any{"type": "integer"}
	dateTime = map[string]any{"type": "string", "format": "date-time"}
)

func arrayOf(name string) map[string]any { return map[string]any{"type": "array", "items": ref(name)} }

var schemas = map[string]any{
	"HasPermission": obj(nil, map[string]any{
		"permissions":    map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": str}},
		"organizationId": str,
	}),
	"HasPermissionResult": obj([]string{"success"}, map[string]any{"success": boolean, "error": map[string]any{"type": "null"}}),
	"Error":               obj([]string{"message", "code"}, map[string]any{"message": str, "code": str, "fields": map[string]any{"type": "object", "additionalProperties": str}}),
	"User": obj([]string{"id", "name", "email", "emailVerified", "createdAt", "updatedAt"}, map[string]any{
		"id": str, "name": str, "email": str, "emailVerified": boolean, "image": nullStr, "createdAt": dateTime, "updatedAt": dateTime,
		"role": nullStr, "banned": map[string]any{"type": []string{"boolean", "null"}}, "banReason": nullStr, "banExpires": nullStr,
		"username": nullStr, "displayUsername": nullStr, "twoFactorEnabled": map[string]any{"type": []string{"boolean", "null"}},
	}),
	"UserPublic":  obj([]string{"id", "name", "createdAt"}, map[string]any{"id": str, "name": str, "image": nullStr, "username": nullStr, "displayUsername": nullStr, "createdAt": dateTime}),
	"UserWrapper": obj([]string{"user"}, map[string]any{"user": ref("User")}),
	"UserPage":    obj([]string{"users", "total", "limit", "offset"}, map[string]any{"users": arrayOf("User"), "total": integer, "limit": integer, "offset": integer}),
	"Session": obj([]string{"id", "token", "userId", "expiresAt", "createdAt", "updatedAt"}, map[string]any{
		"id": str, "token": str, "userId": str, "expiresAt": dateTime, "createdAt": dateTime, "updatedAt": dateTime, "ipAddress": nullStr, "userAgent": nullStr,
	}),
	"SessionList":           arrayOf("Session"),
	"SessionAndUser":        map[string]any{"oneOf": []any{obj([]string{"session", "user"}, map[string]any{"session": ref("Session"), "user": ref("User")}), map[string]any{"type": "null"}}},
	"SessionResponse":       obj([]string{"id", "expiresAt", "createdAt", "updatedAt", "current"}, map[string]any{"id": str, "expiresAt": dateTime, "createdAt": dateTime, "updatedAt": dateTime, "ipAddress": nullStr, "userAgent": nullStr, "current": boolean}),
	"SessionResponseList":   arrayOf("SessionResponse"),
	"AccountResponse":       obj([]string{"id", "providerId", "accountId", "userId", "scopes", "createdAt", "updatedAt"}, map[string]any{"id": str, "providerId": str, "accountId": str, "userId": str, "scopes": map[string]any{"type": "array", "items": str}, "createdAt": dateTime, "updatedAt": dateTime}),
	"AccountList":           arrayOf("AccountResponse"),
	"SignUpEmail":           map[string]any{"type": "object", "required": []string{"name", "email", "password"}, "properties": map[string]any{"name": str, "email": str, "password": map[string]any{"type": "string", "minLength": 8, "maxLength": 128}, "image": str, "username": str, "displayUsername": str, "rememberMe": boolean, "callbackURL": str}, "additionalProperties": true},
	"SignInEmail":           obj([]string{"email", "password"}, map[string]any{"email": str, "password": str, "rememberMe": boolean, "callbackURL": str}),
	"TokenUser":             obj([]string{"token", "user"}, map[string]any{"token": nullStr, "user": ref("User")}),
	"SignInResult":          map[string]any{"oneOf": []any{obj([]string{"redirect", "token", "user"}, map[string]any{"redirect": boolean, "token": str, "user": ref("User")}), obj([]string{"twoFactorRedirect"}, map[string]any{"twoFactorRedirect": boolean, "twoFactorMethods": map[string]any{"type": "array", "items": str}})}},
	"Token":                 obj([]string{"token"}, map[string]any{"token": str}),
	"UserUpdate":            map[string]any{"type": "object", "properties": map[string]any{"name": str, "image": nullStr, "username": nullStr, "displayUsername": nullStr}, "additionalProperties": true},
	"ChangePassword":        obj([]string{"newPassword", "currentPassword"}, map[string]any{"newPassword": map[string]any{"type": "string", "minLength": 8, "maxLength": 128}, "currentPassword": str, "revokeOtherSessions": boolean}),
	"RequestPasswordReset":  obj([]string{"email"}, map[string]any{"email": str, "redirectTo": str}),
	"ResetPassword":         obj([]string{"newPassword", "token"}, map[string]any{"newPassword": map[string]any{"type": "string", "minLength": 8, "maxLength": 128}, "token": str}),
	"Ban":                   obj(nil, map[string]any{"banReason": str, "banExpiresIn": map[string]any{"type": "number", "description": "seconds"}}),
	"Role":                  obj([]string{"role"}, map[string]any{"role": str}),
	"Success":               obj([]string{"success"}, map[string]any{"success": boolean}),
	"Status":                obj([]string{"status"}, map[string]any{"status": boolean}),
	"StatusMessage":         obj([]string{"status", "message"}, map[string]any{"status": boolean, "message": str}),
	"OK":                    obj([]string{"ok"}, map[string]any{"ok": boolean}),
	"Count":                 obj([]string{"count"}, map[string]any{"count": integer}),
	"JWTToken":              obj([]string{"token"}, map[string]any{"token": str}),
	"JWKS":                  obj([]string{"keys"}, map[string]any{"keys": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}),
	"SendVerificationEmail": obj([]string{"email"}, map[string]any{"email": str, "callbackURL": str}),
	"ChangeEmail":           obj([]string{"newEmail"}, map[string]any{"newEmail": str, "callbackURL": str}),
	"StatusUser":            obj([]string{"status", "user"}, map[string]any{"status": boolean, "user": map[string]any{"nullable": true}}),
	"SignInUsername":        obj([]string{"username", "password"}, map[string]any{"username": str, "password": str, "rememberMe": boolean, "callbackURL": str}),
	"Username":              obj([]string{"username"}, map[string]any{"username": str}),
	"Available":             obj([]string{"available"}, map[string]any{"available": boolean}),
	"AccountID":             obj([]string{"accountId"}, map[string]any{"accountId": str}),
	"DeleteUser":            obj(nil, map[string]any{"password": str, "token": str, "callbackURL": str}),
	"SuccessMessage":        obj([]string{"success", "message"}, map[string]any{"success": boolean, "message": str}),
}

// OpenAPI returns the OpenAPI 3.1 document of the routes this server has.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	patterns := append([]string(nil), s.patterns...)
	sort.Strings(patterns)
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		op, ok := operations[p]
		if !ok && s.cfg.JWTSigner != nil && p == "GET /api/auth"+s.jwksPath() {
			op, ok = operations[jwksOperation], true
		}
		if !ok {
			continue // caught by TestOpenAPIMatchesRoutes
		}
		o := map[string]any{"summary": op.summary, "tags": []string{op.tag}, "operationId": strings.ToLower(method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(path)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": str})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.request != "" {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.request)}}}
		}
		if op.session || op.admin {
			o["security"] = []any{map[string]any{"sessionCookie": []string{}}, map[string]any{"bearer": []string{}}}
		}
		status := op.status
		if status == 0 {
			status = 200
		}
		resp := map[string]any{"description": "OK"}
		if op.response != "" {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.response)}}
		}
		responses := map[string]any{itoa(status): resp}
		codes := op.errorCode
		if op.session || op.admin {
			codes = append(codes, 401, 503)
		}
		for _, c := range codes {
			responses[itoa(c)] = map[string]any{"description": http.StatusText(c), "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		}
		o["responses"] = responses
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "betterauth serve", "version": "1.0.0", "description": "Better Auth 1.7-compatible auth routes and the application API."},
		"servers": []any{map[string]any{"url": s.cfg.BaseURL}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"sessionCookie": map[string]any{"type": "apiKey", "in": "cookie", "name": s.verifier.SessionCookieName()},
				"bearer":        map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, 200, s.OpenAPI())
	return nil
}

// Patterns returns the registered routes ("METHOD /path").
func (s *Server) Patterns() []string { return append([]string(nil), s.patterns...) }
