// Package weburl serialises the origin of an http(s) URL as the WHATWG URL
// standard does — JavaScript's new URL(s).origin — because that is the
// string Better Auth derives from its baseURL and puts in what it signs
// (the jwt plugin's default iss and aud): scheme and host lower-cased, an
// IPv4 host in any of its numeric forms written as a dotted quad, an IPv6
// host compressed, the default port dropped, and the path, query, fragment
// and userinfo left out.
//
// It is not a URL parser: it reads the URL with net/url and refuses what it
// cannot serialise exactly as Node does, such as a host that needs IDNA
// (write its xn-- form).
//
//	origin, err := weburl.Origin("HTTP://LocalHost:3100/") // "http://localhost:3100"
package weburl
