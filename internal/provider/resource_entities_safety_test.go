package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// TestAccSyncJSMFailureWritesNothing breaks JSM paging in the middle of a
// later sync: the plan must fail and Port must receive no write at all.
func TestAccSyncJSMFailureWritesNothing(t *testing.T) {
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 23, Requests: 150})
	broken := f.step("sync_mapping", nil)
	broken.PreConfig = func() {
		mustEdit(t, f.jsm.Tenant().RemoveRequest(f.jsm.Tenant().RequestIDs()[0]))
		f.jsm.EmptyPageAt("/request", 100)
		f.port.ResetCounters()
	}
	broken.ExpectError = errorMatching("JSM Paging Failed", "start=100")
	after := f.step("sync_mapping", nil)
	after.PreConfig = func() {
		if n := f.writes(); n != 0 {
			t.Errorf("a failed JSM read led to %d writes in Port: %v", n, f.port.RequestCounts())
		}
		if n := len(f.port.Entities("jsmCustomerRequest")); n != 150 {
			t.Errorf("Port holds %d of the 150 requests after the failed sync", n)
		}
		f.jsm.EmptyPageAt("/request", -1)
	}
	after.PlanOnly = true
	after.ExpectNonEmptyPlan = true
	accTest(t, resource.TestCase{Steps: []resource.TestStep{f.step("sync_mapping", nil), broken, after}})
}

// TestAccSyncDeletionThreshold shrinks the JSM read to 2 of 60 requests: the
// plan must fail naming the counts, and pass once the threshold allows it.
func TestAccSyncDeletionThreshold(t *testing.T) {
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 24, Requests: 60})
	shrunk := f.step("sync_mapping", config.Variables{"max_requests": config.IntegerVariable(2)})
	shrunk.PreConfig = f.port.ResetCounters
	shrunk.ExpectError = errorMatching("Deletion Threshold Exceeded", "delete 58 of the 60 entities of blueprint jsmCustomerRequest", "(96.7%)", "(90.0%)")
	allowed := f.step("sync_mapping", config.Variables{"max_requests": config.IntegerVariable(2), "deletion_threshold": config.FloatVariable(1.0)})
	allowed.PreConfig = func() {
		if n := f.writes(); n != 0 {
			t.Errorf("the refused plan led to %d writes", n)
		}
	}
	allowed.Check = func(*terraform.State) error {
		if n := len(f.port.Entities("jsmCustomerRequest")); n != 2 {
			return fmt.Errorf("Port holds %d requests, want 2", n)
		}
		return nil
	}
	accTest(t, resource.TestCase{Steps: []resource.TestStep{f.step("sync_mapping", nil), shrunk, allowed}})
}

// TestAccSyncPartialBulkFailure makes Port refuse two of three changed
// entities: the apply fails naming both, the state records exactly what Port
// holds, and the next apply converges.
func TestAccSyncPartialBulkFailure(t *testing.T) {
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 25, Requests: 40})
	tenant := f.jsm.Tenant()
	ids := tenant.RequestIDs()
	const requests = "portjsm_entities.customer_requests"

	failing := f.step("sync_mapping", nil)
	failing.PreConfig = func() {
		for _, id := range ids[:3] {
			mustEdit(t, tenant.SetRequestStatus(id, "Escalated", "INDETERMINATE"))
		}
		f.port.FailBulkEntities(ids[1], ids[2])
	}
	failing.ExpectError = errorMatching("Port Refused Some Entities", "Port refused 2 entities", ids[1], ids[2], "the next apply writes only the rest")

	// Without a refresh, the next plan shows the state as stored: it must
	// plan exactly the two entities Port refused, and applying it converges.
	stored := f.step("sync_mapping", nil)
	stored.PreConfig = func() {
		f.port.FailBulkEntities()
		t.Setenv("TF_CLI_ARGS_plan", "-refresh=false")
	}
	stored.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{entityChangesCheck{address: requests, changed: 2}}}
	stored.Check = func(*terraform.State) error { return portHolds(f.port, seedEntities(t, tenant)) }

	converged := f.step("sync_mapping", nil)
	converged.PreConfig = func() { t.Setenv("TF_CLI_ARGS_plan", "") }
	converged.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	accTest(t, resource.TestCase{Steps: []resource.TestStep{f.step("sync_mapping", nil), failing, stored, converged}})
}

