package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func blueprintVars(srv interface{ URL() string }, requestTitle, statusTitle string) config.Variables {
	return config.Variables{
		"port_base_url": config.StringVariable(srv.URL()),
		"request_title": config.StringVariable(requestTitle),
		"status_title":  config.StringVariable(statusTitle),
	}
}

// TestAccBlueprintLifecycle creates the seed blueprints, then plays the
// edits Port users make in the UI: an added field is neither drift nor lost
// on the next apply, a managed field changed in the UI is drift and is put
// back.
func TestAccBlueprintLifecycle(t *testing.T) {
	srv := startPort(t)
	const request = "jsmCustomerRequest"
	fieldOf := func(keys ...string) any {
		doc, ok := srv.Blueprint(request)
		if !ok {
			t.Fatalf("blueprint %s is not in Port", request)
		}
		return at(doc, keys...)
	}
	step := func(requestTitle, statusTitle string) resource.TestStep {
		return resource.TestStep{
			ConfigFile:      config.StaticFile("testdata/blueprints_hcl.tf"),
			ConfigVariables: blueprintVars(srv, requestTitle, statusTitle),
		}
	}

	created := step("JSM Customer Request", "Status")
	created.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	created.Check = func(*terraform.State) error {
		for _, bp := range []string{"jsmServiceDesk", request, "jsmOrganization"} {
			if _, ok := srv.Blueprint(bp); !ok {
				t.Errorf("blueprint %s was not created", bp)
			}
		}
		if got := fieldOf("relations", "serviceDesk", "target"); got != "jsmServiceDesk" {
			t.Errorf("relation target is %v", got)
		}
		if got := fieldOf("schema", "properties", "createdAt", "format"); got != "date-time" {
			t.Errorf("createdAt format is %v", got)
		}
		return nil
	}

	uiAdds := step("JSM Customer Request", "Status")
	uiAdds.PreConfig = func() {
		mustEdit(t, srv.EditBlueprint(request, func(doc map[string]any) {
			doc["calculationProperties"] = map[string]any{"url": map[string]any{"title": "URL", "type": "string", "calculation": "\"https://jira/\" + .identifier"}}
			member[map[string]any](t, doc, "schema", "properties")["priority"] = map[string]any{"type": "string", "title": "Priority"}
		}))
	}
	uiAdds.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	managedChange := step("Customer Request", "State")
	managedChange.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_blueprint.customer_request", plancheck.ResourceActionUpdate),
	}}
	managedChange.Check = func(*terraform.State) error {
		if got := fieldOf("title"); got != "Customer Request" {
			t.Errorf("title is %v", got)
		}
		if got := fieldOf("schema", "properties", "status", "title"); got != "State" {
			t.Errorf("status title is %v", got)
		}
		if fieldOf("calculationProperties", "url") == nil || fieldOf("schema", "properties", "priority") == nil {
			t.Error("fields added in the UI were lost by the apply")
		}
		return nil
	}

	uiEditsManaged := step("Customer Request", "State")
	uiEditsManaged.PreConfig = func() {
		mustEdit(t, srv.EditBlueprint(request, func(doc map[string]any) {
			member[map[string]any](t, doc, "schema", "properties", "status")["title"] = "Edited in UI"
		}))
	}
	uiEditsManaged.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_blueprint.customer_request", plancheck.ResourceActionUpdate),
	}}
	uiEditsManaged.Check = func(*terraform.State) error {
		if got := fieldOf("schema", "properties", "status", "title"); got != "State" {
			t.Errorf("the UI edit was not reverted: %v", got)
		}
		return nil
	}

	uiDeletes := step("Customer Request", "State")
	uiDeletes.PreConfig = func() { srv.DeleteBlueprint("jsmOrganization") }
	uiDeletes.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_blueprint.organization", plancheck.ResourceActionCreate),
	}}

	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{created, uiAdds, managedChange, uiEditsManaged, uiDeletes}})
	if _, ok := srv.Blueprint(request); ok {
		t.Fatal("destroy left the blueprint in Port")
	}
}

