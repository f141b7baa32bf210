// Package configexport runs `betterauth config export`: it finds a Better
// Auth app's auth module, runs the embedded exporter (export.mjs) with the
// machine's node and the app's own installed better-auth, and returns the
// document betterauth.ParseConfig reads. The exporter loads TypeScript
// through the app's tsx (node --import tsx, which honours tsconfig paths)
// or, without tsx, the app's jiti (with the tsconfig paths as aliases).
//
// No database is needed: the auth module is imported and Better Auth's
// context built, which with a pg.Pool, a mysql2 pool or a Kysely instance
// opens no connection. An auth module that connects at import (a Redis
// client without lazyConnect, a database ping) still exports, as long as
// its import does not wait for the connection; the exporter exits once the
// document is written.
package configexport

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	ba "github.com/betterauth-go/betterauth"
)

//go:embed export.mjs
var script []byte

// Script returns the embedded exporter's source.
func Script() []byte { return append([]byte(nil), script...) }

// DefaultTimeout bounds one export.
const DefaultTimeout = 2 * time.Minute

// Options configures Export.
type Options struct {
	// Dir is the app's directory (where its package.json is). Default ".".
	Dir string
	// AuthFile is the auth module, relative to Dir or absolute. Empty
	// means the first of PossiblePaths that exists.
	AuthFile string
	// Timeout bounds the node process; DefaultTimeout when zero.
	Timeout time.Duration
	// Stderr receives what the app and Better Auth print while loading
	// (their logs); discarded when nil.
	Stderr io.Writer
	// Env is the node process's environment; os.Environ() when nil.
	Env []string
}

// Result is an export.
type Result struct {
	// JSON is the document, as the exporter wrote it.
	JSON []byte
	// Config is JSON parsed (its Warnings include the loader's).
	Config *ba.AppConfig
	// AuthFile is the module that was loaded, relative to Dir.
	AuthFile string
	// Loader is how it was loaded: "tsx", "jiti" or "node".
	Loader string
}

// ErrNoAuthFile is returned when no auth module is found.
var ErrNoAuthFile = errors.New("no Better Auth auth file found")

// PossiblePaths are where Export looks for the auth module when none is
// given, in order, as Better Auth's CLI looks: auth.ts (and .tsx, .js,
// .jsx, then .mts, .cts, .mjs, .cjs), then auth.server.* (SvelteKit), at
// the root, then in lib/server/, server/, lib/ and utils/, and all of
// those again under src/ and under app/.
var PossiblePaths = func() []string {
	var names []string
	for _, stem := range []string{"auth", "auth.server"} {
		for _, ext := range []string{".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs"} {
			names = append(names, stem+ext)
		}
	}
	var base []string
	for _, dir := range []string{"", "lib/server/", "server/", "lib/", "utils/"} {
		for _, n := range names {
			base = append(base, dir+n)
		}
	}
	var out []string
	for _, prefix := range []string{"", "src/", "app/"} {
		for _, p := range base {
			out = append(out, prefix+p)
		}
	}
	return out
}()

