package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureConfigWith writes the golden export of the fixture app with its
// top-level members changed by edit, and returns its path.
func fixtureConfigWith(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "appconfig", "fixture.config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "betterauth.config.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigSetsTheTopology: an app config with secondaryStorage and
// session.storeSessionInDatabase gives the schema Better Auth runs with
// (no verification table, the session table kept) without any flag, and
// serve refuses it without a Redis URL, naming the config as the reason.
func TestConfigSetsTheTopology(t *testing.T) {
	path := fixtureConfigWith(t, func(doc map[string]any) {
		doc["secondaryStorage"] = true
		session, _ := doc["session"].(map[string]any)
		session["storeSessionInDatabase"] = true
		session["preserveSessionInDatabase"] = true
	})
	t.Setenv("REDIS_URL", "")
	f := serveFlags{db: dbFlags{databaseURL: "sqlite:" + filepath.Join(t.TempDir(), "app.db"), config: path}}
	_, schema, err := f.db.resolve(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !schema.SecondaryStorage || !schema.StoreSessionInDatabase || schema.StoreVerificationInDatabase {
		t.Fatalf("schema topology = secondary %v, sessions in db %v, verification in db %v; want true, true, false",
			schema.SecondaryStorage, schema.StoreSessionInDatabase, schema.StoreVerificationInDatabase)
	}
	err = f.checkTopology(schema)
	if err == nil || !strings.Contains(err.Error(), "the app's config has secondaryStorage") || !strings.Contains(err.Error(), "--redis") {
		t.Fatalf("checkTopology without Redis: %v", err)
	}
	if !f.preserveSessionInDB {
		t.Error("the config's preserveSessionInDatabase was not applied")
	}
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	if err := f.checkTopology(schema); err != nil {
		t.Fatalf("checkTopology with REDIS_URL: %v", err)
	}
}

// TestConfigWithoutSecondaryStorageKeepsFlags: the topology flags still
// refuse what means nothing, with or without a config.
func TestConfigWithoutSecondaryStorageKeepsFlags(t *testing.T) {
	path := fixtureConfigWith(t, func(map[string]any) {})
	f := dbFlags{databaseURL: "sqlite:" + filepath.Join(t.TempDir(), "app.db"), config: path, storeSessionInDB: true}
	if _, _, err := f.resolve(io.Discard); err == nil || !strings.Contains(err.Error(), "--store-session-in-database") {
		t.Fatalf("resolve: %v, want the flag refused without --secondary-storage", err)
	}
	f = dbFlags{databaseURL: "sqlite:" + filepath.Join(t.TempDir(), "app.db"), config: path}
	_, schema, err := f.resolve(io.Discard)
	if err != nil || schema.SecondaryStorage {
		t.Fatalf("resolve: secondary storage %v, %v; want false, nil", schema.SecondaryStorage, err)
	}
}
