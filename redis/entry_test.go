package redis

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

// baEntry is an entry as Better Auth 1.7.25 wrote it at sign-up (captured).
const baEntry = `{"session":{"id":"UxpEJjaJZ49fdt6Yt4ItfmAKDAvLqLxE","ipAddress":"1.2.3.4","userAgent":"UA/1","expiresAt":"2026-12-02T23:01:23.214Z","userId":"pBYtc9vNReolKhZdQ2x0Nd5yRZQqaI29","token":"Wzr0Yi8G2eBPgfYuzHk0WwcsUZ4hw6xB","createdAt":"2026-11-25T23:01:23.214Z","updatedAt":"2026-11-25T23:01:23.214Z"},"user":{"name":"Bob","email":"bob@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-25T23:01:23.206Z","updatedAt":"2026-11-25T23:01:23.206Z","id":"pBYtc9vNReolKhZdQ2x0Nd5yRZQqaI29"}}`

func TestJSONObjectKeepsBytes(t *testing.T) {
	e, err := decodeEntry([]byte(baEntry))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(e.raw.bytes()); got != baEntry {
		t.Fatalf("re-encoded entry differs:\n got %s\nwant %s", got, baEntry)
	}
	if e.session.Token != "Wzr0Yi8G2eBPgfYuzHk0WwcsUZ4hw6xB" || e.user.Name != "Bob" ||
		!e.session.ExpiresAt.Equal(time.Date(2026, 12, 2, 23, 1, 23, 214e6, time.UTC)) {
		t.Fatalf("decoded %+v %+v", e.session, e.user)
	}
	// Repeated keys: first position, last value (JSON.parse).
	o, err := parseJSONObject([]byte(`{"a":1,"b":2,"a":3}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(o.bytes()); got != `{"a":3,"b":2}` {
		t.Fatalf("got %s", got)
	}
}

func TestRefs(t *testing.T) {
	in := `[{"token":"b","expiresAt":1796252483356},{"token":"a","expiresAt":1796252483214},{"token":"old","expiresAt":1000}]`
	refs, err := decodeRefs([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, ttl := normalizeRefs(refs, time.UnixMilli(1796252483356-604800_500))
	if got := string(encodeRefs(out)); got != `[{"token":"a","expiresAt":1796252483214},{"token":"b","expiresAt":1796252483356}]` {
		t.Fatalf("got %s", got)
	}
	if ttl != 604800 {
		t.Fatalf("ttl %d, want floor(604800.5) = 604800", ttl)
	}
	if _, ttl := normalizeRefs(refs, time.UnixMilli(1796252483356)); ttl != 0 {
		t.Fatalf("ttl %d for an all-expired list, want 0 (delete)", ttl)
	}
	for _, bad := range []string{`{}`, `[{"token":"a"}]`, `[{"expiresAt":1}]`, `[{"token":1,"expiresAt":1}]`, `[1]`} {
		if _, err := decodeRefs([]byte(bad)); err == nil {
			t.Errorf("decodeRefs(%s) accepted", bad)
		}
	}
}

func TestParseMarker(t *testing.T) {
	for in, want := range map[string]float64{"1795647683381": 1795647683381, "1.5e3": 1500, "0": 0} {
		got, err := parseMarker("op", in)
		if err != nil || got != want {
			t.Errorf("parseMarker(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "NaN", "Infinity", "1e999"} {
		if _, err := parseMarker("op", in); err == nil {
			t.Errorf("parseMarker(%q) accepted", in)
		}
	}
	if got := formatMarker(1795647683381); got != "1795647683381" {
		t.Errorf("formatMarker = %s", got)
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add([]byte(baEntry))
	f.Add([]byte(`{"session":{"userId":"u"},"user":{}}`))
	f.Add([]byte(`{"session":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to something that decodes the same way.
		again, err := decodeEntry(e.raw.bytes())
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v\n%s", err, e.raw.bytes())
		}
		if !bytes.Equal(again.raw.bytes(), e.raw.bytes()) {
			t.Fatalf("not stable:\n%s\n%s", e.raw.bytes(), again.raw.bytes())
		}
	})
}

func FuzzDecodeRefs(f *testing.F) {
	f.Add([]byte(`[{"token":"a","expiresAt":1796252483214}]`))
	f.Add([]byte(`[{"token":"a","expiresAt":1.5e300}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		refs, err := decodeRefs(b)
		if err != nil {
			return
		}
		out, _ := normalizeRefs(refs, time.UnixMilli(0))
		if _, err := decodeRefs(encodeRefs(out)); err != nil {
			t.Fatalf("re-encoded list does not decode: %v\n%s", err, encodeRefs(out))
		}
	})
}

// TestStoredSessionOrder: a session read from Redis is answered as Better
// Auth's filterOutputFields answers it, the stored object's keys in their
// order, not in schema order with the plugins' null fields added.
func TestStoredSessionOrder(t *testing.T) {
	e, err := decodeEntry([]byte(baEntry))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin, ba.PluginOrganization}, Teams: true}.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	want := baEntry[len(`{"session":`):strings.Index(baEntry, `,"user":`)]
	if got := string(schema.SessionJSON(&e.session)); got != want {
		t.Fatalf("session JSON:\n got %s\nwant %s", got, want)
	}
	// A session from the database keeps the schema's order and fields.
	s := e.session
	plain := ba.Session{ID: s.ID, Token: s.Token, UserID: s.UserID, ExpiresAt: s.ExpiresAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, IPAddress: s.IPAddress, UserAgent: s.UserAgent}
	if got := string(schema.SessionJSON(&plain)); !strings.Contains(got, `"impersonatedBy":null`) || strings.HasPrefix(got, `{"id"`) {
		t.Fatalf("database session JSON: %s", got)
	}
}
