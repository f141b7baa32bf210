package server

import (
	"encoding/json"
	"testing"
)

// jsonObject writes keys in order, raw values as they are and the rest
// through encoding/json; keys that need escaping are escaped.
func TestJSONObject(t *testing.T) {
	got := string(jsonObject("session", json.RawMessage(`{"id":"s"}`), "token", nil, "a\"b", 1, "list", []string{"x"}))
	want := `{"session":{"id":"s"},"token":null,"a\"b":1,"list":["x"]}`
	if got != want {
		t.Fatalf("jsonObject = %s\nwant       %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatal("not JSON")
	}
	if got := string(jsonObject()); got != "{}" {
		t.Fatalf("empty = %s", got)
	}
}
