package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccEntityLifecycle manages entities with every property type and both
// relation forms, imports one, and plays the UI edits of Port users.
func TestAccEntityLifecycle(t *testing.T) {
	srv := startPort(t)
	step := func(version float64) resource.TestStep {
		vars := portVariables(srv)
		vars["api_version"] = config.FloatVariable(version)
		return resource.TestStep{
			ConfigFile:      config.StaticFile("testdata/entities_all_types.tf"),
			ConfigVariables: vars,
		}
	}
	api := func() map[string]any {
		e, ok := srv.Entity("service", "api")
		if !ok {
			t.Fatal("entity service/api is not in Port")
		}
		return e
	}

	created := step(1.5)
	created.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	created.Check = func(*terraform.State) error {
		e := api()
		want := map[string]any{
			"language": "go", "version": 1.5, "public": true,
			"meta": map[string]any{"owner": "platform", "tier": float64(1), "flags": map[string]any{"beta": false}},
			"tags": []any{"jsm", "port"},
		}
		props, _ := e["properties"].(map[string]any)
		for k, v := range want {
			if !reflect.DeepEqual(props[k], v) {
				t.Errorf("property %s is %#v, want %#v", k, props[k], v)
			}
		}
		if got := at(e, "relations", "owner"); got != "platform" {
			t.Errorf("relation owner is %v", got)
		}
		if got := at(e, "relations", "dependsOn"); !reflect.DeepEqual(got, []any{"db"}) {
			t.Errorf("relation dependsOn is %v", got)
		}
		if !reflect.DeepEqual(e["team"], []any{"platform-team"}) || e["icon"] != "Microservice" {
			t.Errorf("team %v icon %v", e["team"], e["icon"])
		}
		return nil
	}

	imported := step(1.5)
	imported.ResourceName = "portjsm_entity.api"
	imported.ImportState = true
	imported.ImportStateVerify = true
	imported.ImportStateId = "service/api"

	uiAdds := step(1.5)
	uiAdds.PreConfig = func() {
		mustEdit(t, srv.EditEntity("service", "api", func(e map[string]any) {
			member[map[string]any](t, e, "properties")["note"] = "added in the UI"
		}))
	}
	uiAdds.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	changed := step(2)
	changed.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_entity.api", plancheck.ResourceActionUpdate),
	}}
	changed.Check = func(*terraform.State) error {
		if got := at(api(), "properties", "version"); got != float64(2) {
			t.Errorf("version is %v", got)
		}
		if got := at(api(), "properties", "note"); got != "added in the UI" {
			t.Errorf("the property added in the UI was lost: %v", got)
		}
		return nil
	}

	uiEdits := step(2)
	uiEdits.PreConfig = func() {
		mustEdit(t, srv.EditEntity("service", "api", func(e map[string]any) {
			member[map[string]any](t, e, "properties")["language"] = "rust"
			member[map[string]any](t, e, "relations")["dependsOn"] = []any{}
		}))
	}
	uiEdits.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_entity.api", plancheck.ResourceActionUpdate),
	}}
	uiEdits.Check = func(*terraform.State) error {
		if got := at(api(), "properties", "language"); got != "go" {
			t.Errorf("the UI edit was not reverted: language %v", got)
		}
		if got := at(api(), "relations", "dependsOn"); !reflect.DeepEqual(got, []any{"db"}) {
			t.Errorf("the UI edit was not reverted: dependsOn %v", got)
		}
		return nil
	}

	uiDeletes := step(2)
	uiDeletes.PreConfig = func() { srv.DeleteEntity("service", "db") }
	uiDeletes.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("portjsm_entity.db", plancheck.ResourceActionCreate),
	}}

	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{created, imported, uiAdds, changed, uiEdits, uiDeletes}})
	if len(srv.Entities("service")) != 0 {
		t.Fatal("destroy left entities in Port")
	}
}

// TestAccEntityKeepsWhatTheUISet is situation 3 of the convergence issue: a
// configuration that sets no title, icon or team changes a property; the
// title, icon and team set in Port's UI survive the update.
func TestAccEntityKeepsWhatTheUISet(t *testing.T) {
	srv := startPortWithService(t)
	version := func(v int) resource.TestStep {
		step := entityStep(srv, config.Variables{"properties": config.ObjectVariable(map[string]config.Variable{"version": config.IntegerVariable(v)})}, nil)
		step.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
		return step
	}
	uiEdit := version(2)
	uiEdit.PreConfig = func() {
		mustEdit(t, srv.PutEntity("service", map[string]any{"identifier": "api", "title": "Set in the UI", "icon": "Jira",
			"team": []any{"ops"}, "properties": map[string]any{"version": 1}}))
	}
	uiEdit.Check = func(*terraform.State) error {
		e, _ := srv.Entity("service", "api")
		if e["title"] != "Set in the UI" || e["icon"] != "Jira" || !reflect.DeepEqual(e["team"], []any{"ops"}) {
			t.Errorf("the update erased what the UI set: title %v, icon %v, team %v", e["title"], e["icon"], e["team"])
		}
		if got := at(e, "properties", "version"); got != float64(2) {
			t.Errorf("version is %v, want 2", got)
		}
		return nil
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{version(1), uiEdit}})
}

// A number Port cannot hold exactly (its backend keeps doubles) reads back
// rounded: that is no drift, so the plan after the apply is empty (the test
// framework checks it) and Port holds the nearest double.
func TestAccEntityNumberPortRoundsIsNoDrift(t *testing.T) {
	srv := startPortWithService(t)
	big := config.Variables{"properties": config.ObjectVariable(map[string]config.Variable{"version": config.IntegerVariable(9007199254740993)})}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{
		entityStep(srv, big, nil),
		{
			PreConfig: func() {
				if e, _ := srv.Entity("service", "api"); at(e, "properties", "version") != 9007199254740992.0 {
					t.Fatalf("Port holds %v", e["properties"])
				}
			},
			ConfigFile:      config.StaticFile("testdata/entity_single.tf"),
			ConfigVariables: mergeVariables(portVariables(srv), big),
			PlanOnly:        true,
		},
	}})
}
