package dburl

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/mysql"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// Forms lists the accepted URL forms, for messages.
const Forms = "postgres://USER:PASSWORD@HOST:5432/DATABASE, mysql://USER:PASSWORD@HOST:3306/DATABASE, sqlite:PATH or file:PATH"

// URL is a parsed database URL. Print it freely: its String method is
// Redacted.
type URL struct {
	// Kind is the database: sqlstore.Postgres, sqlstore.MySQL or
	// sqlstore.SQLite, as the store built on it reports with Kind().
	Kind sqlstore.Kind
	// DSN is what the store package's Open takes (postgres.Open,
	// mysql.Open, sqlite.Open): the postgres:// or mysql:// URL as given,
	// password included, or the SQLite file path.
	DSN string
	// Redacted is the URL with its password (in the user part or a
	// password query parameter) replaced by ***, for messages.
	Redacted string
}

// String returns the redacted URL, so that printing a URL with %v never
// shows its password.
func (u URL) String() string { return u.Redacted }

// parseError is a malformed URL. Its message is built only from fixed text,
// never from the input, so it cannot leak a password.
type parseError struct{ problem string }

func (e *parseError) Error() string {
	return "invalid database URL: " + e.problem + " (expected " + Forms + ")"
}

// Is makes every parse error match betterauth.ErrInvalid.
func (e *parseError) Is(target error) bool { return target == ba.ErrInvalid }

func invalid(problem string) error { return &parseError{problem: problem} }

// Parse recognises a database URL (see the package documentation for the
// forms). Errors are one line, name the problem and the expected forms, and
// never contain the URL's password; they match betterauth.ErrInvalid.
func Parse(raw string) (URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return URL{}, invalid("empty")
	}
	scheme, _, ok := strings.Cut(raw, ":")
	if !ok || !validScheme(scheme) {
		return URL{}, invalid("no scheme; a SQLite file is written sqlite:PATH")
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return parseServer(sqlstore.Postgres, raw)
	case "mysql":
		return parseServer(sqlstore.MySQL, raw)
	case "sqlite", "file":
		return parseSQLite(raw[len(scheme)+1:], raw)
	case "mariadb":
		return URL{}, invalid("scheme mariadb is not supported; for MariaDB use mysql://")
	case "sqlite3":
		return URL{}, invalid("scheme sqlite3 is not supported; use sqlite:PATH")
	}
	// A scheme is letters, digits, "+", "-" and "."; it is never the
	// password (which comes after "//" and the user name), so naming it is
	// safe and helps spot a typo.
	return URL{}, invalid("unsupported scheme " + strconv.Quote(scheme))
}

// validScheme is RFC 3986's scheme syntax, bounded in length.
func validScheme(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// passwordParams are query parameters that carry a secret (pgx reads
// password and sslpassword from the URL).
func isPasswordParam(key string) bool {
	switch strings.ToLower(key) {
	case "password", "sslpassword", "pass", "passwd":
		return true
	}
	return false
}

func parseServer(kind sqlstore.Kind, raw string) (URL, error) {
	name := "PostgreSQL"
	if kind == sqlstore.MySQL {
		name = "MySQL"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return URL{}, invalid(name + " URL: " + describeURLError(err))
	}
	switch {
	case u.Opaque != "" || !strings.HasPrefix(raw[len(u.Scheme)+1:], "//"):
		return URL{}, invalid(name + " URL: missing // after the scheme")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return URL{}, invalid(name + " URL: unexpected # (percent-encode # in a password as %23)")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return URL{}, invalid(name + " URL: port out of range")
		}
	}
	db := strings.TrimPrefix(u.Path, "/")
	if strings.Contains(db, "/") {
		return URL{}, invalid(name + " URL: the database name contains / (the path must be /DATABASE)")
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return URL{}, invalid(name + " URL: malformed query string")
	}
	if kind == sqlstore.MySQL {
		if u.Hostname() == "" {
			return URL{}, invalid("MySQL URL: missing host")
		}
		if db == "" {
			return URL{}, invalid("MySQL URL: missing database name")
		}
		for key := range query {
			if key != "tls" && key != "charset" {
				return URL{}, invalid("MySQL URL: unsupported query parameter (only tls and charset are accepted)")
			}
		}
		// The store's own parser has the last word; its messages may quote
		// parts of the URL, so only the fact of failure is passed on.
		if _, err := mysql.ParseURL(raw); err != nil {
			return URL{}, invalid("MySQL URL: not accepted by the MySQL driver")
		}
	}
	return URL{Kind: kind, DSN: raw, Redacted: redact(u)}, nil
}

