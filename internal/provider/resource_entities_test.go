package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// syncFixture is a fake JSM tenant, an empty fake Port, and the
// configurations of the seed scenario by style.
type syncFixture struct {
	jsm     *fakejsm.Server
	port    *fakeport.Server
	configs map[string]string
}

func newSyncFixture(t *testing.T, opts fakejsm.TenantOptions) syncFixture {
	t.Helper()
	configs := map[string]string{}
	for _, style := range []string{"sync_mapping", "sync_hcl", "sync_ocean"} {
		configs[style] = syncConfig(t, style)
	}
	return syncFixture{jsm: startJSM(t, opts), port: startPort(t), configs: configs}
}

func (f syncFixture) vars(extra config.Variables) config.Variables {
	v := jsmVariables(f.jsm)
	v["port_base_url"] = config.StringVariable(f.port.URL())
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func (f syncFixture) step(style string, extra config.Variables) resource.TestStep {
	return resource.TestStep{
		ConfigDirectory: config.StaticDirectory(f.configs[style]),
		ConfigVariables: f.vars(extra),
	}
}

// syncConfig assembles the configuration of one style of the seed scenario:
// the provider and blueprints of testdata/sync_common with the data sources
// and resources of testdata/<style>.
func syncConfig(t *testing.T, style string) string {
	t.Helper()
	dir := t.TempDir()
	for _, src := range []string{"testdata/sync_common", "testdata/" + style} {
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// writes counts the requests that change Port's entities.
func (f syncFixture) writes() int {
	n := 0
	for endpoint, c := range f.port.RequestCounts() {
		if strings.HasPrefix(endpoint, "POST /v1/blueprints/{blueprint}/entities/bulk") ||
			strings.HasPrefix(endpoint, "POST /v1/blueprints/{blueprint}/bulk/entities/delete") ||
			strings.HasPrefix(endpoint, "DELETE /v1/blueprints/{blueprint}/entities") ||
			endpoint == "POST /v1/blueprints/{blueprint}/entities" {
			n += c
		}
	}
	return n
}

// seedEntities computes, independently of the provider, what the seed
// mappings make of the tenant: blueprint -> identifier -> managed fields.
func seedEntities(t *testing.T, tenant *fakejsm.Tenant) map[string]map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]map[string]any{"jsmServiceDesk": {}, "jsmCustomerRequest": {}, "jsmOrganization": {}}
	for _, raw := range tenant.ServiceDesksJSON() {
		var sd map[string]any
		mustUnmarshal(t, raw, &sd)
		out["jsmServiceDesk"][member[string](t, sd, "id")] = map[string]any{
			"title":      firstNonNull(sd["projectName"], sd["projectKey"], sd["id"]),
			"properties": map[string]any{"projectId": sd["projectId"], "projectKey": sd["projectKey"], "projectName": sd["projectName"]},
			"relations":  map[string]any{},
		}
	}
	for _, raw := range tenant.RequestsJSON() {
		var r map[string]any
		mustUnmarshal(t, raw, &r)
		out["jsmCustomerRequest"][member[string](t, r, "issueId")] = map[string]any{
			"title": firstNonNull(r["summary"], r["issueKey"]),
			"properties": map[string]any{"issueKey": r["issueKey"], "summary": nil, "status": at(r, "currentStatus", "status"),
				"createdAt": at(r, "createdDate", "iso8601"), "secret": nil},
			"relations": map[string]any{"serviceDesk": r["serviceDeskId"]},
		}
	}
	for _, raw := range tenant.OrganizationsJSON() {
		var o map[string]any
		mustUnmarshal(t, raw, &o)
		out["jsmOrganization"][member[string](t, o, "id")] = map[string]any{
			"title":      o["name"],
			"properties": map[string]any{"name": o["name"], "scimManaged": o["scimManaged"]},
			"relations":  map[string]any{},
		}
	}
	return out
}

func firstNonNull(vs ...any) any {
	for _, v := range vs {
		if v != nil && v != false {
			return v
		}
	}
	return nil
}

// portHolds checks that Port holds exactly the expected entities, comparing
// title, the expected properties and relations.
func portHolds(srv *fakeport.Server, want map[string]map[string]map[string]any) error {
	for bp, entities := range want {
		held := srv.Entities(bp)
		if len(held) != len(entities) {
			return fmt.Errorf("blueprint %s holds %d entities, want %d", bp, len(held), len(entities))
		}
		for _, e := range held {
			id, _ := e["identifier"].(string)
			w, ok := entities[id]
			if !ok {
				return fmt.Errorf("blueprint %s holds unexpected entity %s", bp, id)
			}
			if e["title"] != w["title"] {
				return fmt.Errorf("%s/%s title %v, want %v", bp, id, e["title"], w["title"])
			}
			for _, field := range []string{"properties", "relations"} {
				got, _ := e[field].(map[string]any)
				wantFields, ok := w[field].(map[string]any)
				if !ok {
					return fmt.Errorf("the expected %s/%s has no %s object", bp, id, field)
				}
				for k, v := range wantFields {
					if !reflect.DeepEqual(got[k], v) {
						return fmt.Errorf("%s/%s %s.%s is %#v, want %#v", bp, id, field, k, got[k], v)
					}
				}
			}
		}
	}
	return nil
}

// entitiesChange returns the identifiers a plan creates, changes and deletes
// inside the entities_json of one resource.
func entitiesChange(plan map[string]any) (created, changed, deleted []string) {
	before, _ := plan["before"].(string)
	after, _ := plan["after"].(string)
	var b, a map[string]json.RawMessage
	_ = json.Unmarshal([]byte(before), &b)
	_ = json.Unmarshal([]byte(after), &a)
	for id, v := range a {
		old, ok := b[id]
		switch {
		case !ok:
			created = append(created, id)
		case string(old) != string(v):
			changed = append(changed, id)
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			deleted = append(deleted, id)
		}
	}
	return created, changed, deleted
}

// entityChangesCheck asserts how many entities a plan creates, changes and
// deletes in one portjsm_entities resource, and lets the test look at them.
type entityChangesCheck struct {
	address                   string
	created, changed, deleted int
	inspect                   func(before, after map[string]any, changed []string) error
}

func (c entityChangesCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		cr, ch, de := entitiesChange(map[string]any{"before": before["entities_json"], "after": after["entities_json"]})
		if len(cr) != c.created || len(ch) != c.changed || len(de) != c.deleted {
			resp.Error = fmt.Errorf("%s plans %d creates %v, %d changes %v, %d deletes %v; want %d, %d, %d",
				c.address, len(cr), cr, len(ch), ch, len(de), de, c.created, c.changed, c.deleted)
			return
		}
		if c.inspect != nil {
			var b, a map[string]any
			_ = json.Unmarshal([]byte(fmt.Sprint(before["entities_json"])), &b)
			_ = json.Unmarshal([]byte(fmt.Sprint(after["entities_json"])), &a)
			resp.Error = c.inspect(b, a, ch)
		}
		return
	}
	resp.Error = fmt.Errorf("the plan does not touch %s", c.address)
}

