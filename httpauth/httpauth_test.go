package httpauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
)

const secret = "httpauth-test-secret-0123456789abcdef"

type memStore struct {
	sessions map[string]*ba.Session
	users    map[string]*ba.User
	members  map[[2]string]*ba.Member
	down     bool
}

func (m *memStore) GetSessionAndUser(_ context.Context, token string) (*ba.Session, *ba.User, error) {
	if m.down {
		return nil, nil, ba.ErrUnavailable
	}
	s, ok := m.sessions[token]
	if !ok {
		return nil, nil, ba.ErrNotFound
	}
	return s, m.users[s.UserID], nil
}

func (m *memStore) GetMember(_ context.Context, org, user string) (*ba.Member, error) {
	if mem, ok := m.members[[2]string{org, user}]; ok {
		return mem, nil
	}
	return nil, ba.ErrNotFound
}

func setup(t *testing.T) (*memStore, *ba.Verifier, map[string]string) {
	t.Helper()
	st := &memStore{sessions: map[string]*ba.Session{}, users: map[string]*ba.User{}, members: map[[2]string]*ba.Member{}}
	cookies := map[string]string{}
	now := ba.Truncate(timeNow())
	for _, u := range []struct{ id, role string }{{"admin1", "user,admin"}, {"user1", "user"}} {
		role := u.role
		st.users[u.id] = &ba.User{ID: u.id, Name: u.id, Email: u.id + "@example.com", Role: &role}
		s := ba.NewSession(ba.SessionCreate{UserID: u.id}, now)
		org := "org1"
		s.ActiveOrganizationID = &org
		st.sessions[s.Token] = s
		cookies[u.id] = "better-auth.session_token=" + ba.SignCookieValue(s.Token, secret)
	}
	st.members[[2]string{"org1", "user1"}] = &ba.Member{OrganizationID: "org1", UserID: "user1", Role: "member"}
	v, err := ba.NewVerifier(ba.VerifierConfig{Secrets: []ba.Secret{{Value: secret}}, Sessions: st, BaseURL: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	return st, v, cookies
}

func do(h http.Handler, method, cookie, origin string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/x", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func code(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var e httpauth.Error
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("body %q is not a Better Auth error: %v", w.Body.String(), err)
	}
	return e.Code
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	u := httpauth.User(r.Context())
	if u == nil {
		w.Write([]byte("anonymous"))
		return
	}
	w.Write([]byte(u.ID))
})

func TestVerifyNeverRejects(t *testing.T) {
	_, v, cookies := setup(t)
	h := httpauth.Verify(v)(ok)
	if w := do(h, "GET", "", ""); w.Code != 200 || w.Body.String() != "anonymous" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	w := do(h, "GET", cookies["user1"], "")
	if w.Body.String() != "user1" || w.Header().Get("Vary") != "Cookie" {
		t.Fatalf("%s vary=%q", w.Body, w.Header().Get("Vary"))
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "better-auth.session_token=bad.sig")
	var gotErr error
	httpauth.Verify(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, gotErr = httpauth.FromContext(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), r)
	if !errors.Is(gotErr, ba.ErrInvalidSignature) {
		t.Fatalf("error in context: %v", gotErr)
	}
}

func TestRequire(t *testing.T) {
	st, v, cookies := setup(t)
	h := httpauth.Verify(v)(httpauth.Require(ok))
	if w := do(h, "GET", "", ""); w.Code != 401 || code(t, w) != "UNAUTHORIZED" {
		t.Fatalf("no session: %d", w.Code)
	}
	if w := do(h, "GET", cookies["user1"], ""); w.Code != 200 || w.Body.String() != "user1" {
		t.Fatalf("session: %d %s", w.Code, w.Body)
	}
	st.down = true
	if w := do(h, "GET", cookies["user1"], ""); w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("store down: %d, want 503", w.Code)
	}
	// Without Verify in front, Require refuses rather than panics.
	if w := do(httpauth.Require(ok), "GET", cookies["user1"], ""); w.Code != 401 {
		t.Fatalf("no Verify: %d", w.Code)
	}
}

