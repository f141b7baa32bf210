package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
	"github.com/betterauth-go/betterauth/internal/batest"
	"github.com/betterauth-go/betterauth/internal/storetest"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sqlstore"
)

const adminUsersSecret = "admin-users-live-secret-0123456789abcdef"

// The admin access control both sides run: custom roles (support may list
// and get, editor may update and set roles and emails, banner may ban),
// a role list of two, and one adminUserIds entry.
var (
	adminUsersAC = access.Statements{
		"user":    {"create", "list", "set-role", "ban", "impersonate", "impersonate-admins", "delete", "set-password", "set-email", "set-phone", "get", "update"},
		"session": {"list", "revoke", "delete"},
	}
	adminUsersRoles = map[string]access.Statements{
		"admin":   access.AdminDefaultRoles()["admin"].Statements,
		"user":    {"user": {}, "session": {}},
		"support": {"user": {"list", "get"}},
		"editor":  {"user": {"update", "set-role", "set-email", "create"}},
		"banner":  {"user": {"ban"}},
	}
)

func adminUsersHarnessConfig(dialect, db string, adminUserIDs []string) batest.Config {
	admin := map[string]any{"rolesStatements": adminUsersRoles, "acStatements": adminUsersAC, "defaultBanReason": "Policy"}
	if adminUserIDs != nil {
		admin["adminUserIds"] = adminUserIDs
	}
	return batest.Config{Dialect: dialect, URL: db, Secret: adminUsersSecret, Plugins: []string{"admin"},
		AdditionalFields: map[string]any{"plan": map[string]any{"type": "string", "required": false}},
		Extra:            map[string]any{"pluginOptions": map[string]any{"admin": admin}}}
}

// TestAdminUserRoutesMatchBetterAuth runs the admin plugin's user routes
// (list-users, get-user, create-user, update-user, set-role,
// set-user-password, ban-user, unban-user) on Better Auth and on Go over
// one database, with the same custom roles, adminUserIds and custom user
// field, for callers with admin, user, custom, comma-list and
// adminUserIds roles and none. Refusals and reads are asked of both on
// the same rows, the bodies compared byte for byte; each write is asked of each server on its own one of a
// pair of identical users, the answers compared with the ids, emails'
// side prefix and dates normalised. Then each server reads what the other
// wrote: users created, passwords set, bans (sign-in refused with
// BANNED_USER, sessions gone).
func TestAdminUserRoutesMatchBetterAuth(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind.String(), func(t *testing.T) { testAdminUserRoutes(t, kind) })
	}
}

type adminLive struct {
	t   *testing.T
	h   *batest.Harness
	srv *server.Server
}

type liveResp struct {
	status int
	body   string
	cookie string
}

func (a *adminLive) ba(method, path, cookie, body string) liveResp {
	a.t.Helper()
	headers := map[string]string{"origin": "http://localhost:3000"}
	if cookie != "" {
		headers["cookie"] = cookie
	}
	args := map[string]any{"method": method, "path": path, "headers": headers}
	if body != "" {
		headers["content-type"] = "application/json"
		args["rawBody"] = body
	}
	var r batest.Response
	a.h.MustCall(a.t, "request", args, &r)
	return liveResp{r.Status, r.Text, batest.CookieHeader(r.SetCookie)}
}

