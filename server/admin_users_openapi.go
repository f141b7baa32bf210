package server

// The admin plugin's user routes' OpenAPI operations and schemas.
func init() {
	au := func(summary, request, response string, codes ...int) operation {
		return operation{summary: summary, tag: "admin", admin: true, request: request, response: response, errorCode: codes}
	}
	for p, op := range map[string]operation{
		"GET /api/auth/admin/list-users":         au("List users (query: searchValue, searchField, searchOperator, limit, offset, sortBy, sortDirection, filterField, filterValue, filterOperator)", "", "AdminUserList", 400, 403),
		"GET /api/auth/admin/get-user":           au("A user by id (query: id)", "", "User", 400, 403, 404),
		"POST /api/auth/admin/create-user":       au("Create a user, with a credential account when a password is given", "AdminCreateUser", "UserWrapper", 400, 403),
		"POST /api/auth/admin/update-user":       au("Update a user's fields (not the password or id)", "AdminUpdateUser", "User", 400, 403, 404),
		"POST /api/auth/admin/set-role":          au("Set a user's role or roles", "AdminSetRole", "UserWrapper", 400, 403, 404),
		"POST /api/auth/admin/set-user-password": au("Set a user's password", "AdminSetUserPassword", "Status", 400, 403, 404),
		"POST /api/auth/admin/ban-user":          au("Ban a user and delete their sessions", "AdminBanUser", "UserWrapper", 400, 403, 404),
		"POST /api/auth/admin/unban-user":        au("Lift a user's ban", "AdminUserID", "UserWrapper", 400, 403, 404),
	} {
		operations[p] = op
	}
	roles := map[string]any{"oneOf": []any{str, map[string]any{"type": "array", "items": str}}}
	record := map[string]any{"type": "object", "additionalProperties": true}
	for name, s := range map[string]any{
		"AdminUserList":        obj([]string{"users", "total"}, map[string]any{"users": arrayOf("User"), "total": integer, "limit": map[string]any{"type": "number"}, "offset": map[string]any{"type": "number"}}),
		"AdminCreateUser":      obj([]string{"email", "name"}, map[string]any{"email": str, "name": str, "password": str, "role": roles, "data": record}),
		"AdminUpdateUser":      obj([]string{"userId", "data"}, map[string]any{"userId": str, "data": record}),
		"AdminSetRole":         obj([]string{"userId", "role"}, map[string]any{"userId": str, "role": roles}),
		"AdminSetUserPassword": obj([]string{"userId", "newPassword"}, map[string]any{"userId": str, "newPassword": str}),
		"AdminBanUser":         obj([]string{"userId"}, map[string]any{"userId": str, "banReason": str, "banExpiresIn": map[string]any{"type": "number", "description": "seconds"}}),
		"AdminUserID":          obj([]string{"userId"}, map[string]any{"userId": str}),
	} {
		schemas[name] = s
	}
}
