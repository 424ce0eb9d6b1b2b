package fakeport

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// seedHistory fills a fake with blueprints that relate to each other, entities
// written over HTTP and directly, an update, a deletion and a relation cycle.
func seedHistory(t *testing.T, srv *Server, c *testClient) {
	t.Helper()
	seedBlueprints(c)
	for _, id := range []string{"1", "2", "3"} {
		c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk(id))
	}
	for i, d := range []string{"1", "2", "2", "3", ""} {
		c.must(http.StatusCreated, "POST", requestPath+"?upsert=true", request(string(rune('a'+i)), d))
	}
	// An upsert keeps the entity's place and createdAt, and changes updatedAt.
	time.Sleep(2 * time.Millisecond)
	updated := desk("1")
	updated["icon"] = "Jira"
	updated["team"] = []any{"platform", "support"}
	c.must(http.StatusCreated, "POST", deskPath+"?upsert=true", updated)
	c.must(http.StatusOK, "DELETE", deskPath+"/3", nil) // unlinks request d
	c.must(http.StatusCreated, "POST", "/v1/blueprints/jsmOrganization/entities?upsert=true",
		map[string]any{"identifier": "org-1", "title": "Acme", "properties": map[string]any{"name": "Acme", "scimManaged": true}})
	// Entities that carry history, as a seed or an edit in Port's UI would.
	if err := srv.PutEntity("jsmOrganization", map[string]any{
		"identifier": "org-2", "properties": map[string]any{"name": "Globex"},
		"createdAt": "2021-03-04T05:06:07.000Z", "createdBy": "alice", "updatedAt": "2022-03-04T05:06:07.000Z", "updatedBy": "bob",
	}); err != nil {
		t.Fatal(err)
	}
	// Blueprints that relate to each other: desks have many organizations,
	// organizations one home desk.
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmServiceDesk", map[string]any{"relations": map[string]any{
		"organizations": map[string]any{"target": "jsmOrganization", "many": true},
	}})
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmOrganization", map[string]any{"relations": map[string]any{
		"homeDesk": map[string]any{"target": "jsmServiceDesk"},
		"parent":   map[string]any{"target": "jsmOrganization"},
	}})
	c.must(http.StatusOK, "PATCH", deskPath+"/2", map[string]any{"relations": map[string]any{"organizations": []any{"org-1", "org-2"}}})
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmOrganization/entities/org-1",
		map[string]any{"relations": map[string]any{"homeDesk": "2", "parent": "org-2"}})
	c.must(http.StatusOK, "PATCH", "/v1/blueprints/jsmOrganization/entities/org-2",
		map[string]any{"relations": map[string]any{"parent": "org-1"}})
}

