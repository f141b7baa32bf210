package main

import (
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// The app config's twoFactor options reach server.TwoFactorConfig in
// their units: otpOptions.period is minutes, the others seconds.
func TestTwoFactorConfigFromApp(t *testing.T) {
	var o ba.TwoFactorOptions
	o.Issuer, o.TwoFactorCookieMaxAge, o.TrustDeviceMaxAge, o.AllowPasswordless = "Acme", 300, 86400, true
	o.TOTP.Digits, o.TOTP.Period = 8, 60
	o.OTP.Period, o.OTP.StoreOTP, o.OTP.AllowedAttempts = 5, "hashed", 3
	o.BackupCodes.Amount, o.BackupCodes.StoreBackupCodes = 4, "plain"
	off := false
	o.AccountLockout.Enabled, o.AccountLockout.MaxFailedAttempts, o.AccountLockout.DurationSeconds = &off, 4, 60
	c := twoFactorConfig(&o)
	if c.Issuer != "Acme" || c.CookieMaxAge != 5*time.Minute || c.TrustDeviceMaxAge != 24*time.Hour || !c.AllowPasswordless ||
		c.TOTPDigits != 8 || c.TOTPPeriod != time.Minute || c.OTPPeriod != 5*time.Minute || c.OTPStore != "hashed" || c.OTPAllowedAttempts != 3 ||
		c.BackupCodeAmount != 4 || c.BackupCodeStore != "plain" || !c.LockoutDisabled || c.LockoutMaxFailedAttempts != 4 || c.LockoutDuration != time.Minute {
		t.Errorf("twoFactorConfig: %+v", *c)
	}
	if c.OTP {
		t.Error("OTP on without a way to deliver codes")
	}
}
