package fakeport

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCreateBlueprintAddsPortDefaults(t *testing.T) {
	_, c := newFake(t)
	c.must(http.StatusCreated, "POST", "/v1/blueprints", serviceDeskBlueprint())
	body := c.must(http.StatusCreated, "POST", "/v1/blueprints", customerRequestBlueprint())
	if body["ok"] != true {
		t.Fatalf("body %v", body)
	}
	bp := at[map[string]any](t, body, "blueprint")
	if got := get(bp, "schema", "required"); !reflect.DeepEqual(got, []any{}) {
		t.Errorf("schema.required = %v, want []", got)
	}
	for _, f := range []string{"mirrorProperties", "calculationProperties", "aggregationProperties"} {
		if got := bp[f]; !reflect.DeepEqual(got, map[string]any{}) {
			t.Errorf("%s = %v, want {}", f, got)
		}
	}
	rel := at[map[string]any](t, bp, "relations", "serviceDesk")
	if rel["required"] != false || rel["many"] != false || rel["target"] != "jsmServiceDesk" {
		t.Errorf("relation %v", rel)
	}
	for _, f := range []string{"createdAt", "updatedAt"} {
		if _, err := time.Parse(time.RFC3339, at[string](t, bp, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if bp["createdBy"] != "test-client" || bp["updatedBy"] != "test-client" {
		t.Errorf("createdBy/updatedBy %v/%v", bp["createdBy"], bp["updatedBy"])
	}

	// A relation without required/many gets the defaults too.
	org := organizationBlueprint()
	org["relations"] = map[string]any{"desk": map[string]any{"target": "jsmServiceDesk"}}
	got := c.must(http.StatusCreated, "POST", "/v1/blueprints", org)
	if r := at[map[string]any](t, got, "blueprint", "relations", "desk"); r["required"] != false || r["many"] != false {
		t.Errorf("defaults not added: %v", r)
	}

	ids := identifiers(t, c.must(http.StatusOK, "GET", "/v1/blueprints", nil)["blueprints"])
	if !reflect.DeepEqual(ids, []string{"jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"}) {
		t.Errorf("list order %v", ids)
	}
}

func TestCreateBlueprintValidation(t *testing.T) {
	_, c := newFake(t)
	c.must(http.StatusCreated, "POST", "/v1/blueprints", serviceDeskBlueprint())
	c.wantError(http.StatusConflict, "identifier_taken", "POST", "/v1/blueprints", serviceDeskBlueprint())

	bad := func(mut func(m map[string]any)) map[string]any {
		m := customerRequestBlueprint()
		mut(m)
		return m
	}
	for name, doc := range map[string]map[string]any{
		"identifier pattern":  bad(func(m map[string]any) { m["identifier"] = "has space" }),
		"identifier dots":     bad(func(m map[string]any) { m["identifier"] = ".." }),
		"identifier too long": bad(func(m map[string]any) { m["identifier"] = strings.Repeat("a", 101) }),
		"missing title":       bad(func(m map[string]any) { delete(m, "title") }),
		"missing schema":      bad(func(m map[string]any) { delete(m, "schema") }),
		"bad property type": bad(func(m map[string]any) {
			at[map[string]any](t, m, "schema", "properties")["x"] = map[string]any{"type": "text"}
		}),
		"bad property name": bad(func(m map[string]any) {
			at[map[string]any](t, m, "schema", "properties")["a.b"] = map[string]any{"type": "string"}
		}),
		"required unknown": bad(func(m map[string]any) { at[map[string]any](t, m, "schema")["required"] = []any{"nope"} }),
		"relation extra key": bad(func(m map[string]any) {
			at[map[string]any](t, m, "relations", "serviceDesk")["color"] = "red"
		}),
		"relation no target": bad(func(m map[string]any) {
			delete(at[map[string]any](t, m, "relations", "serviceDesk"), "target")
		}),
	} {
		t.Run(name, func(t *testing.T) {
			c.t = t
			c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", "/v1/blueprints", doc)
		})
	}
	c.t = t

	missingTarget := customerRequestBlueprint()
	at[map[string]any](t, missingTarget, "relations", "serviceDesk")["target"] = "nowhere"
	c.wantError(http.StatusNotFound, "not_found", "POST", "/v1/blueprints", missingTarget)

	self := map[string]any{
		"identifier": "node", "title": "Node",
		"schema":    map[string]any{"properties": map[string]any{}},
		"relations": map[string]any{"parent": map[string]any{"target": "node", "required": false, "many": false}},
	}
	c.must(http.StatusCreated, "POST", "/v1/blueprints", self)
}

func TestPutReplacesAndPatchMerges(t *testing.T) {
	_, c := newFake(t)
	doc := serviceDeskBlueprint()
	doc["description"] = "Service desks from JSM"
	created := at[map[string]any](t, c.must(http.StatusCreated, "POST", "/v1/blueprints", doc), "blueprint")
	time.Sleep(5 * time.Millisecond)

	patched := at[map[string]any](t, c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmServiceDesk", map[string]any{"title": "Desks"}), "blueprint")
	if patched["title"] != "Desks" || patched["description"] != "Service desks from JSM" || patched["icon"] != "Jira" {
		t.Fatalf("PATCH lost fields: %v", patched)
	}
	if patched["createdAt"] != created["createdAt"] || patched["updatedAt"] == created["updatedAt"] {
		t.Fatalf("timestamps after PATCH: created %v/%v updated %v/%v", created["createdAt"], patched["createdAt"], created["updatedAt"], patched["updatedAt"])
	}

	put := map[string]any{"title": "Desks v2", "schema": map[string]any{"properties": map[string]any{"projectKey": map[string]any{"type": "string"}}}}
	replaced := at[map[string]any](t, c.must(http.StatusOK, "PUT", "/v1/blueprints/jsmServiceDesk", put), "blueprint")
	if _, ok := replaced["description"]; ok {
		t.Errorf("PUT kept description: %v", replaced)
	}
	if _, ok := replaced["icon"]; ok {
		t.Errorf("PUT kept icon: %v", replaced)
	}
	if replaced["identifier"] != "jsmServiceDesk" || replaced["createdAt"] != created["createdAt"] {
		t.Errorf("PUT lost identity: %v", replaced)
	}
	if len(at[map[string]any](t, replaced, "schema", "properties")) != 1 {
		t.Errorf("PUT schema %v", replaced["schema"])
	}
	got := c.must(http.StatusOK, "GET", "/v1/blueprints/jsmServiceDesk", nil)["blueprint"]
	if !reflect.DeepEqual(got, replaced) {
		t.Errorf("GET after PUT %v, want %v", got, replaced)
	}

	c.wantError(http.StatusNotFound, "not_found", "PUT", "/v1/blueprints/nope", put)
	c.wantError(http.StatusNotFound, "not_found", "PATCH", "/v1/blueprints/nope", put)
	c.wantError(http.StatusNotFound, "not_found", "GET", "/v1/blueprints/nope", nil)
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "PUT", "/v1/blueprints/jsmServiceDesk", map[string]any{"title": "x"})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "PATCH", "/v1/blueprints/jsmServiceDesk", map[string]any{"identifier": "other"})
}

func TestBlueprintUpdateDropsRemovedFieldsFromEntities(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", "/v1/blueprints/jsmServiceDesk/entities?upsert=false", desk("1"))
	c.must(http.StatusCreated, "POST", "/v1/blueprints/jsmCustomerRequest/entities?upsert=false", request("10", "1"))

	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmCustomerRequest", map[string]any{
		"schema":    map[string]any{"properties": map[string]any{"summary": map[string]any{"type": "string"}}},
		"relations": map[string]any{},
	})
	e, _ := srv.Entity("jsmCustomerRequest", "10")
	if !reflect.DeepEqual(e["properties"], map[string]any{"summary": "Printer 10"}) || !reflect.DeepEqual(e["relations"], map[string]any{}) {
		t.Fatalf("entity after blueprint update: %v", e)
	}
	// The relation index follows: the desk no longer has dependents.
	c.must(http.StatusOK, "DELETE", "/v1/blueprints/jsmServiceDesk/entities/1?delete_dependents=false", nil)
	if _, ok := srv.Entity("jsmCustomerRequest", "10"); !ok {
		t.Fatal("request was deleted with the desk")
	}
}

