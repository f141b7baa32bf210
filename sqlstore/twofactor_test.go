package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestTwoFactorStore: the twoFactor table's writes on each database — the
// failure count and the lock it sets at the limit, the lock cleared only
// once it has ended, the compare-and-swap that spends a backup code once.
func TestTwoFactorStore(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind sqlstore.Kind) {
		ctx := context.Background()
		s := storetest.OpenMigrated(t, kind, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginTwoFactor}}})
		u := ba.NewUser(ba.UserCreate{Name: "T", Email: "t@example.com"}, time.Now())
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		tfs, err := s.TwoFactors()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tfs.GetByUserID(ctx, u.ID); !errors.Is(err, ba.ErrNotFound) {
			t.Fatalf("no row: %v", err)
		}
		no := false
		row := &sqlstore.TwoFactor{UserID: u.ID, Secret: "enc-secret", BackupCodes: "codes-1", Verified: &no}
		if err := tfs.Create(ctx, row); err != nil {
			t.Fatal(err)
		}
		if err := tfs.Replace(ctx, row.ID, "enc-secret-2", "codes-2", false); err != nil {
			t.Fatal(err)
		}
		if err := tfs.SetVerified(ctx, row.ID); err != nil {
			t.Fatal(err)
		}
		got, err := tfs.GetByUserID(ctx, u.ID)
		if err != nil || got.Secret != "enc-secret-2" || got.BackupCodes != "codes-2" || got.Verified == nil || !*got.Verified || got.FailedVerificationCount == nil || *got.FailedVerificationCount != 0 {
			t.Fatalf("row %+v %v", got, err)
		}
		if ok, err := tfs.SwapBackupCodes(ctx, row.ID, "codes-2", "codes-3"); err != nil || !ok {
			t.Fatalf("swap: %v %v", ok, err)
		}
		if ok, err := tfs.SwapBackupCodes(ctx, row.ID, "codes-2", "codes-4"); err != nil || ok {
			t.Fatalf("second swap of the same codes: %v %v", ok, err)
		}
		now := time.Now().Truncate(time.Second)
		until := now.Add(15 * time.Minute)
		for i := 0; i < 3; i++ {
			if err := tfs.RecordFailure(ctx, row.ID, 3, until); err != nil {
				t.Fatal(err)
			}
			got, _ = tfs.GetByUserID(ctx, u.ID)
			if locked := got.LockedUntil != nil; locked != (i == 2) || *got.FailedVerificationCount != int64(i+1) {
				t.Fatalf("after %d failures: count %d, locked %v", i+1, *got.FailedVerificationCount, got.LockedUntil)
			}
		}
		if !got.LockedUntil.Equal(until) {
			t.Errorf("lockedUntil %v, want %v", got.LockedUntil, until)
		}
		if err := tfs.ClearExpiredLock(ctx, row.ID, now); err != nil {
			t.Fatal(err)
		}
		if got, _ = tfs.GetByUserID(ctx, u.ID); got.LockedUntil == nil {
			t.Fatal("a lock still running was cleared")
		}
		if err := tfs.ClearExpiredLock(ctx, row.ID, until); err != nil {
			t.Fatal(err)
		}
		if got, _ = tfs.GetByUserID(ctx, u.ID); got.LockedUntil != nil || *got.FailedVerificationCount != 0 {
			t.Fatalf("ended lock not cleared: %v %d", got.LockedUntil, *got.FailedVerificationCount)
		}
		_ = tfs.RecordFailure(ctx, row.ID, 3, until)
		if err := tfs.ResetFailures(ctx, row.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ = tfs.GetByUserID(ctx, u.ID); *got.FailedVerificationCount != 0 {
			t.Errorf("reset: %d", *got.FailedVerificationCount)
		}
		if err := tfs.DeleteByUserID(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tfs.GetByUserID(ctx, u.ID); !errors.Is(err, ba.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
		if _, err := storetest.OpenMigrated(t, kind, sqlstore.Options{}).TwoFactors(); !errors.Is(err, ba.ErrInvalid) {
			t.Errorf("without the plugin: %v", err)
		}
	})
}