// describeURLError names what net/url rejected without quoting its message,
// which contains the whole URL (and so the password).
func describeURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var escape url.EscapeError
	var host url.InvalidHostError
	msg := err.Error()
	switch {
	case errors.As(err, &escape):
		return "bad percent-encoding (% must be followed by two hex digits; write % in a password as %25)"
	case errors.As(err, &host):
		return "invalid character in the host"
	case strings.Contains(msg, "invalid port"):
		return "invalid port (if the password contains @ : / ? or #, percent-encode them)"
	case strings.Contains(msg, "invalid userinfo"):
		return "invalid character in the user name or password (percent-encode it)"
	case strings.Contains(msg, "control character"):
		return "contains a control character"
	case strings.Contains(msg, "missing ']'"):
		return "unclosed [ in an IPv6 host"
	}
	return "not a valid URL"
}

// redact rebuilds u for display with secrets replaced by ***.
func redact(u *url.URL) string {
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(url.User(u.User.Username()).String())
		if _, ok := u.User.Password(); ok {
			b.WriteString(":***")
		}
		b.WriteByte('@')
	}
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, part := range parts {
			key, _, _ := strings.Cut(part, "=")
			if k, err := url.QueryUnescape(key); err == nil && isPasswordParam(k) {
				parts[i] = key + "=***"
			}
		}
		b.WriteByte('?')
		b.WriteString(strings.Join(parts, "&"))
	}
	return b.String()
}

// parseSQLite reads the part after "sqlite:" or "file:".
func parseSQLite(rest, raw string) (URL, error) {
	path := rest
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		host, tail, _ := strings.Cut(after, "/")
		if host != "" {
			return URL{}, invalid("SQLite URL with a host; write sqlite:RELATIVE/PATH or sqlite:///ABSOLUTE/PATH")
		}
		path = "/" + tail
	}
	if strings.ContainsAny(path, "?#") {
		return URL{}, invalid("SQLite URL with ? or #: query parameters are not supported (percent-encode ? and # in a file name as %3F and %23)")
	}
	path, err := url.PathUnescape(path)
	if err != nil {
		return URL{}, invalid("SQLite URL: bad percent-encoding (write % in a file name as %25)")
	}
	// SQLite reads "file://x" as a URI with authority x, so a path
	// starting with "//" (from sqlite:////x) would not open; it is the
	// same file as "/x".
	if strings.HasPrefix(path, "//") {
		path = "/" + strings.TrimLeft(path, "/")
	}
	switch {
	case path == "" || path == "/":
		return URL{}, invalid("SQLite URL without a file path")
	case strings.ContainsRune(path, 0):
		return URL{}, invalid("SQLite path contains a NUL byte")
	case path == ":memory:" || strings.HasPrefix(path, "file::memory:"):
		return URL{}, invalid("in-memory SQLite database: it would vanish when the command exits; give a file path")
	}
	return URL{Kind: sqlstore.SQLite, DSN: path, Redacted: raw}, nil
}

// secrets returns the passwords in a server URL, for scrubbing messages from
// the store packages.
func (u URL) secrets() []string {
	if u.Kind == sqlstore.SQLite {
		return nil
	}
	parsed, err := url.Parse(u.DSN)
	if err != nil {
		return nil
	}
	var out []string
	if parsed.User != nil {
		if p, ok := parsed.User.Password(); ok && p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	for key, values := range parsed.Query() {
		if isPasswordParam(key) {
			for _, v := range values {
				if v != "" {
					out = append(out, v, url.QueryEscape(v))
				}
			}
		}
	}
	return out
}
