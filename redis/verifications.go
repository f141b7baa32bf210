package redis

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// VerificationKey returns the Redis key of the verification value stored
// under this identifier, as Better Auth names it: the prefix, then
// "verification:" and the identifier as stored (hashed when
// Options.StoreIdentifier says so), e.g.
// "better-auth:verification:reset-password:<token>".
func (s *Store) VerificationKey(identifier string) string {
	return s.verificationKeyStored(s.storeIdentifier.Stored(identifier))
}

func (s *Store) verificationKeyStored(stored string) string {
	return s.prefix + "verification:" + stored
}

// CreateVerification stores a verification value as Better Auth's
// createVerificationValue does with secondaryStorage (and without
// verification.storeInDatabase): under verification:<identifier> the JSON
// {"createdAt","updatedAt","value","identifier","expiresAt"}, in that
// order, dates as toISOString and no id, with a TTL of
// floor((expiresAt − now)/1000) seconds. For a password reset the bytes are
// the ones Better Auth writes for the same values.
//
// The identifier is stored as Options.StoreIdentifier says, and
// v.Identifier is set to the stored form (Better Auth returns it so).
// Missing dates are filled in: createdAt = now, updatedAt = createdAt.
// v.ID is not stored (Better Auth's value has none) and is set to "". A
// value that would live less than a second is refused (ErrInvalid): Better
// Auth silently does not store it. An existing value under the same
// identifier is replaced, as Better Auth's SET does.
func (s *Store) CreateVerification(ctx context.Context, v *ba.Verification) error {
	const op = "create verification"
	if v == nil || v.Identifier == "" {
		return newError(op, ba.ErrInvalid, "a verification with an identifier is required")
	}
	now := s.nowUTC()
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = v.CreatedAt
	}
	v.CreatedAt, v.UpdatedAt, v.ExpiresAt = ba.Truncate(v.CreatedAt), ba.Truncate(v.UpdatedAt), ba.Truncate(v.ExpiresAt)
	ttl := ttlSeconds(v.ExpiresAt, now)
	if ttl <= 0 {
		return newError(op, ba.ErrInvalid, "expiresAt %s is less than a second after now", ba.FormatTime(v.ExpiresAt))
	}
	v.ID = ""
	v.Identifier = s.storeIdentifier.Stored(v.Identifier)
	if err := s.client.Set(ctx, s.verificationKeyStored(v.Identifier), encodeVerification(v), time.Duration(ttl)*time.Second).Err(); err != nil {
		return wrap(op, err)
	}
	return nil
}

// encodeVerification writes v as Better Auth's createVerificationValue
// builds it: {createdAt, updatedAt, ...data, identifier}, data being
// {value, identifier, expiresAt} for every flow of Better Auth 1.7.25 that
// passes all three (password reset, delete-account, email OTP, phone OTP).
func encodeVerification(v *ba.Verification) []byte {
	o := jsjson.NewObject()
	o.Date("createdAt", v.CreatedAt)
	o.Date("updatedAt", v.UpdatedAt)
	o.String("value", v.Value)
	o.String("identifier", v.Identifier)
	o.Date("expiresAt", v.ExpiresAt)
	return o.Bytes()
}

