package server

import "context"

// SetTwoFactorOTPSender replaces how send-otp delivers its codes, for tests.
func SetTwoFactorOTPSender(s *Server, f func(context.Context, TwoFactorOTP) error) {
	s.sendTwoFactorOTP = f
}
