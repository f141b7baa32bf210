package main

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// statements returns the SQL lines of migrate's output (not comments, not
// the summary).
func statements(r result) []string {
	var out []string
	for _, line := range r.lines() {
		if strings.HasPrefix(line, "create ") || strings.HasPrefix(line, "alter ") {
			out = append(out, line)
		}
	}
	return out
}

func TestMigrateDryRun(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, url string) {
		r := runCmd(t, "", "migrate", "--dry-run", "--database-url", url).expect(t, 0)
		stmts := statements(r)
		for _, table := range []string{"user", "session", "account", "verification"} {
			want := "create table " + quote(url, table) + " ("
			if !slices.ContainsFunc(stmts, func(s string) bool { return strings.HasPrefix(s, want) }) {
				t.Errorf("dry run does not create %s:\n%s", table, r.stdout)
			}
		}
		for _, line := range r.lines() {
			if !strings.HasPrefix(line, "-- ") && !strings.HasSuffix(line, ");") {
				t.Errorf("line is neither a comment nor one whole statement: %q", line)
			}
		}
		if last := r.lines()[len(r.lines())-1]; last != "-- dry run: 7 statements would run; nothing was changed" {
			t.Errorf("last line %q", last)
		}

		// Nothing was created: doctor finds the tables missing.
		if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("dry run created the SQLite file (stat: %v)", err)
			}
		}
		d := runCmd(t, "", "doctor", "--database-url", url).expect(t, 1)
		if !strings.Contains(d.stdout, "problem: user: table is missing (run `betterauth migrate`)") {
			t.Errorf("doctor after a dry run:\n%s", d.stdout)
		}
		if len(findings(d)) != 4 {
			t.Errorf("doctor after a dry run: %d findings, want the 4 missing tables:\n%s", len(findings(d)), d.stdout)
		}

		// The dry run printed exactly what migrate then applies.
		m := runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
		if got := statements(m); !slices.Equal(got, stmts) {
			t.Errorf("migrate applied\n%s\nthe dry run printed\n%s", strings.Join(got, "\n"), strings.Join(stmts, "\n"))
		}
	})
}

func TestMigrateThenDoctor(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, url string) {
		m := runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
		if last := m.lines()[len(m.lines())-1]; last != "applied 7 statements" {
			t.Errorf("migrate output:\n%s", m.stdout)
		}

		d := runCmd(t, "", "doctor", "--database-url", url).expect(t, 0)
		if f := findings(d); len(f) != 0 {
			t.Errorf("doctor right after migrate has findings:\n%s", strings.Join(f, "\n"))
		}
		want := []string{"detected plugins: none", "verdict: compatible with Better Auth 1.7 (0 problems, 0 warnings)"}
		if !slices.Equal(d.lines(), want) {
			t.Errorf("doctor printed\n%s\nwant\n%s", d.stdout, strings.Join(want, "\n"))
		}

		// Idempotent.
		again := runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
		if again.stdout != "schema is up to date\n" {
			t.Errorf("second migrate printed %q", again.stdout)
		}
		dry := runCmd(t, "", "migrate", "--dry-run", "--database-url", url).expect(t, 0)
		if dry.stdout != "-- schema is up to date\n" {
			t.Errorf("dry run on an up-to-date database printed %q", dry.stdout)
		}
	})
}

func TestMigratePlugins(t *testing.T) {
	const plugins = "admin,organization,jwt,username"
	forEachDatabase(t, func(t *testing.T, url string) {
		m := runCmd(t, "", "migrate", "--plugins", plugins, "--database-url", url).expect(t, 0)
		for _, table := range []string{"organization", "member", "invitation", "jwks"} {
			if !strings.Contains(m.stdout, "create table "+quote(url, table)+" (") {
				t.Errorf("migrate did not create %s:\n%s", table, m.stdout)
			}
		}
		for _, column := range []string{"role", "banned", "username", "displayUsername"} {
			if !strings.Contains(m.stdout, quote(url, column)+" ") {
				t.Errorf("migrate did not create user.%s:\n%s", column, m.stdout)
			}
		}

		d := runCmd(t, "", "doctor", "--plugins", plugins, "--database-url", url).expect(t, 0)
		if f := findings(d); len(f) != 0 {
			t.Errorf("doctor right after migrate has findings:\n%s", strings.Join(f, "\n"))
		}
		if !slices.Contains(d.lines(), "detected plugins: admin, organization, jwt, username") {
			t.Errorf("doctor:\n%s", d.stdout)
		}

		// Without --plugins, doctor detects them and checks their tables.
		detected := runCmd(t, "", "doctor", "--database-url", url).expect(t, 0)
		if !slices.Equal(detected.lines(), []string{"detected plugins: admin, organization, jwt, username (no --plugins given: checked as the database's plugins)", "verdict: compatible with Better Auth 1.7 (0 problems, 0 warnings)"}) {
			t.Errorf("doctor without --plugins:\n%s", detected.stdout)
		}
		// A list that leaves some out says how to check them too.
		some := runCmd(t, "", "doctor", "--plugins", "admin", "--database-url", url).expect(t, 0)
		if !strings.Contains(some.stdout, "detected plugins: admin, organization, jwt, username (not in --plugins") ||
			!strings.Contains(some.stdout, "`betterauth doctor --plugins admin,organization,jwt,username`") {
			t.Errorf("doctor --plugins admin:\n%s", some.stdout)
		}

		again := runCmd(t, "", "migrate", "--plugins", plugins, "--database-url", url).expect(t, 0)
		if again.stdout != "schema is up to date\n" {
			t.Errorf("second migrate printed %q", again.stdout)
		}
	})
}

