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
			store, closeStore, err := Open(ctx, u, ba.Schema{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer closeStore()
			if got := store.Kind().String(); got != string(u.Driver) {
				t.Errorf("store kind %s, URL driver %s", got, u.Driver)
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
	_, closeStore, err := Open(ctx, u, ba.Schema{})
	if err != nil {
		t.Fatal(err)
	}
	closeStore()
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
	store, closeStore, err := OpenReadOnly(ctx, u, ba.Schema{})
	if err != nil {
		t.Fatal(err)
	}
	report, err := store.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closeStore()
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
	store, closeStore, err := OpenReadOnly(ctx, u, ba.Schema{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err == nil {
		t.Error("Migrate succeeded on a read-only store")
	}
	closeStore()

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
		t.Run("ErrUnreachable/"+string(u.Driver), func(t *testing.T) {
			_, _, err := Open(testContext(t), u, ba.Schema{})
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
	if _, _, err := Open(testContext(t), u, ba.Schema{}); err == nil {
		t.Fatal("Open succeeded in a directory that does not exist")
	}
}