func mustEdit(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccBlueprintFromJSONAndImport builds the blueprints from Port's JSON
// documents with jsondecode and imports each one back.
func TestAccBlueprintFromJSONAndImport(t *testing.T) {
	srv := startPort(t)
	steps := []resource.TestStep{{
		ConfigDirectory:  config.StaticDirectory("testdata/blueprints_json"),
		ConfigVariables:  portVariables(srv),
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	}}
	for _, name := range []string{"service_desk", "customer_request", "organization"} {
		steps = append(steps, resource.TestStep{
			ConfigDirectory:   config.StaticDirectory("testdata/blueprints_json"),
			ConfigVariables:   portVariables(srv),
			ResourceName:      "portjsm_blueprint." + name,
			ImportState:       true,
			ImportStateVerify: true,
		})
	}
	accParallelTest(t, resource.TestCase{Steps: steps})
}

// TestAccBlueprintDeleteWithEntities refuses to destroy a blueprint that
// still has entities until force_delete_entities says so.
func TestAccBlueprintDeleteWithEntities(t *testing.T) {
	srv := startPort(t)
	vars := func(force bool) config.Variables {
		v := portVariables(srv)
		v["force_delete_entities"] = config.BoolVariable(force)
		return v
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{
		{
			ConfigFile:      config.StaticFile("testdata/blueprint_with_force.tf"),
			ConfigVariables: vars(false),
		},
		{
			PreConfig: func() {
				mustEdit(t, srv.PutEntity("jsmOrganization", map[string]any{"identifier": "acme", "title": "Acme", "properties": map[string]any{"name": "Acme"}}))
			},
			ConfigFile:      config.StaticFile("testdata/blueprint_with_force.tf"),
			ConfigVariables: vars(false),
			Destroy:         true,
			ExpectError:     errorMatching("Blueprint Still In Use", "jsmOrganization", "set force_delete_entities = true"),
		},
		{
			ConfigFile:      config.StaticFile("testdata/blueprint_with_force.tf"),
			ConfigVariables: vars(true),
		},
	}})
	if _, ok := srv.Blueprint("jsmOrganization"); ok {
		t.Fatal("force_delete_entities did not let the blueprint be destroyed")
	}
	// Port deletes the entities in a background migration: the provider must
	// have waited for it before deleting the blueprint.
	if n := srv.RequestCount("GET", "/v1/migrations/{migration}"); n == 0 {
		t.Fatal("the provider deleted the blueprint without waiting for Port's migration")
	}
}

// TestAccBlueprintForceDeleteRefusedWhileOthersNeedEntities destroys, with
// force_delete_entities, a blueprint whose entity another blueprint's entity
// needs through a required relation. Port refuses to delete the entities;
// the destroy fails naming that cause and leaves the blueprint and its
// entities in place, and goes through once the dependent is gone.
func TestAccBlueprintForceDeleteRefusedWhileOthersNeedEntities(t *testing.T) {
	srv := startPort(t)
	vars := portVariables(srv)
	vars["force_delete_entities"] = config.BoolVariable(true)
	step := resource.TestStep{ConfigFile: config.StaticFile("testdata/blueprint_with_force.tf"), ConfigVariables: vars}
	refused := step
	refused.PreConfig = func() {
		mustEdit(t, srv.PutEntity("jsmOrganization", map[string]any{"identifier": "acme", "title": "Acme", "properties": map[string]any{"name": "Acme"}}))
		mustEdit(t, srv.PutBlueprint(map[string]any{
			"identifier": "contract", "title": "Contract", "schema": map[string]any{"properties": map[string]any{}},
			"relations": map[string]any{"organization": map[string]any{"title": "Organization", "target": "jsmOrganization", "required": true, "many": false}},
		}))
		mustEdit(t, srv.PutEntity("contract", map[string]any{"identifier": "c1", "relations": map[string]any{"organization": "acme"}}))
	}
	refused.Destroy = true
	refused.ExpectError = errorMatching("Blueprint Entities Still Needed", "jsmOrganization", "required relation", "destroy those first")
	cleared := step
	cleared.PreConfig = func() {
		if _, ok := srv.Entity("jsmOrganization", "acme"); !ok {
			t.Error("the refused destroy deleted the entity another blueprint needs")
		}
		if n := srv.RequestCount("GET", "/v1/migrations/{migration}"); n != 0 {
			t.Errorf("polled a migration %d times after Port refused to start one", n)
		}
		srv.DeleteBlueprint("contract")
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step, refused, cleared}})
	if _, ok := srv.Blueprint("jsmOrganization"); ok {
		t.Fatal("the destroy after the dependent went did not delete the blueprint")
	}
}