func TestRequireRole(t *testing.T) {
	_, v, cookies := setup(t)
	h := httpauth.Verify(v)(httpauth.RequireRole("admin")(ok))
	if w := do(h, "GET", cookies["admin1"], ""); w.Code != 200 {
		t.Fatalf("admin (comma list): %d", w.Code)
	}
	if w := do(h, "GET", cookies["user1"], ""); w.Code != 403 || code(t, w) != "FORBIDDEN" {
		t.Fatalf("user: %d", w.Code)
	}
	if w := do(h, "GET", "", ""); w.Code != 401 {
		t.Fatalf("anonymous: %d", w.Code)
	}
}

func TestRequireOrgRole(t *testing.T) {
	st, v, cookies := setup(t)
	member := httpauth.Verify(v)(httpauth.RequireOrgRole(st, httpauth.ActiveOrganization)(ok))
	owner := httpauth.Verify(v)(httpauth.RequireOrgRole(st, httpauth.ActiveOrganization, "owner", "admin")(ok))
	if w := do(member, "GET", cookies["user1"], ""); w.Code != 200 {
		t.Fatalf("member: %d", w.Code)
	}
	if w := do(owner, "GET", cookies["user1"], ""); w.Code != 403 {
		t.Fatalf("member as owner: %d", w.Code)
	}
	// admin1's session says org1 is active, but admin1 is not a member:
	// activeOrganizationId alone proves nothing.
	if w := do(member, "GET", cookies["admin1"], ""); w.Code != 403 || code(t, w) != "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION" {
		t.Fatalf("non-member with active org: %d", w.Code)
	}
}

func TestCheckOrigin(t *testing.T) {
	_, _, cookies := setup(t)
	h := httpauth.CheckOrigin([]string{"http://localhost:3000", "https://*.example.com"})(ok)
	cases := []struct {
		method, cookie, origin string
		want                   int
		code                   string
	}{
		{"POST", cookies["user1"], "http://localhost:3000", 200, ""},
		{"POST", cookies["user1"], "https://app.example.com", 200, ""},
		{"POST", cookies["user1"], "http://evil.com", 403, "INVALID_ORIGIN"},
		{"POST", cookies["user1"], "https://example.com.evil.com", 403, "INVALID_ORIGIN"},
		{"POST", cookies["user1"], "", 403, "MISSING_OR_NULL_ORIGIN"},
		{"POST", cookies["user1"], "null", 403, "MISSING_OR_NULL_ORIGIN"},
		{"DELETE", cookies["user1"], "http://evil.com", 403, "INVALID_ORIGIN"},
		{"POST", "", "http://evil.com", 200, ""}, // no cookie, no ambient authority
		{"GET", cookies["user1"], "http://evil.com", 200, ""},
	}
	for _, c := range cases {
		w := do(h, c.method, c.cookie, c.origin)
		if w.Code != c.want || (c.code != "" && code(t, w) != c.code) {
			t.Errorf("%s origin=%q cookie=%v: %d %s", c.method, c.origin, c.cookie != "", w.Code, w.Body)
		}
	}
	r := httptest.NewRequest("POST", "/x", nil)
	r.Header.Set("Cookie", cookies["user1"])
	r.Header.Set("Referer", "http://localhost:3000/settings")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Errorf("trusted Referer without Origin: %d", w.Code)
	}
}

// nilMembers answers no error but no member: a lookup bug that must not
// read as membership (nor panic on the role check).
type nilMembers struct{}

func (nilMembers) GetMember(context.Context, string, string) (*ba.Member, error) { return nil, nil }

// A store that answers a session without its user, or a MemberLookup that
// answers no member and no error, breaks its contract: Require answers 401
// and RequireOrgRole 403, never a panic, never a pass.
func TestNilFromStores(t *testing.T) {
	st, v, cookies := setup(t)
	delete(st.users, "user1") // the session stays, its user is gone
	if w := do(httpauth.Verify(v)(httpauth.Require(ok)), "GET", cookies["user1"], ""); w.Code != 401 {
		t.Fatalf("session without user: %d %s", w.Code, w.Body)
	}
	for _, roles := range [][]string{nil, {"member"}} {
		h := httpauth.Verify(v)(httpauth.RequireOrgRole(nilMembers{}, httpauth.ActiveOrganization, roles...)(ok))
		if w := do(h, "GET", cookies["admin1"], ""); w.Code != 403 || code(t, w) != "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION" {
			t.Fatalf("roles %v, nil member: %d %s", roles, w.Code, w.Body)
		}
	}
}