// TestAccSyncSeedScenario runs the seed scenario end to end: fake JSM, the
// provider through a real Terraform CLI, fake Port.
func TestAccSyncSeedScenario(t *testing.T) {
	t.Setenv("PORT_CLIENT_SECRET", "env-secret-must-not-leak")
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 21, ServiceDesks: 3, Requests: 60, Organizations: 5})
	tenant := f.jsm.Tenant()
	const requests = "portjsm_entities.customer_requests"
	target := tenant.RequestIDs()[7]
	removed := tenant.RequestIDs()[12]

	first := f.step("sync_mapping", nil)
	first.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	first.Check = func(*terraform.State) error {
		if err := portHolds(f.port, seedEntities(t, tenant)); err != nil {
			return err
		}
		if n := f.port.RequestCount("POST", "/v1/blueprints/{blueprint}/entities/bulk"); n != 1+3+1 {
			return fmt.Errorf("first sync made %d bulk upserts, want 1 (3 desks) + 3 (60 requests) + 1 (5 organizations)", n)
		}
		return nil
	}

	noop := f.step("sync_mapping", nil)
	noop.PreConfig = f.port.ResetCounters
	noop.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	noop.Check = func(*terraform.State) error {
		if n := f.writes(); n != 0 {
			return fmt.Errorf("an apply with nothing changed made %d writes: %v", n, f.port.RequestCounts())
		}
		return nil
	}

	statusChange := f.step("sync_mapping", nil)
	statusChange.PreConfig = func() {
		mustEdit(t, tenant.SetRequestStatus(target, "Escalated", "INDETERMINATE"))
		f.port.ResetCounters()
	}
	statusChange.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(requests, plancheck.ResourceActionUpdate),
		entityChangesCheck{address: requests, changed: 1, inspect: func(_, after map[string]any, changed []string) error {
			if changed[0] != target || at(after, target, "properties", "status") != "Escalated" {
				return fmt.Errorf("the plan changes %v to %v", changed, at(after, target))
			}
			return nil
		}},
	}}
	statusChange.Check = func(*terraform.State) error {
		if sizes := f.port.BulkSizes(); !reflect.DeepEqual(sizes, []int{1}) {
			return fmt.Errorf("one changed entity was written with bulk sizes %v, want [1]", sizes)
		}
		return nil
	}

	removal := f.step("sync_mapping", nil)
	removal.PreConfig = func() { mustEdit(t, tenant.RemoveRequest(removed)) }
	removal.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{entityChangesCheck{address: requests, deleted: 1}}}
	removal.Check = func(*terraform.State) error {
		if _, ok := f.port.Entity("jsmCustomerRequest", removed); ok {
			return fmt.Errorf("request %s removed from JSM is still in Port", removed)
		}
		return nil
	}

	addition := f.step("sync_mapping", nil)
	var added string
	addition.PreConfig = func() {
		id, _, err := tenant.AddRequest(fakejsm.NewRequest{ServiceDeskID: tenant.ServiceDeskIDs()[1], Summary: "Printer on fire"})
		mustEdit(t, err)
		added = id
	}
	addition.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{entityChangesCheck{address: requests, created: 1}}}
	addition.Check = func(*terraform.State) error {
		if err := portHolds(f.port, seedEntities(t, tenant)); err != nil {
			return err
		}
		if _, ok := f.port.Entity("jsmCustomerRequest", added); !ok {
			return fmt.Errorf("the new request %s is not in Port", added)
		}
		return nil
	}

	accTest(t, resource.TestCase{Steps: []resource.TestStep{first, noop, statusChange, removal, addition}})
}

