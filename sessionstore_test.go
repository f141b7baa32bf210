package betterauth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// partialStore is a custom SessionStore that answers no error but leaves
// the session, the user or both nil: a store bug the Verifier must not
// turn into a panic (nor into a session).
type partialStore struct {
	session *ba.Session
	user    *ba.User
}

func (p partialStore) GetSessionAndUser(context.Context, string) (*ba.Session, *ba.User, error) {
	return p.session, p.user, nil
}

func (partialStore) RefreshSession(context.Context, string, time.Time) error { return nil }

func TestVerifyNilSessionOrUserIsNotFound(t *testing.T) {
	const token = "nilstoreAAAAAAAAAAAAAAAAAAAAAAAA"
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	sess := &ba.Session{ID: "s", Token: token, UserID: "u", ExpiresAt: now.Add(time.Hour)}
	user := &ba.User{ID: "u"}
	for name, store := range map[string]partialStore{
		"ErrSessionNotFoundNilUser":    {session: sess},
		"ErrSessionNotFoundNilSession": {user: user},
		"ErrSessionNotFoundNilBoth":    {},
	} {
		for _, refresh := range []bool{false, true} {
			t.Run(name, func(t *testing.T) {
				v, err := ba.NewVerifier(ba.VerifierConfig{
					Secrets: []ba.Secret{{Value: testSecret}}, Sessions: store, BaseURL: "http://localhost:3000",
					Bearer: ba.BearerConfig{Enabled: true}, Refresh: ba.RefreshConfig{Enabled: refresh, UpdateAge: time.Nanosecond},
					Now: func() time.Time { return now },
				})
				if err != nil {
					t.Fatal(err)
				}
				check := func(how string, res *ba.Result, err error) {
					t.Helper()
					if res != nil || !errors.Is(err, ba.ErrSessionNotFound) {
						t.Fatalf("%s (refresh %v): %+v, %v; want ErrSessionNotFound", how, refresh, res, err)
					}
				}
				res, err := v.Verify(context.Background(), request("better-auth.session_token="+ba.SignCookieValue(token, testSecret), ""))
				check("cookie", res, err)
				res, err = v.Verify(context.Background(), request("", "Bearer "+ba.Sign(token, testSecret)))
				check("bearer", res, err)
				res, err = v.VerifyToken(context.Background(), token)
				check("VerifyToken", res, err)
				res, err = v.VerifyCookieValue(context.Background(), ba.SignCookieValue(token, testSecret))
				check("VerifyCookieValue", res, err)
			})
		}
	}
}
