package fakeport

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

const (
	deskPath    = "/v1/blueprints/jsmServiceDesk/entities"
	requestPath = "/v1/blueprints/jsmCustomerRequest/entities"
)

func TestCreateEntity(t *testing.T) {
	_, c := newFake(t)
	seedBlueprints(c)
	in := desk("1")
	in["icon"] = "Jira"
	in["team"] = "platform"
	e := at[map[string]any](t, c.must(http.StatusCreated, "POST", deskPath+"?upsert=false", in), "entity")
	want := map[string]any{
		"identifier": "1", "title": "Desk 1", "icon": "Jira", "blueprint": "jsmServiceDesk", "team": []any{"platform"},
		"properties": in["properties"], "relations": map[string]any{},
	}
	for k, v := range want {
		if !reflect.DeepEqual(e[k], v) {
			t.Errorf("%s = %#v, want %#v", k, e[k], v)
		}
	}
	if e["createdBy"] != "test-client" || e["updatedBy"] != "test-client" || e["createdAt"] == nil || e["updatedAt"] == nil {
		t.Errorf("metadata missing: %v", e)
	}
	got := c.must(http.StatusOK, "GET", deskPath+"/1", nil)["entity"]
	if !reflect.DeepEqual(got, e) {
		t.Errorf("GET %v\nwant %v", got, e)
	}

	body := c.wantError(http.StatusConflict, "identifier_taken", "POST", deskPath+"?upsert=false", desk("1"))
	if !strings.Contains(at[string](t, body, "message"), `"1"`) {
		t.Errorf("409 message %v", body["message"])
	}
	// upsert is a required parameter whose default is false.
	c.wantError(http.StatusConflict, "identifier_taken", "POST", deskPath, desk("1"))

	// No identifier: Port generates one.
	gen := at[map[string]any](t, c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", map[string]any{"title": "anon"}), "entity")
	if id, _ := gen["identifier"].(string); !validEntityID(id) {
		t.Errorf("generated identifier %q", id)
	}
	c.wantError(http.StatusNotFound, "not_found", "POST", "/v1/blueprints/nope/entities?upsert=true", desk("1"))
}

func TestUpsertReplaceAndMerge(t *testing.T) {
	_, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("1"))
	created := at[map[string]any](t, c.must(http.StatusOK, "GET", deskPath+"/1", nil), "entity")

	merged := at[map[string]any](t, c.must(http.StatusCreated, "POST", deskPath+"?upsert=true&merge=true", map[string]any{
		"identifier": "1", "properties": map[string]any{"projectName": "Renamed"},
	}), "entity")
	wantProps := map[string]any{"projectId": "11", "projectKey": "K1", "projectName": "Renamed"}
	if !reflect.DeepEqual(merged["properties"], wantProps) || merged["title"] != "Desk 1" {
		t.Fatalf("merge: %v", merged)
	}
	if merged["createdAt"] != created["createdAt"] {
		t.Errorf("merge changed createdAt")
	}

	replaced := at[map[string]any](t, c.must(http.StatusCreated, "POST", deskPath+"?upsert=true&merge=false", map[string]any{
		"identifier": "1", "properties": map[string]any{"projectKey": "K9"},
	}), "entity")
	if !reflect.DeepEqual(replaced["properties"], map[string]any{"projectKey": "K9"}) {
		t.Fatalf("replace kept properties: %v", replaced["properties"])
	}
	if _, ok := replaced["title"]; ok {
		t.Fatalf("replace kept the title: %v", replaced)
	}
	if replaced["createdAt"] != created["createdAt"] {
		t.Errorf("replace changed createdAt")
	}
}

