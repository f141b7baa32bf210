package sqlstore

// queries holds every fixed statement, built once in New from the schema.
type queries struct {
	userInsert, userByID, userByEmail, userDelete string

	sessionInsert, sessionByID, sessionByToken, sessionAndUserByToken string
	sessionsActiveByUser, sessionDeleteByID, sessionDeleteByToken     string
	sessionsDeleteByUser, sessionsDeleteExpired                       string

	accountInsert, accountByID, accountsByUser, accountByProvider string
	accountDelete, accountsDeleteByUser, credentialAccount        string

	verificationInsert, verificationByID, verificationByIdentifier string
	verificationDelete, verificationDeleteByIdentifier             string
	verificationsDeleteExpired                                     string

	organizationInsert, organizationByID, organizationBySlug string
	memberInsert, memberByOrgAndUser, membersByUser          string
	jwksInsert, jwksAll                                      string
}

func buildQueries(s *Store) queries {
	k := s.kind
	p := k.Placeholder
	var q queries

	u := s.user
	q.userInsert = u.insertSQL()
	q.userByID = "SELECT " + u.selectList("") + " FROM " + u.name + " WHERE " + u.col("id") + " = " + p(1)
	q.userByEmail = "SELECT " + u.selectList("") + " FROM " + u.name + " WHERE " + u.col("email") + " = " + p(1)
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
	q.sessionsActiveByUser = "SELECT " + ss.selectList("") + " FROM " + ss.name + " WHERE " + ss.col("userId") + " = " + p(1) +
		" AND " + ss.col("expiresAt") + " > " + p(2) + " ORDER BY " + ss.col("createdAt") + " DESC"
	q.sessionDeleteByID = "DELETE FROM " + ss.name + " WHERE " + ss.col("id") + " = " + p(1)
	q.sessionDeleteByToken = "DELETE FROM " + ss.name + " WHERE " + ss.col("token") + " = " + p(1)
	q.sessionsDeleteByUser = "DELETE FROM " + ss.name + " WHERE " + ss.col("userId") + " = " + p(1)
	q.sessionsDeleteExpired = batchedDelete(k, ss.name, ss.col("id"), ss.col("expiresAt"))

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
	q.verificationsDeleteExpired = batchedDelete(k, v.name, v.col("id"), v.col("expiresAt"))

	if o := s.organization; o != nil {
		q.organizationInsert = o.insertSQL()
		q.organizationByID = "SELECT " + o.selectList("") + " FROM " + o.name + " WHERE " + o.col("id") + " = " + p(1)
		q.organizationBySlug = "SELECT " + o.selectList("") + " FROM " + o.name + " WHERE " + o.col("slug") + " = " + p(1)
		m := s.member
		q.memberInsert = m.insertSQL()
		q.memberByOrgAndUser = "SELECT " + m.selectList("") + " FROM " + m.name + " WHERE " + m.col("organizationId") + " = " + p(1) + " AND " + m.col("userId") + " = " + p(2)
		q.membersByUser = "SELECT " + m.selectList("") + " FROM " + m.name + " WHERE " + m.col("userId") + " = " + p(1) + " ORDER BY " + m.col("createdAt")
	}
	if j := s.jwks; j != nil {
		q.jwksInsert = j.insertSQL()
		q.jwksAll = "SELECT " + j.selectList("") + " FROM " + j.name + " ORDER BY " + j.col("createdAt") + " DESC"
	}
	return q
}

// batchedDelete deletes at most $2 rows whose date column is before $1.
// MySQL cannot LIMIT a subquery used with IN, but supports DELETE … LIMIT;
// PostgreSQL has no DELETE … LIMIT, so it selects the ids first.
func batchedDelete(k Kind, table, id, dateCol string) string {
	p := k.Placeholder
	if k == MySQL {
		return "DELETE FROM " + table + " WHERE " + dateCol + " < " + p(1) + " LIMIT " + p(2)
	}
	return "DELETE FROM " + table + " WHERE " + id + " IN (SELECT " + id + " FROM " + table +
		" WHERE " + dateCol + " < " + p(1) + " LIMIT " + p(2) + ")"
}
