package sqlstore

import "strings"

// queries holds every fixed statement, built once in New from the schema.
type queries struct {
	userInsert, userByID, userByEmail, userByUsername, userDelete string

	sessionInsert, sessionByID, sessionByToken, sessionAndUserByToken string
	sessionsAndUsersByTokens                                          string         // PostgreSQL: = ANY($1)
	sessionsAndUsersByTokenList                                       map[int]string // MySQL: IN (…) by size
	sessionsActiveByUser, sessionDeleteByID, sessionDeleteByToken     string
	sessionsDeleteByUser                                              string
	sessionsByUser                                                    string // expired ones too, in the table's order
	sessionExpireByToken, sessionsExpireByUser                        string
	sessionsDeleteExpired                                             expiredCleanup

	accountInsert, accountByID, accountsByUser, accountByProvider string
	accountDelete, accountsDeleteByUser, credentialAccount        string

	verificationInsert, verificationByID, verificationByIdentifier string
	verificationDelete, verificationDeleteByIdentifier             string
	verificationsDeleteExpired                                     expiredCleanup

	organizationInsert, organizationByID, organizationBySlug string
	memberInsert, memberByOrgAndUser, membersByUser          string
	organizationsByUser, membersWithUsersByOrganization      string
	invitationInsert, invitationByID, invitationsByOrg       string
	invitationsPendingByOrg                                  string
	teamInsert, teamByID, teamsByOrg, teamsByUser            string
	teamMemberInsert, teamMembersByTeam, teamMemberCountSync string
	teamMemberCountIncrement                                 string
	orgRoleInsert, orgRolesByOrg, orgRoleByOrgAndName        string
	jwksInsert, jwksAll, jwksAsStored                        string
}

