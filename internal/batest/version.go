package batest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// VersionEnv names the variable that runs the conformance harness against
// another better-auth than the pinned one: BETTERAUTH_BA_VERSION=1.7.24,
// 1.7.x, latest (any npm version or range, or a dist-tag). That version is
// installed beside the pinned harness, in VersionDir, never in the pinned
// harness's node_modules; the tests then run the real Better Auth of that
// version. Golden vectors recorded from the pinned version may then differ:
// that is the drift the lane is for.
const VersionEnv = "BETTERAUTH_BA_VERSION"

// VersionDirEnv overrides where version lanes live (default: the user's
// cache directory, betterauth-go/batest/better-auth-<version>).
const VersionDirEnv = "BETTERAUTH_BA_VERSION_DIR"

// versionPattern accepts npm versions, x-ranges, caret/tilde ranges and
// dist-tags; nothing that could reach a shell or a path outside the lane.
var versionPattern = regexp.MustCompile(`^(latest|next|beta|canary|[~^]?[0-9]+(\.([0-9]+|x|\*)){0,2}(-[0-9A-Za-z.]+)?)$`)

// VersionDir is the harness directory of a better-auth version lane.
func VersionDir(version string) string {
	root := os.Getenv(VersionDirEnv)
	if root == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		root = filepath.Join(cache, "betterauth-go", "batest")
	}
	safe := strings.NewReplacer("*", "x", "^", "caret-", "~", "tilde-").Replace(version)
	return filepath.Join(root, "better-auth-"+safe)
}

// PrepareVersion writes the version lane's harness: the pinned harness's
// scripts, and its package.json with better-auth set to version (the other
// packages stay pinned; npm resolves better-auth's own dependencies for
// that version). It does not install; EnsureDir does.
func PrepareVersion(version string) error {
	if !versionPattern.MatchString(version) {
		return fmt.Errorf("%q is not an npm version, range or dist-tag (e.g. 1.7.24, 1.7.x, latest)", version)
	}
	pinned := PinnedDir()
	dir := VersionDir(version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(pinned, "package.json"))
	if err != nil {
		return err
	}
	var pkg map[string]any
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return fmt.Errorf("harness package.json: %v", err)
	}
	deps, _ := pkg["dependencies"].(map[string]any)
	if deps == nil {
		return errors.New("harness package.json has no dependencies")
	}
	deps["better-auth"] = version
	pkg["name"] = "betterauth-go-batest-harness-" + strings.NewReplacer("*", "x", "^", "", "~", "").Replace(version)
	pkg["description"] = "The batest harness against better-auth " + version + " (a version lane; see internal/batest/version.go)."
	out, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(dir, "package.json"), append(out, '\n')); err != nil {
		return err
	}
	// A lane resolves its version afresh: no lock (an older lane's, or
	// one npm wrote), whose stamp would also differ from package.json's.
	if err := os.Remove(filepath.Join(dir, "package-lock.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	entries, err := os.ReadDir(pinned)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".mjs") || name == ".npmrc") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(pinned, name))
		if err != nil {
			return err
		}
		if err := writeIfChanged(filepath.Join(dir, name), b); err != nil {
			return err
		}
	}
	return nil
}

// writeIfChanged replaces path atomically when its content differs, so
// that concurrent test binaries never see a half-written file.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
