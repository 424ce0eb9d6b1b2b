package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

func deskEntity(id string) entity.Entity {
	title := "Desk " + id
	return entity.Entity{Identifier: id, Title: &title, Properties: entity.Fields{{Key: "name", Value: entity.String("desk-" + id)}}, Relations: entity.Fields{}}
}

func requestEntity(id, desk string) entity.Entity {
	title := "Request " + id
	return entity.Entity{Identifier: id, Title: &title, Properties: entity.Fields{{Key: "status", Value: `"open"`}},
		Relations: entity.Fields{{Key: "desk", Value: entity.String(desk)}}}
}

func setOf(entities ...entity.Entity) entity.Set {
	set := entity.Set{}
	for _, e := range entities {
		set.Add(e)
	}
	return set
}

func portIDs(r *syncRig, blueprint string) []string {
	var ids []string
	for _, e := range r.port.Entities(blueprint) {
		ids = append(ids, member[string](r.t, e, "identifier"))
	}
	slices.Sort(ids)
	return ids
}

// TestAccSyncRefusedFirstSyncLeavesNoOrphan is situation 1 of the
// convergence issue: Port keeps refusing one entity of the first sync while
// another leaves the source. No apply may lose track of what landed.
func TestAccSyncRefusedFirstSyncLeavesNoOrphan(t *testing.T) {
	r := newSyncRig(t)
	r.portJudges = true
	desks := setOf(deskEntity("D1"))
	requests := entity.Set{}
	for i := range 30 {
		requests[fmt.Sprint("R", i)] = requestEntity(fmt.Sprint("R", i), "D1")
	}
	bad := requests["R7"]
	bad.Properties = entity.Fields{{Key: "status", Value: `"open"`}, {Key: "undeclared", Value: `"x"`}}
	requests["R7"] = bad

	r.setSource(desks, requests, nil)
	mustApply(t, r, 0, "Warning: Port Refused Some Entities", "R7", "29 of 30 entities landed")
	if n := len(r.port.Entities("request")); n != 29 {
		t.Fatalf("Port holds %d requests after the first sync, want 29", n)
	}
	if owned := r.owned(rigRequests); len(owned) != 30 {
		t.Fatalf("the first sync's state owns %d requests, want the 30 planned", len(owned))
	}

	delete(requests, "R3")
	r.setSource(desks, requests, nil)
	mustApply(t, r, 1, "Error: Port Refused Some Entities", "R7")
	if slices.Contains(portIDs(r, "request"), "R3") {
		t.Fatal("R3 left the source but the second apply did not delete it")
	}

	fixed := requests["R7"]
	fixed.Properties = entity.Fields{{Key: "status", Value: `"open"`}}
	requests["R7"] = fixed
	r.setSource(desks, requests, nil)
	mustApply(t, r, 0)
	if got := portIDs(r, "request"); len(got) != 29 || slices.Contains(got, "R3") || !slices.Contains(got, "R7") {
		t.Fatalf("Port holds %v, want the 29 requests of the source", got)
	}
	mustPlanEmpty(t, r)
}

// TestAccSyncRequiredRelationsConverge is situation 2: a desk leaves JSM
// with its requests, which need it through a required relation. The desk's
// delete waits (a warning, not an error), an unrelated delete in the same
// batch goes through, and the second apply converges with no error.
func TestAccSyncRequiredRelationsConverge(t *testing.T) {
	r := newSyncRig(t)
	desks := setOf(deskEntity("D1"), deskEntity("D2"), deskEntity("D3"))
	requests := setOf(
		requestEntity("R1", "D1"), requestEntity("R2", "D1"), requestEntity("R3", "D2"),
	)
	r.setSource(desks, requests, nil)
	mustApply(t, r, 0)

	delete(desks, "D1")
	delete(desks, "D3")
	delete(requests, "R1")
	delete(requests, "R2")
	r.setSource(desks, requests, nil)
	out := mustApply(t, r, 0, "Warning: Deletes Waiting For Dependents", "request/R1 -> desk/D1")
	if strings.Contains(out, "Error:") || strings.Contains(out, "fix the mapping") {
		t.Fatalf("a delete blocked by dependents is reported as the user's fault:\n%s", out)
	}
	if got := portIDs(r, "desk"); !slices.Equal(got, []string{"D1", "D2"}) {
		t.Fatalf("after the first apply Port holds desks %v, want D1 (waiting) and D2: D3 must not wait for D1", got)
	}
	if got := portIDs(r, "request"); !slices.Equal(got, []string{"R3"}) {
		t.Fatalf("after the first apply Port holds requests %v, want R3", got)
	}

	out = mustApply(t, r, 0)
	if strings.Contains(out, "Deletes Waiting") || strings.Contains(out, "Error:") {
		t.Fatalf("the second apply still reports a problem:\n%s", out)
	}
	if got := portIDs(r, "desk"); !slices.Equal(got, []string{"D2"}) {
		t.Fatalf("after the second apply Port holds desks %v, want D2", got)
	}
	mustPlanEmpty(t, r)
}

