package betterauth

import (
	"strings"
)

// UsernameRules are the username plugin's checks of a username, as Better
// Auth 1.7.25's username() applies them to the username of a sign-up or an
// update-user, before the taken check (plugins/username/index.mjs,
// validateUsernameValue). The zero value is Better Auth's default.
//
// A custom usernameValidator, validationOrder "post-normalization" and a
// displayUsernameValidator have no equivalent: the default validator
// applies, to the username as sent, and any displayUsername is accepted.
type UsernameRules struct {
	// MinLength is minUsernameLength: a shorter username is refused
	// (ErrUsernameTooShort). 3 when 0.
	MinLength int
	// MaxLength is maxUsernameLength: a longer username is refused
	// (ErrUsernameTooLong). 30 when 0.
	MaxLength int
}

// Better Auth's default username lengths.
const (
	DefaultMinUsernameLength = 3
	DefaultMaxUsernameLength = 30
)

// Lengths returns the minimum and maximum length with the defaults filled
// in. Like Better Auth's `options.minUsernameLength || 3`, only 0 means the
// default.
func (r UsernameRules) Lengths() (min, max int) {
	min, max = r.MinLength, r.MaxLength
	if min == 0 {
		min = DefaultMinUsernameLength
	}
	if max == 0 {
		max = DefaultMaxUsernameLength
	}
	return min, max
}

// Check returns nil when Better Auth accepts username, or the first of
// ErrUsernameTooShort, ErrUsernameTooLong and ErrUsernameInvalid that
// applies: the length in UTF-16 code units (JavaScript's string.length)
// against the limits, then Better Auth's default validator
// /^[a-zA-Z0-9_.]+$/. The username is checked as sent, before
// NormalizeUsername.
func (r UsernameRules) Check(username string) error {
	min, max := r.Lengths()
	switch n := jsLength(username); {
	case n < min:
		return ErrUsernameTooShort
	case n > max:
		return ErrUsernameTooLong
	}
	if username == "" {
		return ErrUsernameInvalid // the validator's + wants a character
	}
	for i := 0; i < len(username); i++ {
		if c := username[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return ErrUsernameInvalid
		}
	}
	return nil
}

// NormalizeUsername is the username plugin's default usernameNormalization:
// lower case. The username column holds the normalised value, the taken
// check compares it, and displayUsername keeps the username as sent.
// (For a username Check accepts, all ASCII, strings.ToLower is exactly
// JavaScript's toLowerCase.)
func NormalizeUsername(username string) string { return strings.ToLower(username) }
