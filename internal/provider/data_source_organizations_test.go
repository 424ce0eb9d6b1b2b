package provider

import (
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccOrganizationsDataSource(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 11, Organizations: 13})
	tenant := srv.Tenant()
	orgs := tenant.OrganizationsJSON()
	deskID := tenant.ServiceDeskIDs()[0]
	deskOrgs, n := servedItems(t, srv, "/servicedesk/"+url.PathEscape(deskID)+"/organization", nil)
	if n == 0 {
		t.Fatal("the first desk has no organizations: the test proves nothing")
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_organizations.all", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(orgs))),
		statecheck.ExpectKnownValue("data.portjsm_organizations.all", tfjsonpath.New("item_count"), knownvalue.Int64Exact(int64(len(orgs)))),
		statecheck.ExpectKnownValue("data.portjsm_organizations.desk", tfjsonpath.New("items_json"), knownvalue.StringExact(deskOrgs)),
		statecheck.ExpectKnownValue("data.portjsm_organizations.two", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(orgs[:2]))),
	}
	sawAbsentScim := false
	for i, raw := range orgs {
		var o struct {
			ID, Name    string
			ScimManaged *bool
		}
		mustUnmarshal(t, raw, &o)
		var scim knownvalue.Check = knownvalue.Null()
		if o.ScimManaged != nil {
			scim = knownvalue.Bool(*o.ScimManaged)
		} else {
			sawAbsentScim = true
		}
		checks = append(checks, statecheck.ExpectKnownValue("data.portjsm_organizations.all", tfjsonpath.New("organizations").AtSliceIndex(i),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id": knownvalue.StringExact(o.ID), "name": knownvalue.StringExact(o.Name), "scim_managed": scim,
			})))
	}
	if !sawAbsentScim {
		t.Fatal("no organization lacks scimManaged: the null case is not exercised")
	}
	vars := jsmVariables(srv)
	vars["service_desk_id"] = config.StringVariable(deskID)
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:        config.StaticFile("testdata/organizations.tf"),
		ConfigVariables:   vars,
		ConfigStateChecks: checks,
	}}})
}
