package oauthtoken_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/oauthtoken"
)

// TestFlightSurvivesFirstCallerCancel: the caller whose request started a
// refresh gives up (its context is cancelled); it returns at once with its
// context's error, while the refresh goes on for the caller waiting on the
// same account, which gets the new token from the one provider call.
func TestFlightSurvivesFirstCallerCancel(t *testing.T) {
	fake := &fakeProvider{gate: make(chan struct{}), entered: make(chan struct{}, 4)}
	f := newFixture(t, fake, true, time.Second) // expiring: the first read refreshes
	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := f.m.AccessToken(first, f.acct.ID)
		firstErr <- err
	}()
	<-fake.entered // the flight is at the provider

	type result struct {
		token string
		err   error
	}
	second := make(chan result, 1)
	go func() {
		tok, err := f.m.AccessToken(context.Background(), f.acct.ID)
		if err != nil {
			second <- result{err: err}
			return
		}
		second <- result{token: tok.AccessToken}
	}()

	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled first caller: %v, want context.Canceled", err)
	}
	close(fake.gate)
	r := <-second
	if r.err != nil || r.token != "access-1" {
		t.Fatalf("waiting caller: %q, %v; want the refreshed access-1", r.token, r.err)
	}
	if n := fake.calls.Load(); n != 1 {
		t.Fatalf("%d provider calls, want 1", n)
	}
}

// TestFlightWaiterReturnsOnItsContext: a caller joined to a flight that
// is stuck at the provider returns when its own deadline passes.
func TestFlightWaiterReturnsOnItsContext(t *testing.T) {
	fake := &fakeProvider{gate: make(chan struct{}), entered: make(chan struct{}, 4)}
	f := newFixture(t, fake, false, time.Second)
	t.Cleanup(func() { close(fake.gate) })
	go func() { _, _ = f.m.AccessToken(context.Background(), f.acct.ID) }()
	<-fake.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.m.Refresh(ctx, f.acct.ID); !errors.Is(err, context.Canceled) {
		t.Fatalf("Refresh with a cancelled context: %v", err)
	}
	if _, err := f.m.AccessToken(ctx, f.acct.ID); !errors.Is(err, context.Canceled) {
		t.Fatalf("AccessToken joined to a stuck flight with a cancelled context: %v", err)
	}
}

// TestRefreshedJSONNulls: Better Auth's refresh-token answer carries
// idToken, refreshTokenExpiresAt and scope as null when the account has
// none (tokens.idToken || account.idToken and the like), and leaves out
// accessTokenExpiresAt when the provider gave none (undefined).
func TestRefreshedJSONNulls(t *testing.T) {
	raw, err := json.Marshal(oauthtoken.Refreshed{AccessToken: "a", RefreshToken: "r", ProviderID: "p", AccountID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"accessToken":"a","refreshToken":"r","refreshTokenExpiresAt":null,"scope":null,"idToken":null,"providerId":"p","accountId":"id"}`
	if string(raw) != want {
		t.Fatalf("got  %s\nwant %s", raw, want)
	}
}
