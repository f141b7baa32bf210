package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/internal/testdb"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const (
	compatSecret = "client-compat-secret-0123456789abcdefgh"
	// compatTimeout bounds starting a server and running one scenario.
	compatTimeout = 3 * time.Minute
	// compatDirEnv names a directory where the two scenario documents are
	// written (betterauth.json, go.json), to read them after a failure.
	compatDirEnv = "BETTERAUTH_COMPAT_DIR"
)

// TestClientCompatibility runs the official Better Auth client
// (createAuthClient, harness/client-scenario.mjs) through the same scenario
// against the real Better Auth (harness/authserver.mjs) and against this
// server, and compares every step: HTTP status, the shape of data and
// error, error codes, the raw JSON body's shape (date formats included),
// content type, and each Set-Cookie's name and attributes.
//
// The order of object keys and the error messages are logged where they
// differ, not compared. Set BETTERAUTH_COMPAT_DIR to keep both documents.
//
// Password-reset tokens reach the scenario through a file of JSON lines
// {"email","url","token"}: authserver.mjs's sendResetPassword appends to
// it, and so does this test's Mailer for the Go server.
func TestClientCompatibility(t *testing.T) {
	dir := batest.Ensure(t)
	start := time.Now()

	baURL, baReset, _ := startBetterAuthServer(t, compatOptions{})
	goURL, goReset, _ := startGoServer(t, compatOptions{})

	var wg sync.WaitGroup
	var baDoc, goDoc []byte
	var baErr, goErr error
	wg.Add(2)
	go func() { defer wg.Done(); baDoc, baErr = runClientScenario(dir, baURL, baReset) }()
	go func() { defer wg.Done(); goDoc, goErr = runClientScenario(dir, goURL, goReset) }()
	wg.Wait()
	if baErr != nil {
		t.Fatalf("scenario against Better Auth: %v", baErr)
	}
	if goErr != nil {
		t.Fatalf("scenario against the Go server: %v", goErr)
	}
	if out := os.Getenv(compatDirEnv); out != "" {
		for name, doc := range map[string][]byte{"betterauth.json": baDoc, "go.json": goDoc} {
			if err := os.WriteFile(filepath.Join(out, name), doc, 0o644); err != nil {
				t.Errorf("write %s: %v", name, err)
			}
		}
	}
	t.Logf("both scenarios ran in %s", time.Since(start).Round(time.Millisecond))

	want, err := parseScenario(baDoc)
	if err != nil {
		t.Fatalf("Better Auth document: %v", err)
	}
	got, err := parseScenario(goDoc)
	if err != nil {
		t.Fatalf("Go document: %v", err)
	}
	compareScenarios(t, want, got)
}

// --- servers -----------------------------------------------------------------

// compatOptions configures both servers of a comparison alike.
type compatOptions struct {
	// plugins are the plugins of both (admin and twoFactor when nil).
	plugins []ba.Plugin
	// pluginOptions are Better Auth's options of each plugin by name
	// (AUTHSERVER_PLUGIN_OPTIONS); config sets the Go server's equivalent.
	pluginOptions map[string]any
	config        func(*server.Config)
	// emailVerification is Better Auth's emailVerification options
	// (with a sendVerificationEmail); config enables the Go side's.
	emailVerification map[string]any
	// additionalFields is the JSON text of Better Auth's
	// user.additionalFields, and goFields the same fields declared to
	// the Go schema. With them, the Go server's database is migrated by
	// Better Auth (harness.mjs), as a production app's is.
	additionalFields json.RawMessage
	goFields         []ba.Field
}

func (o compatOptions) schema() ba.Schema {
	s := ba.Schema{Plugins: o.pluginList()}
	if o.goFields != nil {
		s.Tables = map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: o.goFields}}
	}
	return s
}

func (o compatOptions) pluginList() []ba.Plugin {
	if o.plugins == nil {
		return []ba.Plugin{ba.PluginAdmin, ba.PluginTwoFactor}
	}
	return o.plugins
}

func (o compatOptions) pluginNames() []string {
	names := make([]string, 0, len(o.pluginList()))
	for _, p := range o.pluginList() {
		names = append(names, string(p))
	}
	return names
}

