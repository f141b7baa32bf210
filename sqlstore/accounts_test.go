package sqlstore_test

import (
	"context"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestUpdateAccountIf: the guarded token update writes only while the row
// still holds the tokens the caller read, NULL included, on every database.
func TestUpdateAccountIf(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		s := storetest.OpenMigrated(t, kind, sqlstore.Options{})
		ctx := context.Background()
		u := &ba.User{Name: "Token Owner", Email: "tokens@example.com"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		access, refresh := "a1", "r1"
		a := &ba.Account{UserID: u.ID, ProviderID: "fake", AccountID: "sub-1", AccessToken: &access, RefreshToken: &refresh}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		exp := ba.Truncate(time.Now().Add(time.Hour))
		up := ba.AccountUpdate{AccessToken: ba.Value("a2"), AccessTokenExpiresAt: ba.Value(exp)}
		got, ok, err := s.UpdateAccountIf(ctx, a.ID, &access, &refresh, up)
		if err != nil || !ok || *got.AccessToken != "a2" || *got.RefreshToken != "r1" || !got.AccessTokenExpiresAt.Equal(exp) {
			t.Fatalf("first guarded update: ok=%v err=%v", ok, err)
		}
		// A second writer still holding a1 loses and writes nothing.
		got, ok, err = s.UpdateAccountIf(ctx, a.ID, &access, &refresh, ba.AccountUpdate{AccessToken: ba.Value("stale")})
		if err != nil || ok || got != nil {
			t.Fatalf("stale guarded update: ok=%v err=%v", ok, err)
		}
		row, err := s.GetAccount(ctx, a.ID)
		if err != nil || *row.AccessToken != "a2" {
			t.Fatalf("row after the stale update: %v", err)
		}
		// NULL guards: a row without a refresh token.
		a2 := "a2"
		if _, ok, err := s.UpdateAccountIf(ctx, a.ID, &a2, nil, up); err != nil || ok {
			t.Fatalf("NULL guard matched a non-NULL refresh token: ok=%v err=%v", ok, err)
		}
		if _, err := s.UpdateAccount(ctx, a.ID, ba.AccountUpdate{RefreshToken: ba.Null[string]()}); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.UpdateAccountIf(ctx, a.ID, &a2, nil, ba.AccountUpdate{AccessToken: ba.Value("a3")}); err != nil || !ok {
			t.Fatalf("NULL guard on a NULL refresh token: ok=%v err=%v", ok, err)
		}
		if _, ok, err := s.UpdateAccountIf(ctx, "missing", &a2, nil, up); err != nil || ok {
			t.Fatalf("missing row: ok=%v err=%v", ok, err)
		}
	})
}
