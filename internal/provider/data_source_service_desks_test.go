package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccServiceDesksDataSource(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 1, ServiceDesks: 5})
	tenant := srv.Tenant()
	desks := tenant.ServiceDesksJSON()
	var first struct{ ID, ProjectID, ProjectKey, ProjectName string }
	mustUnmarshal(t, desks[0], &first)

	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ConfigFile:      config.StaticFile("testdata/service_desks.tf"),
			ConfigVariables: jsmVariables(srv),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.portjsm_service_desks.all", tfjsonpath.New("item_count"), knownvalue.Int64Exact(int64(len(desks)))),
				statecheck.ExpectKnownValue("data.portjsm_service_desks.all", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(desks))),
				statecheck.ExpectKnownValue("data.portjsm_service_desks.all", tfjsonpath.New("service_desks").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":           knownvalue.StringExact(first.ID),
					"project_id":   knownvalue.StringExact(first.ProjectID),
					"project_key":  knownvalue.StringExact(first.ProjectKey),
					"project_name": knownvalue.StringExact(first.ProjectName),
				})),
				statecheck.ExpectKnownValue("data.portjsm_service_desks.all", tfjsonpath.New("service_desks"), knownvalue.ListSizeExact(len(desks))),
				statecheck.ExpectKnownValue("data.portjsm_service_desks.first", tfjsonpath.New("item_count"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.portjsm_service_desks.first", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(desks[:1]))),
			},
		}},
	})
	// page_size = 2 over the visible desks: every page was asked for with limit 2.
	for _, q := range srv.LastRequestQueries("GET /rest/servicedeskapi/servicedesk") {
		if q.Get("limit") != "2" && q.Get("limit") != "1" {
			t.Fatalf("a page was asked for with limit %q", q.Get("limit"))
		}
	}
}
