package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// DBTX is a *sql.DB, *sql.Conn or *sql.Tx.
type DBTX = sqlstore.StdDBTX

// Options configure a Store (see sqlstore.Options for each field and its
// default).
type Options = sqlstore.Options

// Store reads and writes Better Auth's tables. It is sqlstore.Store, the
// same type for PostgreSQL, MySQL and SQLite, so code that takes a
// *sqlstore.Store works on every database; its methods are documented there.
type Store = sqlstore.Store

// New builds a Store on db; all SQL is built here, once, from the schema.
func New(db DBTX, opts Options) (*Store, error) {
	return sqlstore.NewStd(db, sqlstore.MySQL, classify, opts)
}

// ParseURL turns mysql://user:pass@host:port/db?param=value into a
// go-sql-driver config with the settings Better Auth interop needs: UTC
// session time zone, parseTime, loc=UTC. The error never contains the
// password.
func ParseURL(rawURL string) (*gomysql.Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "mysql" {
		return nil, errors.New("invalid MySQL URL (expected mysql://user:password@host:port/database)")
	}
	if u.Host == "" {
		return nil, errors.New("invalid MySQL URL: missing host (expected mysql://user:password@host:port/database)")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, errors.New("invalid MySQL URL: missing database name (expected mysql://user:password@host:port/database)")
	}
	cfg := gomysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.DBName = db
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	for k, vs := range u.Query() {
		if len(vs) == 0 {
			continue
		}
		switch k {
		case "tls":
			cfg.TLSConfig = vs[0]
		case "charset":
			cfg.Params["charset"] = vs[0]
		default:
			return nil, errors.New("invalid MySQL URL: unsupported query parameter (only tls and charset are accepted)")
		}
	}
	return cfg, nil
}

// Open connects to a mysql:// URL (see ParseURL) and checks it with a ping.
func Open(ctx context.Context, rawURL string) (*sql.DB, error) {
	cfg, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	conn, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("invalid MySQL URL: %s", strings.ReplaceAll(err.Error(), cfg.Passwd, "***"))
	}
	db := sql.OpenDB(conn)
	db.SetConnMaxLifetime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		_, msg := classify(err)
		return nil, sqlstore.Unavailable(fmt.Sprintf("connect to MySQL at %s/%s", cfg.Addr, cfg.DBName), msg)
	}
	return db, nil
}

func classify(err error) (error, string) {
	var myErr *gomysql.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case 1062:
			return ba.ErrDuplicate, "duplicate value violates a unique key"
		case 1048, 1364:
			return ba.ErrInvalid, "missing value for a required column"
		case 1452:
			return ba.ErrInvalid, "referenced row does not exist"
		case 1406: // "Data too long for column 'x' at row 1": no value
			return ba.ErrInvalid, "invalid value: " + myErr.Message
		case 1292, 1366, 3140:
			// Not the message: it quotes the refused value.
			return ba.ErrInvalid, fmt.Sprintf("invalid value (error %d)", myErr.Number)
		case 1146, 1054:
			return ba.ErrUnavailable, myErr.Message + " — run `betterauth migrate` or check DATABASE_URL"
		case 1045:
			return ba.ErrUnavailable, "access denied"
		case 1049:
			return ba.ErrUnavailable, "unknown database"
		}
		return ba.ErrUnavailable, fmt.Sprintf("%s (error %d)", myErr.Message, myErr.Number)
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, gomysql.ErrInvalidConn) {
		return ba.ErrUnavailable, "database unreachable"
	}
	return ba.ErrUnavailable, "database error"
}
