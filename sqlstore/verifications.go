package sqlstore

import (
	"context"
	"errors"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

type timeValue = time.Time

// CreateVerification inserts v; missing id and timestamps are filled in.
// The identifier is stored as Options.StoreIdentifier says (hashed or
// plain), and v.Identifier is set to the stored form, as Better Auth's
// createVerificationValue returns it.
func (s *Store) CreateVerification(ctx context.Context, v *ba.Verification) error {
	const op = "create verification"
	if s.noVerifications {
		return notInDatabase(op, ba.ModelVerification)
	}
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
	v.Identifier = s.storeIdentifier.Stored(v.Identifier)
	return insert(ctx, s, s.verification, op, s.q.verificationInsert, v)
}

// GetVerification returns the verification row with this id.
func (s *Store) GetVerification(ctx context.Context, id string) (*ba.Verification, error) {
	if s.noVerifications {
		return nil, notInDatabase("get verification", ba.ModelVerification)
	}
	return getOne(ctx, s, s.verification, "get verification", s.q.verificationByID, id)
}

// GetVerificationByIdentifier returns the newest row for an identifier
// (e.g. "reset-password:<token>"), expired or not, as Better Auth's
// findVerificationValue does: under its stored form first, then — when
// Options.StoreIdentifier hashes it — under the plain identifier.
func (s *Store) GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error) {
	const op = "get verification by identifier"
	if s.noVerifications {
		return nil, notInDatabase(op, ba.ModelVerification)
	}
	var err error
	for _, id := range s.storeIdentifier.Candidates(identifier) {
		var v *ba.Verification
		if v, err = getOne(ctx, s, s.verification, op, s.q.verificationByIdentifier, id); !errors.Is(err, ba.ErrNotFound) {
			return v, err
		}
	}
	return nil, err
}

// DeleteVerification deletes the row with this id.
func (s *Store) DeleteVerification(ctx context.Context, id string) error {
	if s.noVerifications {
		return notInDatabase("delete verification", ba.ModelVerification)
	}
	return s.execExpectOne(ctx, "delete verification", s.verification.table.Name, s.q.verificationDelete, id)
}

// DeleteVerificationsByIdentifier deletes every row for an identifier (its
// stored form, as Better Auth's deleteVerificationByIdentifier) and returns
// how many there were.
func (s *Store) DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error) {
	const op = "delete verifications by identifier"
	if s.noVerifications {
		return 0, notInDatabase(op, ba.ModelVerification)
	}
	return s.exec(ctx, op, s.verification.table.Name, s.q.verificationDeleteByIdentifier, s.storeIdentifier.Stored(identifier))
}

// ConsumeVerification returns the newest unexpired row for identifier and
// deletes every row for it in one transaction, so a token is used once even
// under concurrent requests. ErrNotFound when there is none or it expired
// (an expired row is deleted all the same). As in Better Auth's
// consumeVerificationValue, the stored form is tried first, then the plain
// identifier when Options.StoreIdentifier hashes it; the first that has a
// row decides.
func (s *Store) ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error) {
	const op = "consume verification"
	if s.noVerifications {
		return nil, notInDatabase(op, ba.ModelVerification)
	}
	var out *ba.Verification
	err := s.WithTx(ctx, func(tx *Store) error {
		for _, id := range s.storeIdentifier.Candidates(identifier) {
			v, err := getOne(ctx, tx, tx.verification, op, tx.q.verificationByIdentifier, id)
			if errors.Is(err, ba.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			n, err := tx.drv.DB.Exec(ctx, tx.q.verificationDeleteByIdentifier, id)
			if err != nil {
				return err
			}
			if n == 0 { // another request consumed it first
				return ba.ErrNotFound
			}
			if !v.IsExpired(tx.now()) {
				out = v
			}
			return nil // an expired row is deleted and committed all the same
		}
		return ba.ErrNotFound
	})
	if err != nil {
		return nil, s.wrap(op, err)
	}
	if out == nil {
		return nil, s.wrap(op, ba.ErrNotFound)
	}
	return out, nil
}

// DeleteExpiredVerifications deletes rows that expired before now, in
// batches, and returns how many it deleted. With no verification table
// (Schema.SecondaryStorage) there is nothing to delete: secondary storage
// expires its values by itself.
func (s *Store) DeleteExpiredVerifications(ctx context.Context) (int64, error) {
	if s.noVerifications {
		return 0, nil
	}
	return s.deleteExpired(ctx, "delete expired verifications", s.verification.table.Name, s.q.verificationsDeleteExpired, s.kind.Time(s.nowUTC()))
}
