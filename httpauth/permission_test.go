package httpauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/access"
	"github.com/betterauth-go/betterauth/httpauth"
)

// permStore is an in-memory access.OrganizationStore that counts reads.
type permStore struct {
	members map[[2]string]string // {org, user} → role
	roles   map[string][]access.OrganizationRole
	fail    bool
	reads   int
}

func (m *permStore) FindMember(_ context.Context, org, user string) (access.Member, bool, error) {
	m.reads++
	if m.fail {
		return access.Member{}, false, errors.New("down")
	}
	role, ok := m.members[[2]string{org, user}]
	return access.Member{OrganizationID: org, UserID: user, Role: role}, ok, nil
}

func (m *permStore) ListOrganizationRoles(_ context.Context, org string) ([]access.OrganizationRole, error) {
	return m.roles[org], nil
}

func permRequest(userID, role, activeOrg string) *http.Request {
	r := httptest.NewRequest("GET", "/x", nil)
	if userID == "" {
		return r.WithContext(httpauth.NewContext(r.Context(), nil, ba.ErrNoSession))
	}
	u := &ba.User{ID: userID}
	if role != "" {
		u.Role = &role
	}
	s := &ba.Session{UserID: userID}
	if activeOrg != "" {
		s.ActiveOrganizationID = &activeOrg
	}
	return r.WithContext(httpauth.NewContext(r.Context(), &ba.Result{User: u, Session: s}, nil))
}

func TestRequirePermission(t *testing.T) {
	admin := &access.Admin{AdminUserIDs: []string{"root"}}
	h := httpauth.RequirePermission(admin, access.Statements{"user": {"ban"}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	for _, c := range []struct {
		user, role string
		want       int
	}{
		{"", "", 401},
		{"u", "admin", 204},
		{"u", "user,admin", 204},
		{"u", "user, admin", 403}, // admin lists are not trimmed
		{"u", "user", 403},
		{"u", "", 403},
		{"root", "user", 204},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, permRequest(c.user, c.role, ""))
		if rec.Code != c.want {
			t.Errorf("%s %q: %d, want %d", c.user, c.role, rec.Code, c.want)
		}
	}
}

func TestRequireOrgPermission(t *testing.T) {
	st := &permStore{
		members: map[[2]string]string{{"A", "u1"}: "member", {"A", "u2"}: " admin ,member", {"B", "u1"}: "owner", {"A", "u3"}: "reviewer"},
		roles:   map[string][]access.OrganizationRole{"A": {{OrganizationID: "A", Role: "reviewer", Permission: `{"member":["create"]}`}}},
	}
	org := &access.Organization{AccessControl: access.OrganizationStatements(), DynamicAccessControl: true}
	h := httpauth.RequireOrgPermission(org, st, httpauth.ActiveOrganization, access.Statements{"member": {"create"}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	for _, c := range []struct {
		user, active string
		want         int
	}{
		{"", "A", 401},
		{"u1", "", 403},  // no active organization
		{"u1", "A", 403}, // member may not create members
		{"u2", "A", 204}, // trimmed role list
		{"u1", "B", 204}, // owner of B
		{"u2", "B", 403}, // not a member of B, whatever the session says
		{"u3", "A", 204}, // dynamic role
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, permRequest(c.user, "", c.active))
		if rec.Code != c.want {
			t.Errorf("%s in %q: %d %s, want %d", c.user, c.active, rec.Code, rec.Body, c.want)
		}
	}
	before := st.reads
	h.ServeHTTP(httptest.NewRecorder(), permRequest("u2", "", "A"))
	h.ServeHTTP(httptest.NewRecorder(), permRequest("u2", "", "A"))
	if st.reads != before+2 {
		t.Errorf("membership read %d times for 2 requests, want every request", st.reads-before)
	}
	st.fail = true
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, permRequest("u2", "", "A"))
	if rec.Code != 503 {
		t.Errorf("store down: %d, want 503", rec.Code)
	}
}

func BenchmarkRequirePermission(b *testing.B) {
	h := httpauth.RequirePermission(nil, access.Statements{"user": {"list"}, "session": {"revoke"}})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := permRequest("u", "user,admin", "")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, r)
	}
}

func BenchmarkRequireOrgPermission(b *testing.B) {
	st := &permStore{members: map[[2]string]string{{"A", "u"}: "member, admin"}}
	h := httpauth.RequireOrgPermission(nil, st, httpauth.ActiveOrganization, access.Statements{"member": {"create"}, "team": {"update"}})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := permRequest("u", "", "A")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, r)
	}
}
