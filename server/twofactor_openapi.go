package server

// The two-factor routes' OpenAPI operations and schemas.
func init() {
	tf := func(summary string, session bool, request, response string, codes ...int) operation {
		return operation{summary: summary, tag: "two-factor", session: session, request: request, response: response, errorCode: codes}
	}
	for p, op := range map[string]operation{
		"POST /api/auth/two-factor/enable":                tf("Enable two-factor (totp: a TOTP URI and backup codes; otp: on at once)", true, "TwoFactorEnable", "TwoFactorEnabled", 400),
		"POST /api/auth/two-factor/disable":               tf("Disable two-factor", true, "TwoFactorPassword", "Status", 400),
		"POST /api/auth/two-factor/get-totp-uri":          tf("The TOTP URI", true, "TwoFactorPassword", "TOTPURI", 400),
		"POST /api/auth/two-factor/verify-totp":           tf("Verify a TOTP code (sign-in's second step with the two_factor cookie, or the first code after enable)", false, "TwoFactorCode", "TokenUser", 400, 401, 429),
		"POST /api/auth/two-factor/send-otp":              tf("Send a one-time code", false, "TwoFactorTrust", "Status", 400, 401),
		"POST /api/auth/two-factor/verify-otp":            tf("Verify a one-time code", false, "TwoFactorCode", "TokenUser", 400, 401, 429),
		"POST /api/auth/two-factor/generate-backup-codes": tf("Replace the backup codes", true, "TwoFactorPassword", "BackupCodes", 400),
		"POST /api/auth/two-factor/verify-backup-code":    tf("Sign in with a backup code (spent)", false, "BackupCode", "TokenUser", 400, 401, 409, 429),
	} {
		operations[p] = op
	}
	strs := map[string]any{"type": "array", "items": str}
	for name, s := range map[string]any{
		"TwoFactorEnable":   obj([]string{"password"}, map[string]any{"password": str, "method": map[string]any{"type": "string", "enum": []string{"otp", "totp"}, "default": "totp"}, "issuer": str}),
		"TwoFactorEnabled":  obj([]string{"method"}, map[string]any{"method": map[string]any{"type": "string", "enum": []string{"otp", "totp"}}, "totpURI": str, "backupCodes": strs}),
		"TwoFactorPassword": obj([]string{"password"}, map[string]any{"password": str}),
		"TwoFactorCode":     obj([]string{"code"}, map[string]any{"code": str, "trustDevice": boolean}),
		"TwoFactorTrust":    obj(nil, map[string]any{"trustDevice": boolean}),
		"TOTPURI":           obj([]string{"totpURI"}, map[string]any{"totpURI": str}),
		"BackupCodes":       obj([]string{"status", "backupCodes"}, map[string]any{"status": boolean, "backupCodes": strs}),
		"BackupCode":        obj([]string{"code"}, map[string]any{"code": str, "disableSession": boolean, "trustDevice": boolean}),
	} {
		schemas[name] = s
	}
}
