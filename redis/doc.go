// Package redis reads and writes Better Auth sessions kept in Redis as
// secondary storage (Better Auth's secondaryStorage option, usually through
// @better-auth/redis-storage), byte-compatible with better-auth 1.7.25, so a
// Go service can verify, create, refresh and revoke the sessions of a
// TypeScript app that runs Better Auth.
//
// With secondary storage, Better Auth keeps sessions and verification
// values (reset-password tokens, OTPs) only in Redis — its getAuthTables
// then has neither a session nor a verification table — under these keys,
// each after the prefix ("better-auth:" by default):
//
//	<token>                            {"session":{…},"user":{…}}       TTL floor((expiresAt − now)/1000) s
//	active-sessions-<userId>           [{"token":"…","expiresAt":<ms>}] sorted by expiresAt, TTL until the last one
//	revoked-sessions-before-<userId>   <epoch ms> as digits (1.7.16+)  sessions created earlier are revoked
//	verification:<identifier>          {"createdAt","updatedAt","value","identifier","expiresAt"}  TTL until expiresAt
//
// A password reset is verification:reset-password:<token>, its value the
// user id, 3600 s. With verification.storeIdentifier "hashed" the key holds
// base64url(SHA-256(identifier)) instead (Options.StoreIdentifier; a custom
// hash function cannot be mirrored). ConsumeVerification reads and deletes
// in one step (GETDEL, or a Lua script before Redis 6.2), so two servers
// presented one token cannot both use it.
//
// Entries Go writes are byte for byte the ones Better Auth writes for the
// same values (CreateSession, RefreshSession and UserChanged are checked
// against the real Better Auth), given Options.Schema for plugins and
// custom user fields.
//
// A Store implements betterauth.SessionStore, so it plugs into a
// betterauth.Verifier, and betterauth.SessionRefresher for sliding
// sessions. It also creates sessions (CreateSession), extends them
// (RefreshSession), ends one (DeleteSessionByToken) or all of a user's
// (RevokeUserSessions), lists them (ListUserSessions) and refreshes the
// user copy inside them after a user changes (UserChanged): a *Store is a
// betterauth.SessionBackend.
//
// A Store is also a verification store (CreateVerification,
// GetVerificationByIdentifier, ConsumeVerification,
// DeleteVerificationsByIdentifier, with the SQL store's meaning), which is
// what `betterauth serve --secondary-storage` uses for reset-password.
//
// With session.storeSessionInDatabase, Better Auth writes sessions to both
// Redis and the session table and, on a Redis miss, reads the table —
// unless session.preserveSessionInDatabase, which keeps the rows of ended
// sessions (expired) and never reads them. DualBackend does exactly that
// over a Store and a SQL store; DualVerifications is the same for
// verification.storeInDatabase.
//
// What it is not: it stores no users or accounts (those live in the SQL
// database; see the postgres, mysql and sqlite packages), a Store alone
// never falls back to the database on a miss (DualBackend does), and it
// does not read Better Auth's rate-limit keys. Only the
// @better-auth/redis-storage key layout is supported: a plain
// prefix + key string per value.
//
// Multi-key updates: Better Auth updates the list with an unguarded
// read-modify-write (GET, then SET), so two of its processes signing the
// same user in at once can drop a reference. This package updates each key
// in a WATCH/MULTI transaction of its own (one key per transaction keeps it
// valid on Redis Cluster), so its own writers never lose one, but a Better
// Auth write racing a Go write still can. A session missing from the list
// is not shown by list-sessions and its entry is not deleted by
// revoke-sessions; since 1.7.16 the revoked-sessions-before marker still
// refuses it. The marker has millisecond resolution and compares
// createdAt < marker, so a session created in the very millisecond of a
// revocation survives it, in Better Auth as here.
//
// Reads: on a single-node client a session and its user's marker are read
// in one round trip (a Lua script), and concurrent lookups share one call.
// For reads with no round trip at all, give New a client with go-redis
// client-side caching (RESP3, Redis 6+; the go-redis API is marked
// experimental):
//
//	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379", Protocol: 3,
//		ClientSideCacheConfig: &goredis.ClientSideCacheConfig{MaxEntries: 20000, MaxStaleness: 30 * time.Second}})
//
// The Store then reads with plain GET/MGET, which the client answers from
// memory once it has seen the keys. Redis tracks the keys each connection
// read and pushes an invalidation when anyone — Better Auth, another
// instance — changes or deletes one, so a sign-out, revoke-sessions or
// update-user elsewhere reaches this process within milliseconds (go-redis
// applies pending invalidations every DrainInterval, 5 ms by default; each
// tick costs some CPU even when idle); MaxStaleness bounds how old a
// copy can ever be should an invalidation be lost. This instance's own
// DeleteSessionByToken and RevokeUserSessions apply to its next lookup at once.
// The cost: Redis keeps a tracking table of the keys read (see
// tracking-table-max-keys), and every cached entry is held in memory.
//
// The smallest use, verifying Better Auth's session cookie against Redis:
//
//	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:6379"})
//	store, err := redis.New(rdb, redis.Options{})
//	v, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: store})
package redis
