package provider

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// TestAccCustomerRequestsDataSource reads a tenant whose /request pages are
// capped at 30 items while the provider asks for 50, through every filter,
// and compares each result with what the fake serves for the same query.
func TestAccCustomerRequestsDataSource(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 7, ServiceDesks: 3, Requests: 300, Organizations: 6})
	srv.SetPageCap("/request", 30)
	tenant := srv.Tenant()
	deskID := tenant.ServiceDeskIDs()[0]
	typeID := tenant.RequestTypeIDs(deskID)[0]
	orgID := tenant.OrganizationIDs()[0]
	all := tenant.RequestsJSON()
	term := searchTermOf(t, all[0])

	filters := map[string]url.Values{
		"by_desk":               {"serviceDeskId": {deskID}},
		"by_type":               {"serviceDeskId": {deskID}, "requestTypeId": {typeID}},
		"closed":                {"requestStatus": {"CLOSED_REQUESTS"}},
		"open":                  {"requestStatus": {"OPEN_REQUESTS"}},
		"owned_or_participated": {"requestOwnership": {"OWNED_REQUESTS", "PARTICIPATED_REQUESTS"}},
		"organization":          {"requestOwnership": {"ORGANIZATION"}, "organizationId": {orgID}},
		"pending_approval":      {"requestOwnership": {"APPROVER"}, "approvalStatus": {"MY_PENDING_APPROVAL"}},
		"search":                {"searchTerm": {term}},
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(all))),
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("item_count"), knownvalue.Int64Exact(int64(len(all)))),
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("requests").AtSliceIndex(0), firstRequestCheck(t, all[0])),
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.first_seven", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(all[:7]))),
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.first_seven", tfjsonpath.New("requests"), knownvalue.ListSizeExact(7)),
	}
	for name, query := range filters {
		want, n := servedItems(t, srv, "/request", query)
		if n == 0 || n == len(all) {
			t.Fatalf("filter %s selects %d of %d requests: the tenant does not exercise it", name, n, len(all))
		}
		addr := "data.portjsm_customer_requests." + name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("items_json"), knownvalue.StringExact(want)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("item_count"), knownvalue.Int64Exact(int64(n))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("requests"), knownvalue.ListSizeExact(n)),
		)
	}
	expanded, _ := servedItems(t, srv, "/request", url.Values{"serviceDeskId": {deskID}, "expand": {"serviceDesk,requestType"}})
	if !strings.Contains(expanded, `"requestType":{`) {
		t.Fatal("the fake did not expand requestType")
	}
	checks = append(checks, statecheck.ExpectKnownValue("data.portjsm_customer_requests.expanded", tfjsonpath.New("items_json"), knownvalue.StringExact(expanded)))

	srv.ResetCounters()
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ConfigFile: config.StaticFile("testdata/customer_requests.tf"),
			ConfigVariables: mergeVariables(jsmVariables(srv), config.Variables{
				"service_desk_id": config.StringVariable(deskID),
				"request_type_id": config.StringVariable(typeID),
				"organization_id": config.StringVariable(orgID),
				"search_term":     config.StringVariable(term),
			}),
			ConfigStateChecks: checks,
		}},
	})
	assertCappedPagesFollowed(t, srv)
}

// assertCappedPagesFollowed checks that the provider asked for limit 50 and,
// given 30-item pages, continued at multiples of 30.
func assertCappedPagesFollowed(t *testing.T, srv *fakejsm.Server) {
	t.Helper()
	sawCapped := false
	for _, q := range srv.LastRequestQueries("GET /rest/servicedeskapi/request") {
		if q.Get("limit") == "50" && q.Get("start") == "30" {
			sawCapped = true
		}
		if start := q.Get("start"); start == "50" || start == "100" {
			t.Fatalf("the provider asked for start=%s: it skipped items of a capped page", start)
		}
	}
	if !sawCapped {
		t.Fatal("the provider never continued a capped page at start=30")
	}
}

func firstRequestCheck(t *testing.T, raw json.RawMessage) knownvalue.Check {
	t.Helper()
	var r struct {
		IssueID, IssueKey, ServiceDeskID, RequestTypeID string
		CreatedDate                                     struct{ ISO8601 string }
		Reporter                                        struct{ AccountID string }
		CurrentStatus                                   struct{ Status, StatusCategory string }
		RequestFieldValues                              []struct {
			FieldID string
			Value   any
		}
	}
	mustUnmarshal(t, raw, &r)
	summary := ""
	for _, f := range r.RequestFieldValues {
		if f.FieldID == "summary" {
			summary, _ = f.Value.(string)
		}
	}
	if summary == "" || r.CreatedDate.ISO8601 == "" {
		t.Fatalf("the fake's first request lacks a summary or a created date: %s", raw)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"issue_id":            knownvalue.StringExact(r.IssueID),
		"issue_key":           knownvalue.StringExact(r.IssueKey),
		"summary":             knownvalue.StringExact(summary),
		"status":              knownvalue.StringExact(r.CurrentStatus.Status),
		"status_category":     knownvalue.StringExact(r.CurrentStatus.StatusCategory),
		"created_at":          knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`)),
		"service_desk_id":     knownvalue.StringExact(r.ServiceDeskID),
		"request_type_id":     knownvalue.StringExact(r.RequestTypeID),
		"reporter_account_id": knownvalue.StringExact(r.Reporter.AccountID),
	})
}

// searchTermOf picks the longest word of a request's summary.
func searchTermOf(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var r struct {
		RequestFieldValues []struct {
			FieldID string
			Value   any
		}
	}
	mustUnmarshal(t, raw, &r)
	best := ""
	for _, f := range r.RequestFieldValues {
		if s, ok := f.Value.(string); ok && f.FieldID == "summary" {
			for _, w := range strings.Fields(s) {
				if len(w) > len(best) {
					best = w
				}
			}
		}
	}
	return best
}

func mergeVariables(sets ...config.Variables) config.Variables {
	out := config.Variables{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

func TestRFC3339(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-05T14:42:00+0000":     "2024-03-05T14:42:00Z",
		"2015-10-08T14:42:00+0700":     "2015-10-08T14:42:00+07:00",
		"2015-10-08T14:42:00.000+0700": "2015-10-08T14:42:00+07:00",
		"not a date":                   "not a date",
	} {
		if got := rfc3339(in); got != want {
			t.Errorf("%s: got %s want %s", in, got, want)
		}
	}
}
