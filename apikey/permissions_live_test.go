package apikey_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/betterauth-go/betterauth/apikey"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestLivePermissions: keys with permissions made by Better Auth's
// createApiKey (server side), verified with the same required permissions
// by Better Auth's verifyApiKey and by Go, give the same answers: NULL
// permissions, passing and failing checks, Better Auth's JavaScript
// matching on odd stored values, and the order of the checks (disabled
// before permissions, permissions before the usage limit).
func TestLivePermissions(t *testing.T) {
	storetest.ForEachKind(t, testLivePermissions)
}

func testLivePermissions(t *testing.T, kind sqlstore.Kind) {
	ctx := context.Background()
	l := startLive(t, kind)
	v, err := apikey.New(apikey.Config{Keys: l.keys, Users: l.store})
	if err != nil {
		t.Fatal(err)
	}
	// serverCreate is auth.api.createApiKey: the only way to set
	// permissions at creation (over HTTP they are SERVER_ONLY_PROPERTY).
	// Rate limiting is off on these keys: every Better Auth verification
	// counts a request, and the matrix asks many times.
	serverCreate := func(body map[string]any) (key, id string) {
		t.Helper()
		body["userId"] = l.userID
		body["rateLimitEnabled"] = false
		var out struct{ Key, ID string }
		l.h.MustCall(t, "api", map[string]any{"method": "createApiKey", "body": body}, &out)
		if out.Key == "" {
			t.Fatalf("createApiKey %v: no key", body)
		}
		return out.Key, out.ID
	}
	baAnswer := func(key string, required apikey.Permissions) string {
		t.Helper()
		body := map[string]any{"key": key}
		if required != nil {
			body["permissions"] = required
		}
		var out struct {
			Valid bool
			Error *struct{ Code string }
		}
		l.h.MustCall(t, "api", map[string]any{"method": "verifyApiKey", "body": body}, &out)
		switch {
		case out.Valid:
			return "ok"
		case out.Error == nil:
			t.Fatalf("verifyApiKey: invalid without an error")
		}
		return out.Error.Code
	}
	goAnswer := func(key string, required apikey.Permissions) string {
		t.Helper()
		var req []apikey.Permissions
		if required != nil {
			req = append(req, required)
		}
		_, err := v.VerifyKey(ctx, key, req...)
		if err == nil {
			return "ok"
		}
		_, body := apikey.Status(err)
		return body.Code
	}

	granted, _ := serverCreate(map[string]any{"name": "granted", "permissions": map[string]any{"files": []string{"read", "write"}, "users": []string{"list"}}})
	nullKey, _ := serverCreate(map[string]any{"name": "null"})
	stringKey, stringID := serverCreate(map[string]any{"name": "string"})
	l.setServerOnly(t, stringID, map[string]any{"permissions": `{"files":"read,write"}`})
	arrayKey, arrayID := serverCreate(map[string]any{"name": "array"})
	l.setServerOnly(t, arrayID, map[string]any{"permissions": `["files"]`})
	nullTextKey, nullTextID := serverCreate(map[string]any{"name": "null text"})
	l.setServerOnly(t, nullTextID, map[string]any{"permissions": `null`})

	requireds := []struct {
		name string
		p    apikey.Permissions
	}{
		{"None", nil},
		{"Read", apikey.Permissions{"files": {"read"}}},
		{"ReadWrite", apikey.Permissions{"files": {"write", "read"}}},
		{"Delete", apikey.Permissions{"files": {"read", "delete"}}},
		{"TwoResources", apikey.Permissions{"files": {"read"}, "users": {"list"}}},
		{"UnknownResource", apikey.Permissions{"files": {"read"}, "billing": {"read"}}},
		{"Substring", apikey.Permissions{"files": {"ead"}}},
		{"NoActions", apikey.Permissions{"files": {}}},
		{"Empty", apikey.Permissions{}},
	}
	keys := []struct{ name, key string }{
		{"Granted", granted}, {"NullPermissions", nullKey}, {"StringValue", stringKey},
		{"ArrayJSON", arrayKey}, {"NullJSON", nullTextKey},
	}
	failed := 0
	for _, k := range keys {
		for _, r := range requireds {
			want, got := baAnswer(k.key, r.p), goAnswer(k.key, r.p)
			if want != got {
				t.Errorf("%s/%s: Better Auth %s, Go %s", k.name, r.name, want, got)
			}
			if want == "KEY_NOT_FOUND" {
				failed++
			}
		}
	}
	// The matrix must exercise both answers, or it proves nothing.
	if failed == 0 || failed == len(keys)*len(requireds) {
		t.Fatalf("%d of %d refused: the matrix does not discriminate", failed, len(keys)*len(requireds))
	}
	if got := goAnswer(granted, apikey.Permissions{"files": {"delete"}}); got != "KEY_NOT_FOUND" {
		t.Fatalf("a failed check: %s", got)
	}

	t.Run("OrderDisabledFirst", func(t *testing.T) {
		key, id := serverCreate(map[string]any{"name": "disabled", "permissions": map[string]any{"files": []string{"read"}}})
		l.setServerOnly(t, id, map[string]any{"enabled": false})
		for _, p := range []apikey.Permissions{{"files": {"delete"}}, {"files": {"read"}}} {
			if want, got := baAnswer(key, p), goAnswer(key, p); want != got || want != "KEY_DISABLED" {
				t.Errorf("%v: Better Auth %s, Go %s", p, want, got)
			}
		}
	})

	t.Run("OrderPermissionsBeforeUsage", func(t *testing.T) {
		key, id := serverCreate(map[string]any{"name": "used up", "permissions": map[string]any{"files": []string{"read"}}})
		l.setServerOnly(t, id, map[string]any{"remaining": 0})
		deny, allow := apikey.Permissions{"files": {"delete"}}, apikey.Permissions{"files": {"read"}}
		// Better Auth deletes a used-up key when it refuses it with
		// USAGE_EXCEEDED, so that question goes to it last.
		for _, c := range []struct {
			p    apikey.Permissions
			want string
		}{{deny, "KEY_NOT_FOUND"}, {allow, "USAGE_EXCEEDED"}} {
			if got := goAnswer(key, c.p); got != c.want {
				t.Errorf("Go %v: %s, want %s", c.p, got, c.want)
			}
			if got := baAnswer(key, c.p); got != c.want {
				t.Errorf("Better Auth %v: %s, want %s", c.p, got, c.want)
			}
		}
	})

	t.Run("Middleware", func(t *testing.T) {
		h := apikey.Middleware(v, apikey.Permissions{"files": {"write"}})(apikey.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})))
		for _, c := range []struct {
			key    string
			status int
			code   string
		}{{granted, http.StatusNoContent, ""}, {nullKey, http.StatusUnauthorized, "KEY_NOT_FOUND"}} {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("x-api-key", c.key)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var body struct{ Code, Message string }
			if w.Code != c.status {
				t.Fatalf("status %d, want %d", w.Code, c.status)
			}
			if c.code != "" && (json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Code != c.code || body.Message != "API Key not found") {
				t.Fatalf("body %s", w.Body)
			}
		}
	})
}