func TestDeleteBlueprint(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", "/v1/blueprints/jsmServiceDesk/entities?upsert=false", desk("1"))

	c.wantError(http.StatusUnprocessableEntity, "has_dependents", "DELETE", "/v1/blueprints/jsmServiceDesk", nil)
	started := c.must(http.StatusOK, "DELETE", "/v1/blueprints/jsmServiceDesk/all-entities", nil)
	migration := "/v1/migrations/" + fmt.Sprint(started["migrationId"])
	if st := at[any](t, c.must(http.StatusOK, "GET", migration, nil), "migration", "status"); st != "RUNNING" {
		t.Fatalf("a migration that just started is %v, want RUNNING", st)
	}
	waitForMigrations(t, srv, "jsmServiceDesk")
	if st := at[any](t, c.must(http.StatusOK, "GET", migration, nil), "migration", "status"); st != "COMPLETED" {
		t.Fatalf("the migration is %v after the entities went, want COMPLETED", st)
	}
	if n := c.must(http.StatusOK, "GET", "/v1/blueprints/jsmServiceDesk/entities-count", nil)["count"]; n != float64(0) {
		t.Fatalf("count after all-entities: %v", n)
	}
	// Still the target of jsmCustomerRequest.serviceDesk.
	body := c.wantError(http.StatusUnprocessableEntity, "has_dependents", "DELETE", "/v1/blueprints/jsmServiceDesk", nil)
	if body["message"] == "" {
		t.Fatal("no message")
	}
	c.must(http.StatusOK, "DELETE", "/v1/blueprints/jsmCustomerRequest", nil)
	c.must(http.StatusOK, "DELETE", "/v1/blueprints/jsmServiceDesk", nil)
	c.wantError(http.StatusNotFound, "not_found", "DELETE", "/v1/blueprints/jsmServiceDesk", nil)
	if _, ok := srv.Blueprint("jsmServiceDesk"); ok {
		t.Fatal("blueprint still stored")
	}

	c.must(http.StatusCreated, "POST", "/v1/blueprints/jsmOrganization/entities?upsert=true", map[string]any{"identifier": "o1", "properties": map[string]any{"name": "Acme"}})
	c.must(http.StatusOK, "DELETE", "/v1/blueprints/jsmOrganization/all-entities?delete_blueprint=true", nil)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, ok := srv.Blueprint("jsmOrganization"); !ok || time.Now().After(deadline) {
			break
		}
	}
	if _, ok := srv.Blueprint("jsmOrganization"); ok {
		t.Fatal("delete_blueprint=true kept the blueprint")
	}
}
