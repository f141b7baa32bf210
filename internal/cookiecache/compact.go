package cookiecache

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// DecodeCompact verifies and decodes a "compact" session_data value (the
// default strategy): base64url of
//
//	{"session":<sessionData>,"expiresAt":<ms>,"signature":<b64url HMAC>}
//
// signed with HMAC-SHA256 keyed by the current secret (Better Auth signs the
// cookie cache with secrets[0] only, even with rotation). The signed message
// is the raw text of the "session" member with ,"expiresAt":<ms> inserted
// before its closing brace, which is what JSON.stringify({...sessionData,
// expiresAt}) produced when Better Auth wrote it. The raw bytes are
// verified, never a re-encoding, so any change to them is refused.
//
// It refuses a cache whose expiresAt is before now (Better Auth: expiresAt
// < Date.now()). It does not check what get-session checks next: that
// session.token equals the signed session_token cookie, the version, and
// session.expiresAt.
func DecodeCompact(cookie, secret string, now time.Time) (*Payload, error) {
	raw, err := decodeBetterAuthBase64(cookie)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	top, err := parseJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if top.kind != kindObject {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	data, expiresAt, signature := top.get("session"), top.get("expiresAt"), top.get("signature")
	switch {
	case data == nil || data.kind != kindObject:
		return nil, fmt.Errorf("%w: no session object", ErrMalformed)
	case expiresAt == nil || expiresAt.kind != kindNumber || math.IsInf(expiresAt.number, 0):
		return nil, fmt.Errorf("%w: no numeric expiresAt", ErrMalformed)
	case signature == nil || signature.kind != kindString || isDate(signature):
		return nil, fmt.Errorf("%w: no signature", ErrMalformed)
	}

	got, err := decodeBetterAuthBase64(signature.goString())
	if err != nil || !hmac.Equal(got, compactMAC(secret, signedMessage(raw, data, expiresAt))) {
		return nil, fmt.Errorf("%w: compact HMAC mismatch", ErrSignature)
	}

	p, err := payloadFromObject(raw, data)
	if err != nil {
		return nil, err
	}
	p.Expires = millisToTime(expiresAt.number)
	if expiresAt.number < float64(now.UnixMilli()) {
		return nil, fmt.Errorf("%w: expiresAt %s", ErrExpired, p.Expires.UTC().Format(time.RFC3339Nano))
	}
	return p, nil
}

// signedMessage is the text the compact signature covers, built from the
// raw bytes of the session object and of the expiresAt number.
func signedMessage(src []byte, data, expiresAt *value) []byte {
	obj := data.raw(src)
	msg := make([]byte, 0, len(obj)+32)
	if len(data.members) == 0 {
		msg = append(msg, '{')
	} else {
		msg = append(msg, obj[:len(obj)-1]...)
		msg = append(msg, ',')
	}
	msg = append(msg, `"expiresAt":`...)
	msg = append(msg, expiresAt.raw(src)...)
	return append(msg, '}')
}

func compactMAC(secret string, msg []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(msg)
	return m.Sum(nil)
}

func millisToTime(ms float64) time.Time {
	if math.Abs(ms) > maxSafeInteger {
		return secondsToTime(ms / 1000) // clamps
	}
	whole, frac := math.Modf(ms)
	return time.UnixMilli(int64(whole)).Add(time.Duration(frac * float64(time.Millisecond)))
}

// EncodeCompact produces the "compact" session_data value Better Auth would
// write for p, expiring at p.Expires (millisecond precision), signed with
// secret (the current secret).
//
// p.Session and p.User must already be in JavaScript JSON.stringify form
// (member order as Better Auth's schema, ISO dates with milliseconds,
// JavaScript string escaping): Better Auth re-parses the payload with its
// date reviver and re-serializes it before checking the signature, so any
// other spelling of the same data would be refused. EncodeCompact checks
// this and returns an error rather than a cookie Better Auth would reject.
func EncodeCompact(p Payload, secret string) (string, error) {
	if err := checkEncodable(p, true); err != nil {
		return "", err
	}
	if p.Expires.IsZero() {
		return "", errors.New("cookiecache: Expires is not set")
	}
	expiresAt := p.Expires.UnixMilli()
	if expiresAt > maxSafeInteger || expiresAt < -maxSafeInteger {
		return "", fmt.Errorf("cookiecache: Expires %s is out of range", p.Expires)
	}
	data := sessionDataJSON(p)
	msg := append(append([]byte(nil), data...), `,"expiresAt":`...)
	msg = strconv.AppendInt(msg, expiresAt, 10)
	msg = append(msg, '}')

	body := make([]byte, 0, len(data)+128)
	body = append(body, `{"session":`...)
	body = append(body, data...)
	body = append(body, `},"expiresAt":`...)
	body = strconv.AppendInt(body, expiresAt, 10)
	body = append(body, `,"signature":"`...)
	body = base64.RawURLEncoding.AppendEncode(body, compactMAC(secret, msg))
	body = append(body, `"}`...)
	return base64.RawURLEncoding.EncodeToString(body), nil
}
