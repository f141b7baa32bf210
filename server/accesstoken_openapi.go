package server

// The OAuth token routes' OpenAPI operations and schemas.
func init() {
	operations["POST /api/auth/get-access-token"] = operation{summary: "The account's provider access token, refreshed first when under five seconds of it remain", tag: "auth",
		session: true, request: "AccountSelection", response: "AccessToken", errorCode: []int{400, 401}}
	operations["POST /api/auth/refresh-token"] = operation{summary: "Refresh the account's provider tokens now", tag: "auth",
		session: true, request: "AccountSelection", response: "RefreshedTokens", errorCode: []int{400, 401}}
	nullDate := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	schemas["AccountSelection"] = map[string]any{"oneOf": []any{
		map[string]any{"type": "object", "required": []string{"accountId"}, "additionalProperties": false,
			"properties": map[string]any{"accountId": map[string]any{"type": "string", "description": "The account row's id"}, "userId": str}},
		map[string]any{"type": "object", "required": []string{"useAccountCookie"}, "additionalProperties": false,
			"properties": map[string]any{"useAccountCookie": map[string]any{"type": "boolean", "enum": []bool{true}, "description": "The account in the account_data cookie"}, "userId": str}},
	}}
	schemas["AccessToken"] = obj([]string{"accessToken", "scopes"}, map[string]any{"accessToken": str, "accessTokenExpiresAt": dateTime,
		"scopes": map[string]any{"type": "array", "items": str}, "idToken": str})
	schemas["RefreshedTokens"] = obj([]string{"accessToken", "refreshToken", "refreshTokenExpiresAt", "scope", "idToken", "providerId", "accountId"},
		map[string]any{"accessToken": str, "refreshToken": str, "accessTokenExpiresAt": dateTime, "refreshTokenExpiresAt": nullDate,
			"scope": nullStr, "idToken": nullStr, "providerId": str, "accountId": str})
}
