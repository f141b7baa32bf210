// Package server is the HTTP backend behind `betterauth serve`: Better
// Auth-compatible /api/auth routes (same paths, bodies, status codes, JSON
// and cookies as Better Auth 1.7, so better-auth/client works against it),
// the application API (/api/me, /api/users, /api/admin), health checks and
// an OpenAPI document.
//
// It shares the database — and the sessions — with a TypeScript app running
// Better Auth, so it refuses whatever Better Auth would refuse (banned
// users, unverified emails when verification is required, users who must
// pass two-factor authentication).
//
// Nothing is kept in process that breaks running several instances behind
// a load balancer: sessions live in the database or Redis, and rate-limit
// state in Redis when configured (in memory otherwise).
package server
