// Package errtext writes values into error text without letting them carry
// what must not reach a log: it bounds and escapes text an attacker or a
// damaged store controls (Quote), and describes decoding errors by kind and
// position instead of by the bytes being decoded (JSON), since those bytes
// can hold a session token, a cookie or a password hash.
//
// It is not a redaction filter: callers still never pass a token, a key
// derived from one, a cookie value or a secret to it. Name the kind of
// thing instead ("session entry", "JWT header").
//
//	return fmt.Errorf("%w: kid %s is not in the key set", ErrUnknownKey, errtext.Quote(kid))
//	return fmt.Errorf("session entry: %s", errtext.JSON(err))
package errtext
