package sqlstore

import (
	"context"
	"fmt"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// TwoFactor is a row of the twoFactor plugin's twoFactor table. Secret and
// BackupCodes are stored as Better Auth stores them (encrypted with the
// app's secret, by default); the store neither encrypts nor decrypts.
type TwoFactor struct {
	ID          string
	UserID      string
	Secret      string
	BackupCodes string
	// Verified is nil for a row written before the column existed, which
	// Better Auth treats as verified.
	Verified *bool
	// FailedVerificationCount and LockedUntil are the account lockout's
	// columns (Better Auth 1.7.25); nil when NULL or absent.
	FailedVerificationCount *int64
	LockedUntil             *time.Time
}

// TwoFactorStore reads and writes the twoFactor table as Better Auth's
// two-factor plugin does. Build it once with Store.TwoFactors.
type TwoFactorStore struct {
	s    *Store
	c    *codec[TwoFactor]
	lock bool // the table has failedVerificationCount and lockedUntil
	q    struct {
		insert, byUser, deleteByUser               string
		replace, setVerified, setCodes, swapCodes  string
		fail, lockAt, unlockExpired, resetFailures string
	}
}

var errNoTwoFactorPlugin = fmt.Errorf("%w: the twoFactor plugin is not in the schema", ba.ErrInvalid)

// TwoFactors returns the store of the twoFactor plugin's table; it fails
// with betterauth.ErrInvalid when the schema lacks the plugin.
func (s *Store) TwoFactors() (*TwoFactorStore, error) {
	t := s.schema.Table(ba.ModelTwoFactor)
	if t == nil {
		return nil, s.wrap("two factor", errNoTwoFactorPlugin)
	}
	own := *t
	own.Fields = nil
	for _, f := range t.Fields {
		if _, ok := twoFactorAccessor(f.Name); ok {
			own.Fields = append(own.Fields, f)
		}
	}
	c, err := newCodec[TwoFactor](s.kind, &own, twoFactorAccessor, nil)
	if err != nil {
		return nil, s.wrap("two factor", err)
	}
	for _, name := range []string{"id", "userId", "secret", "backupCodes"} {
		if !c.has(name) {
			return nil, s.wrap("two factor", fmt.Errorf("%w: twoFactor table lacks %s", ba.ErrInvalid, name))
		}
	}
	ts := &TwoFactorStore{s: s, c: c, lock: c.has("failedVerificationCount") && c.has("lockedUntil")}
	p := s.kind.Placeholder
	q := &ts.q
	q.insert = c.insertSQL()
	id := c.col("id")
	q.byUser = "SELECT " + c.selectList("") + " FROM " + c.name + " WHERE " + c.col("userId") + " = " + p(1)
	q.deleteByUser = "DELETE FROM " + c.name + " WHERE " + c.col("userId") + " = " + p(1)
	upd := "UPDATE " + c.name + " SET "
	q.setCodes = upd + c.col("backupCodes") + " = " + p(1) + " WHERE " + id + " = " + p(2)
	q.swapCodes = upd + c.col("backupCodes") + " = " + p(1) + " WHERE " + id + " = " + p(2) + " AND " + c.col("backupCodes") + " = " + p(3)
	if c.has("verified") {
		q.replace = upd + c.col("secret") + " = " + p(1) + ", " + c.col("backupCodes") + " = " + p(2) + ", " + c.col("verified") + " = " + p(3) + " WHERE " + id + " = " + p(4)
		q.setVerified = upd + c.col("verified") + " = " + p(1) + " WHERE " + id + " = " + p(2)
	} else {
		q.replace = upd + c.col("secret") + " = " + p(1) + ", " + c.col("backupCodes") + " = " + p(2) + " WHERE " + id + " = " + p(3)
	}
	if ts.lock {
		count, until := c.col("failedVerificationCount"), c.col("lockedUntil")
		q.fail = upd + count + " = COALESCE(" + count + ", 0) + 1 WHERE " + id + " = " + p(1)
		q.lockAt = upd + until + " = " + p(1) + " WHERE " + id + " = " + p(2) + " AND " + count + " >= " + p(3)
		q.unlockExpired = upd + count + " = 0, " + until + " = NULL WHERE " + id + " = " + p(1) + " AND " + until + " <= " + p(2)
		q.resetFailures = upd + count + " = 0, " + until + " = NULL WHERE " + id + " = " + p(1)
	}
	return ts, nil
}

// HasLockout reports whether the table has the account lockout's columns.
func (t *TwoFactorStore) HasLockout() bool { return t.lock }

// GetByUserID returns the user's row; ErrNotFound when there is none.
func (t *TwoFactorStore) GetByUserID(ctx context.Context, userID string) (*TwoFactor, error) {
	return getOne(ctx, t.s, t.c, "get two factor", t.q.byUser, userID)
}

// Create inserts a row (an id is generated when it has none; a nil
// FailedVerificationCount is written as 0, the column's default).
func (t *TwoFactorStore) Create(ctx context.Context, r *TwoFactor) error {
	if r.ID == "" {
		r.ID = ba.GenerateID()
	}
	if r.FailedVerificationCount == nil {
		var zero int64
		r.FailedVerificationCount = &zero
	}
	return insert(ctx, t.s, t.c, "create two factor", t.q.insert, r)
}

// Replace sets the secret, backup codes and verified flag of the row id.
func (t *TwoFactorStore) Replace(ctx context.Context, id, secret, backupCodes string, verified bool) error {
	if t.q.setVerified == "" {
		_, err := t.s.exec(ctx, "replace two factor", t.c.table.Name, t.q.replace, secret, backupCodes, id)
		return err
	}
	_, err := t.s.exec(ctx, "replace two factor", t.c.table.Name, t.q.replace, secret, backupCodes, t.s.kind.Bool(verified), id)
	return err
}

// SetVerified marks the row id verified.
func (t *TwoFactorStore) SetVerified(ctx context.Context, id string) error {
	if t.q.setVerified == "" {
		return nil
	}
	_, err := t.s.exec(ctx, "verify two factor", t.c.table.Name, t.q.setVerified, t.s.kind.Bool(true), id)
	return err
}

// SetBackupCodes replaces the stored backup codes of the row id.
func (t *TwoFactorStore) SetBackupCodes(ctx context.Context, id, backupCodes string) error {
	_, err := t.s.exec(ctx, "set backup codes", t.c.table.Name, t.q.setCodes, backupCodes, id)
	return err
}

// SwapBackupCodes replaces the backup codes of the row id provided they are
// still old (a compare-and-swap, so a code is spent once); false when they
// changed meanwhile.
func (t *TwoFactorStore) SwapBackupCodes(ctx context.Context, id, old, backupCodes string) (bool, error) {
	n, err := t.s.exec(ctx, "spend backup code", t.c.table.Name, t.q.swapCodes, backupCodes, id, old)
	return n > 0, err
}

// DeleteByUserID deletes the user's rows.
func (t *TwoFactorStore) DeleteByUserID(ctx context.Context, userID string) error {
	_, err := t.s.exec(ctx, "delete two factor", t.c.table.Name, t.q.deleteByUser, userID)
	return err
}

// RecordFailure counts one failed verification of the row id (a NULL count
// counts as 0) and, once the count reaches max, sets lockedUntil.
func (t *TwoFactorStore) RecordFailure(ctx context.Context, id string, max int64, lockedUntil time.Time) error {
	if !t.lock {
		return nil
	}
	if _, err := t.s.exec(ctx, "count two factor failure", t.c.table.Name, t.q.fail, id); err != nil {
		return err
	}
	_, err := t.s.exec(ctx, "lock two factor", t.c.table.Name, t.q.lockAt, t.s.kind.Time(lockedUntil), id, max)
	return err
}

// ClearExpiredLock resets the count and lock of the row id when its lock
// ended at or before now.
func (t *TwoFactorStore) ClearExpiredLock(ctx context.Context, id string, now time.Time) error {
	if !t.lock {
		return nil
	}
	_, err := t.s.exec(ctx, "unlock two factor", t.c.table.Name, t.q.unlockExpired, id, t.s.kind.Time(now))
	return err
}

// ResetFailures clears the row's failure count and lock.
func (t *TwoFactorStore) ResetFailures(ctx context.Context, id string) error {
	if !t.lock {
		return nil
	}
	_, err := t.s.exec(ctx, "reset two factor failures", t.c.table.Name, t.q.resetFailures, id)
	return err
}

func twoFactorAccessor(name string) (accessor[TwoFactor], bool) {
	switch name {
	case "id":
		return str(func(r *TwoFactor) *string { return &r.ID }), true
	case "userId":
		return str(func(r *TwoFactor) *string { return &r.UserID }), true
	case "secret":
		return str(func(r *TwoFactor) *string { return &r.Secret }), true
	case "backupCodes":
		return str(func(r *TwoFactor) *string { return &r.BackupCodes }), true
	case "verified":
		return nullBool(func(r *TwoFactor) **bool { return &r.Verified }), true
	case "failedVerificationCount":
		return accessor[TwoFactor]{
			get: func(_ Kind, r *TwoFactor) (any, error) {
				if r.FailedVerificationCount != nil {
					return *r.FailedVerificationCount, nil
				}
				return nil, nil
			},
			scan: func(r *TwoFactor) any { return nullInt64Scanner{&r.FailedVerificationCount} },
		}, true
	case "lockedUntil":
		return nullDate(func(r *TwoFactor) **time.Time { return &r.LockedUntil }), true
	}
	return accessor[TwoFactor]{}, false
}
