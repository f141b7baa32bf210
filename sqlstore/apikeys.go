package sqlstore

import (
	"context"
	"fmt"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// APIKeyStore reads the apiKey plugin's apikey table and applies the
// guarded usage updates its verification performs. Build it once with
// Store.APIKeys and keep it: all of its SQL is built there.
//
// Each usage method is one UPDATE whose WHERE clause carries the guard
// Better Auth's own incrementOne uses, so concurrent verifications (from Go
// or from Better Auth) never push remaining below zero or requestCount past
// the limit. They return the row as it is after the update, and ErrNotFound
// when no row has the id or the guard no longer holds.
type APIKeyStore struct {
	s *Store
	c *codec[ba.APIKey]
	q apiKeyQueries
}

type apiKeyQueries struct {
	insert, byHash, byID, byReference, deleteByID string

	refillFromNull, refill, decrement string
	increment, startFromNull, restart string
	setLastRequest, touch             string
}

var errNoAPIKeyPlugin = fmt.Errorf("%w: the apiKey plugin is not in the schema", ba.ErrInvalid)

// APIKeys returns the store of the apiKey plugin's table. It fails with
// betterauth.ErrInvalid when the schema lacks the plugin. Custom columns
// added to the table are left alone.
func (s *Store) APIKeys() (*APIKeyStore, error) {
	t := s.schema.Table(ba.ModelAPIKey)
	if t == nil {
		return nil, s.wrap("api keys", errNoAPIKeyPlugin)
	}
	own := *t
	own.Fields = nil
	for _, f := range t.Fields {
		if _, ok := apiKeyAccessor(f.Name); ok {
			own.Fields = append(own.Fields, f)
		}
	}
	c, err := newCodec[ba.APIKey](s.kind, &own, apiKeyAccessor, nil)
	if err != nil {
		return nil, s.wrap("api keys", err)
	}
	for _, name := range []string{"id", "key", "referenceId", "remaining", "lastRefillAt", "requestCount", "lastRequest", "updatedAt", "createdAt"} {
		if !c.has(name) {
			return nil, s.wrap("api keys", fmt.Errorf("%w: apikey table lacks %s", ba.ErrInvalid, name))
		}
	}
	return &APIKeyStore{s: s, c: c, q: buildAPIKeyQueries(s.kind, c)}, nil
}

func buildAPIKeyQueries(k Kind, c *codec[ba.APIKey]) apiKeyQueries {
	p := k.Placeholder
	var q apiKeyQueries
	q.insert = c.insertSQL()
	sel := "SELECT " + c.selectList("") + " FROM " + c.name + " WHERE "
	q.byHash = sel + c.col("key") + " = " + p(1)
	q.byID = sel + c.col("id") + " = " + p(1)
	q.byReference = sel + c.col("referenceId") + " = " + p(1) + " ORDER BY " + c.col("createdAt") + ", " + c.col("id")
	q.deleteByID = "DELETE FROM " + c.name + " WHERE " + c.col("id") + " = " + p(1)

	upd := "UPDATE " + c.name + " SET "
	id, remaining, lastRefillAt := c.col("id"), c.col("remaining"), c.col("lastRefillAt")
	requestCount, lastRequest := c.col("requestCount"), c.col("lastRequest")
	// Refill: compare-and-swap on the lastRefillAt that was read, so that
	// of several concurrent verifications exactly one refills.
	q.refillFromNull = upd + remaining + " = " + p(1) + ", " + lastRefillAt + " = " + p(2) +
		" WHERE " + id + " = " + p(3) + " AND " + lastRefillAt + " IS NULL"
	q.refill = upd + remaining + " = " + p(1) + ", " + lastRefillAt + " = " + p(2) +
		" WHERE " + id + " = " + p(3) + " AND " + lastRefillAt + " = " + p(4)
	q.decrement = upd + remaining + " = " + remaining + " - 1 WHERE " + id + " = " + p(1) + " AND " + remaining + " > 0"
	// A NULL requestCount counts as 0 (Better Auth's default), so that
	// such a row cannot make the guard fail for ever.
	q.increment = upd + requestCount + " = COALESCE(" + requestCount + ", 0) + 1, " + lastRequest + " = " + p(1) +
		" WHERE " + id + " = " + p(2) + " AND " + lastRequest + " > " + p(3) + " AND COALESCE(" + requestCount + ", 0) < " + p(4)
	q.startFromNull = upd + requestCount + " = 1, " + lastRequest + " = " + p(1) +
		" WHERE " + id + " = " + p(2) + " AND " + lastRequest + " IS NULL"
	q.restart = upd + requestCount + " = 1, " + lastRequest + " = " + p(1) +
		" WHERE " + id + " = " + p(2) + " AND " + lastRequest + " <= " + p(3)
	q.setLastRequest = upd + lastRequest + " = " + p(1) + " WHERE " + id + " = " + p(2)
	q.touch = upd + c.col("updatedAt") + " = " + p(1) + " WHERE " + id + " = " + p(2)
	// PostgreSQL and SQLite return the updated row from the UPDATE itself;
	// MySQL has no UPDATE … RETURNING, so update reads it back in the same
	// transaction.
	if k != MySQL {
		returning := " RETURNING " + c.selectList("")
		for _, stmt := range []*string{&q.refillFromNull, &q.refill, &q.decrement, &q.increment, &q.startFromNull, &q.restart, &q.setLastRequest, &q.touch} {
			*stmt += returning
		}
	}
	return q
}

// CreateAPIKey inserts k as it is, filling in what Better Auth's create
// route always writes when k lacks it: an id, configId "default",
// createdAt/updatedAt now, enabled and rateLimitEnabled true, requestCount
// 0. Key must already be the stored form (the hash).
func (a *APIKeyStore) CreateAPIKey(ctx context.Context, k *ba.APIKey) error {
	if k.ID == "" {
		k.ID = ba.GenerateID()
	}
	if k.ConfigID == "" {
		k.ConfigID = "default"
	}
	now := a.s.nowUTC()
	if k.CreatedAt.IsZero() {
		k.CreatedAt = now
	}
	if k.UpdatedAt.IsZero() {
		k.UpdatedAt = k.CreatedAt
	}
	if k.Enabled == nil {
		enabled := true
		k.Enabled = &enabled
	}
	if k.RateLimitEnabled == nil {
		rateLimited := true
		k.RateLimitEnabled = &rateLimited
	}
	if k.RequestCount == nil {
		var zero int64
		k.RequestCount = &zero
	}
	return insert(ctx, a.s, a.c, "create api key", a.q.insert, k)
}

// GetAPIKeyByHash returns the key whose stored key column equals
// hashedKey (the hash, or the plaintext key with disableKeyHashing).
func (a *APIKeyStore) GetAPIKeyByHash(ctx context.Context, hashedKey string) (*ba.APIKey, error) {
	return getOne(ctx, a.s, a.c, "get api key", a.q.byHash, hashedKey)
}

// GetAPIKey returns the key with this id.
func (a *APIKeyStore) GetAPIKey(ctx context.Context, id string) (*ba.APIKey, error) {
	return getOne(ctx, a.s, a.c, "get api key by id", a.q.byID, id)
}

// ListAPIKeys returns the keys of an owner (a user or organization id),
// oldest first.
func (a *APIKeyStore) ListAPIKeys(ctx context.Context, referenceID string) ([]ba.APIKey, error) {
	return getMany(ctx, a.s, a.c, "list api keys", a.q.byReference, referenceID)
}

// DeleteAPIKey deletes the key with this id; ErrNotFound when there is none.
func (a *APIKeyStore) DeleteAPIKey(ctx context.Context, id string) error {
	return a.s.execExpectOne(ctx, "delete api key", a.c.table.Name, a.q.deleteByID, id)
}

// RefillAPIKey sets remaining and lastRefillAt = now, provided lastRefillAt
// is still observedLastRefillAt (nil: still NULL).
func (a *APIKeyStore) RefillAPIKey(ctx context.Context, id string, observedLastRefillAt *time.Time, remaining int64, now time.Time) (*ba.APIKey, error) {
	k := a.s.kind
	if observedLastRefillAt == nil {
		return a.update(ctx, "refill api key", true, a.q.refillFromNull, id, remaining, k.Time(now), id)
	}
	return a.update(ctx, "refill api key", true, a.q.refill, id, remaining, k.Time(now), id, k.Time(*observedLastRefillAt))
}

// DecrementAPIKeyRemaining decreases remaining by one, provided it is above
// zero.
func (a *APIKeyStore) DecrementAPIKeyRemaining(ctx context.Context, id string) (*ba.APIKey, error) {
	return a.update(ctx, "decrement api key remaining", true, a.q.decrement, id, id)
}

// IncrementAPIKeyRequestCount counts one more request in the current
// rate-limit window and sets lastRequest = now, provided the window is still
// open (lastRequest after windowStart) and requestCount is below max.
func (a *APIKeyStore) IncrementAPIKeyRequestCount(ctx context.Context, id string, windowStart time.Time, max int64, now time.Time) (*ba.APIKey, error) {
	k := a.s.kind
	return a.update(ctx, "count api key request", true, a.q.increment, id, k.Time(now), id, k.Time(windowStart), max)
}

// StartAPIKeyRateLimitWindow sets requestCount = 1 and lastRequest = now,
// provided lastRequest is still NULL (windowStart nil: the first request) or
// at or before *windowStart (the previous window is over).
func (a *APIKeyStore) StartAPIKeyRateLimitWindow(ctx context.Context, id string, windowStart *time.Time, now time.Time) (*ba.APIKey, error) {
	k := a.s.kind
	if windowStart == nil {
		return a.update(ctx, "start api key rate limit window", true, a.q.startFromNull, id, k.Time(now), id)
	}
	return a.update(ctx, "start api key rate limit window", true, a.q.restart, id, k.Time(now), id, k.Time(*windowStart))
}

// SetAPIKeyLastRequest sets lastRequest = now (what Better Auth records for
// a key whose rate limit is off).
func (a *APIKeyStore) SetAPIKeyLastRequest(ctx context.Context, id string, now time.Time) (*ba.APIKey, error) {
	return a.update(ctx, "set api key last request", false, a.q.setLastRequest, id, a.s.kind.Time(now), id)
}

// TouchAPIKey sets updatedAt = now, the last write of every successful
// verification.
func (a *APIKeyStore) TouchAPIKey(ctx context.Context, id string, now time.Time) (*ba.APIKey, error) {
	return a.update(ctx, "touch api key", false, a.q.touch, id, a.s.kind.Time(now), id)
}

// update runs one UPDATE of the row with this id and returns the row as it
// is afterwards. guarded says whether "no row affected" means the guard
// failed: each guarded statement changes a value of the row it hits, so
// MySQL's changed-rows count is reliable for them, while an unguarded one
// may write the value the row already holds.
func (a *APIKeyStore) update(ctx context.Context, op string, guarded bool, q, id string, args ...any) (*ba.APIKey, error) {
	if a.s.kind != MySQL {
		return getOne(ctx, a.s, a.c, op, q, args...)
	}
	var out *ba.APIKey
	err := a.s.drv.DB.InTx(ctx, func(db DB) error {
		n, err := db.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if guarded && n == 0 {
			return ba.ErrNotFound
		}
		tx := *a.s
		tx.drv.DB = db
		var m ba.APIKey
		if err := tx.queryOne(ctx, a.q.byID, []any{id}, a.c.targets(&m)); err != nil {
			return err
		}
		out = &m
		return nil
	})
	if err != nil {
		return nil, a.s.wrap(op, err)
	}
	return out, nil
}

// apiKeyNullInt maps a nullable number column (counts and milliseconds).
func apiKeyNullInt(p func(*ba.APIKey) **int64) accessor[ba.APIKey] {
	return accessor[ba.APIKey]{
		get: func(_ Kind, m *ba.APIKey) (any, error) {
			if v := *p(m); v != nil {
				return *v, nil
			}
			return nil, nil
		},
		scan: func(m *ba.APIKey) any { return nullInt64Scanner{p(m)} },
	}
}

func apiKeyAccessor(name string) (accessor[ba.APIKey], bool) {
	switch name {
	case "id":
		return str(func(k *ba.APIKey) *string { return &k.ID }), true
	case "configId":
		return str(func(k *ba.APIKey) *string { return &k.ConfigID }), true
	case "name":
		return nullStr(func(k *ba.APIKey) **string { return &k.Name }), true
	case "start":
		return nullStr(func(k *ba.APIKey) **string { return &k.Start }), true
	case "referenceId":
		return str(func(k *ba.APIKey) *string { return &k.ReferenceID }), true
	case "prefix":
		return nullStr(func(k *ba.APIKey) **string { return &k.Prefix }), true
	case "key":
		return str(func(k *ba.APIKey) *string { return &k.Key }), true
	case "refillInterval":
		return apiKeyNullInt(func(k *ba.APIKey) **int64 { return &k.RefillInterval }), true
	case "refillAmount":
		return apiKeyNullInt(func(k *ba.APIKey) **int64 { return &k.RefillAmount }), true
	case "lastRefillAt":
		return nullDate(func(k *ba.APIKey) **time.Time { return &k.LastRefillAt }), true
	case "enabled":
		return nullBool(func(k *ba.APIKey) **bool { return &k.Enabled }), true
	case "rateLimitEnabled":
		return nullBool(func(k *ba.APIKey) **bool { return &k.RateLimitEnabled }), true
	case "rateLimitTimeWindow":
		return apiKeyNullInt(func(k *ba.APIKey) **int64 { return &k.RateLimitTimeWindow }), true
	case "rateLimitMax":
		return apiKeyNullInt(func(k *ba.APIKey) **int64 { return &k.RateLimitMax }), true
	case "requestCount":
		return apiKeyNullInt(func(k *ba.APIKey) **int64 { return &k.RequestCount }), true
	case "remaining":
		return apiKeyNullInt(func(k *ba.APIKey) **int64 { return &k.Remaining }), true
	case "lastRequest":
		return nullDate(func(k *ba.APIKey) **time.Time { return &k.LastRequest }), true
	case "expiresAt":
		return nullDate(func(k *ba.APIKey) **time.Time { return &k.ExpiresAt }), true
	case "createdAt":
		return date(func(k *ba.APIKey) *time.Time { return &k.CreatedAt }), true
	case "updatedAt":
		return date(func(k *ba.APIKey) *time.Time { return &k.UpdatedAt }), true
	case "permissions":
		return nullStr(func(k *ba.APIKey) **string { return &k.Permissions }), true
	case "metadata":
		return nullStr(func(k *ba.APIKey) **string { return &k.Metadata }), true
	}
	return accessor[ba.APIKey]{}, false
}
