package oauthtoken

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrRefresh means the provider did not answer a refresh with a token. Its
// message holds the HTTP status and the OAuth error code at most, never a
// token or the client secret.
var ErrRefresh = errors.New("oauthtoken: refresh failed")

// tokens is a provider's refresh answer, as Better Auth's refreshAccessToken
// reads it.
type tokens struct {
	AccessToken           string
	RefreshToken          string
	IDToken               string
	AccessTokenExpiresAt  *time.Time
	RefreshTokenExpiresAt *time.Time
}

// refresh posts grant_type=refresh_token to p.TokenURL as Better Auth does
// (form body, accept: application/json, client credentials per p.Auth,
// redirects refused) and reads access_token, refresh_token, id_token,
// expires_in and refresh_token_expires_in.
func refresh(ctx context.Context, client *http.Client, p Provider, refreshToken string, now time.Time) (*tokens, error) {
	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", refreshToken)
	for k, vs := range p.Params {
		if k == "grant_type" || k == "refresh_token" {
			continue
		}
		form[k] = vs
	}
	header := http.Header{}
	switch {
	case p.Auth == AuthBasic:
		if p.ClientSecret == "" || p.ClientID == "" {
			return nil, fmt.Errorf("%w: provider %q: basic authentication needs a client id and secret", ErrRefresh, p.ID)
		}
		cred := url.QueryEscape(p.ClientID) + ":" + url.QueryEscape(p.ClientSecret)
		header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
	case p.ClientSecret != "":
		form.Set("client_id", p.ClientID)
		form.Set("client_secret", p.ClientSecret)
	default:
		if p.ClientID == "" {
			return nil, fmt.Errorf("%w: provider %q has no client id", ErrRefresh, p.ID)
		}
		form.Set("client_id", p.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%w: provider %q: bad token URL", ErrRefresh, p.ID)
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noRedirect.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: provider %q: %s", ErrRefresh, p.ID, transportError(err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: provider %q: reading the answer", ErrRefresh, p.ID)
	}
	var data struct {
		AccessToken           any    `json:"access_token"`
		RefreshToken          any    `json:"refresh_token"`
		IDToken               any    `json:"id_token"`
		ExpiresIn             any    `json:"expires_in"`
		RefreshTokenExpiresIn any    `json:"refresh_token_expires_in"`
		Error                 string `json:"error"`
	}
	jsonErr := json.Unmarshal(body, &data)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		code := ""
		if jsonErr == nil && data.Error != "" && len(data.Error) < 64 {
			code = " " + strconv.Quote(data.Error)
		}
		return nil, fmt.Errorf("%w: provider %q answered %d%s", ErrRefresh, p.ID, res.StatusCode, code)
	}
	access, _ := data.AccessToken.(string)
	if jsonErr != nil || access == "" {
		return nil, fmt.Errorf("%w: provider %q answered without an access_token", ErrRefresh, p.ID)
	}
	t := &tokens{AccessToken: access}
	t.RefreshToken, _ = data.RefreshToken.(string)
	t.IDToken, _ = data.IDToken.(string)
	if d, ok := seconds(data.ExpiresIn); ok {
		at := now.Add(d)
		t.AccessTokenExpiresAt = &at
	} else if p.DefaultExpiresIn > 0 {
		at := now.Add(p.DefaultExpiresIn)
		t.AccessTokenExpiresAt = &at
	}
	if d, ok := seconds(data.RefreshTokenExpiresIn); ok {
		at := now.Add(d)
		t.RefreshTokenExpiresAt = &at
	}
	return t, nil
}

// seconds reads expires_in the way JavaScript's `if (x) now + x*1e3` does
// for a number or a numeric string: zero and absent mean none.
func seconds(v any) (time.Duration, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if f == 0 || f != f || f > 1e12 || f < -1e12 {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

// transportError names the failure without the URL's query (never a token:
// the body carries those, but be safe).
func transportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}