// startBetterAuthServer runs authserver.mjs (batest.StartAuthServer) on a
// fresh SQLite file with opts' plugins and additional fields and returns
// its URL, the file its reset emails are appended to, and its database.
func startBetterAuthServer(t *testing.T, opts compatOptions) (baseURL, resetFile, dbPath string) {
	t.Helper()
	resetFile = filepath.Join(t.TempDir(), "reset-emails.jsonl")
	dbPath = testdb.SQLite(t)
	baseURL = batest.StartAuthServer(t, batest.AuthServerConfig{
		DB: dbPath, Secret: compatSecret, ResetFile: resetFile, StartTimeout: compatTimeout,
		Plugins: opts.pluginNames(), PluginOptions: opts.pluginOptions, AdditionalFields: opts.additionalFields,
		EmailVerification: opts.emailVerification,
	})
	return baseURL, resetFile, dbPath
}

// startGoServer serves server.New over the same schema (admin and twoFactor
// plugins unless opts say otherwise) on a fresh SQLite file, with a Mailer
// that appends reset emails to a file in the format authserver.mjs writes.
// It returns the server's URL, its reset file and its database.
func startGoServer(t *testing.T, opts compatOptions) (baseURL, resetFile, dbPath string) {
	t.Helper()
	var st *sqlstore.Store
	if opts.additionalFields != nil {
		st, dbPath = openMigratedByBetterAuth(t, opts)
	} else {
		db := storetest.NewDatabase(t, sqlstore.SQLite)
		st, dbPath = db.Open(t, sqlstore.Options{Schema: opts.schema()}), db.DSN
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	resetFile = filepath.Join(t.TempDir(), "reset-emails.jsonl")
	logs := &compatBuffer{}
	srv := httptest.NewUnstartedServer(nil)
	baseURL = "http://" + srv.Listener.Addr().String()
	cfg := server.Config{
		Store:   st,
		Secrets: []ba.Secret{{Value: compatSecret}},
		BaseURL: baseURL,
		Mailer:  &fileMailer{path: resetFile},
		Log:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if opts.config != nil {
		opts.config(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if t.Failed() {
			t.Logf("Go server log:\n%s", logs.tail(20000))
		}
	})
	return baseURL, resetFile, dbPath
}

// openMigratedByBetterAuth has Better Auth's own migrator (harness.mjs)
// create opts' tables in a fresh SQLite file, and opens a store with
// opts' Go schema on it.
func openMigratedByBetterAuth(t *testing.T, opts compatOptions) (*sqlstore.Store, string) {
	t.Helper()
	db := storetest.NewDatabase(t, sqlstore.SQLite)
	h := batest.Start(t, batest.Config{Dialect: "sqlite", URL: db.DSN, Secret: compatSecret, Plugins: opts.pluginNames(),
		Extra: map[string]any{"additionalFields": opts.additionalFields}})
	h.MustCall(t, "migrate", nil, nil)
	h.Close()
	return db.Open(t, sqlstore.Options{Schema: opts.schema()}), db.DSN
}

// fileMailer appends each reset email to a file as one JSON line, the
// format client-scenario.mjs reads.
type fileMailer struct {
	mu   sync.Mutex
	path string
}

func (m *fileMailer) Send(_ context.Context, e server.Email) error {
	if e.Kind != server.EmailResetPassword {
		return nil
	}
	line, err := json.Marshal(map[string]string{"email": e.To, "url": e.URL, "token": e.Token})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := os.OpenFile(m.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	return errors.Join(err, f.Close())
}

type compatBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (c *compatBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.Write(p)
}

func (c *compatBuffer) tail(n int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.b.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

func runClientScenario(dir, baseURL, resetFile string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), compatTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "client-scenario.mjs", baseURL, resetFile)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node client-scenario.mjs %s: %v\nstderr:\n%s", baseURL, err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// --- comparison --------------------------------------------------------------

type scenarioDoc struct {
	Clients map[string][]string `json:"clients"`
	Steps   []scenarioStep      `json:"steps"`
}

type scenarioStep struct {
	Step         string            `json:"step"`
	Status       *int              `json:"status"`
	Data         json.RawMessage   `json:"data"`
	Error        json.RawMessage   `json:"error"`
	ErrorMessage *string           `json:"errorMessage"`
	Requests     []scenarioRequest `json:"requests"`
	ResetEmail   json.RawMessage   `json:"resetEmail"`
	Facts        json.RawMessage   `json:"facts"` // plugin-scenario.mjs: values a shape hides
	Thrown       string            `json:"thrown"`
}

type scenarioRequest struct {
	Client      string           `json:"client"`
	Method      string           `json:"method"`
	Path        string           `json:"path"`
	Status      int              `json:"status"`
	ContentType string           `json:"contentType"`
	Location    string           `json:"location"`
	Body        json.RawMessage  `json:"body"`
	SetCookies  []scenarioCookie `json:"setCookies"`
}

type scenarioCookie struct {
	Name        string `json:"name"`
	Value       string `json:"value"` // "set" or "empty", never the value
	MaxAge      string `json:"maxAge"`
	Expires     string `json:"expires"`
	Path        string `json:"path"`
	Domain      string `json:"domain"`
	HTTPOnly    bool   `json:"httpOnly"`
	Secure      bool   `json:"secure"`
	SameSite    string `json:"sameSite"`
	Partitioned bool   `json:"partitioned"`
}

func (c scenarioCookie) String() string {
	return fmt.Sprintf("%s value=%s Max-Age=%s Expires=%s Path=%s Domain=%s HttpOnly=%t Secure=%t SameSite=%s Partitioned=%t",
		c.Name, c.Value, c.MaxAge, c.Expires, c.Path, c.Domain, c.HTTPOnly, c.Secure, c.SameSite, c.Partitioned)
}

func parseScenario(doc []byte) (*scenarioDoc, error) {
	var d scenarioDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, doc)
	}
	if len(d.Steps) == 0 {
		return nil, errors.New("no steps")
	}
	return &d, nil
}

// stepFacts renders what must match in a step as lines ("status 400",
// `error.code "=INVALID_EMAIL"`, "request[0] set-cookie …"), and apart from
// them what is only reported: the order of object keys and error messages.
func stepFacts(s scenarioStep) (facts, notes []string) {
	add := func(format string, a ...any) { facts = append(facts, fmt.Sprintf(format, a...)) }
	if s.Status == nil {
		add("status none")
	} else {
		add("status %d", *s.Status)
	}
	if s.Thrown != "" {
		add("thrown %s", firstLine(s.Thrown))
	}
	facts, notes = flattenShape("data", s.Data, facts, notes)
	facts, notes = flattenShape("error", s.Error, facts, notes)
	if s.ErrorMessage != nil {
		notes = append(notes, fmt.Sprintf("error.message %q", *s.ErrorMessage))
	}
	add("requests %d", len(s.Requests))
	for i, r := range s.Requests {
		p := fmt.Sprintf("request[%d]", i)
		add("%s %s %s %s -> %d %s", p, r.Client, r.Method, r.Path, r.Status, r.ContentType)
		if r.Location != "" {
			add("%s location %s", p, r.Location)
		}
		facts, notes = flattenShape(p+".body", r.Body, facts, notes)
		cookies := make([]string, len(r.SetCookies))
		for j, c := range r.SetCookies {
			cookies[j] = c.String()
		}
		sort.Strings(cookies) // Set-Cookie order carries no meaning
		for _, c := range cookies {
			add("%s set-cookie %s", p, c)
		}
	}
	if len(s.ResetEmail) > 0 {
		facts, notes = flattenShape("resetEmail", s.ResetEmail, facts, notes)
	}
	if len(s.Facts) > 0 {
		facts, notes = flattenShape("facts", s.Facts, facts, notes)
	}
	return facts, notes
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// flattenShape appends one line per leaf of a shape document ("data.user.id
// string") to facts, and the key order of every object to notes.
func flattenShape(path string, raw json.RawMessage, facts, notes []string) ([]string, []string) {
	if len(raw) == 0 {
		return append(facts, path+" absent"), notes
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			var keys []string
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := k.(string)
				keys = append(keys, key)
				if err := walk(path + "." + key); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			if len(keys) == 0 {
				facts = append(facts, path+" {}")
			}
			if len(keys) > 1 {
				notes = append(notes, fmt.Sprintf("key order %s: %s", path, strings.Join(keys, ",")))
			}
		case json.Delim('['):
			n := 0
			for dec.More() {
				if err := walk(fmt.Sprintf("%s[%d]", path, n)); err != nil {
					return err
				}
				n++
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			facts = append(facts, fmt.Sprintf("%s length %d", path, n))
		default:
			b, _ := json.Marshal(tok)
			facts = append(facts, path+" "+string(b))
		}
		return nil
	}
	if err := walk(path); err != nil {
		facts = append(facts, fmt.Sprintf("%s unparseable: %v", path, err))
	}
	return facts, notes
}

// lineDiff returns the lines of want missing from got and of got missing
// from want, counting repeats, each in its original order.
func lineDiff(want, got []string) (onlyWant, onlyGot []string) {
	count := map[string]int{}
	for _, l := range got {
		count[l]++
	}
	for _, l := range want {
		if count[l] > 0 {
			count[l]--
		} else {
			onlyWant = append(onlyWant, l)
		}
	}
	count = map[string]int{}
	for _, l := range want {
		count[l]++
	}
	for _, l := range got {
		if count[l] > 0 {
			count[l]--
		} else {
			onlyGot = append(onlyGot, l)
		}
	}
	return onlyWant, onlyGot
}

// deliberateDifferences are the steps where the Go server knowingly answers
// differently from Better Auth, each with the exact answers both must give
// (so a change on either side still fails the test) and the reason,
// repeated in the README.
var deliberateDifferences = map[string]struct {
	baStatus, goStatus int
	goCode             string
	why                string
}{
	"updateUser.nameNotString": {200, 400, "VALIDATION_ERROR",
		"Better Auth stores a non-string name as whatever the database makes of it; Go refuses it as invalid input"},
}

func errorCode(raw json.RawMessage) string {
	var e struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(raw, &e)
	return strings.TrimPrefix(e.Code, "=")
}

func compareScenarios(t *testing.T, want, got *scenarioDoc) {
	t.Helper()
	if len(want.Steps) != len(got.Steps) {
		t.Errorf("Better Auth ran %d steps, Go %d", len(want.Steps), len(got.Steps))
	}
	mismatches := 0
	var notes strings.Builder
	for i := 0; i < min(len(want.Steps), len(got.Steps)); i++ {
		w, g := want.Steps[i], got.Steps[i]
		if w.Step != g.Step {
			t.Fatalf("step %d is %q for Better Auth but %q for Go: the scenarios diverged", i, w.Step, g.Step)
		}
		if d, ok := deliberateDifferences[w.Step]; ok {
			if w.Status == nil || g.Status == nil || *w.Status != d.baStatus || *g.Status != d.goStatus || errorCode(g.Error) != d.goCode {
				t.Errorf("step %s: a deliberate difference changed (%s): Better Auth %v, Go %v %s; want %d and %d %s",
					w.Step, d.why, w.Status, g.Status, g.Error, d.baStatus, d.goStatus, d.goCode)
			}
			continue
		}
		wf, wn := stepFacts(w)
		gf, gn := stepFacts(g)
		if onlyW, onlyG := lineDiff(wf, gf); len(onlyW)+len(onlyG) > 0 {
			mismatches++
			var b strings.Builder
			fmt.Fprintf(&b, "step %s %s: Go differs from Better Auth (- Better Auth, + Go)\n", w.Step, describeRequests(w))
			for _, l := range onlyW {
				fmt.Fprintf(&b, "  - %s\n", l)
			}
			for _, l := range onlyG {
				fmt.Fprintf(&b, "  + %s\n", l)
			}
			t.Error(b.String())
		}
		if onlyW, onlyG := lineDiff(wn, gn); len(onlyW)+len(onlyG) > 0 {
			fmt.Fprintf(&notes, "step %s:\n", w.Step)
			for _, l := range onlyW {
				fmt.Fprintf(&notes, "  - %s\n", l)
			}
			for _, l := range onlyG {
				fmt.Fprintf(&notes, "  + %s\n", l)
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d steps differ", mismatches, len(want.Steps))
	}
	if notes.Len() > 0 {
		t.Logf("not compared, for information — key order and error messages (- Better Auth, + Go):\n%s", notes.String())
	}
	if fmt.Sprint(want.Clients) != fmt.Sprint(got.Clients) {
		t.Errorf("cookies left in the jars at the end: Better Auth %v, Go %v", want.Clients, got.Clients)
	}
}

func describeRequests(s scenarioStep) string {
	parts := make([]string, len(s.Requests))
	for i, r := range s.Requests {
		parts[i] = r.Method + " /api/auth" + r.Path
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
