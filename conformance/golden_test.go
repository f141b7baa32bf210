package conformance

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// checkGolden compares content with testdata/name. The file is written when
// BETTERAUTH_UPDATE_GOLDEN=1, or when it is missing outside CI (so a new
// vector is captured from Better Auth on first run); in CI a missing file
// fails.
func checkGolden(t *testing.T, name, content string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	old, err := os.ReadFile(path)
	update := os.Getenv("BETTERAUTH_UPDATE_GOLDEN") == "1"
	if err != nil && !update {
		if testdb.InCI() {
			t.Fatalf("golden %s is missing (run the conformance tests with BETTERAUTH_UPDATE_GOLDEN=1 and commit it)", path)
		}
		update = true
	}
	if update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(path, []byte(content), 0o644))
		t.Logf("wrote golden %s", path)
		return
	}
	if string(old) != content {
		t.Errorf("Better Auth's output drifted from golden %s:\n got:\n%s\n golden:\n%s", path, content, old)
	}
}

// vectors are values captured from Better Auth that Go must reproduce or
// accept without Node.
type vectors struct {
	Cookies []struct {
		Secret string `json:"secret"`
		Token  string `json:"token"`
		Cookie string `json:"cookie"`
	} `json:"cookies"`
	Passwords []struct {
		Password string `json:"password"`
		Hash     string `json:"hash"`
	} `json:"passwords"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatalf("testdata/vectors.json: %v (regenerate with TestCaptureVectors)", err)
	}
	var v vectors
	must(t, json.Unmarshal(b, &v))
	if len(v.Cookies) == 0 || len(v.Passwords) == 0 {
		t.Fatal("testdata/vectors.json has no vectors")
	}
	return v
}

// TestGoldenVectors checks, without Node, every vector captured from Better
// Auth: signed cookies are reproduced byte for byte, Better Auth's password
// hashes verify (and wrong passwords do not), and the migration SQL Go plans
// for an empty database equals what Better Auth's migrator produced.
func TestGoldenVectors(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Cookies {
		if got := ba.SignCookieValue(c.Token, c.Secret); got != c.Cookie {
			t.Errorf("SignCookieValue(%q) = %q, Better Auth made %q", c.Token, got, c.Cookie)
		}
		if tok, err := ba.VerifySigned(c.Cookie, c.Secret); err != nil || tok != c.Token {
			t.Errorf("VerifySigned(Better Auth cookie) = %q, %v", tok, err)
		}
		if _, err := ba.VerifySigned(c.Cookie, c.Secret+"x"); err == nil {
			t.Errorf("cookie verified with the wrong secret")
		}
	}
	for _, p := range v.Passwords {
		if ok, err := ba.VerifyPassword(p.Hash, p.Password); err != nil || !ok {
			t.Errorf("Better Auth hash of %q does not verify: %v %v", p.Password, ok, err)
		}
		if ok, _ := ba.VerifyPassword(p.Hash, p.Password+"!"); ok {
			t.Errorf("wrong password verified against %q", p.Hash)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "ddl-*.sql"))
	if len(files) == 0 {
		t.Fatal("no testdata/ddl-*.sql golden files")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql") // ddl-<dialect>-<set>
		parts := strings.SplitN(name, "-", 3)
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(file)
			must(t, err)
			db := dialects()[parts[1]](t)
			store := db.open(t, sqlstore.Options{Schema: goSchema(pluginSets[parts[2]], false)})
			plan, err := store.PlanMigration(context.Background())
			must(t, err)
			if got := normalizeSQL(strings.Join(plan, "\n")); got != string(want) {
				t.Errorf("Go migration SQL differs from Better Auth's golden\n Go:\n%s\n golden:\n%s", got, want)
			}
		})
	}
}