// listing is everything the API shows of a fake: blueprints, entities in
// listing order and the first search page (cursors are opaque, so only its
// entities).
func listing(c *testClient) map[string]any {
	c.t.Helper()
	out := map[string]any{"blueprints": c.must(http.StatusOK, "GET", "/v1/blueprints", nil)["blueprints"]}
	for _, bp := range []string{"jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"} {
		out[bp] = c.must(http.StatusOK, "GET", "/v1/blueprints/"+bp+"/entities", nil)["entities"]
		out[bp+" search"] = c.must(http.StatusOK, "POST", "/v1/blueprints/"+bp+"/entities/search", map[string]any{"limit": 2})["entities"]
	}
	return out
}

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	src, a := newFake(t)
	seedHistory(t, src, a)
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	time.Sleep(2 * time.Millisecond) // a restore that stamped "now" would show
	dst, b := newFake(t)
	if err := dst.PutBlueprint(map[string]any{"identifier": "stale", "title": "Stale", "schema": map[string]any{"properties": map[string]any{}}}); err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(snap); err != nil {
		t.Fatal(err)
	}
	want, got := listing(a), listing(b)
	for k := range want {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s after restore:\n got %v\nwant %v", k, got[k], want[k])
		}
	}
	if _, ok := dst.Blueprint("stale"); ok {
		t.Error("Restore kept a blueprint that is not in the snapshot")
	}
	org2, _ := dst.Entity("jsmOrganization", "org-2")
	if org2["createdAt"] != "2021-03-04T05:06:07.000Z" || org2["createdBy"] != "alice" {
		t.Errorf("metadata not kept: %v", org2)
	}
	again, err := dst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, snap) {
		t.Errorf("snapshot of the restored store differs:\n%s\nwant\n%s", again, snap)
	}

	// The restored store behaves like the original: relation index, cursors,
	// updates in place, new entities after the restored ones.
	b.must(http.StatusOK, "DELETE", deskPath+"/2", nil)
	if rel := get(b.must(http.StatusOK, "GET", requestPath+"/b", nil), "entity", "relations", "serviceDesk"); rel != nil {
		t.Errorf("deleting restored desk 2 left request b related to %v", rel)
	}
	if rels := get(b.must(http.StatusOK, "GET", "/v1/blueprints/jsmOrganization/entities/org-1", nil), "entity", "relations"); !reflect.DeepEqual(rels, map[string]any{"homeDesk": nil, "parent": "org-2"}) {
		t.Errorf("org-1 relations after deleting desk 2: %v", rels)
	}
	next := at[string](t, b.must(http.StatusOK, "POST", requestPath+"/search", map[string]any{"limit": 2}), "next")
	b.must(http.StatusCreated, "POST", requestPath+"?upsert=true", request("z", "1"))
	page := b.must(http.StatusOK, "POST", requestPath+"/search", map[string]any{"limit": 10, "from": next})
	ids := identifiers(t, page["entities"])
	if want := []string{"c", "d", "e", "z"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("search after restore = %v, want %v", ids, want)
	}
	b.wantError(http.StatusConflict, "identifier_taken", "POST", "/v1/blueprints", serviceDeskBlueprint())
}

func TestSnapshotOfEmptyStore(t *testing.T) {
	src := New()
	defer src.Close()
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	dst, b := newFake(t)
	seedBlueprints(b)
	if err := dst.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if bps := at[[]any](t, b.must(http.StatusOK, "GET", "/v1/blueprints", nil), "blueprints"); len(bps) != 0 {
		t.Errorf("blueprints after restoring an empty snapshot: %v", bps)
	}
}

func TestRestoreRejectsBadSnapshots(t *testing.T) {
	src, a := newFake(t)
	seedHistory(t, src, a)
	good, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, repl string) []byte {
		t.Helper()
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("snapshot lacks %s", old)
		}
		return bytes.Replace(good, []byte(old), []byte(repl), 1)
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"not JSON":          {[]byte("{"), "not a snapshot"},
		"empty":             {nil, "not a snapshot"},
		"other format":      {edit(snapshotFormat, "fakeport-snapshot/0"), "format"},
		"bad blueprint":     {edit(`"title":"JSM Service Desk"`, `"title":""`), "title"},
		"dangling target":   {edit(`"target":"jsmOrganization"`, `"target":"nope"`), `targets blueprint "nope"`},
		"unknown blueprint": {edit(`"blueprint":"jsmOrganization"`, `"blueprint":"nope"`), `blueprint "nope" is not in the snapshot`},
		"schema mismatch":   {edit(`"scimManaged":true`, `"scimManaged":"yes"`), "scimManaged"},
		"missing related":   {edit(`"parent":"org-1"`, `"parent":"org-9"`), `"org-9"`},
		"duplicate entity":  {edit(`"identifier":"b"`, `"identifier":"a"`), "appears twice"},
		"no identifier":     {edit(`"identifier":"b"`, `"identifier":""`), "no identifier"},
	}
	dst, b := newFake(t)
	seedBlueprints(b)
	b.must(http.StatusCreated, "POST", deskPath+"?upsert=true", desk("7"))
	before := listing(b)
	for name, tc := range cases {
		err := dst.Restore(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
	if after := listing(b); !reflect.DeepEqual(after, before) {
		t.Errorf("a failed Restore changed the store:\n got %v\nwant %v", after, before)
	}
}
