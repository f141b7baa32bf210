package server

// The admin plugin's session routes' OpenAPI operations and schemas.
func init() {
	op := func(summary, request, response string, codes ...int) operation {
		return operation{summary: summary, tag: "admin", session: true, admin: true, request: request, response: response, errorCode: codes}
	}
	for p, o := range map[string]operation{
		"POST /api/auth/admin/list-user-sessions":   op("A user's sessions, expired ones too when sessions live in the database (session:list)", "AdminUserID", "AdminSessionList", 400, 401, 403),
		"POST /api/auth/admin/revoke-user-session":  op("Revoke one session by its token (session:revoke)", "AdminSessionToken", "Success", 400, 401, 403),
		"POST /api/auth/admin/revoke-user-sessions": op("Revoke all of a user's sessions (session:revoke)", "AdminUserID", "Success", 400, 401, 403),
		"POST /api/auth/admin/remove-user":          op("Delete a user with their sessions and accounts (user:delete)", "AdminUserID", "Success", 400, 401, 403, 404),
		"POST /api/auth/admin/impersonate-user":     op("Sign in as a user: a short session with impersonatedBy, the admin's kept in admin_session (user:impersonate)", "AdminUserID", "AdminSessionAndUser", 400, 401, 403, 404),
		"POST /api/auth/admin/stop-impersonating": {summary: "End the impersonation and restore the admin's session from admin_session", tag: "admin", session: true,
			response: "AdminSessionAndUser", errorCode: []int{400, 401, 500}},
	} {
		operations[p] = o
	}
	for name, s := range map[string]any{
		"AdminUserID":         obj([]string{"userId"}, map[string]any{"userId": str}),
		"AdminSessionToken":   obj([]string{"sessionToken"}, map[string]any{"sessionToken": str}),
		"AdminSessionList":    obj([]string{"sessions"}, map[string]any{"sessions": arrayOf("Session")}),
		"AdminSessionAndUser": obj([]string{"session", "user"}, map[string]any{"session": ref("Session"), "user": ref("User")}),
	} {
		schemas[name] = s
	}
}
