// Package conformance proves, against the real better-auth npm package, that
// this module reads what Better Auth writes and Better Auth accepts what
// this module writes, on PostgreSQL, MySQL/MariaDB and SQLite.
//
// The tests drive Better Auth through internal/batest (a pinned Node
// harness installed on first use with npm ci). They also regenerate the
// golden vectors in testdata/ and fail when Better Auth's output drifts
// from them; set BETTERAUTH_UPDATE_GOLDEN=1 to rewrite them on purpose.
//
// There is no non-test code here.
package conformance
