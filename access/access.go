// Package access is Better Auth's access control (plugins/access,
// createAccessControl) in Go: statements, roles and authorize with the AND
// and OR connectors, plus the admin and organization plugins' permission
// rules (userHasPermission and the organization's hasPermission, with
// dynamic access control).
//
// The package has no dependencies beyond the standard library; the
// organization's store reads (membership and organizationRole rows) come
// through the small [OrganizationStore] interface, which sqlstore
// implements.
package access

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
)

// Statements is a statement set: resource → actions, as in
// createAccessControl(statements) and ac.newRole(statements).
type Statements map[string][]string

// Connector joins the parts of a permission check: AND needs every part,
// OR needs one. Within a resource anything other than "OR" is AND; for
// Authorize's connector "" is the default AND and any value other than AND
// needs one authorized resource, as in Better Auth.
type Connector string

// The two connectors.
const (
	AND Connector = "AND"
	OR  Connector = "OR"
)

// ResourceRequest asks for actions on one resource; Connector joins the
// actions (the {actions, connector} form; a plain action list is AND).
type ResourceRequest struct {
	Resource  string
	Actions   []string
	Connector Connector
}

// Request is a permission check in order: Better Auth walks the request's
// resources in the object's key order, and under AND the first resource that
// fails names the error.
type Request []ResourceRequest

// Permissions turns a statement set into a Request whose resources are in
// sorted order, each action list joined with AND. A nil set is a nil
// Request (Better Auth's "no permission(s) were passed").
func Permissions(s Statements) Request {
	if s == nil {
		return nil
	}
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r := make(Request, len(keys))
	for i, k := range keys {
		r[i] = ResourceRequest{Resource: k, Actions: s[k], Connector: AND}
	}
	return r
}

// UnmarshalJSON reads a JSON object {"resource": ["action", …]} or
// {"resource": {"actions": [...], "connector": "OR"}} keeping the key order.
func (r *Request) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*r = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("access: permissions must be an object")
	}
	out := Request{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		rr := ResourceRequest{Resource: key, Connector: AND}
		trimmed := strings.TrimSpace(string(raw))
		switch {
		case strings.HasPrefix(trimmed, "["):
			if err := decodeActions(raw, &rr.Actions); err != nil {
				return err
			}
		case strings.HasPrefix(trimmed, "{"):
			var form struct {
				Actions   json.RawMessage `json:"actions"`
				Connector json.RawMessage `json:"connector"`
			}
			if err := json.Unmarshal(raw, &form); err != nil {
				return err
			}
			var c string
			if json.Unmarshal(form.Connector, &c) == nil && c == "OR" {
				rr.Connector = OR
			}
			if strings.HasPrefix(strings.TrimSpace(string(form.Actions)), "[") {
				if err := decodeActions(form.Actions, &rr.Actions); err != nil {
					return err
				}
			}
		default:
			return errors.New("access: invalid access control request")
		}
		out = append(out, rr)
	}
	*r = out
	return nil
}

// decodeActions reads an action list; entries that are not strings are kept
// as values no statement allows (Better Auth skips them as unauthorized).
func decodeActions(raw json.RawMessage, dst *[]string) error {
	var vals []json.RawMessage
	if err := json.Unmarshal(raw, &vals); err != nil {
		return err
	}
	acts := make([]string, 0, len(vals))
	for _, v := range vals {
		var s string
		if json.Unmarshal(v, &s) != nil || (len(v) > 0 && v[0] != '"') {
			acts = append(acts, "\x00not-a-string")
			continue
		}
		acts = append(acts, s)
	}
	*dst = acts
	return nil
}

// Result is authorize's answer: Success, or Error with Better Auth's message.
type Result struct {
	Success bool   `json:"success"`
	Error   string `json:"error,omitempty"`
}

// Role is ac.newRole(statements): what one role may do.
type Role struct {
	Statements Statements
}

// NewRole is ac.newRole.
func NewRole(s Statements) Role { return Role{Statements: s} }

// Authorize is Better Auth's role.authorize(request, connector): under AND
// every resource must be known and authorized (the first failure names the
// error), under OR one authorized resource is enough and unknown resources
// are skipped. Within a resource its own connector joins the actions; an
// empty action list is never authorized.
func (r Role) Authorize(request Request, connector Connector) Result {
	or := connector != AND && connector != ""
	authorized := false
	for i := range request {
		req := &request[i]
		allowed, ok := r.Statements[req.Resource]
		if !ok || allowed == nil {
			if !or {
				return Result{Error: "You are not allowed to access resource: " + req.Resource}
			}
			continue
		}
		good := resourceAuthorized(allowed, req)
		if good {
			if or {
				return Result{Success: true}
			}
			authorized = true
		} else if !or {
			return Result{Error: `unauthorized to access resource "` + req.Resource + `"`}
		}
	}
	if authorized {
		return Result{Success: true}
	}
	return Result{Error: "Not authorized"}
}

// allows is Authorize(request, AND).Success without building the error.
func (r Role) allows(request Request) bool {
	authorized := false
	for i := range request {
		req := &request[i]
		allowed, ok := r.Statements[req.Resource]
		if !ok || allowed == nil || !resourceAuthorized(allowed, req) {
			return false
		}
		authorized = true
	}
	return authorized
}

// AuthorizeStatements is Authorize for a plain statement set (resources in
// sorted order, each action list joined with AND).
func (r Role) AuthorizeStatements(s Statements, connector Connector) Result {
	return r.Authorize(Permissions(s), connector)
}

func resourceAuthorized(allowed []string, req *ResourceRequest) bool {
	if len(req.Actions) == 0 {
		return false
	}
	if req.Connector == OR {
		for _, a := range req.Actions {
			if contains(allowed, a) {
				return true
			}
		}
		return false
	}
	for _, a := range req.Actions {
		if !contains(allowed, a) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Roles is a role set by name, as in the plugins' roles option.
type Roles map[string]Role

// RolesOf builds a role set from statements by role name (the shape of the
// exported app config).
func RolesOf(m map[string]Statements) Roles {
	if m == nil {
		return nil
	}
	out := make(Roles, len(m))
	for k, v := range m {
		out[k] = Role{Statements: v}
	}
	return out
}

// copyStatements returns a deep copy.
func copyStatements(s Statements) Statements {
	out := make(Statements, len(s))
	for k, v := range s {
		out[k] = append([]string(nil), v...)
	}
	return out
}
