// Package sessioncache keeps looked-up sessions in process memory for a
// short, bounded time, in front of any betterauth.SessionStore (a SQL store or
// Redis), so that a hot session costs one database round trip per TTL
// instead of one per request.
//
// It is opt-in and it trades freshness for load: a session revoked
// elsewhere — by another instance, by the TypeScript app's Better Auth, by a
// ban — is still accepted here until its entry's TTL runs out. Revocations
// made through this process's own Backend wrapper (sign-out, revoke, ban,
// refresh, user update) take effect here at once. So with several instances
// behind a load balancer, every instance sees every revocation within TTL,
// and no sooner; choose a TTL you would accept as a sign-out delay (a few
// seconds). That is the same trade-off as Better Auth's cookie cache, with a
// far shorter window and no cookie to steal.
//
// What it is not: a session store (the database stays the source of truth;
// nothing is written here that is not in the store), nor shared between
// processes. Entries are bounded (Options.MaxEntries), expire after TTL, and
// concurrent misses for one token share a single store read.
//
// The smallest use, with a Verifier:
//
//	cached, err := sessioncache.New(store, sessioncache.Options{TTL: 5 * time.Second})
//	verifier, err := betterauth.NewVerifier(betterauth.VerifierConfig{Sessions: cached})
//
// and with the server (every write goes through the wrapper, which
// invalidates what it changes):
//
//	backend, err := sessioncache.WrapBackend(store, sessioncache.Options{TTL: 5 * time.Second})
//	srv, err := server.New(server.Config{Store: store, Sessions: backend, …})
package sessioncache
