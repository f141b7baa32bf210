// Package sessionorder carries, from the redis package to the root
// package, the key order of a session object read from Better Auth's
// secondaryStorage: Better Auth answers such a session with the stored
// object's keys in their stored order (filterOutputFields keeps the
// object as it is, less returned:false fields), not in schema order with
// every field present, as it does for a database row.
package sessionorder

// Set records keys as the output order of sess, a *betterauth.Session.
// The root package sets it at init.
var Set func(sess any, keys []string)