func TestMigrateAddPluginsLater(t *testing.T) {
	const plugins = "admin,organization,jwt,username,twoFactor,apiKey,bearer"
	forEachDatabase(t, func(t *testing.T, url string) {
		runCmd(t, "", "migrate", "--database-url", url).expect(t, 0)
		execSQL(t, url, `insert into `+quote(url, "user")+` (`+quote(url, "id")+`, `+quote(url, "name")+`, `+quote(url, "email")+`, `+
			quote(url, "emailVerified")+`, `+quote(url, "createdAt")+`, `+quote(url, "updatedAt")+`) values ('u1', 'Ada', 'ada@example.com', false, '2024-01-02 03:04:05', '2024-01-02 03:04:05')`)

		d := runCmd(t, "", "doctor", "--plugins", plugins, "--database-url", url).expect(t, 1)
		if !strings.Contains(d.stdout, "next: run `betterauth migrate --plugins "+plugins+"` to add what is missing") {
			t.Errorf("doctor does not suggest migrate:\n%s", d.stdout)
		}

		m := runCmd(t, "", "migrate", "--plugins", plugins, "--database-url", url).expect(t, 0)
		if !strings.Contains(m.stdout, "alter table "+quote(url, "user")+" add column "+quote(url, "role")) {
			t.Errorf("migrate did not add the admin columns:\n%s", m.stdout)
		}
		d = runCmd(t, "", "doctor", "--plugins", plugins, "--database-url", url).expect(t, 0)
		if f := findings(d); len(f) != 0 {
			t.Errorf("doctor right after migrate has findings:\n%s", strings.Join(f, "\n"))
		}
		if !slices.Contains(d.lines(), "detected plugins: admin, organization, jwt, username, twoFactor, apiKey") {
			t.Errorf("doctor:\n%s", d.stdout)
		}
	})
}

func TestMigrateRefusesUnsafe(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, url string) {
		runCmd(t, "", "migrate", "--plugins", "organization", "--database-url", url).expect(t, 0)
		org := quote(url, "organization")
		execSQL(t, url,
			"insert into "+org+" ("+quote(url, "id")+", "+quote(url, "name")+", "+quote(url, "slug")+", "+quote(url, "createdAt")+") values ('o1', 'Acme', 'acme', '2024-01-02 03:04:05')",
			"alter table "+org+" drop column "+quote(url, "name"))

		// organization.name is required and has no default, and the table
		// has a row: adding it back cannot be done safely.
		for _, args := range [][]string{{"migrate"}, {"migrate", "--dry-run"}} {
			r := runCmd(t, "", append(args, "--plugins", "organization", "--database-url", url)...).expect(t, 1)
			if !strings.Contains(r.err.Error(), "migration refused") || !strings.Contains(r.err.Error(), "organization.name") {
				t.Errorf("%v: error %v", args, r.err)
			}
			if len(statements(r)) != 0 {
				t.Errorf("%v printed statements:\n%s", args, r.stdout)
			}
		}
		d := runCmd(t, "", "doctor", "--plugins", "organization", "--database-url", url).expect(t, 1)
		if !strings.Contains(d.stdout, "problem: organization.name: column is missing") ||
			!strings.Contains(d.stdout, "next: `betterauth migrate` cannot fix this on its own") {
			t.Errorf("doctor:\n%s", d.stdout)
		}
	})
}
