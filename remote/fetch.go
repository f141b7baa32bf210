package remote

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
)

// fetch asks Better Auth for the session with token. It returns the
// session (token cleared) and user; or an error matching ErrNotFound
// (Better Auth answered null), or ErrUnavailable (anything else), with
// retryAfter > 0 when Better Auth asked to be left alone for a while.
func (s *Source) fetch(ctx context.Context, token string) (sess *ba.Session, user *ba.User, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.endpoint, nil)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%w: %v", ba.ErrUnavailable, err)
	}
	for name, values := range s.header {
		req.Header[name] = values
	}
	req.Header.Set("Accept", "application/json")
	// Better Auth's getSignedCookie reads only this cookie, checks its
	// signature with the current secret, then looks the token up.
	req.Header.Set("Cookie", s.cookieName+"="+ba.SignCookieValue(token, s.secret))
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error names the method and URL, never the headers.
		return nil, nil, 0, fmt.Errorf("%w: %v", ba.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusTooManyRequests:
		drain(resp.Body)
		wait := retryAfterOf(resp.Header, s.now())
		if wait <= 0 {
			wait = DefaultBackoff
		}
		return nil, nil, wait, fmt.Errorf("%w: %w: GET %s: 429, retry in %s", ba.ErrUnavailable, ErrRateLimited, s.endpoint, wait)
	default:
		drain(resp.Body)
		// Anything but 200 says nothing about the session (get-session
		// answers 200 null for "no session"), so it is never ErrNotFound:
		// a misrouted BaseURL must not sign everyone out.
		return nil, nil, 0, fmt.Errorf("%w: GET %s: status %s", ba.ErrUnavailable, s.endpoint, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxBody+1))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%w: GET %s: reading body: %v", ba.ErrUnavailable, s.endpoint, err)
	}
	if int64(len(body)) > s.maxBody {
		return nil, nil, 0, fmt.Errorf("%w: GET %s: response larger than %d bytes", ba.ErrUnavailable, s.endpoint, s.maxBody)
	}
	sess, user, err = parseGetSession(body, token)
	if err != nil && !errors.Is(err, ba.ErrNotFound) {
		return nil, nil, 0, fmt.Errorf("%w: GET %s: %v", ba.ErrUnavailable, s.endpoint, err)
	}
	return sess, user, 0, err
}

// parseGetSession reads get-session's 200 body: JSON null when there is no
// live session, else {"session": {...}, "user": {...}} (plus needsRefresh
// with deferSessionRefresh, ignored). The session is returned without its
// token.
func parseGetSession(body []byte, token string) (*ba.Session, *ba.User, error) {
	body = bytes.TrimSpace(body)
	if string(body) == "null" {
		return nil, nil, ba.ErrNotFound
	}
	var out struct {
		Session *ba.Session `json:"session"`
		User    *ba.User    `json:"user"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		// Described, not quoted: the answer holds the session token.
		return nil, nil, fmt.Errorf("malformed answer: %s", errtext.JSON(err))
	}
	if out.Session == nil || out.User == nil {
		return nil, nil, errors.New("malformed answer: want null or an object with session and user")
	}
	// An answer about another session (a shared cache in front of Better
	// Auth that ignores Cookie, say) must not be trusted.
	if out.Session.Token != "" && subtle.ConstantTimeCompare([]byte(out.Session.Token), []byte(token)) != 1 {
		return nil, nil, errors.New("answer is about another session token")
	}
	if out.Session.UserID != "" && out.Session.UserID != out.User.ID {
		return nil, nil, errors.New("answer's session and user do not match")
	}
	out.Session.Token = ""
	return out.Session, out.User, nil
}

// retryAfterOf reads Better Auth's X-Retry-After (whole seconds), else the
// standard Retry-After (seconds or an HTTP date), capped at MaxBackoff. It
// returns 0 when neither is usable.
func retryAfterOf(h http.Header, now time.Time) time.Duration {
	for _, name := range []string{"X-Retry-After", "Retry-After"} {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			continue
		}
		var d time.Duration
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			if secs < 0 {
				continue
			}
			d = time.Duration(min(secs, int64(MaxBackoff/time.Second))) * time.Second
			if d == 0 {
				// Better Auth rounds up; 0 means the window has just ended.
				d = time.Second
			}
		} else if t, err := http.ParseTime(v); err == nil {
			d = max(t.Sub(now), time.Second)
		} else {
			continue
		}
		return min(d, MaxBackoff)
	}
	return 0
}

func drain(body io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(body, 4096)) }
