package server

import "net/http"

// writeBareUnauthorized answers Better Auth's body-less
// APIError("UNAUTHORIZED") (fromStatus, ctx.error without a message):
// better-call's toResponse gives an error without a body an empty body
// but still Content-Type: application/json.
func writeBareUnauthorized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
}