// TestAccBlueprintRemovedCollectionKeepsUIEntries is situation 7 of the
// convergence issue: removing calculation_properties and relations from the
// configuration removes the managed entries only, not those the UI added.
func TestAccBlueprintRemovedCollectionKeepsUIEntries(t *testing.T) {
	srv := startPort(t)
	step := func(manage bool) resource.TestStep {
		vars := portVariables(srv)
		vars["manage_collections"] = config.BoolVariable(manage)
		return resource.TestStep{
			ConfigFile:       config.StaticFile("testdata/blueprint_collections.tf"),
			ConfigVariables:  vars,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}
	}
	removed := step(false)
	removed.PreConfig = func() {
		mustEdit(t, srv.EditBlueprint("service", func(doc map[string]any) {
			member[map[string]any](t, doc, "calculationProperties")["ui_added"] = map[string]any{"title": "UI", "type": "string", "calculation": ".title"}
			member[map[string]any](t, doc, "relations")["ui_relation"] = map[string]any{"target": "squad", "required": false, "many": true}
		}))
	}
	removed.Check = func(*terraform.State) error {
		doc, _ := srv.Blueprint("service")
		if at(doc, "calculationProperties", "managed") != nil || at(doc, "relations", "owner") != nil {
			t.Errorf("the entries the configuration stopped managing are still in Port: %v", doc)
		}
		if at(doc, "calculationProperties", "ui_added") == nil || at(doc, "relations", "ui_relation") == nil {
			t.Errorf("removing the attributes deleted what the UI added beside them: %v", doc)
		}
		return nil
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step(true), removed}})
}

// TestAccBlueprintImportAdoptsOnce imports a blueprint with an import block:
// the read that follows the import adopts it, and it alone; later reads
// refresh only the managed fields, so what the UI adds afterwards is not
// drift, while a title edited in the UI is read back as drift and put back.
func TestAccBlueprintImportAdoptsOnce(t *testing.T) {
	srv := startPort(t)
	mustEdit(t, srv.PutBlueprint(map[string]any{
		"identifier": "jsmOrganization", "title": "JSM Organization", "icon": "Jira",
		"schema": map[string]any{"properties": map[string]any{"name": map[string]any{"type": "string", "title": "Name"}}},
	}))
	step := func() resource.TestStep {
		return resource.TestStep{
			ConfigFile:      config.StaticFile("testdata/blueprint_import.tf"),
			ConfigVariables: portVariables(srv),
		}
	}
	imported := step()
	imported.ConfigPlanChecks = resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("portjsm_blueprint.org", plancheck.ResourceActionNoop)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	uiAdds := step()
	uiAdds.PreConfig = func() {
		mustEdit(t, srv.EditBlueprint("jsmOrganization", func(doc map[string]any) {
			doc["calculationProperties"] = map[string]any{"url": map[string]any{"title": "URL", "type": "string", "calculation": ".identifier"}}
			member[map[string]any](t, doc, "schema", "properties")["size"] = map[string]any{"type": "number", "title": "Size"}
		}))
	}
	uiAdds.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	uiRetitles := step()
	uiRetitles.PreConfig = func() {
		mustEdit(t, srv.EditBlueprint("jsmOrganization", func(doc map[string]any) { doc["title"] = "Renamed in UI" }))
	}
	uiRetitles.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_blueprint.org", plancheck.ResourceActionUpdate),
	}}
	uiRetitles.Check = func(*terraform.State) error {
		doc, _ := srv.Blueprint("jsmOrganization")
		if got := at(doc, "title"); got != "JSM Organization" {
			t.Errorf("the UI's title was not put back: %v", got)
		}
		if at(doc, "calculationProperties", "url") == nil || at(doc, "schema", "properties", "size") == nil {
			t.Errorf("the apply lost what the UI added after the import: %v", doc)
		}
		return nil
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{imported, uiAdds, uiRetitles}})
}