func (a *adminLive) goDo(method, path, cookie, body string) liveResp {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://localhost:3000"+path, rd)
	req.Header.Set("origin", "http://localhost:3000")
	if body != "" {
		req.Header.Set("content-type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("cookie", cookie)
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return liveResp{rec.Code, rec.Body.String(), batest.CookieHeader(rec.Result().Header.Values("Set-Cookie"))}
}

var isoDate = regexp.MustCompile(`"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"`)

// normalise replaces the ids given with their labels, every date with
// "<date>", and the side prefixes of paired emails with "x-".
func normalise(body string, ids map[string]string) string {
	for id, label := range ids {
		body = strings.ReplaceAll(body, `"`+id+`"`, `"<`+label+`>"`)
	}
	body = isoDate.ReplaceAllString(body, `"<date>"`)
	body = strings.ReplaceAll(body, `ba-`, `x-`)
	return strings.ReplaceAll(body, `go-`, `x-`)
}

func testAdminUserRoutes(t *testing.T, kind sqlstore.Kind) {
	db := storetest.NewDatabase(t, kind)
	h := batest.Start(t, adminUsersHarnessConfig(kind.String(), db.DSN, nil))
	h.MustCall(t, "migrate", nil, nil)
	a := &adminLive{t: t, h: h}

	signUp := func(email, name string) (id, cookie string) {
		t.Helper()
		r := a.ba("POST", "/api/auth/sign-up/email", "", fmt.Sprintf(`{"email":%q,"password":"password123","name":%q}`, email, name))
		if r.status != 200 {
			t.Fatalf("sign-up %s: %d %s", email, r.status, r.body)
		}
		var out struct{ User struct{ ID string } }
		if err := json.Unmarshal([]byte(r.body), &out); err != nil {
			t.Fatal(err)
		}
		return out.User.ID, r.cookie
	}
	setRole := func(id, role string) {
		h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user", "where": []map[string]any{{"field": "id", "value": id}}, "update": map[string]any{"role": role}}}, nil)
	}
	type caller struct{ name, id, cookie string }
	var callers []caller
	for _, c := range []struct{ name, role string }{
		{"admin", "admin"}, {"user", "user"}, {"support", "support"}, {"editor", "editor"}, {"support,banner", "support,banner"},
		{"spaced", "user, admin"}, {"super", "user"},
	} {
		id, cookie := signUp(strings.ReplaceAll(c.name, ",", "-")+"@example.com", "Caller "+c.name)
		setRole(id, c.role)
		callers = append(callers, caller{c.name, id, cookie})
	}
	superID := callers[6].id
	// Targets for the reads and refusals: one with a plan.
	targetID, _ := signUp("target@example.com", "Target")
	h.MustCall(t, "adapter", map[string]any{"method": "update", "args": map[string]any{"model": "user", "where": []map[string]any{{"field": "id", "value": targetID}}, "update": map[string]any{"plan": "pro"}}}, nil)
	signUp("Other.Person@example.com", "Other")
	h.MustCall(t, "init", adminUsersHarnessConfig(kind.String(), db.DSN, []string{superID}), nil)

	st := db.Open(t, sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginAdmin},
		Tables: map[string]ba.TableConfig{ba.ModelUser: {AdditionalFields: []ba.Field{{Name: "plan", Type: ba.TypeString}}}}}})
	srv, err := server.New(server.Config{
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store: st, Secrets: []ba.Secret{{Value: adminUsersSecret}}, BaseURL: "http://localhost:3000",
		Admin: &access.Admin{Roles: access.RolesOf(adminUsersRoles), AdminUserIDs: []string{superID}, DefaultBanReason: "Policy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	a.srv = srv

	// Reads and refusals: the same call, the same rows, on both.
	type call struct{ method, path, body string }
	T := targetID
	calls := []call{
		{"GET", "/api/auth/admin/list-users?sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=2&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=2&offset=1&sortBy=name&sortDirection=desc", ""},
		{"GET", "/api/auth/admin/list-users?searchValue=Caller&searchField=name&searchOperator=starts_with&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?searchValue=example.com&searchOperator=ends_with&sortBy=createdAt&sortDirection=desc", ""},
		{"GET", "/api/auth/admin/list-users?searchValue=other&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=role&filterValue=admin", ""},
		{"GET", "/api/auth/admin/list-users?filterField=role&filterOperator=ne&filterValue=user&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=role&filterOperator=in&filterValue=support&filterValue=editor&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=role&filterOperator=not_in&filterValue=user&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=role&filterOperator=in&filterValue=support", ""},
		{"GET", "/api/auth/admin/list-users?filterField=plan&filterValue=pro", ""},
		{"GET", "/api/auth/admin/list-users?filterField=banned&filterValue=false&limit=3&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=name&filterOperator=contains&filterValue=aller&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=email&filterOperator=gt&filterValue=s&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=nope&filterValue=x", ""},
		{"GET", "/api/auth/admin/list-users?sortBy=nope", ""},
		{"GET", "/api/auth/admin/list-users?filterValue=target@example.com", ""},
		{"GET", "/api/auth/admin/list-users?limit=abc&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=0&offset=0&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=1&limit=2", ""},
		{"GET", "/api/auth/admin/list-users?offset=2&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=-1&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=1.5&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?limit=%200x2%20&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=banned&filterOperator=contains&filterValue=t", ""},
		{"GET", "/api/auth/admin/list-users?filterField=emailVerified&filterValue=true", ""},
		{"GET", "/api/auth/admin/list-users?filterField=name&filterValue=", ""},
		{"GET", "/api/auth/admin/list-users?searchValue=%25r_&searchField=name&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?filterField=createdAt&filterOperator=gt&filterValue=2000-01-01T00:00:00.000Z&sortBy=email", ""},
		{"GET", "/api/auth/admin/list-users?searchField=phone", ""},
		{"GET", "/api/auth/admin/list-users?sortDirection=up&filterOperator=like", ""},
		{"GET", "/api/auth/admin/get-user?id=" + T, ""},
		{"GET", "/api/auth/admin/get-user?id=nope", ""},
		{"GET", "/api/auth/admin/get-user", ""},
		{"GET", "/api/auth/admin/get-user?id=a&id=b", ""},
		{"POST", "/api/auth/admin/create-user", `{}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"x"}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"bad","name":"N"}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"TARGET@example.com","name":"N","password":"password123"}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"fresh@example.com","name":"N","role":"nonexistent"}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"fresh@example.com","name":"N","role":5}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"fresh@example.com","name":"N","data":{"role":5}}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"fresh@example.com","name":"N","data":[1]}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"bad","name":"N","data":{"banned":true}}`},
		{"POST", "/api/auth/admin/create-user", `{"email":"bad","name":"N","password":"` + strings.Repeat("p", 200) + `"}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"password":"x"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"id":"x"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"role":"nonexistent"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"role":5}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"email":"bad"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"email":"other.person@EXAMPLE.com"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"phoneNumber":"+1"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":{"banned":false,"banReason":"x"},"x":1}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"nope","data":{"name":"N"}}`},
		{"POST", "/api/auth/admin/update-user", `{"data":{"name":"N"}}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `"}`},
		{"POST", "/api/auth/admin/update-user", `{"userId":"` + T + `","data":[]}`},
		{"POST", "/api/auth/admin/update-user", `[]`},
		{"POST", "/api/auth/admin/set-role", `{"userId":"` + T + `","role":"nonexistent"}`},
		{"POST", "/api/auth/admin/set-role", `{"userId":"` + T + `","role":["support","nonexistent"]}`},
		{"POST", "/api/auth/admin/set-role", `{"userId":"nope","role":"user"}`},
		{"POST", "/api/auth/admin/set-role", `{"userId":"` + T + `","role":5}`},
		{"POST", "/api/auth/admin/set-role", `{"userId":"` + T + `"}`},
		{"POST", "/api/auth/admin/set-role", `{"userId":["` + T + `"],"role":[1]}`},
		{"POST", "/api/auth/admin/set-user-password", `{"userId":"` + T + `","newPassword":""}`},
		{"POST", "/api/auth/admin/set-user-password", `{"userId":"","newPassword":"password123"}`},
		{"POST", "/api/auth/admin/set-user-password", `{"userId":"` + T + `","newPassword":"abc"}`},
		{"POST", "/api/auth/admin/set-user-password", `{"userId":"` + T + `","newPassword":"` + strings.Repeat("p", 200) + `"}`},
		{"POST", "/api/auth/admin/set-user-password", `{"userId":"nope","newPassword":"password123"}`},
		{"POST", "/api/auth/admin/set-user-password", `{"userId":"` + T + `","newPassword":5}`},
		{"POST", "/api/auth/admin/ban-user", `{"userId":"nope"}`},
		{"POST", "/api/auth/admin/ban-user", `{"userId":"` + T + `","banExpiresIn":"x"}`},
		{"POST", "/api/auth/admin/ban-user", `{"userId":"` + T + `","banReason":5}`},
		{"POST", "/api/auth/admin/unban-user", `{"userId":"nope"}`},
		{"POST", "/api/auth/admin/unban-user", `{}`},
	}
	seen := map[string]int{}
	for _, c := range append(callers, caller{name: "none"}) {
		list := calls
		for _, path := range []string{"update-user", "ban-user"} {
			// Refusals about the caller itself.
			list = append(list, call{"POST", "/api/auth/admin/" + path, `{"userId":"` + c.id + `","data":{"banned":true}}`})
		}
		for _, k := range list {
			want := a.ba(k.method, k.path, c.cookie, k.body)
			got := a.goDo(k.method, k.path, c.cookie, k.body)
			if k.method == "POST" {
				// The few updates that succeed write updatedAt twice.
				want.body, got.body = isoDate.ReplaceAllString(want.body, `"<date>"`), isoDate.ReplaceAllString(got.body, `"<date>"`)
			}
			if got.status != want.status || got.body != want.body {
				t.Errorf("%s %s %s as %s:\n  Go          %d %s\n  Better Auth %d %s", k.method, k.path, k.body, c.name, got.status, got.body, want.status, want.body)
			}
			seen[fmt.Sprint(want.status)]++
		}
	}
	if seen["200"] < 30 || seen["403"] < 30 || seen["400"] < 30 || seen["401"] < 10 || seen["404"] < 5 {
		t.Errorf("the matrix is lopsided: %v", seen)
	}

	// Writes: each server changes its own one of a pair of identical
	// users; the answers must be the same once normalised.
	type pairT struct{ baID, goID, baCookie, goCookie string }
	n := 0
	pair := func() pairT {
		n++
		var p pairT
		p.baID, p.baCookie = signUp(fmt.Sprintf("ba-pair%d@example.com", n), "Pair")
		p.goID, p.goCookie = signUp(fmt.Sprintf("go-pair%d@example.com", n), "Pair")
		return p
	}
	paired := func(who caller, method, path, body string, p pairT) (baResp, goResp liveResp) {
		t.Helper()
		baBody := strings.ReplaceAll(strings.ReplaceAll(body, "{T}", p.baID), "{E}", "ba-")
		goBody := strings.ReplaceAll(strings.ReplaceAll(body, "{T}", p.goID), "{E}", "go-")
		baResp = a.ba(method, path, who.cookie, baBody)
		goResp = a.goDo(method, path, who.cookie, goBody)
		ids := map[string]string{p.baID: "target", p.goID: "target"}
		for _, r := range []liveResp{baResp, goResp} {
			var out struct{ User struct{ ID string } }
			if json.Unmarshal([]byte(r.body), &out) == nil && out.User.ID != "" && ids[out.User.ID] == "" {
				ids[out.User.ID] = "new"
			}
		}
		if goResp.status != baResp.status || normalise(goResp.body, ids) != normalise(baResp.body, ids) {
			t.Errorf("%s %s as %s:\n  Go          %d %s\n  Better Auth %d %s", path, body, who.name, goResp.status, goResp.body, baResp.status, baResp.body)
		}
		if baResp.status != 200 {
			t.Errorf("%s %s as %s: Better Auth answered %d %s; the write cases must succeed", path, body, who.name, baResp.status, baResp.body)
		}
		return baResp, goResp
	}
	admin, editor, banner, super := callers[0], callers[3], callers[4], callers[6]
	none := pairT{}

	// Users created by each, signed in on the other.
	for i, who := range []caller{admin, super, editor} {
		body := fmt.Sprintf(`{"email":"{E}NEW%d@Example.com","name":"New","password":"password123","role":["support","banner"],"data":{"plan":"team","emailVerified":true,"ignored":1}}`, i)
		if who.name == "editor" {
			body = fmt.Sprintf(`{"email":"{E}new%d@example.com","name":"New","data":{"role":"support","image":"https://example.com/a.png"}}`, i)
		}
		paired(who, "POST", "/api/auth/admin/create-user", body, none)
		if who.name != "editor" {
			for _, side := range []struct {
				prefix string
				signIn func(method, path, cookie, body string) liveResp
			}{{"go-", a.ba}, {"ba-", a.goDo}} {
				r := side.signIn("POST", "/api/auth/sign-in/email", "", fmt.Sprintf(`{"email":"%snew%d@example.com","password":"password123"}`, side.prefix, i))
				if r.status != 200 {
					t.Errorf("sign-in of the user the other server created (%snew%d): %d %s", side.prefix, i, r.status, r.body)
				}
			}
		}
	}
	paired(admin, "POST", "/api/auth/admin/create-user", `{"email":"{E}nopw@example.com","name":"No Password","data":{"banned":true,"banReason":"created banned"}}`, none)

	// Updates.
	p := pair()
	paired(admin, "POST", "/api/auth/admin/update-user", `{"userId":"{T}","data":{"name":"Renamed","plan":"team","ignored":true}}`, p)
	paired(editor, "POST", "/api/auth/admin/update-user", `{"userId":"{T}","data":{"role":["support","editor"],"email":"{E}Changed@example.com","emailVerified":true}}`, p)
	paired(admin, "POST", "/api/auth/admin/update-user", `{"userId":"{T}","data":{"email":"{E}changed@example.com"}}`, p)
	p = pair()
	paired(admin, "POST", "/api/auth/admin/update-user", `{"userId":"{T}","data":{"banned":true,"banReason":"by update"}}`, p)
	for _, c := range []string{p.baCookie, p.goCookie} {
		for _, do := range []func(string, string, string, string) liveResp{a.ba, a.goDo} {
			if r := do("GET", "/api/auth/get-session", c, ""); r.body != "null" {
				t.Errorf("a session of a user banned through update-user survived: %d %s", r.status, r.body)
			}
		}
	}

	// Roles and passwords.
	p = pair()
	paired(admin, "POST", "/api/auth/admin/set-role", `{"userId":"{T}","role":"support"}`, p)
	paired(editor, "POST", "/api/auth/admin/set-role", `{"userId":"{T}","role":["support","banner"]}`, p)
	paired(admin, "POST", "/api/auth/admin/set-user-password", `{"userId":"{T}","newPassword":"newpassword123"}`, p)
	for _, side := range []struct {
		email  string
		signIn func(method, path, cookie, body string) liveResp
	}{{fmt.Sprintf("go-pair%d@example.com", n), a.ba}, {fmt.Sprintf("ba-pair%d@example.com", n), a.goDo}} {
		if r := side.signIn("POST", "/api/auth/sign-in/email", "", `{"email":"`+side.email+`","password":"newpassword123"}`); r.status != 200 {
			t.Errorf("sign-in with the password the other server set (%s): %d %s", side.email, r.status, r.body)
		}
		if r := side.signIn("POST", "/api/auth/sign-in/email", "", `{"email":"`+side.email+`","password":"password123"}`); r.status != 401 {
			t.Errorf("the old password still signs in (%s): %d %s", side.email, r.status, r.body)
		}
	}
	// A user without a credential account gets one.
	paired(admin, "POST", "/api/auth/admin/create-user", `{"email":"{E}social@example.com","name":"Social"}`, none)
	paired(admin, "POST", "/api/auth/admin/set-user-password", `{"userId":"`+userIDByEmail(t, st, "ba-social@example.com")+`","newPassword":"password123"}`, none)

	// Bans: sessions gone, sign-in refused on the other server, unban.
	p = pair()
	paired(banner, "POST", "/api/auth/admin/ban-user", `{"userId":"{T}"}`, p)
	for _, c := range []string{p.baCookie, p.goCookie} {
		for _, do := range []func(string, string, string, string) liveResp{a.ba, a.goDo} {
			if r := do("GET", "/api/auth/get-session", c, ""); r.body != "null" {
				t.Errorf("a session of a banned user survived: %d %s", r.status, r.body)
			}
		}
	}
	for _, side := range []struct {
		email  string
		signIn func(method, path, cookie, body string) liveResp
	}{{fmt.Sprintf("go-pair%d@example.com", n), a.ba}, {fmt.Sprintf("ba-pair%d@example.com", n), a.goDo}} {
		r := side.signIn("POST", "/api/auth/sign-in/email", "", `{"email":"`+side.email+`","password":"password123"}`)
		if r.status != 403 || !strings.Contains(r.body, `"BANNED_USER"`) {
			t.Errorf("sign-in of a user the other server banned (%s): %d %s", side.email, r.status, r.body)
		}
	}
	paired(admin, "POST", "/api/auth/admin/ban-user", `{"userId":"{T}","banReason":"spam","banExpiresIn":3600}`, p)
	paired(admin, "POST", "/api/auth/admin/unban-user", `{"userId":"{T}"}`, p)
	for _, side := range []struct {
		email  string
		signIn func(method, path, cookie, body string) liveResp
	}{{fmt.Sprintf("go-pair%d@example.com", n), a.ba}, {fmt.Sprintf("ba-pair%d@example.com", n), a.goDo}} {
		if r := side.signIn("POST", "/api/auth/sign-in/email", "", `{"email":"`+side.email+`","password":"password123"}`); r.status != 200 {
			t.Errorf("sign-in of a user the other server unbanned (%s): %d %s", side.email, r.status, r.body)
		}
	}
}

func userIDByEmail(t *testing.T, st *sqlstore.Store, email string) string {
	t.Helper()
	u, err := st.GetUserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestAdminSessionBypassesCookieCache: the admin routes read the caller's
// session from the store, as Better Auth's getAuthoritativeSessionFromCtx
// does, so an admin demoted since the cookie cache was written is refused
// at once, while get-session still answers from the cache.
func TestAdminSessionBypassesCookieCache(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.CookieCache = ba.CookieCacheConfig{Strategy: ba.CacheCompact}
	})
	admin := e.client()
	u := admin.signUp("admin@example.com", "password123")["user"].(map[string]any)
	id := u["id"].(string)
	if _, err := e.store.UpdateUser(t.Context(), id, ba.UserUpdate{Role: ba.Value("admin")}); err != nil {
		t.Fatal(err)
	}
	// Sign in again: the new cookie cache says admin.
	expect(t, admin.do("POST", "/api/auth/sign-in/email", map[string]any{"email": "admin@example.com", "password": "password123"}), 200, "")
	expect(t, admin.do("GET", "/api/auth/admin/list-users", nil), 200, "")
	if _, err := e.store.UpdateUser(t.Context(), id, ba.UserUpdate{Role: ba.Value("user")}); err != nil {
		t.Fatal(err)
	}
	if role := admin.do("GET", "/api/auth/get-session", nil).json(t)["user"].(map[string]any)["role"]; role != "admin" {
		t.Fatalf("get-session role %v: the cookie cache was not in use, so this test proves nothing", role)
	}
	expect(t, admin.do("GET", "/api/auth/admin/list-users", nil), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")
	expect(t, admin.do("POST", "/api/auth/admin/create-user", map[string]any{"email": "n@example.com", "name": "N"}), 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS")
}
