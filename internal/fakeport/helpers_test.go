package fakeport

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// testClient talks to a fake over HTTP the way a Port client would.
type testClient struct {
	t     testing.TB
	srv   *Server
	token string
}

// newFake starts a fake for one test and returns an authenticated client.
func newFake(t testing.TB, opts ...Option) (*Server, *testClient) {
	t.Helper()
	srv := New(opts...)
	t.Cleanup(srv.Close)
	c := &testClient{t: t, srv: srv}
	c.login("test-client", "test-secret")
	return srv, c
}

func (c *testClient) login(id, secret string) {
	c.t.Helper()
	status, body, _ := c.raw("POST", "/v1/auth/access_token", map[string]any{"clientId": id, "clientSecret": secret}, "")
	if status != http.StatusOK {
		c.t.Fatalf("login: status %d body %v", status, body)
	}
	c.token = as[string](c.t, body["accessToken"])
}

// raw sends a request; body is JSON-encoded unless it is a []byte. It returns
// the status, the decoded JSON body and the headers.
func (c *testClient) raw(method, path string, body any, token string) (int, map[string]any, http.Header) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.srv.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: response is not a JSON object: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, out, resp.Header
}

// do sends an authenticated request.
func (c *testClient) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	status, out, _ := c.raw(method, path, body, c.token)
	return status, out
}

// must sends an authenticated request and fails the test unless the status is want.
func (c *testClient) must(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	status, out := c.do(method, path, body)
	if status != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %v", method, path, status, want, out)
	}
	return out
}

// wantError checks a failure status and Port's error envelope.
func (c *testClient) wantError(status int, code, method, path string, body any) map[string]any {
	c.t.Helper()
	out := c.must(status, method, path, body)
	if out["ok"] != false || out["error"] != code || out["message"] == "" || out["message"] == nil {
		c.t.Fatalf("%s %s: error body %v, want ok=false error=%q and a message", method, path, out, code)
	}
	return out
}

func esc(s string) string { return url.PathEscape(s) }

// The seed's three blueprints (DESIGN.md section 1).
func serviceDeskBlueprint() map[string]any {
	return map[string]any{
		"identifier": "jsmServiceDesk",
		"title":      "JSM Service Desk",
		"icon":       "Jira",
		"schema": map[string]any{
			"properties": map[string]any{
				"projectId":   map[string]any{"type": "string", "title": "Project ID"},
				"projectKey":  map[string]any{"type": "string", "title": "Project key"},
				"projectName": map[string]any{"type": "string", "title": "Project name"},
			},
			"required": []any{},
		},
		"relations": map[string]any{},
	}
}

func customerRequestBlueprint() map[string]any {
	return map[string]any{
		"identifier": "jsmCustomerRequest",
		"title":      "JSM Customer Request",
		"schema": map[string]any{
			"properties": map[string]any{
				"issueKey":  map[string]any{"type": "string"},
				"summary":   map[string]any{"type": "string"},
				"status":    map[string]any{"type": "string"},
				"createdAt": map[string]any{"type": "string", "format": "date-time"},
			},
		},
		"relations": map[string]any{
			"serviceDesk": map[string]any{"title": "Service desk", "target": "jsmServiceDesk", "required": false, "many": false},
		},
	}
}

func organizationBlueprint() map[string]any {
	return map[string]any{
		"identifier": "jsmOrganization",
		"title":      "JSM Organization",
		"schema": map[string]any{
			"properties": map[string]any{
				"name":        map[string]any{"type": "string"},
				"scimManaged": map[string]any{"type": "boolean"},
			},
			"required": []any{"name"},
		},
	}
}

// seedBlueprints creates the three seed blueprints over HTTP.
func seedBlueprints(c *testClient) {
	c.t.Helper()
	for _, bp := range []map[string]any{serviceDeskBlueprint(), customerRequestBlueprint(), organizationBlueprint()} {
		c.must(http.StatusCreated, "POST", "/v1/blueprints", bp)
	}
}

func desk(id string) map[string]any {
	return map[string]any{
		"identifier": id,
		"title":      "Desk " + id,
		"properties": map[string]any{"projectId": "1" + id, "projectKey": "K" + id, "projectName": "Desk " + id},
	}
}

func request(id, deskID string) map[string]any {
	e := map[string]any{
		"identifier": id,
		"title":      "Request " + id,
		"properties": map[string]any{"issueKey": "K-" + id, "summary": "Printer " + id, "status": "Open", "createdAt": "2024-05-01T10:00:00.000Z"},
		"relations":  map[string]any{},
	}
	if deskID != "" {
		e["relations"] = map[string]any{"serviceDesk": deskID}
	}
	return e
}

func get(m any, path ...string) any {
	for _, p := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[p]
	}
	return m
}

// as returns v as a T and fails the test when v is anything else, as the
// unchecked assertion v.(T) would panic.
func as[T any](t testing.TB, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok && !nilInterface[T](v) {
		t.Fatalf("got %T %v, want a %v", v, v, reflect.TypeFor[T]())
	}
	return x
}

// nilInterface tells whether v is nil and T an interface type (such as any),
// which nil is a value of though the assertion v.(T) fails on it.
func nilInterface[T any](v any) bool {
	var zero T
	return v == nil && any(zero) == nil
}

// at follows path through nested JSON objects from v and returns the value
// there as a T. It fails the test, naming the path, when a step is not an
// object or the value is not a T.
func at[T any](t testing.TB, v any, path ...string) T {
	t.Helper()
	for i, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %s: got %T %v, want an object", pathName(path[:i]), v, v)
		}
		v = m[key]
	}
	x, ok := v.(T)
	if !ok && !nilInterface[T](v) {
		t.Fatalf("at %s: got %T %v, want a %v", pathName(path), v, v, reflect.TypeFor[T]())
	}
	return x
}

func pathName(path []string) string {
	if len(path) == 0 {
		return "the top"
	}
	return strings.Join(path, ".")
}

// identifiers returns the "identifier" of each object in list, a JSON array,
// failing the test when list is not an array of objects with string
// identifiers.
func identifiers(t testing.TB, list any) []string {
	t.Helper()
	var ids []string
	for _, e := range as[[]any](t, list) {
		ids = append(ids, at[string](t, e, "identifier"))
	}
	return ids
}