func buildQueries(s *Store) queries {
	k := s.kind
	p := k.Placeholder
	var q queries

	u := s.user
	q.userInsert = u.insertSQL()
	q.userByID = "SELECT " + u.selectList("") + " FROM " + u.name + " WHERE " + u.col("id") + " = " + p(1)
	q.userByEmail = "SELECT " + u.selectList("") + " FROM " + u.name + " WHERE " + u.col("email") + " = " + p(1)
	if u.has("username") {
		q.userByUsername = "SELECT " + u.selectList("") + " FROM " + u.name + " WHERE " + u.col("username") + " = " + p(1)
	}
	q.userDelete = "DELETE FROM " + u.name + " WHERE " + u.col("id") + " = " + p(1)

	ss := s.session
	q.sessionInsert = ss.insertSQL()
	q.sessionByID = "SELECT " + ss.selectList("") + " FROM " + ss.name + " WHERE " + ss.col("id") + " = " + p(1)
	q.sessionByToken = "SELECT " + ss.selectList("") + " FROM " + ss.name + " WHERE " + ss.col("token") + " = " + p(1)
	// The hot path of every verified request: one indexed lookup on the
	// unique token joined to the user's primary key.
	q.sessionAndUserByToken = "SELECT " + ss.selectList("s") + ", " + u.selectList("u") +
		" FROM " + ss.name + " s JOIN " + u.name + " u ON u." + u.col("id") + " = s." + ss.col("userId") +
		" WHERE s." + ss.col("token") + " = " + p(1)
	q.sessionsAndUsersByTokens, q.sessionsAndUsersByTokenList = batchedLookupQueries(k, q.sessionAndUserByToken)
	q.sessionsActiveByUser = "SELECT " + ss.selectList("") + " FROM " + ss.name + " WHERE " + ss.col("userId") + " = " + p(1) +
		" AND " + ss.col("expiresAt") + " > " + p(2) + " ORDER BY " + ss.col("createdAt") + " DESC"
	q.sessionsByUser = "SELECT " + ss.selectList("") + " FROM " + ss.name + " WHERE " + ss.col("userId") + " = " + p(1)
	q.sessionDeleteByID = "DELETE FROM " + ss.name + " WHERE " + ss.col("id") + " = " + p(1)
	q.sessionDeleteByToken = "DELETE FROM " + ss.name + " WHERE " + ss.col("token") + " = " + p(1)
	q.sessionsDeleteByUser = "DELETE FROM " + ss.name + " WHERE " + ss.col("userId") + " = " + p(1)
	q.sessionsDeleteExpired = batchedCleanup(k, ss.name, ss.col("id"), ss.col("expiresAt"), s.batchSize)
	// Better Auth's endPreservedSessions: updateMany({expiresAt: now}) on
	// the live rows, updatedAt following by its onUpdate.
	expire := "UPDATE " + ss.name + " SET " + ss.col("expiresAt") + " = " + p(1) + ", " + ss.col("updatedAt") + " = " + p(2) + " WHERE "
	live := " AND " + ss.col("expiresAt") + " > " + p(4)
	q.sessionExpireByToken = expire + ss.col("token") + " = " + p(3) + live
	q.sessionsExpireByUser = expire + ss.col("userId") + " = " + p(3) + live

	a := s.account
	q.accountInsert = a.insertSQL()
	q.accountByID = "SELECT " + a.selectList("") + " FROM " + a.name + " WHERE " + a.col("id") + " = " + p(1)
	q.accountsByUser = "SELECT " + a.selectList("") + " FROM " + a.name + " WHERE " + a.col("userId") + " = " + p(1) + " ORDER BY " + a.col("createdAt")
	q.accountByProvider = "SELECT " + a.selectList("") + " FROM " + a.name + " WHERE " + a.col("providerId") + " = " + p(1) + " AND " + a.col("accountId") + " = " + p(2)
	q.credentialAccount = "SELECT " + a.selectList("") + " FROM " + a.name + " WHERE " + a.col("userId") + " = " + p(1) +
		" AND " + a.col("providerId") + " = " + p(2) + " AND " + a.col("accountId") + " = " + p(3)
	q.accountDelete = "DELETE FROM " + a.name + " WHERE " + a.col("id") + " = " + p(1)
	q.accountsDeleteByUser = "DELETE FROM " + a.name + " WHERE " + a.col("userId") + " = " + p(1)

	v := s.verification
	q.verificationInsert = v.insertSQL()
	q.verificationByID = "SELECT " + v.selectList("") + " FROM " + v.name + " WHERE " + v.col("id") + " = " + p(1)
	// Better Auth's findVerificationValue takes the newest row.
	q.verificationByIdentifier = "SELECT " + v.selectList("") + " FROM " + v.name + " WHERE " + v.col("identifier") + " = " + p(1) +
		" ORDER BY " + v.col("createdAt") + " DESC LIMIT 1"
	q.verificationDelete = "DELETE FROM " + v.name + " WHERE " + v.col("id") + " = " + p(1)
	q.verificationDeleteByIdentifier = "DELETE FROM " + v.name + " WHERE " + v.col("identifier") + " = " + p(1)
	q.verificationsDeleteExpired = batchedCleanup(k, v.name, v.col("id"), v.col("expiresAt"), s.batchSize)

	if o := s.organization; o != nil {
		q.organizationInsert = o.insertSQL()
		q.organizationByID = "SELECT " + o.selectList("") + " FROM " + o.name + " WHERE " + o.col("id") + " = " + p(1)
		q.organizationBySlug = "SELECT " + o.selectList("") + " FROM " + o.name + " WHERE " + o.col("slug") + " = " + p(1)
		m := s.member
		q.memberInsert = m.insertSQL()
		q.memberByOrgAndUser = "SELECT " + m.selectList("") + " FROM " + m.name + " WHERE " + m.col("organizationId") + " = " + p(1) + " AND " + m.col("userId") + " = " + p(2)
		q.membersByUser = "SELECT " + m.selectList("") + " FROM " + m.name + " WHERE " + m.col("userId") + " = " + p(1) + " ORDER BY " + m.col("createdAt")
		q.organizationsByUser = "SELECT " + o.selectList("o") + " FROM " + o.name + " o JOIN " + m.name + " m ON m." + m.col("organizationId") + " = o." + o.col("id") +
			" WHERE m." + m.col("userId") + " = " + p(1) + " ORDER BY o." + o.col("createdAt") + ", o." + o.col("id")
		q.membersWithUsersByOrganization = "SELECT " + m.selectList("m") + ", " + u.selectList("u") + " FROM " + m.name + " m JOIN " + u.name + " u ON u." + u.col("id") + " = m." + m.col("userId") +
			" WHERE m." + m.col("organizationId") + " = " + p(1) + " ORDER BY m." + m.col("createdAt") + ", m." + m.col("id")
		i := s.invitation
		q.invitationInsert = i.insertSQL()
		q.invitationByID = "SELECT " + i.selectList("") + " FROM " + i.name + " WHERE " + i.col("id") + " = " + p(1)
		q.invitationsByOrg = "SELECT " + i.selectList("") + " FROM " + i.name + " WHERE " + i.col("organizationId") + " = " + p(1) + " ORDER BY " + i.col("createdAt") + ", " + i.col("id")
		q.invitationsPendingByOrg = "SELECT " + i.selectList("") + " FROM " + i.name + " WHERE " + i.col("organizationId") + " = " + p(1) +
			" AND " + i.col("status") + " = 'pending' AND " + i.col("expiresAt") + " > " + p(2) + " ORDER BY " + i.col("createdAt") + ", " + i.col("id")
	}
	if r := s.orgRole; r != nil {
		q.orgRoleInsert = r.insertSQL()
		q.orgRolesByOrg = "SELECT " + r.selectList("") + " FROM " + r.name + " WHERE " + r.col("organizationId") + " = " + p(1) + " ORDER BY " + r.col("createdAt") + ", " + r.col("id")
		q.orgRoleByOrgAndName = "SELECT " + r.selectList("") + " FROM " + r.name + " WHERE " + r.col("organizationId") + " = " + p(1) + " AND " + r.col("role") + " = " + p(2)
	}
	if t := s.team; t != nil {
		tm := s.teamMember
		q.teamInsert = t.insertSQL()
		q.teamByID = "SELECT " + t.selectList("") + " FROM " + t.name + " WHERE " + t.col("id") + " = " + p(1)
		q.teamsByOrg = "SELECT " + t.selectList("") + " FROM " + t.name + " WHERE " + t.col("organizationId") + " = " + p(1) + " ORDER BY " + t.col("createdAt") + ", " + t.col("id")
		q.teamsByUser = "SELECT " + t.selectList("t") + " FROM " + t.name + " t JOIN " + tm.name + " tm ON tm." + tm.col("teamId") + " = t." + t.col("id") +
			" WHERE tm." + tm.col("userId") + " = " + p(1) + " ORDER BY t." + t.col("createdAt") + ", t." + t.col("id")
		q.teamMemberInsert = tm.insertSQL()
		q.teamMembersByTeam = "SELECT " + tm.selectList("") + " FROM " + tm.name + " WHERE " + tm.col("teamId") + " = " + p(1) + " ORDER BY " + tm.col("createdAt") + ", " + tm.col("id")
		// Better Auth's findOrCreateTeamMember: syncTeamMemberCount raises
		// the counter to the number of rows (never lowers it), and after the
		// insert incrementTeamMemberCount adds one.
		count := "(SELECT COUNT(*) FROM " + tm.name + " WHERE " + tm.col("teamId") + " = " + p(1) + ")"
		q.teamMemberCountSync = "UPDATE " + t.name + " SET " + t.col("memberCount") + " = " + count + " WHERE " + t.col("id") + " = " + p(2) +
			" AND " + t.col("memberCount") + " < " + strings.ReplaceAll(count, p(1), p(3))
		q.teamMemberCountIncrement = "UPDATE " + t.name + " SET " + t.col("memberCount") + " = " + t.col("memberCount") + " + 1 WHERE " + t.col("id") + " = " + p(1)
	}
	if j := s.jwks; j != nil {
		q.jwksInsert = j.insertSQL()
		q.jwksAll = "SELECT " + j.selectList("") + " FROM " + j.name + " ORDER BY " + j.col("createdAt") + " DESC"
		q.jwksAsStored = "SELECT " + j.selectList("") + " FROM " + j.name
	}
	return q
}

