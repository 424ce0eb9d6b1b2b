package fakeport

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

const (
	bulkPath       = "/v1/blueprints/jsmServiceDesk/entities/bulk"
	bulkDeletePath = "/v1/blueprints/jsmServiceDesk/bulk/entities/delete"
)

func desks(from, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = desk(fmt.Sprint(from + i))
	}
	return out
}

func TestBulkUpsertAllSucceed(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	body := c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 20)})
	if body["ok"] != true || len(at[[]any](t, body, "errors")) != 0 {
		t.Fatalf("body %v", body)
	}
	results := at[[]any](t, body, "entities")
	if len(results) != 20 {
		t.Fatalf("%d results", len(results))
	}
	first := as[map[string]any](t, results[0])
	if !reflect.DeepEqual(first, map[string]any{"identifier": "0", "index": float64(0), "created": true}) {
		t.Fatalf("result %v", first)
	}
	again := c.must(http.StatusOK, "POST", bulkPath+"?upsert=true&merge=true", map[string]any{"entities": desks(19, 2)})
	r := at[[]any](t, again, "entities")
	if at[any](t, r[0], "created") != false || at[any](t, r[1], "created") != true {
		t.Fatalf("created flags %v", r)
	}
	if got := len(srv.Entities("jsmServiceDesk")); got != 21 {
		t.Fatalf("%d entities stored", got)
	}
	if got := srv.BulkSizes(); !reflect.DeepEqual(got, []int{20, 2}) {
		t.Fatalf("BulkSizes %v", got)
	}
}

func TestBulkUpsertLimits(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 21)})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", bulkPath+"?upsert=true", map[string]any{"entities": []any{}})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 1), "extra": 1})
	if n := len(srv.Entities("jsmServiceDesk")); n != 0 {
		t.Fatalf("oversized bulk wrote %d entities", n)
	}

	big := desks(0, 2)
	at[map[string]any](t, big[0], "properties")["projectName"] = strings.Repeat("x", maxBodyBytes)
	body := c.wantError(http.StatusRequestEntityTooLarge, "payload_too_large", "POST", bulkPath+"?upsert=true", map[string]any{"entities": big})
	if !strings.Contains(at[string](t, body, "message"), "1MiB") {
		t.Fatalf("413 message %v", body["message"])
	}
	// Exactly 1 MiB is accepted by the size check.
	raw := []byte(`{"entities":[{"identifier":"x","title":"`)
	tail := []byte(`"}]}`)
	pad := strings.Repeat("y", maxBodyBytes-len(raw)-len(tail))
	exact := append(append(raw, pad...), tail...)
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", exact)
	c.wantError(http.StatusNotFound, "not_found", "POST", "/v1/blueprints/nope/entities/bulk?upsert=true", map[string]any{"entities": desks(0, 1)})
}

func TestBulkUpsertPartialFailure(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("1"))
	items := []any{
		request("10", "1"),
		request("11", "404"), // related desk does not exist
		map[string]any{"identifier": "12", "properties": map[string]any{"summary": 42}},
		request("13", ""),
	}
	body := c.must(http.StatusMultiStatus, "POST", requestPath+"/bulk?upsert=true", map[string]any{"entities": items})
	if body["ok"] != false {
		t.Fatalf("207 ok = %v", body["ok"])
	}
	okIDs := identifiers(t, body["entities"])
	if !reflect.DeepEqual(okIDs, []string{"10", "13"}) {
		t.Fatalf("successes %v", okIDs)
	}
	errs := at[[]any](t, body, "errors")
	want := []map[string]any{
		{"identifier": "11", "index": float64(1), "statusCode": float64(404), "error": "not_found"},
		{"identifier": "12", "index": float64(2), "statusCode": float64(422), "error": "schema_mismatch"},
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		e := as[map[string]any](t, errs[i])
		for k, v := range w {
			if e[k] != v {
				t.Errorf("error %d: %s = %v, want %v (%v)", i, k, e[k], v, e)
			}
		}
		if m, _ := e["message"].(string); m == "" {
			t.Errorf("error %d has no message", i)
		}
	}
	for id, want := range map[string]bool{"10": true, "11": false, "12": false, "13": true} {
		if _, ok := srv.Entity("jsmCustomerRequest", id); ok != want {
			t.Errorf("entity %s stored = %v, want %v", id, ok, want)
		}
	}
	// Without upsert, existing entities fail with 409 inside the bulk.
	body = c.must(http.StatusMultiStatus, "POST", requestPath+"/bulk", map[string]any{"entities": []any{request("10", "")}})
	if e := as[map[string]any](t, at[[]any](t, body, "errors")[0]); e["statusCode"] != float64(409) || e["error"] != "identifier_taken" {
		t.Fatalf("409 inside bulk: %v", e)
	}
}

func TestFailBulkEntities(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	srv.FailBulkEntities("2", "4")
	body := c.must(http.StatusMultiStatus, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 5)})
	if len(at[[]any](t, body, "entities")) != 3 || len(at[[]any](t, body, "errors")) != 2 {
		t.Fatalf("body %v", body)
	}
	e := as[map[string]any](t, at[[]any](t, body, "errors")[0])
	if e["identifier"] != "2" || e["index"] != float64(2) || e["statusCode"] != float64(422) {
		t.Fatalf("injected error %v", e)
	}
	if _, ok := srv.Entity("jsmServiceDesk", "2"); ok {
		t.Fatal("failed entity was stored")
	}
	// Single upserts are not affected; clearing restores bulk writes.
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("2"))
	srv.FailBulkEntities()
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 5)})
}

func TestBulkDelete(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 5)})
	body := c.must(http.StatusOK, "POST", bulkDeletePath+"?delete_dependents=false", map[string]any{"entities": []any{"1", "3", "missing"}})
	if !reflect.DeepEqual(body, map[string]any{"ok": true, "deletedEntities": []any{"1", "3"}}) {
		t.Fatalf("body %v", body)
	}
	if n := len(srv.Entities("jsmServiceDesk")); n != 3 {
		t.Fatalf("%d left", n)
	}

	ids := make([]any, 101)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", bulkDeletePath, map[string]any{"entities": ids})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", bulkDeletePath, map[string]any{"entities": []any{}})
	c.must(http.StatusOK, "POST", bulkDeletePath, map[string]any{"entities": ids[:100]})

	// All or nothing with required dependents.
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmCustomerRequest", map[string]any{
		"relations": map[string]any{"serviceDesk": map[string]any{"target": "jsmServiceDesk", "required": true, "many": false}},
	})
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 3)})
	c.must(http.StatusCreated, "POST", requestPath+"?upsert=true", request("10", "2"))
	c.wantError(http.StatusUnprocessableEntity, "has_dependents", "POST", bulkDeletePath+"?delete_dependents=false", map[string]any{"entities": []any{"0", "1", "2"}})
	if n := len(srv.Entities("jsmServiceDesk")); n != 3 {
		t.Fatalf("partial delete: %d left", n)
	}
	c.must(http.StatusOK, "POST", bulkDeletePath+"?delete_dependents=true", map[string]any{"entities": []any{"0", "1", "2"}})
	if n := len(srv.Entities("jsmServiceDesk")) + len(srv.Entities("jsmCustomerRequest")); n != 0 {
		t.Fatalf("%d entities left", n)
	}
}