// TestAccSyncDeleteDependentsConvergesInOneApply is the opt-in of situation 2.
func TestAccSyncDeleteDependentsConvergesInOneApply(t *testing.T) {
	r := newSyncRig(t)
	desks := setOf(deskEntity("D1"), deskEntity("D2"))
	requests := setOf(requestEntity("R1", "D1"), requestEntity("R2", "D2"))
	r.setSource(desks, requests, map[string]any{"delete_dependents": true})
	mustApply(t, r, 0)
	delete(desks, "D1")
	delete(requests, "R1")
	r.setSource(desks, requests, map[string]any{"delete_dependents": true})
	mustApply(t, r, 0)
	if got := portIDs(r, "desk"); !slices.Equal(got, []string{"D2"}) {
		t.Fatalf("Port holds desks %v, want D2", got)
	}
	mustPlanEmpty(t, r)
}

// TestAccSyncOneDriftIsOneEntityDiff is situation 5: entities_json written
// without relations or properties; a UI edit of one entity shows as a diff
// of that entity only.
func TestAccSyncOneDriftIsOneEntityDiff(t *testing.T) {
	r := newSyncRig(t)
	desks := entity.Set{}
	for i := range 40 {
		title := fmt.Sprint("Desk ", i)
		desks.Add(entity.Entity{Identifier: fmt.Sprint("D", i), Title: &title, Properties: entity.Fields{}, Relations: entity.Fields{}})
	}
	// What a user writes by hand: no properties, no relations.
	handWritten := map[string]map[string]string{}
	for id, e := range desks {
		handWritten[id] = map[string]string{"title": *e.Title}
	}
	doc, err := json.Marshal(handWritten)
	if err != nil {
		t.Fatal(err)
	}
	r.setSource(nil, nil, map[string]any{"desks": string(doc)})
	mustApply(t, r, 0)
	mustPlanEmpty(t, r)

	mustEdit(t, r.port.PutEntity("desk", map[string]any{"identifier": "D7", "title": "Renamed in the UI", "properties": map[string]any{"name": "ui"}}))
	out, code := r.plan()
	if code != 2 {
		t.Fatalf("a UI edit of a managed title is no drift (exit %d):\n%s", code, out)
	}
	if strings.Contains(out, "relations") || strings.Contains(out, "properties") {
		t.Fatalf("the plan rewrites the shape of entities:\n%s", out)
	}
	if changed := regexp.MustCompile(`~ "?D\d+"? += \{`).FindAllString(out, -1); len(changed) != 1 || !strings.Contains(changed[0], "D7") {
		t.Fatalf("the plan changes %v, want D7 alone:\n%s", changed, out)
	}
	mustApply(t, r, 0)
	mustPlanEmpty(t, r)
}

