package batest

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/betterauth-go/betterauth/internal/testdb"
)

// TestStartAuthServer starts the real Better Auth over HTTP and checks that
// it answers on the URL returned and signs with the secret given.
func TestStartAuthServer(t *testing.T) {
	baseURL := StartAuthServer(t, AuthServerConfig{DB: testdb.SQLite(t), Secret: testSecret})
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") {
		t.Fatalf("base URL %q", baseURL)
	}
	resp, err := http.Get(baseURL + "/api/auth/ok")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/auth/ok: %s", resp.Status)
	}
}

// TestStartProcessReadyLine returns the first line with the prefix, after
// other output.
func TestStartProcessReadyLine(t *testing.T) {
	cmd := exec.Command("sh", "-c", `echo starting; echo "READY at 1"; echo "READY at 2"; cat >/dev/null`)
	if got := StartProcess(t, "sh", cmd, "READY ", 10*time.Second); got != "READY at 1" {
		t.Fatalf("ready line %q", got)
	}
}
