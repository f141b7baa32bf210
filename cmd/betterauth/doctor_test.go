package main

import (
	"slices"
	"strings"
	"testing"
)

func TestDoctorUnexpectedRequiredColumn(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, url string) {
		// SQLite cannot ALTER TABLE … ADD COLUMN … NOT NULL without a
		// default, so on every database the "user" table is created first,
		// from migrate's own statement plus the extra column, and migrate
		// then creates the rest.
		dry := runCmd(t, "", "migrate", "--dry-run", "--database-url", url).expect(t, 0)
		createUser := statements(dry)[0]
		if !strings.HasPrefix(createUser, "create table "+quote(url, "user")+" (") {
			t.Fatalf("first statement is not the user table: %s", createUser)
		}
		execSQL(t, url, strings.TrimSuffix(createUser, ");")+", "+quote(url, "legacyCode")+" text not null)")
		runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)

		d := runCmd(t, "", "doctor", "--database-url", url).expect(t, 1)
		want := "problem: user.legacyCode: is text NOT NULL without a database default and not declared: betterauth-go cannot fill it and would fail to create a user; " +
			"if it is one of the app's additional fields (Better Auth fills those itself; any other such column makes Better Auth 1.7.3+ refuse to run), declare it: " +
			"run `betterauth config export` in the app, or add ba.Field{Name: \"legacyCode\", Type: ba.TypeString, Required: true, Default: <the app's defaultValue>} to Schema.Tables[\"user\"].AdditionalFields"
		if f := findings(d); !slices.Equal(f, []string{want}) {
			t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(f, "\n"), want)
		}
		if !slices.Contains(d.lines(), "verdict: NOT compatible with Better Auth 1.7 (1 problem, 0 warnings)") {
			t.Errorf("doctor:\n%s", d.stdout)
		}
		if !strings.Contains(d.stdout, "next: fix the other problems by hand") || strings.Contains(d.stdout, "next: run `betterauth migrate") {
			t.Errorf("doctor suggests the wrong next step:\n%s", d.stdout)
		}
		if d.err == nil || d.err.Error() != "doctor found 1 problem" {
			t.Errorf("error %v", d.err)
		}
	})
}

func TestDoctorMissingColumn(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, url string) {
		runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
		execSQL(t, url, "alter table "+quote(url, "user")+" drop column "+quote(url, "image"))

		d := runCmd(t, "", "doctor", "--database-url", url).expect(t, 1)
		if f := findings(d); !slices.Equal(f, []string{"problem: user.image: column is missing (run `betterauth migrate`)"}) {
			t.Errorf("findings:\n%s", strings.Join(f, "\n"))
		}
		if !slices.Contains(d.lines(), "next: run `betterauth migrate` to add what is missing (1 statement; add --dry-run to see the SQL first)") {
			t.Errorf("doctor:\n%s", d.stdout)
		}

		m := runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
		if want := "alter table " + quote(url, "user") + " add column " + quote(url, "image") + " text;"; statements(m)[0] != want {
			t.Errorf("migrate:\n%s\nwant %s", m.stdout, want)
		}
		d = runCmd(t, "", "doctor", "--database-url", url).expect(t, 0)
		if f := findings(d); len(f) != 0 {
			t.Errorf("doctor after the fix:\n%s", d.stdout)
		}
	})
}

func TestDoctorMissingSQLiteFile(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/auth.db"
	d := runCmd(t, "", "doctor", "--database-url", "sqlite:"+path).expect(t, 1)
	if !strings.HasPrefix(d.stdout, "note: the SQLite file "+path+" does not exist yet") {
		t.Errorf("doctor:\n%s", d.stdout)
	}
	if dry := runCmd(t, "", "migrate", "--dry-run", "--database-url", "sqlite:"+path).expect(t, 0); !strings.HasPrefix(dry.stdout, "-- the SQLite file") {
		t.Errorf("dry run:\n%s", dry.stdout)
	}
}
