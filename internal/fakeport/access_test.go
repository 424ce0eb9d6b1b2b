package fakeport

import (
	"net/http"
	"reflect"
	"testing"
)

func TestDirectBlueprintAccess(t *testing.T) {
	srv, c := newFake(t)
	if err := srv.PutBlueprint(customerRequestBlueprint()); err == nil {
		t.Fatal("PutBlueprint accepted a relation to a missing blueprint")
	}
	for _, bp := range []map[string]any{serviceDeskBlueprint(), customerRequestBlueprint()} {
		if err := srv.PutBlueprint(bp); err != nil {
			t.Fatal(err)
		}
	}
	got, ok := srv.Blueprint("jsmCustomerRequest")
	if !ok || get(got, "relations", "serviceDesk", "many") != false || got["createdBy"] != uiActor {
		t.Fatalf("Blueprint: %v %v", got, ok)
	}
	got["title"] = "mutated copy"
	again, _ := srv.Blueprint("jsmCustomerRequest")
	if again["title"] == "mutated copy" {
		t.Fatal("Blueprint returned the stored document, not a copy")
	}

	err := srv.EditBlueprint("jsmCustomerRequest", func(doc map[string]any) {
		doc["title"] = "Edited in the UI"
		at[map[string]any](t, doc, "schema", "properties")["priority"] = map[string]any{"type": "string"}
	})
	if err != nil {
		t.Fatal(err)
	}
	viaAPI := c.must(http.StatusOK, "GET", "/v1/blueprints/jsmCustomerRequest", nil)["blueprint"]
	if get(viaAPI, "title") != "Edited in the UI" || get(viaAPI, "schema", "properties", "priority", "type") != "string" {
		t.Fatalf("edit not visible over HTTP: %v", viaAPI)
	}
	if err := srv.EditBlueprint("jsmCustomerRequest", func(doc map[string]any) { doc["identifier"] = "x" }); err == nil {
		t.Fatal("EditBlueprint renamed a blueprint")
	}
	if err := srv.EditBlueprint("nope", func(map[string]any) {}); err == nil {
		t.Fatal("EditBlueprint of a missing blueprint succeeded")
	}
	if err := srv.PutBlueprint(map[string]any{"identifier": "bad id", "title": "x", "schema": map[string]any{"properties": map[string]any{}}}); err == nil {
		t.Fatal("PutBlueprint accepted an invalid identifier")
	}

	if err := srv.PutEntity("jsmServiceDesk", desk("1")); err != nil {
		t.Fatal(err)
	}
	srv.DeleteBlueprint("jsmServiceDesk")
	if _, ok := srv.Blueprint("jsmServiceDesk"); ok {
		t.Fatal("DeleteBlueprint kept the blueprint")
	}
	if n := len(srv.Entities("jsmServiceDesk")); n != 0 {
		t.Fatalf("DeleteBlueprint kept %d entities", n)
	}
}

func TestDirectEntityAccess(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	seed := desk("1")
	seed["createdAt"] = "2020-01-01T00:00:00.000Z"
	seed["createdBy"] = "someone@example.com"
	seed["updatedAt"] = "2020-01-02T00:00:00.000Z"
	seed["team"] = []string{"a", "b"}
	if err := srv.PutEntity("jsmServiceDesk", seed); err != nil {
		t.Fatal(err)
	}
	e, ok := srv.Entity("jsmServiceDesk", "1")
	if !ok || e["createdAt"] != "2020-01-01T00:00:00.000Z" || e["createdBy"] != "someone@example.com" || e["updatedBy"] != uiActor {
		t.Fatalf("Entity: %v", e)
	}
	viaAPI := c.must(http.StatusOK, "GET", deskPath+"/1", nil)["entity"]
	if !reflect.DeepEqual(viaAPI, e) {
		t.Fatalf("Entity %v differs from GET %v", e, viaAPI)
	}

	if err := srv.PutEntity("jsmServiceDesk", map[string]any{"identifier": "2", "properties": map[string]any{"projectId": 5}}); err == nil {
		t.Fatal("PutEntity accepted a number for a string property")
	}
	if err := srv.PutEntity("jsmCustomerRequest", request("10", "404")); err == nil {
		t.Fatal("PutEntity accepted a missing relation target")
	}
	if err := srv.PutEntity("nope", desk("1")); err == nil {
		t.Fatal("PutEntity into a missing blueprint succeeded")
	}

	err := srv.EditEntity("jsmServiceDesk", "1", func(e map[string]any) {
		e["title"] = "Renamed in the UI"
		at[map[string]any](t, e, "properties")["projectKey"] = "UI"
	})
	if err != nil {
		t.Fatal(err)
	}
	got := at[map[string]any](t, c.must(http.StatusOK, "GET", deskPath+"/1", nil), "entity")
	if got["title"] != "Renamed in the UI" || get(got, "properties", "projectKey") != "UI" || got["createdAt"] != "2020-01-01T00:00:00.000Z" {
		t.Fatalf("edit: %v", got)
	}
	if e["updatedAt"] != "2020-01-02T00:00:00.000Z" || got["updatedAt"] == e["updatedAt"] || got["updatedBy"] != uiActor {
		t.Fatalf("updatedAt %v -> %v: EditEntity must set it", e["updatedAt"], got["updatedAt"])
	}
	if err := srv.EditEntity("jsmServiceDesk", "1", func(e map[string]any) { e["identifier"] = "9" }); err == nil {
		t.Fatal("EditEntity renamed an entity")
	}
	if err := srv.EditEntity("jsmServiceDesk", "404", func(map[string]any) {}); err == nil {
		t.Fatal("EditEntity of a missing entity succeeded")
	}

	if err := srv.PutEntity("jsmCustomerRequest", request("10", "1")); err != nil {
		t.Fatal(err)
	}
	srv.DeleteEntity("jsmServiceDesk", "1")
	if _, ok := srv.Entity("jsmServiceDesk", "1"); ok {
		t.Fatal("DeleteEntity kept the entity")
	}
	if r, _ := srv.Entity("jsmCustomerRequest", "10"); get(r, "relations", "serviceDesk") != nil {
		t.Fatalf("relation to the deleted desk kept: %v", r)
	}
	c.wantError(http.StatusNotFound, "not_found", "GET", deskPath+"/1", nil)
	if len(srv.Entities("nope")) != 0 {
		t.Fatal("Entities of a missing blueprint")
	}
}
