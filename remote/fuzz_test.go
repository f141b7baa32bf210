package remote_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/remote"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzGetSessionBody feeds get-session answers to a Source: whatever Better
// Auth (or whatever sits at BaseURL) sends, the Source returns a session
// for this token, ErrNotFound, or ErrUnavailable, and never panics.
func FuzzGetSessionBody(f *testing.F) {
	const token = "fuzzAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for _, seed := range []string{
		"null", " null\n", "", "{}", "[]", `"null"`,
		`{"session":{"id":"s","token":"fuzzAAAAAAAAAAAAAAAAAAAAAAAAAAAA","userId":"u","expiresAt":"2030-01-01T00:00:00.000Z","createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z","ipAddress":"","userAgent":""},"user":{"id":"u","name":"A","email":"a@example.com","emailVerified":false,"image":null,"createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z","role":"user","banned":false}}`,
		`{"session":{"id":"s","token":"other","userId":"u"},"user":{"id":"u"}}`,
		`{"session":{"id":"s","userId":"u","extra":{"a":[1,2]}},"user":{"id":"u","custom":null},"needsRefresh":true}`,
		`{"session":null,"user":null}`,
		`{"session":{"expiresAt":"not a date"},"user":{}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		src, err := remote.New(remote.Config{
			BaseURL: "https://auth.example.com", Secrets: testSecrets,
			PositiveTTL: -1, NegativeTTL: -1,
			HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{
					StatusCode: http.StatusOK, Header: http.Header{}, Request: r,
					Body: io.NopCloser(strings.NewReader(body)),
				}, nil
			})},
		})
		if err != nil {
			t.Fatal(err)
		}
		sess, user, err := src.GetSessionAndUser(context.Background(), token)
		switch {
		case err == nil:
			if sess == nil || user == nil || sess.Token != token {
				t.Fatalf("found %+v %+v", sess, user)
			}
			if sess.UserID != "" && sess.UserID != user.ID {
				t.Fatalf("session of %q with user %q", sess.UserID, user.ID)
			}
		case errors.Is(err, ba.ErrNotFound):
			if strings.TrimSpace(body) != "null" {
				t.Fatalf("ErrNotFound for %q", body)
			}
		case !errors.Is(err, ba.ErrUnavailable):
			t.Fatalf("err %v", err)
		}
	})
}
