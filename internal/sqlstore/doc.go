// Package sqlstore is the SQL engine behind the postgres, mysql and sqlite
// stores: it builds every statement once from a resolved Better Auth schema,
// encodes values the way Better Auth encodes them for each database, and
// maps driver errors to betterauth's sentinel errors.
//
// It is internal: each public store package adapts its driver to DB and
// embeds *Store, so all three expose the same API.
package sqlstore