// TestAccSyncEfficiency counts the calls of a sync of 2,500 requests.
func TestAccSyncEfficiency(t *testing.T) {
	const n = 2500
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 26, ServiceDesks: 5, Requests: n, Organizations: 3})
	first := f.step("sync_mapping", nil)
	first.Check = func(*terraform.State) error {
		if got := f.port.RequestCount("POST", "/v1/blueprints/{blueprint}/entities/bulk"); got != 1+(n+19)/20+1 {
			return fmt.Errorf("first sync made %d bulk upserts, want 1 + ceil(%d/20) + 1", got, n)
		}
		return nil
	}
	// A plan-only step plans once without a refresh, then once with one.
	refresh := f.step("sync_mapping", nil)
	refresh.PreConfig = f.port.ResetCounters
	refresh.PlanOnly = true
	checked := f.step("sync_mapping", nil)
	checked.PlanOnly = true
	checked.PreConfig = func() {
		const searched = "/v1/blueprints/{blueprint}/entities/search"
		// ceil(2500/1000)+1 searches for the requests, one each for the
		// desks and the organizations.
		if got := f.port.RequestCount("POST", searched); got > (n+999)/1000+1+2 {
			t.Errorf("one refresh made %d search calls for %d managed requests", got, n)
		}
		if f.writes() != 0 {
			t.Errorf("refresh wrote to Port: %v", f.port.RequestCounts())
		}
	}
	accTest(t, resource.TestCase{Steps: []resource.TestStep{first, refresh, checked}})
}

// TestAccSyncFirstSyncPartialFailure makes Port refuse two entities of the
// very first sync. A failed create would taint the resource, and replacing
// it would delete what landed, so the create records the plan and warns:
// the refresh drops the two entities Port does not hold, the next plan
// creates them, and the next apply converges with no delete in between.
func TestAccSyncFirstSyncPartialFailure(t *testing.T) {
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 28, Requests: 30})
	tenant := f.jsm.Tenant()
	ids := tenant.RequestIDs()
	first := f.step("sync_mapping", nil)
	first.PreConfig = func() { f.port.FailBulkEntities(ids[4], ids[9]) }
	first.ExpectNonEmptyPlan = true
	first.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
		entityChangesCheck{address: "portjsm_entities.customer_requests", created: 2},
	}}
	first.Check = func(*terraform.State) error {
		if n := len(f.port.Entities("jsmCustomerRequest")); n != 28 {
			return fmt.Errorf("Port holds %d requests, want the 28 it took", n)
		}
		return nil
	}
	retry := f.step("sync_mapping", nil)
	retry.PreConfig = func() {
		f.port.FailBulkEntities()
		f.port.ResetCounters()
	}
	retry.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	retry.Check = func(*terraform.State) error {
		if n := f.port.RequestCount("POST", "/v1/blueprints/{blueprint}/bulk/entities/delete"); n != 0 {
			return fmt.Errorf("converging made %d bulk deletes", n)
		}
		if got := f.port.BulkSizes(); len(got) != 1 || got[0] != 2 {
			return fmt.Errorf("converging wrote bulk requests of %v entities, want one of the 2 refused", got)
		}
		return portHolds(f.port, seedEntities(t, tenant))
	}
	accTest(t, resource.TestCase{Steps: []resource.TestStep{first, retry}})
}

// A sync into a blueprint that does not exist in Port names it as missing,
// once, and writes nothing (TestAccPortBadInput has the same for one entity).
func TestAccSyncMissingBlueprint(t *testing.T) {
	srv := startPort(t)
	tf := newTerraformCLI(t, "testdata/entities_hcl.tf", map[string]string{"TF_VAR_port_base_url": srv.URL()})
	out := tf.run([]int{1}, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	if strings.Count(out, "Error:") != 1 || !strings.Contains(flat, `Error: Blueprint Not Found`) ||
		!strings.Contains(flat, `Port has no blueprint "service"`) || !strings.Contains(flat, "portjsm_blueprint.example.identifier") {
		t.Fatalf("a sync into a blueprint Port does not have does not say it is missing, once:\n%s", out)
	}
	if n := len(srv.Entities("service")); n != 0 {
		t.Fatalf("%d entities written", n)
	}
}