// FindAuthFile returns the first of PossiblePaths that exists in dir.
func FindAuthFile(dir string) (string, error) {
	for _, p := range PossiblePaths {
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w in %s (looked for auth.ts, lib/auth.ts, src/lib/auth.ts, utils/auth.ts, server/auth.ts, app/lib/auth.ts, … in .ts/.js/.mts/.mjs and the other extensions); pass --auth PATH", ErrNoAuthFile, dir)
}

// findPackage looks for node_modules/<name> in dir and its parents (as
// node resolves, so a monorepo's hoisted packages count).
func findPackage(dir, name string) (string, bool) {
	for d := dir; ; {
		p := filepath.Join(d, "node_modules", filepath.FromSlash(name), "package.json")
		if _, err := os.Stat(p); err == nil {
			return filepath.Dir(p), true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// Export runs the exporter on the app in opts.Dir.
func Export(ctx context.Context, opts Options) (*Result, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("the app directory %s does not exist", dir)
	}
	authFile := opts.AuthFile
	if authFile == "" {
		if authFile, err = FindAuthFile(dir); err != nil {
			return nil, err
		}
	}
	abs := authFile
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(dir, filepath.FromSlash(authFile))
	}
	if st, err := os.Stat(abs); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("the auth file %s does not exist", authFile)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		rel = abs
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not on PATH: config export runs the app's Better Auth with Node.js (20 or later)")
	}
	if _, ok := findPackage(dir, "better-auth"); !ok {
		return nil, fmt.Errorf("better-auth is not installed in %s (run npm install there first)", dir)
	}
	loader := "node"
	ext := strings.ToLower(filepath.Ext(abs))
	typescript := ext == ".ts" || ext == ".tsx" || ext == ".mts" || ext == ".cts"
	if _, ok := findPackage(dir, "tsx"); ok {
		loader = "tsx" // also for JavaScript: it applies the tsconfig paths
	} else if _, ok := findPackage(dir, "jiti"); ok {
		loader = "jiti"
	} else if typescript {
		return nil, fmt.Errorf("%s is TypeScript and neither tsx nor jiti is installed in %s: add one (npm i -D tsx)", rel, dir)
	}

	tmp, err := os.MkdirTemp("", "betterauth-export-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	scriptPath := filepath.Join(tmp, "export.mjs")
	if err := os.WriteFile(scriptPath, script, 0o600); err != nil {
		return nil, err
	}
	outPath := filepath.Join(tmp, "config.json")
	argsJSON, err := json.Marshal(map[string]string{"appDir": dir, "authFile": abs, "out": outPath, "loader": loader})
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var nodeArgs []string
	if loader == "tsx" {
		nodeArgs = append(nodeArgs, "--import", "tsx")
	}
	nodeArgs = append(nodeArgs, scriptPath, string(argsJSON))
	cmd := exec.CommandContext(runCtx, node, nodeArgs...)
	cmd.Dir = dir
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(append([]string(nil), env...), "BETTER_AUTH_TELEMETRY=0")
	var stderr bytes.Buffer
	var w io.Writer = &stderr
	if opts.Stderr != nil {
		w = io.MultiWriter(&stderr, opts.Stderr)
	}
	cmd.Stdout = w // the app's own console.log is not the document
	cmd.Stderr = w
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if runCtx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("loading %s did not finish within %s (does the auth module wait for a database or another service at import?)", rel, timeout)
		}
		return nil, fmt.Errorf("exporting %s failed: %s", rel, exporterError(stderr.String(), err))
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		return nil, fmt.Errorf("exporting %s failed: the exporter wrote nothing", rel)
	}
	cfg, err := ba.ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("the export of %s does not load: %w", rel, err)
	}
	return &Result{JSON: data, Config: cfg, AuthFile: filepath.ToSlash(rel), Loader: loader}, nil
}

// exporterError picks the exporter's own message (its last line that
// starts with "betterauth config export: ") from node's stderr, which
// also holds the app's logs.
func exporterError(stderr string, err error) string {
	const prefix = "betterauth config export: "
	lines := strings.Split(stderr, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if msg, ok := strings.CutPrefix(lines[i], prefix); ok {
			return msg
		}
	}
	return fmt.Sprintf("node exited (%v); its output is above", err)
}

// ShadowWarning warns when out would shadow a package the app imports: with
// "baseUrl": "." in tsconfig.json (older Next.js templates), tsx resolves
// `import … from "better-auth"` to ./better-auth.json, and the app breaks.
// It returns "" when out is safe.
func ShadowWarning(appDir, out string) string {
	base := filepath.Base(out)
	// Module resolution tries the import name plus one extension
	// (better-auth.json, .ts, .js, …).
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	names := map[string]bool{"better-auth": true}
	if b, err := os.ReadFile(filepath.Join(appDir, "package.json")); err == nil {
		var pkg struct {
			Dependencies    map[string]string `json:"dependencies"`
			DevDependencies map[string]string `json:"devDependencies"`
		}
		if json.Unmarshal(b, &pkg) == nil {
			for n := range pkg.Dependencies {
				names[n] = true
			}
			for n := range pkg.DevDependencies {
				names[n] = true
			}
		}
	}
	if !names[stem] {
		return ""
	}
	return fmt.Sprintf("%s is named like the package %q: with \"baseUrl\": \".\" in tsconfig.json, TypeScript tools resolve `import … from %q` to this file and the app breaks; prefer the default betterauth.config.json", base, stem, stem)
}
