// Package betterauth is the Go side of Better Auth (https://better-auth.com):
// typed models of Better Auth's tables, its schema (with renames, plural
// tables, plugin tables and custom user fields), password hashing, ids and
// session tokens, and the signed session cookie — all byte-compatible with
// better-auth 1.7.25, so a Go service can share a database and sessions with a
// TypeScript app that runs Better Auth.
//
// This package has no database code. The stores live in one package per
// database with the same API: [github.com/betterauth-go/betterauth/postgres],
// [github.com/betterauth-go/betterauth/mysql] and
// [github.com/betterauth-go/betterauth/sqlite].
//
// The smallest use, hashing a password the way Better Auth does:
//
//	hash, err := betterauth.HashPassword("correct horse battery staple")
//	ok, err := betterauth.VerifyPassword(hash, "correct horse battery staple")
package betterauth
