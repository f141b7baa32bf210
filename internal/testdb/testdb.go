// Package testdb gives each test a fresh database on the local services
// (PostgreSQL, MariaDB/MySQL, SQLite, Redis) and removes it afterwards.
//
// Addresses default to the services this project's machines run and can be
// overridden by environment variables:
//
//	BETTERAUTH_TEST_POSTGRES  admin URL, default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//	BETTERAUTH_TEST_MYSQL     admin DSN (go-sql-driver form), default root@tcp(127.0.0.1:3306)/
//	BETTERAUTH_TEST_REDIS     address, default 127.0.0.1:6379
//
// When a service cannot be reached the test is skipped with a message naming
// it, except when CI=true: in CI a missing service fails the test.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"
)

// InCI reports whether the tests run in CI, where a missing service is a failure.
func InCI() bool { return os.Getenv("CI") == "true" }

// Unavailable skips the test outside CI and fails it in CI.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("required service unavailable (CI=true): %s", msg)
	}
	tb.Skipf("skipping: %s", msg)
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Name returns a random, valid database name with the given prefix.
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// PostgresAdminURL is the URL of the maintenance database used to create test databases.
func PostgresAdminURL() string {
	return env("BETTERAUTH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
}

// Postgres creates a fresh PostgreSQL database and returns its URL
// (postgres://…). The database is dropped when the test ends.
func Postgres(tb testing.TB) string {
	tb.Helper()
	admin := PostgresAdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		Unavailable(tb, "PostgreSQL at %s: %v", redactURL(admin), err)
	}
	defer conn.Close(context.Background())
	name := Name("batest")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create postgres database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// MySQLAdminDSN is the go-sql-driver DSN used to create test databases.
func MySQLAdminDSN() string {
	return env("BETTERAUTH_TEST_MYSQL", "root@tcp(127.0.0.1:3306)/")
}

// MySQL creates a fresh MySQL/MariaDB database and returns its URL in the
// form mysql://user:pass@host:port/db. It is dropped when the test ends.
func MySQL(tb testing.TB) string {
	tb.Helper()
	adminDSN := MySQLAdminDSN()
	cfg, err := mysql.ParseDSN(adminDSN)
	if err != nil {
		tb.Fatalf("BETTERAUTH_TEST_MYSQL: %v", err)
	}
	db, err := sql.Open("mysql", adminDSN)
	if err != nil {
		tb.Fatalf("open mysql: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		Unavailable(tb, "MySQL/MariaDB at %s: %v", cfg.Addr, err)
	}
	name := Name("batest")
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4"); err != nil {
		tb.Fatalf("create mysql database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("mysql", adminDSN)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name)
	})
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + name}
	if cfg.Passwd != "" {
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	} else {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

// SQLite returns the path of a fresh SQLite database file in a temporary
// directory removed when the test ends.
func SQLite(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "test.db")
}

// RedisAddr returns the address of the local Redis server after checking
// that it accepts connections.
func RedisAddr(tb testing.TB) string {
	tb.Helper()
	addr := env("BETTERAUTH_TEST_REDIS", "127.0.0.1:6379")
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		Unavailable(tb, "Redis at %s: %v", addr, err)
	}
	_ = c.Close()
	return addr
}

// RedisKeyPrefix returns a key prefix of the test's own on the local Redis
// ("<name>_<random hex>:") and deletes every key under it when the test
// ends, so that tests sharing the server never see each other's keys.
func RedisKeyPrefix(tb testing.TB, name string) string {
	tb.Helper()
	addr := RedisAddr(tb)
	prefix := Name(name) + ":"
	tb.Cleanup(func() {
		c := goredis.NewClient(&goredis.Options{Addr: addr})
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			_ = c.Del(ctx, iter.Val()).Err()
		}
		if err := iter.Err(); err != nil {
			tb.Logf("clean up Redis keys %s*: %v", prefix, err)
		}
	})
	return prefix
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparseable URL>"
	}
	return strings.Replace(u.Redacted(), "xxxxx", "***", 1)
}