// TestAccSyncEmptyValuesRoundTrip is situation 6: an empty title, an empty
// team, an empty many relation and whole floats converge.
func TestAccSyncEmptyValuesRoundTrip(t *testing.T) {
	r := newSyncRig(t)
	desks := setOf(deskEntity("D1"))
	r.setSource(desks, nil, map[string]any{"requests": `{
		"R1": {"title": "", "team": [], "properties": {"status": "open", "size": 2.0}, "relations": {"desk": "D1", "watchers": []}},
		"R2": {"title": "x", "properties": {"size": 1e3, "status": null}, "relations": {"desk": "D1", "watchers": null}},
		"R3": {"properties": {"size": 0.5}, "relations": {"desk": "D1", "watchers": ["D1"]}}
	}`})
	mustApply(t, r, 0)
	mustPlanEmpty(t, r)

	// A title set in Port is put back to the managed "".
	mustEdit(t, r.port.PutEntity("request", map[string]any{"identifier": "R1", "title": "set in the UI", "relations": map[string]any{"desk": "D1"}}))
	if _, code := r.plan(); code != 2 {
		t.Fatal("a title set in the UI over a managed empty title is no drift")
	}
	mustApply(t, r, 0)
	if e, _ := r.port.Entity("request", "R1"); e["title"] != "" && e["title"] != nil {
		t.Fatalf("the empty title was not written back: %v", e["title"])
	}
	mustPlanEmpty(t, r)
}

// TestAccSyncImportAdoptsOnlyWhatIsNamed is situation 4: importing by
// blueprint adopts the entities the configuration names, so the first apply
// deletes nothing another writer made; "<blueprint>/*" adopts them all.
func TestAccSyncImportAdoptsOnlyWhatIsNamed(t *testing.T) {
	srv := startPortWithService(t)
	mustEdit(t, srv.PutEntity("squad", map[string]any{"identifier": "platform", "title": "Platform"}))
	for i := range 30 {
		mustEdit(t, srv.PutEntity("service", map[string]any{"identifier": fmt.Sprint("svc-", i), "title": "Old title", "team": []any{"ops"}}))
	}
	for i := range 5 {
		mustEdit(t, srv.PutEntity("service", map[string]any{"identifier": fmt.Sprint("by-hand-", i), "title": "Made by hand"}))
	}
	tf := newTerraformCLI(t, "testdata/entities_hcl.tf", map[string]string{"TF_VAR_port_base_url": srv.URL()})
	tf.run([]int{0}, "import", "-input=false", "-no-color", "portjsm_entities.services", "service")
	out := tf.run([]int{2}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if strings.Contains(out, "by-hand") || !strings.Contains(out, "Sync service:") || regexp.MustCompile(`deletes [1-9]`).MatchString(out) {
		t.Fatalf("the first plan after an import by blueprint touches entities the configuration does not name:\n%s", out)
	}
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	if n := len(srv.Entities("service")); n != 35 {
		t.Fatalf("Port holds %d services after the apply, want the 30 configured and the 5 made by hand", n)
	}
	if e, _ := srv.Entity("service", "svc-3"); e["title"] != "Service 3" || fmt.Sprint(e["team"]) != "[ops]" {
		t.Fatalf("an adopted entity is %v, want the configured title and the team Port held", e)
	}
	tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")

	tf.run([]int{0}, "state", "rm", "portjsm_entities.services")
	tf.run([]int{0}, "import", "-input=false", "-no-color", "portjsm_entities.services", "service/*")
	out = tf.run([]int{2}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if !regexp.MustCompile(`Sync service: deletes 5 of the 35 entities in Port, 30 remain; updates \d+`).MatchString(out) {
		t.Fatalf("the plan after importing service/* does not delete the 5 entities the configuration does not name:\n%s", out)
	}
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	if n := len(srv.Entities("service")); n != 30 {
		t.Fatalf("Port holds %d services, want 30", n)
	}
	tf.run([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// TestAccSyncFirstSyncPortFailingIsNotTainted makes every bulk write of the
// first sync land and then lose its answer, as behind a gateway that times
// out: the create must not fail (Terraform would taint the resource, and the
// next apply would delete and recreate every entity), the read back must
// find what landed, and the next plan must be empty.
func TestAccSyncFirstSyncPortFailingIsNotTainted(t *testing.T) {
	r := newSyncRig(t)
	r.port.LoseAnswers("POST", "/v1/blueprints/desk/entities/bulk", 502, -1)
	r.setSource(manyDesks(50), nil, nil)
	mustApply(t, r, 0, "Warning: Port Is Failing Or Unreachable", "50 of 50 entities landed")
	r.port.LoseAnswers("POST", "/v1/blueprints/desk/entities/bulk", 0, 0)
	out, code := r.plan()
	if code != 0 || strings.Contains(out, "tainted") {
		t.Fatalf("after a first sync whose answers were lost the plan is not empty (exit %d):\n%s", code, out)
	}
}