func TestEntityValidation(t *testing.T) {
	_, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmOrganization", map[string]any{
		"schema": map[string]any{
			"properties": map[string]any{
				"name":        map[string]any{"type": "string"},
				"scimManaged": map[string]any{"type": "boolean"},
				"size":        map[string]any{"type": "number", "minimum": 0},
				"tier":        map[string]any{"type": "string", "enum": []any{"gold", "silver"}},
				"site":        map[string]any{"type": "string", "format": "url"},
				"tags":        map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"meta":        map[string]any{"type": "object"},
			},
			"required": []any{"name"},
		},
	})
	org := func(props map[string]any) map[string]any {
		return map[string]any{"identifier": "o1", "properties": props}
	}
	path := "/v1/blueprints/jsmOrganization/entities?upsert=true"
	c.must(http.StatusCreated, "POST", path, org(map[string]any{
		"name": "Acme", "scimManaged": true, "size": 3, "tier": "gold", "site": "https://acme.example",
		"tags": []any{"a"}, "meta": map[string]any{"k": 1},
	}))
	for name, props := range map[string]map[string]any{
		"string gets number":  {"name": 5},
		"boolean gets string": {"name": "Acme", "scimManaged": "yes"},
		"number gets string":  {"name": "Acme", "size": "3"},
		"below minimum":       {"name": "Acme", "size": -1},
		"not in enum":         {"name": "Acme", "tier": "bronze"},
		"bad url":             {"name": "Acme", "site": "not a url"},
		"array item type":     {"name": "Acme", "tags": []any{1}},
		"object gets array":   {"name": "Acme", "meta": []any{}},
		"unknown property":    {"name": "Acme", "color": "red"},
		"required missing":    {"scimManaged": true},
		"required null":       {"name": nil},
	} {
		t.Run(name, func(t *testing.T) {
			c.t = t
			c.wantError(http.StatusUnprocessableEntity, "schema_mismatch", "POST", path, org(props))
		})
	}
	c.t = t

	// Date-time format on the customer request blueprint.
	r := request("10", "")
	at[map[string]any](t, r, "properties")["createdAt"] = "yesterday"
	c.wantError(http.StatusUnprocessableEntity, "schema_mismatch", "POST", requestPath+"?upsert=true", r)

	// Body shape problems are invalid_request.
	for name, body := range map[string]any{
		"identifier pattern": map[string]any{"identifier": "a b"},
		"identifier dots":    map[string]any{"identifier": "."},
		"properties array":   map[string]any{"identifier": "x", "properties": []any{}},
		"relation number":    map[string]any{"identifier": "x", "relations": map[string]any{"serviceDesk": 5}},
		"title number":       map[string]any{"identifier": "x", "title": 5},
		"not json":           []byte("{nope"),
	} {
		t.Run(name, func(t *testing.T) {
			c.t = t
			c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", requestPath+"?upsert=true", body)
		})
	}
	c.t = t
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", requestPath+"?upsert=maybe", request("10", ""))
}

