package sqlstore

import (
	"context"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

type timeValue = time.Time

// CreateVerification inserts v; missing id and timestamps are filled in.
func (s *Store) CreateVerification(ctx context.Context, v *ba.Verification) error {
	now := s.nowUTC()
	if v.ID == "" {
		v.ID = ba.GenerateID()
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = v.CreatedAt
	}
	v.CreatedAt, v.UpdatedAt, v.ExpiresAt = ba.Truncate(v.CreatedAt), ba.Truncate(v.UpdatedAt), ba.Truncate(v.ExpiresAt)
	return insert(ctx, s, s.verification, "create verification", s.q.verificationInsert, v)
}

// GetVerification returns the verification row with this id.
func (s *Store) GetVerification(ctx context.Context, id string) (*ba.Verification, error) {
	return getOne(ctx, s, s.verification, "get verification", s.q.verificationByID, id)
}

// GetVerificationByIdentifier returns the newest row for an identifier
// (e.g. "reset-password:<token>"), expired or not, as Better Auth's
// findVerificationValue does.
func (s *Store) GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error) {
	return getOne(ctx, s, s.verification, "get verification by identifier", s.q.verificationByIdentifier, identifier)
}

// DeleteVerification deletes the row with this id.
func (s *Store) DeleteVerification(ctx context.Context, id string) error {
	return s.execExpectOne(ctx, "delete verification", s.verification.table.Name, s.q.verificationDelete, id)
}

// DeleteVerificationsByIdentifier deletes every row for an identifier and
// returns how many there were.
func (s *Store) DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error) {
	return s.exec(ctx, "delete verifications by identifier", s.verification.table.Name, s.q.verificationDeleteByIdentifier, identifier)
}

// ConsumeVerification returns the newest unexpired row for identifier and
// deletes every row for it in one transaction, so a token is used once even
// under concurrent requests. ErrNotFound when there is none or it expired.
func (s *Store) ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error) {
	var out *ba.Verification
	err := s.WithTx(ctx, func(tx *Store) error {
		v, err := tx.GetVerificationByIdentifier(ctx, identifier)
		if err != nil {
			return err
		}
		n, err := tx.DeleteVerificationsByIdentifier(ctx, identifier)
		if err != nil {
			return err
		}
		if n == 0 { // another request consumed it first
			return ba.ErrNotFound
		}
		if v.IsExpired(tx.now()) {
			return ba.ErrNotFound
		}
		out = v
		return nil
	})
	if err != nil {
		return nil, s.wrap("consume verification", err)
	}
	return out, nil
}

// DeleteExpiredVerifications deletes rows that expired before now, in
// batches, and returns how many it deleted.
func (s *Store) DeleteExpiredVerifications(ctx context.Context) (int64, error) {
	return s.deleteExpired(ctx, "delete expired verifications", s.verification.table.Name, s.q.verificationsDeleteExpired, s.kind.Time(s.nowUTC()))
}