// decodeVerification reads a value Better Auth (or CreateVerification)
// wrote. identifier, value and expiresAt are required; id, createdAt and
// updatedAt are read when present (Better Auth writes an id only when the
// value is also in the database, and reserveVerificationValue writes no
// dates).
func decodeVerification(b []byte) (*ba.Verification, error) {
	var raw struct {
		ID         *string `json:"id"`
		Identifier *string `json:"identifier"`
		Value      *string `json:"value"`
		ExpiresAt  *string `json:"expiresAt"`
		CreatedAt  *string `json:"createdAt"`
		UpdatedAt  *string `json:"updatedAt"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, errors.New("not a JSON object: " + errtext.JSON(err))
	}
	if raw.Identifier == nil || raw.Value == nil || raw.ExpiresAt == nil {
		return nil, errors.New("identifier, value or expiresAt is missing or not a string")
	}
	v := &ba.Verification{Identifier: *raw.Identifier, Value: *raw.Value}
	if raw.ID != nil {
		v.ID = *raw.ID
	}
	var err error
	if v.ExpiresAt, err = ba.ParseTime(*raw.ExpiresAt); err != nil {
		return nil, errors.New("expiresAt: " + err.Error())
	}
	for _, d := range []struct {
		name string
		raw  *string
		dst  *time.Time
	}{{"createdAt", raw.CreatedAt, &v.CreatedAt}, {"updatedAt", raw.UpdatedAt, &v.UpdatedAt}} {
		if d.raw == nil {
			continue
		}
		if *d.dst, err = ba.ParseTime(*d.raw); err != nil {
			return nil, errors.New(d.name + ": " + err.Error())
		}
	}
	return v, nil
}

// GetVerificationByIdentifier returns the verification value stored under
// identifier, expired or not (the caller decides; Redis drops it within a
// second of expiresAt anyway), as Better Auth's findVerificationValue reads
// it with secondaryStorage: under the stored form first, then — when
// Options.StoreIdentifier hashes it — under the plain identifier. None is
// ErrNotFound; a value that is not what Better Auth writes is ErrMalformed
// (Better Auth takes it for none).
func (s *Store) GetVerificationByIdentifier(ctx context.Context, identifier string) (*ba.Verification, error) {
	const op = "get verification by identifier"
	for _, id := range s.storeIdentifier.Candidates(identifier) {
		b, err := s.client.Get(ctx, s.verificationKeyStored(id)).Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			return nil, wrap(op, err)
		}
		v, err := decodeVerification(b)
		if err != nil {
			return nil, malformed(op, "verification value", err.Error())
		}
		return v, nil
	}
	return nil, newError(op, ba.ErrNotFound, "no verification value with this identifier")
}

// ConsumeVerification reads and deletes the value stored under identifier
// in one atomic step (GETDEL, or a Lua script where Redis lacks it, as
// @better-auth/redis-storage's getAndDelete does), so that of two servers
// presenting one reset token only one gets it. As in Better Auth's
// consumeVerificationValue, the stored form is tried first, then the plain
// identifier when Options.StoreIdentifier hashes it; once one is consumed
// the other key is deleted too. ErrNotFound when there is none, or when it
// has expired (it is deleted all the same). A malformed value is deleted
// and reported as ErrMalformed.
func (s *Store) ConsumeVerification(ctx context.Context, identifier string) (*ba.Verification, error) {
	const op = "consume verification"
	candidates := s.storeIdentifier.Candidates(identifier)
	for i, id := range candidates {
		b, err := s.getAndDelete(ctx, s.verificationKeyStored(id))
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			return nil, wrap(op, err)
		}
		for j, other := range candidates {
			if j != i {
				if err := s.client.Del(ctx, s.verificationKeyStored(other)).Err(); err != nil {
					return nil, wrap(op, err)
				}
			}
		}
		v, err := decodeVerification(b)
		if err != nil {
			return nil, malformed(op, "verification value", err.Error())
		}
		if v.IsExpired(s.now()) {
			return nil, newError(op, ba.ErrNotFound, "the verification value has expired")
		}
		return v, nil
	}
	return nil, newError(op, ba.ErrNotFound, "no verification value with this identifier")
}

// getAndDeleteScript is GETDEL for Redis before 6.2.
var getAndDeleteScript = goredis.NewScript(`
local value = redis.call("GET", KEYS[1])
if value ~= false then
  redis.call("DEL", KEYS[1])
end
return value
`)

// getAndDelete is @better-auth/redis-storage's getAndDelete: GETDEL, and
// the script once the server says it does not know GETDEL. goredis.Nil
// when there is no such key.
func (s *Store) getAndDelete(ctx context.Context, key string) ([]byte, error) {
	if !s.noGetDel.Load() {
		b, err := s.client.GetDel(ctx, key).Bytes()
		if err == nil || !isUnknownCommand(err) {
			return b, err
		}
		s.noGetDel.Store(true)
	}
	v, err := getAndDeleteScript.Run(ctx, s.client, []string{key}).Text()
	return []byte(v), err
}

func isUnknownCommand(err error) bool {
	var redisErr goredis.Error
	return errors.As(err, &redisErr) && strings.Contains(strings.ToLower(err.Error()), "unknown command")
}

// DeleteVerificationsByIdentifier deletes the value stored under
// identifier (its stored form only, as Better Auth's
// deleteVerificationByIdentifier) and returns how many there were: 0 or 1.
func (s *Store) DeleteVerificationsByIdentifier(ctx context.Context, identifier string) (int64, error) {
	n, err := s.client.Del(ctx, s.VerificationKey(identifier)).Result()
	if err != nil {
		return 0, wrap("delete verifications by identifier", err)
	}
	return n, nil
}
