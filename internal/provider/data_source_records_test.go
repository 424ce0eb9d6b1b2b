package provider

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccRecordsDataSource(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 12, Customers: 9})
	tenant := srv.Tenant()
	deskID := tenant.ServiceDeskIDs()[0]
	desk := "/servicedesk/" + url.PathEscape(deskID)
	queues, nq := servedItems(t, srv, desk+"/queue", nil)
	types, nt := servedItems(t, srv, desk+"/requesttype", nil)
	closed, nc := servedItems(t, srv, "/request", url.Values{"requestStatus": {"CLOSED_REQUESTS"}})
	if nq < 3 || nt < 4 || nc == 0 {
		t.Fatalf("the tenant has %d queues, %d request types, %d closed requests: too few to page", nq, nt, nc)
	}
	var firstTypes []json.RawMessage
	mustUnmarshal(t, json.RawMessage(types), &firstTypes)
	var deskJSON map[string]any
	mustUnmarshal(t, tenant.ServiceDesksJSON()[0], &deskJSON)
	deskCanonical, _ := json.Marshal([]any{deskJSON})

	vars := jsmVariables(srv)
	vars["service_desk_id"] = config.StringVariable(deskID)
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/records.tf"),
		ConfigVariables: vars,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.portjsm_records.queues", tfjsonpath.New("items_json"), knownvalue.StringExact(queues)),
			statecheck.ExpectKnownValue("data.portjsm_records.queues", tfjsonpath.New("item_count"), knownvalue.Int64Exact(int64(nq))),
			statecheck.ExpectKnownValue("data.portjsm_records.request_types", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(firstTypes[:3]))),
			statecheck.ExpectKnownValue("data.portjsm_records.customers", tfjsonpath.New("item_count"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue("data.portjsm_records.desk", tfjsonpath.New("items_json"), knownvalue.StringExact(string(deskCanonical))),
			statecheck.ExpectKnownValue("data.portjsm_records.desk", tfjsonpath.New("item_count"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue("data.portjsm_records.closed_requests", tfjsonpath.New("items_json"), knownvalue.StringExact(closed)),
		},
	}}})
	for _, q := range srv.LastRequestQueries("GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer") {
		if q.Get("limit") != "2" {
			t.Fatalf("the customer list was not paged with page_size: %v", q)
		}
	}
	if srv.RequestCount("GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer") == 0 {
		t.Fatal("the experimental endpoint was never read")
	}
}

func TestAccRecordsExperimentalNeedsOptIn(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 12})
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/records_not_experimental.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError:     errorMatching("JSM Experimental API Not Enabled", "HTTP 412", "GET /servicedesk/1/customer", "set experimental = true"),
	}}})
	if srv.RequestCount("GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer") != 1 {
		t.Fatalf("a %d was retried", http.StatusPreconditionFailed)
	}
}

func TestAccRecordsDataPathSyntaxFailsValidate(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 18})
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/records_data_path_syntax_error.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError:     errorMatching("Invalid JQ Expression", `data_path: the JQ expression ".values[ | x" does not parse`, "line 1, column 10"),
	}}})
	if counts := srv.RequestCounts(); len(counts) != 0 {
		t.Errorf("a configuration that does not validate reached JSM: %v", counts)
	}
}

func TestAccRecordsDataPathStopsAtTheTimeLimit(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 18})
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/records_data_path_runaway.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError: errorMatching("JQ Limit Reached", `data_path "def f: f; f" ran longer than its time limit of 300ms`,
			"raise jq.item_timeout"),
	}}})
}