// TestAccSyncStylesAgree syncs the same tenant with the data sources' JQ
// mappings, with HCL for expressions and with the Ocean port-app-config into
// three Ports, and compares what they hold.
func TestAccSyncStylesAgree(t *testing.T) {
	opts := fakejsm.TenantOptions{Seed: 22, ServiceDesks: 4, Requests: 80, Organizations: 7}
	held := map[string]map[string]map[string]map[string]any{}
	for _, dir := range []string{"sync_mapping", "sync_hcl", "sync_ocean"} {
		f := newSyncFixture(t, opts)
		step := f.step(dir, nil)
		step.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
		step.Check = func(*terraform.State) error {
			held[dir] = map[string]map[string]map[string]any{}
			for _, bp := range []string{"jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"} {
				held[dir][bp] = withoutPortMetadata(t, f.port.Entities(bp))
			}
			return nil
		}
		accTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
	}
	for bp, jq := range held["sync_mapping"] {
		for _, other := range []string{"sync_hcl", "sync_ocean"} {
			if got := held[other][bp]; len(jq) == 0 || !reflect.DeepEqual(jq, got) {
				t.Fatalf("blueprint %s: the data source mappings wrote %d entities, %s %d, and they differ", bp, len(jq), other, len(got))
			}
		}
	}
}

// withoutPortMetadata drops what Port adds (timestamps, authors) from entities.
func withoutPortMetadata(t *testing.T, entities []map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, e := range entities {
		c := map[string]any{}
		for _, k := range []string{"title", "icon", "team", "properties", "relations"} {
			c[k] = e[k]
		}
		out[member[string](t, e, "identifier")] = c
	}
	return out
}

// TestAccEntitiesImport adopts the entities a blueprint holds and compares
// them with the state the configuration produced.
func TestAccEntitiesImport(t *testing.T) {
	srv := startPortWithService(t)
	mustEdit(t, srv.PutEntity("squad", map[string]any{"identifier": "platform", "title": "Platform"}))
	steps := []resource.TestStep{
		{
			ConfigFile:       config.StaticFile("testdata/entities_hcl.tf"),
			ConfigVariables:  portVariables(srv),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if n := len(srv.Entities("service")); n != 30 {
					return fmt.Errorf("Port holds %d of 30 entities", n)
				}
				return nil
			},
		},
		{
			ConfigFile:        config.StaticFile("testdata/entities_hcl.tf"),
			ConfigVariables:   portVariables(srv),
			ResourceName:      "portjsm_entities.services",
			ImportState:       true,
			ImportStateId:     "service/*",
			ImportStateVerify: true,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				set, err := entity.Parse([]byte(states[0].Attributes["entities_json"]))
				if err != nil {
					return err
				}
				if len(set) != 30 || *set["svc-3"].Title != "Service 3" || !slices.Contains(set["svc-4"].Relations, entity.Field{Key: "owner", Value: `"platform"`}) {
					return fmt.Errorf("import adopted %d entities: %+v", len(set), set["svc-4"])
				}
				return nil
			},
		},
	}
	accParallelTest(t, resource.TestCase{Steps: steps})
}
