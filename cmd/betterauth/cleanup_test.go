package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestServeCleansExpiredRows: serve's cleanup loop deletes expired
// sessions and verifications and leaves live ones.
func TestServeCleansExpiredRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "cleanup.db")
	t.Setenv("DATABASE_URL", db)
	t.Setenv("BETTER_AUTH_SECRET", "cleanup-test-secret-0123456789abcdef0123")
	t.Setenv("NODE_ENV", "")
	var out strings.Builder
	if err := run(ctx, []string{"migrate"}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("migrate: %v %s", err, out.String())
	}
	store, closeDB, err := dburl.Open(ctx, db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	user := &ba.User{Name: "C", Email: "c@example.com"}
	if err := store.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	expired := &ba.Session{UserID: user.ID, ExpiresAt: time.Now().Add(-time.Minute)}
	live := &ba.Session{UserID: user.ID, ExpiresAt: time.Now().Add(time.Hour)}
	for _, s := range []*ba.Session{expired, live} {
		if err := store.CreateSession(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	oldCode := &ba.Verification{Identifier: "reset-password:x", Value: "u", ExpiresAt: time.Now().Add(-time.Minute)}
	if err := store.CreateVerification(ctx, oldCode); err != nil {
		t.Fatal(err)
	}

	startServe(t, "--cleanup-interval", "1s")
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, _, errS := store.GetSessionAndUser(ctx, expired.Token)
		_, errV := store.GetVerification(ctx, oldCode.ID)
		if errors.Is(errS, ba.ErrNotFound) && errors.Is(errV, ba.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired rows still there after 15 s: session %v, verification %v", errS, errV)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, _, err := store.GetSessionAndUser(ctx, live.Token); err != nil {
		t.Fatalf("live session: %v", err)
	}
}

func TestServeRefusesBadCleanupInterval(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, v := range []string{"10ms", "-1s", "soon"} {
		var out strings.Builder
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--cleanup-interval", v}, strings.NewReader(""), &out, &out)
		if err == nil || !strings.Contains(err.Error()+out.String(), "cleanup-interval") {
			t.Fatalf("--cleanup-interval %s: %v %s", v, err, out.String())
		}
	}
}