// expiredCleanup is the pair of statements of a batched cleanup of expired
// rows (see Store.deleteExpired).
type expiredCleanup struct {
	// scan selects the ids of up to $3 rows with an id after $1 whose date
	// column is before $2, in id order: a plain read that walks the
	// primary key and takes no row locks, however many rows it passes.
	scan string
	// del deletes the rows among those ids that are still expired: by
	// primary key, so it locks exactly the rows it deletes. PostgreSQL
	// takes the ids as one array ($2); the others as batch placeholders
	// ($2…), the list padded with repeats of its last id.
	del string
}

func batchedCleanup(k Kind, table, id, dateCol string, batch int) expiredCleanup {
	p := k.Placeholder
	c := expiredCleanup{
		scan: "SELECT " + id + " FROM " + table + " WHERE " + id + " > " + p(1) + " AND " + dateCol + " < " + p(2) +
			" ORDER BY " + id + " LIMIT " + p(3),
	}
	del := "DELETE FROM " + table + " WHERE " + dateCol + " < " + p(1) + " AND " + id
	if k == Postgres {
		c.del = del + " = ANY(" + p(2) + ")"
		return c
	}
	var b strings.Builder
	b.WriteString(del + " IN (")
	for i := range batch {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p(i + 2))
	}
	b.WriteString(")")
	c.del = b.String()
	return c
}
