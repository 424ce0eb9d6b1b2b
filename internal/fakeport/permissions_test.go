package fakeport

import (
	"net/http"
	"strings"
	"testing"
)

// A rotated secret refuses new tokens at once; tokens issued before keep
// working until they expire.
func TestRotateClientSecret(t *testing.T) {
	srv, c := newFake(t)
	srv.RotateClientSecret("new-secret")
	status, body, _ := c.raw("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client", "clientSecret": "test-secret"}, "")
	if status != http.StatusUnauthorized || body["error"] != "unauthorized" {
		t.Fatalf("the old secret: status %d body %v", status, body)
	}
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
	srv.ExpireTokens()
	c.wantError(http.StatusUnauthorized, "unauthorized", "GET", "/v1/blueprints", nil)
	c.login("test-client", "new-secret")
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
}

// Credentials that may not update a blueprint's entities get 403 on every
// write to them, and nothing changes; reads and other blueprints work.
func TestDenyEntityWrites(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", "/v1/blueprints/jsmServiceDesk/entities", desk("1"))
	srv.DenyEntityWrites("jsmServiceDesk")
	base := "/v1/blueprints/jsmServiceDesk"
	writes := []struct {
		method, path string
		body         any
	}{
		{"POST", base + "/entities", desk("2")},
		{"POST", base + "/entities/bulk?upsert=true", map[string]any{"entities": []any{desk("3")}}},
		{"PUT", base + "/entities/1", desk("1")},
		{"PATCH", base + "/entities/1", map[string]any{"title": "x"}},
		{"DELETE", base + "/entities/1", nil},
		{"POST", base + "/bulk/entities/delete", map[string]any{"entities": []string{"1"}}},
		{"DELETE", base + "/all-entities", nil},
	}
	for _, w := range writes {
		out := c.wantError(http.StatusForbidden, "forbidden", w.method, w.path, w.body)
		if !strings.Contains(as[string](t, out["message"]), `"jsmServiceDesk"`) {
			t.Errorf("%s %s: the message does not name the blueprint: %v", w.method, w.path, out)
		}
	}
	if n := len(srv.Entities("jsmServiceDesk")); n != 1 {
		t.Fatalf("refused writes changed the blueprint: %d entities", n)
	}
	c.must(http.StatusOK, "GET", base+"/entities/1", nil)
	c.must(http.StatusOK, "POST", base+"/entities/search", map[string]any{})
	c.must(http.StatusOK, "GET", "/v1/blueprints/jsmOrganization/entities", nil)
	srv.DenyEntityWrites()
	c.must(http.StatusCreated, "POST", base+"/entities", desk("2"))
}
