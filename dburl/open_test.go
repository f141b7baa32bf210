package dburl

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestOpen(t *testing.T) {
	databases := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"SQLite", func(tb testing.TB) string { return "sqlite:" + testdb.SQLite(tb) }},
		{"Postgres", testdb.Postgres},
		{"MySQL", testdb.MySQL},
	}
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t)
			u, err := Parse(db.url(t))
			if err != nil {
				t.Fatal(err)
			}
			store, closeDB, err := u.Open(ctx, sqlstore.Options{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer closeDB()
			if store.Kind() != u.Kind {
				t.Errorf("store kind %v, URL kind %v", store.Kind(), u.Kind)
			}
			plan, err := store.PlanMigration(ctx)
			if err != nil || len(plan) == 0 {
				t.Fatalf("PlanMigration on a fresh database = %d statements, %v", len(plan), err)
			}
		})
	}
}

func TestOpenSQLiteCreatesFile(t *testing.T) {
	ctx := testContext(t)
	u, err := Parse("sqlite:" + testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	if !u.Missing() {
		t.Fatal("Missing() = false before the file exists")
	}
	_, closeDB, err := u.Open(ctx, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := closeDB(); err != nil {
		t.Fatal(err)
	}
	if u.Missing() {
		t.Error("Open did not create the SQLite file")
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	ctx := testContext(t)
	u, err := Parse("sqlite:" + testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	store, closeDB, err := u.OpenReadOnly(ctx, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	report, err := store.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closeDB()
	if report.Compatible() || len(report.Findings) != 4 {
		t.Errorf("Check on a missing file: %v, want the four core tables missing", report.Findings)
	}
	if _, err := os.Stat(u.DSN); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s (stat: %v)", u.DSN, err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(u.DSN + suffix); err == nil {
			t.Errorf("OpenReadOnly created %s", u.DSN+suffix)
		}
	}
}

func TestOpenReadOnlyKeepsSQLiteFile(t *testing.T) {
	ctx := testContext(t)
	path := testdb.SQLite(t)
	// A file made by another program, in SQLite's default rollback-journal
	// mode (sqlite.Open would switch it to WAL).
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `create table "user" ("id" text not null primary key)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	u, err := Parse("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	store, closeDB, err := u.OpenReadOnly(ctx, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err == nil {
		t.Error("Migrate succeeded on a read-only store")
	}
	closeDB()

	db, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, "pragma journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "delete" {
		t.Errorf("journal mode after OpenReadOnly is %q, want it left at delete", mode)
	}
	var tables int
	if err := db.QueryRowContext(ctx, "select count(*) from sqlite_master where type = 'table'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 1 {
		t.Errorf("%d tables after a failed Migrate on a read-only store, want 1", tables)
	}
}

func TestOpenUnreachable(t *testing.T) {
	for _, raw := range []string{
		"postgres://u:" + secret + "@127.0.0.1:1/appdb",
		"mysql://u:" + secret + "@127.0.0.1:1/appdb",
	} {
		u, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("ErrUnreachable/"+u.Kind.String(), func(t *testing.T) {
			_, _, err := u.Open(testContext(t), sqlstore.Options{})
			if err == nil {
				t.Fatal("Open succeeded on a closed port")
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Errorf("error leaks the password: %q", msg)
			}
			if !strings.Contains(msg, "127.0.0.1:1/appdb") {
				t.Errorf("error %q does not name host and database", msg)
			}
		})
	}
}

func TestOpenSQLiteBadDirectory(t *testing.T) {
	u, err := Parse("sqlite:" + t.TempDir() + "/missing-dir/auth.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := u.Open(testContext(t), sqlstore.Options{}); err == nil {
		t.Fatal("Open succeeded in a directory that does not exist")
	}
}

// TestOpenOneCall is the one-call form on a raw DATABASE_URL: it connects
// with the options given, and its errors (a malformed URL, an unreachable
// server) never repeat the password.
func TestOpenOneCall(t *testing.T) {
	ctx := testContext(t)
	t.Run("OK", func(t *testing.T) {
		schema := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin}}
		store, closeDB, err := Open(ctx, "sqlite:"+testdb.SQLite(t), sqlstore.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		defer closeDB()
		if store.Kind() != sqlstore.SQLite || !store.Schema().HasPlugin(ba.PluginAdmin) {
			t.Errorf("store kind %v without the admin plugin's role field: options not applied", store.Kind())
		}
	})
	for _, tt := range []struct{ name, raw, want string }{
		{"ErrInvalid", "postgres://u:" + secret + "@h:99999/db", "port out of range"},
		{"ErrUnavailable", "postgres://u:" + secret + "@127.0.0.1:1/appdb", "127.0.0.1:1/appdb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store, closeDB, err := Open(ctx, tt.raw, sqlstore.Options{})
			if err == nil || store != nil || closeDB != nil {
				t.Fatalf("Open(%q) = %v, %v, %v; want only an error", tt.raw, store, closeDB != nil, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the password: %q", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
			sentinel := map[string]error{"ErrInvalid": ba.ErrInvalid, "ErrUnavailable": ba.ErrUnavailable}[tt.name]
			if !errors.Is(err, sentinel) {
				t.Errorf("error %q does not match %v", err, sentinel)
			}
		})
	}
}