func TestRelations(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	body := c.wantError(http.StatusNotFound, "not_found", "POST", requestPath+"?upsert=true", request("10", "99"))
	if !strings.Contains(at[string](t, body, "message"), "99") {
		t.Errorf("message %v", body["message"])
	}
	if _, ok := srv.Entity("jsmCustomerRequest", "10"); ok {
		t.Fatal("entity stored despite the missing relation target")
	}

	c.must(http.StatusCreated, "POST", requestPath+"?upsert=true&create_missing_related_entities=true", request("10", "99"))
	bare, ok := srv.Entity("jsmServiceDesk", "99")
	if !ok || !reflect.DeepEqual(bare["properties"], map[string]any{}) {
		t.Fatalf("bare related entity: %v %v", bare, ok)
	}

	// Single relations take one identifier, unknown relations are rejected.
	bad := request("11", "")
	bad["relations"] = map[string]any{"serviceDesk": []any{"99"}}
	c.wantError(http.StatusUnprocessableEntity, "schema_mismatch", "POST", requestPath+"?upsert=true", bad)
	bad["relations"] = map[string]any{"owner": "99"}
	c.wantError(http.StatusUnprocessableEntity, "schema_mismatch", "POST", requestPath+"?upsert=true", bad)

	// Many relations take a list; a self relation may point at the entity itself.
	c.must(http.StatusCreated, "POST", "/v1/blueprints", map[string]any{
		"identifier": "node", "title": "Node", "schema": map[string]any{"properties": map[string]any{}},
		"relations": map[string]any{
			"peers":  map[string]any{"target": "node", "many": true},
			"parent": map[string]any{"target": "node", "required": true},
		},
	})
	c.must(http.StatusCreated, "POST", "/v1/blueprints/node/entities?upsert=true", map[string]any{
		"identifier": "root", "relations": map[string]any{"parent": "root", "peers": []any{}},
	})
	c.must(http.StatusCreated, "POST", "/v1/blueprints/node/entities?upsert=true", map[string]any{
		"identifier": "a", "relations": map[string]any{"parent": "root", "peers": []any{"root"}},
	})
	c.wantError(http.StatusUnprocessableEntity, "schema_mismatch", "POST", "/v1/blueprints/node/entities?upsert=true", map[string]any{
		"identifier": "b", "relations": map[string]any{"peers": "root"},
	})
	c.wantError(http.StatusUnprocessableEntity, "schema_mismatch", "POST", "/v1/blueprints/node/entities?upsert=true", map[string]any{
		"identifier": "b", "relations": map[string]any{"peers": []any{"root"}},
	})
}

func TestPutPatchGetDeleteEntity(t *testing.T) {
	_, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=false", desk("1"))

	patched := at[map[string]any](t, c.must(http.StatusOK, "PATCH", deskPath+"/1", map[string]any{"properties": map[string]any{"projectKey": "NEW"}, "icon": "Star"}), "entity")
	if get(patched, "properties", "projectKey") != "NEW" || get(patched, "properties", "projectName") != "Desk 1" || patched["icon"] != "Star" {
		t.Fatalf("PATCH: %v", patched)
	}
	cleared := at[map[string]any](t, c.must(http.StatusOK, "PATCH", deskPath+"/1", map[string]any{"icon": nil}), "entity")
	if _, ok := cleared["icon"]; ok {
		t.Fatalf("PATCH icon:null kept the icon: %v", cleared)
	}
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "PATCH", deskPath+"/1", map[string]any{"blueprint": "x"})

	put := at[map[string]any](t, c.must(http.StatusOK, "PUT", deskPath+"/1", map[string]any{"title": "Only title"}), "entity")
	if put["title"] != "Only title" || len(at[map[string]any](t, put, "properties")) != 0 {
		t.Fatalf("PUT: %v", put)
	}
	c.wantError(http.StatusNotFound, "not_found", "PUT", deskPath+"/2", map[string]any{"title": "x"})
	c.wantError(http.StatusNotFound, "not_found", "PATCH", deskPath+"/2", map[string]any{"title": "x"})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "PUT", deskPath+"/1", map[string]any{"identifier": "2"})

	c.must(http.StatusOK, "DELETE", deskPath+"/1?delete_dependents=false", nil)
	c.wantError(http.StatusNotFound, "not_found", "GET", deskPath+"/1", nil)
	c.wantError(http.StatusNotFound, "not_found", "DELETE", deskPath+"/1", nil)
}

func TestIdentifierWithSlash(t *testing.T) {
	_, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("team/a:b=c"))
	e := at[map[string]any](t, c.must(http.StatusOK, "GET", deskPath+"/"+esc("team/a:b=c"), nil), "entity")
	if e["identifier"] != "team/a:b=c" {
		t.Fatalf("identifier %v", e["identifier"])
	}
	c.must(http.StatusOK, "DELETE", deskPath+"/"+esc("team/a:b=c"), nil)
}

func TestDeleteWithDependents(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("1"))
	c.must(http.StatusCreated, "POST", requestPath+"?upsert=true", request("10", "1"))

	// serviceDesk is optional: deleting the desk unlinks the request.
	c.must(http.StatusOK, "DELETE", deskPath+"/1?delete_dependents=false", nil)
	r, _ := srv.Entity("jsmCustomerRequest", "10")
	if get(r, "relations", "serviceDesk") != nil {
		t.Fatalf("relation not unlinked: %v", r["relations"])
	}

	// Make it required: now the desk has a dependent.
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("1"))
	c.must(http.StatusCreated, "POST", requestPath+"?upsert=true", request("10", "1"))
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmCustomerRequest", map[string]any{
		"relations": map[string]any{"serviceDesk": map[string]any{"target": "jsmServiceDesk", "required": true, "many": false}},
	})
	c.wantError(http.StatusUnprocessableEntity, "has_dependents", "DELETE", deskPath+"/1?delete_dependents=false", nil)
	if _, ok := srv.Entity("jsmServiceDesk", "1"); !ok {
		t.Fatal("desk deleted despite the error")
	}
	c.must(http.StatusOK, "DELETE", deskPath+"/1?delete_dependents=true", nil)
	if _, ok := srv.Entity("jsmCustomerRequest", "10"); ok {
		t.Fatal("dependent not deleted")
	}
}

func TestListCountAndSelection(t *testing.T) {
	_, c := newFake(t)
	seedBlueprints(c)
	for _, id := range []string{"3", "1", "2"} {
		c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk(id))
	}
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true&merge=true", map[string]any{"identifier": "3", "title": "again"})
	ids := identifiers(t, c.must(http.StatusOK, "GET", deskPath, nil)["entities"])
	if !reflect.DeepEqual(ids, []string{"3", "1", "2"}) {
		t.Fatalf("order %v", ids)
	}
	if n := c.must(http.StatusOK, "GET", "/v1/blueprints/jsmServiceDesk/entities-count", nil)["count"]; n != float64(3) {
		t.Fatalf("count %v", n)
	}
	e := c.must(http.StatusOK, "GET", deskPath+"/1?include=identifier&include=properties.projectKey", nil)["entity"]
	if !reflect.DeepEqual(e, map[string]any{"identifier": "1", "properties": map[string]any{"projectKey": "K1"}}) {
		t.Fatalf("include: %v", e)
	}
	e = c.must(http.StatusOK, "GET", deskPath+"/1?exclude=properties.projectKey&exclude=createdAt", nil)["entity"]
	if _, ok := get(e, "properties").(map[string]any)["projectKey"]; ok {
		t.Fatalf("exclude kept projectKey: %v", e)
	}
	if _, ok := e.(map[string]any)["createdAt"]; ok {
		t.Fatalf("exclude kept createdAt: %v", e)
	}
	full := c.must(http.StatusOK, "GET", deskPath+"/1", nil)["entity"]
	if get(full, "properties", "projectKey") != "K1" {
		t.Fatalf("exclude changed the stored entity: %v", full)
	}
}

// Port's backend is JavaScript: a number is held as the nearest double and
// written back as JavaScript writes it, so a number with more digits than a
// double holds reads back with fewer.
func TestNumbersAreHeldAsDoubles(t *testing.T) {
	srv, c := newFake(t)
	c.must(http.StatusCreated, "POST", "/v1/blueprints", map[string]any{
		"identifier": "m", "title": "M",
		"schema": map[string]any{"properties": map[string]any{"n": map[string]any{"type": "number"}, "list": map[string]any{"type": "array"}}},
	})
	body := []byte(`{"identifier":"x","properties":{"n":9007199254740993,"list":[0.1000000000000000055511151231257827,1e21,-18014398509481985,123456789.123456789123]}}`)
	if status, out, _ := c.raw("POST", "/v1/blueprints/m/entities?upsert=true", body, c.token); status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, out)
	}
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v1/blueprints/m/entities/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"n":9007199254740992`, `"list":[0.1,1e+21,-18014398509481984,123456789.12345679]`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("Port's answer %s does not hold %s", text, want)
		}
	}
}
