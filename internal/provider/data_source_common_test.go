package provider

import (
	"context"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/gcpace"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

// errorMatching matches a diagnostic whatever the line wrapping Terraform
// applied: each fragment's spaces match any run of whitespace.
func errorMatching(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// requestsStep reads every customer request with the given retry budget.
func requestsStep(srv *fakejsm.Server, maxRetries int, token string) resource.TestStep {
	vars := jsmVariables(srv)
	vars["max_retries"] = config.IntegerVariable(maxRetries)
	if token != "" {
		vars["jsm_api_token"] = config.StringVariable(token)
	}
	return resource.TestStep{
		ConfigFile:      config.StaticFile("testdata/requests_with_retries.tf"),
		ConfigVariables: vars,
	}
}

func TestAccJSMWrongCredentials(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 2})
	step := requestsStep(srv, 2, "not-the-token")
	step.ExpectError = errorMatching("JSM Authentication Failed", "HTTP 401", "check jsm.username (JSM_USERNAME", "jsm.api_token (JSM_API_TOKEN)")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
	if n := srv.RequestCount("GET /rest/servicedeskapi/request"); n != 1 {
		t.Fatalf("a 401 was retried: %d requests", n)
	}
}

func TestAccJSMUnknownServiceDesk(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 2})
	vars := jsmVariables(srv)
	vars["service_desk_id"] = config.StringVariable("999")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/organizations_of_desk.tf"),
		ConfigVariables: vars,
		ExpectError:     errorMatching("JSM Resource Not Found", "HTTP 404", "GET /servicedesk/999/organization", "Service Desk with id 999 does not exist"),
	}}})
}

func TestAccJSMRateLimitRecovered(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 3, Requests: 400})
	srv.RateLimitEvery(3, time.Second)
	want := joinRaw(srv.Tenant().RequestsJSON())
	// Every third request is refused whatever page it asks for, so a page's
	// retries can each be the third: with 3 retries about one run in ten lost a
	// page four times over. With 12 the chance is (1/3)^12 per page.
	step := requestsStep(srv, 12, "")
	step.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("items_json"), knownvalue.StringExact(want)),
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
	pages := (400 + 49) / 50
	if n := srv.RequestCount("GET /rest/servicedeskapi/request"); n <= pages {
		t.Fatalf("%d requests for %d pages: no 429 was served, the test proves nothing", n, pages)
	}
}

func TestAccJSMPersistentServerError(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 4, Requests: 120})
	srv.FailRequests("/request", 500, -1)
	step := requestsStep(srv, 1, "")
	step.ExpectError = errorMatching("JSM Read Failed", "HTTP 500 Internal Server Error to GET /request?limit=50&start=0", "partial read is never used")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
	if n := srv.RequestCount("GET /rest/servicedeskapi/request"); n != 2 {
		t.Fatalf("made %d requests, want 1 + max_retries=1", n)
	}
}

func TestAccJSMEmptyNonLastPage(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 5, Requests: 200})
	srv.EmptyPageAt("/request", 100)
	step := requestsStep(srv, 1, "")
	step.ExpectError = errorMatching("JSM Paging Failed", "start=100", "empty page that is not marked as the last one")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
}

func TestAccJSMTruncatedBody(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 6, Requests: 200})
	srv.TruncateBodies("/request", -1)
	step := requestsStep(srv, 1, "")
	step.ExpectError = errorMatching("JSM Read Failed", "GET /request?limit=50&start=0", "the response body was cut off")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
}

func TestAccJSMTruncatedBodyRetried(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 6, Requests: 200})
	srv.TruncateBodies("/request", 2)
	step := requestsStep(srv, 3, "")
	step.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("item_count"), knownvalue.Int64Exact(200)),
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
}

func TestAccJSMMissingConfiguration(t *testing.T) {
	for _, v := range []string{"JSM_BASE_URL", "JSM_USERNAME", "JSM_API_TOKEN", "JSM_AUTH_TYPE"} {
		t.Setenv(v, "")
	}
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:  config.StaticFile("testdata/no_jsm_block.tf"),
		ExpectError: errorMatching("Missing JSM Configuration", "jsm.base_url (environment variable JSM_BASE_URL) is not set"),
	}}})
}

func TestAccJSMSettingsFromEnvironment(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 8, ServiceDesks: 4})
	t.Setenv("JSM_BASE_URL", srv.URL())
	t.Setenv("JSM_USERNAME", fakejsm.DefaultEmail)
	t.Setenv("JSM_API_TOKEN", fakejsm.DefaultAPIToken)
	t.Setenv("JSM_AUTH_TYPE", "")
	t.Setenv("JSM_PAGE_SIZE", "3")
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile: config.StaticFile("testdata/no_jsm_block.tf"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.portjsm_service_desks.all", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(srv.Tenant().ServiceDesksJSON()))),
		},
	}}})
	for _, q := range srv.LastRequestQueries("GET /rest/servicedeskapi/servicedesk") {
		if q.Get("limit") != "3" {
			t.Fatalf("JSM_PAGE_SIZE was not used: limit=%s", q.Get("limit"))
		}
	}
}

// TestAccJSMGatewayWithBearerToken reads through the api.atlassian.com
// gateway form, whose _links.next points at the site host and drops the
// filters: every page must still carry serviceDeskId and go to the gateway.
func TestAccJSMGatewayWithBearerToken(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 9, Requests: 240}, fakejsm.WithGateway("5f3c-cloud"), fakejsm.WithBearerToken("oauth-access-token"))
	if !strings.Contains(srv.URL(), "/ex/jira/5f3c-cloud") {
		t.Fatalf("the fake's gateway URL is %s", srv.URL())
	}
	want, n := servedItemsAs(t, srv, "/request", map[string][]string{"serviceDeskId": {"2"}}, "Bearer oauth-access-token")
	if n <= 25 {
		t.Fatalf("desk 2 has %d requests: fewer than two pages", n)
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile: config.StaticFile("testdata/gateway_bearer.tf"),
		ConfigVariables: config.Variables{
			"jsm_base_url":     config.StringVariable(srv.URL()),
			"jsm_access_token": config.StringVariable("oauth-access-token"),
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.portjsm_customer_requests.desk", tfjsonpath.New("items_json"), knownvalue.StringExact(want)),
			statecheck.ExpectKnownValue("data.portjsm_service_desks.all", tfjsonpath.New("items_json"), knownvalue.StringExact(joinRaw(srv.Tenant().ServiceDesksJSON()))),
		},
	}}})
	for _, q := range srv.LastRequestQueries("GET /rest/servicedeskapi/request") {
		if q.Get("serviceDeskId") != "2" {
			t.Fatalf("a page lost the serviceDeskId filter: %v", q)
		}
	}
}

func TestAccJSMEmptyTenant(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 10, ServiceDesks: -1, Requests: -1, Organizations: -1, Customers: -1})
	step := requestsStep(srv, 1, "")
	step.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("items_json"), knownvalue.StringExact("[]")),
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("item_count"), knownvalue.Int64Exact(0)),
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("requests"), knownvalue.ListSizeExact(0)),
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
}

// TestLargeReadsGetRoom checks that a mapped read gets headroom between
// collections once its pages reach largeRead items, and not before.
func TestLargeReadsGetRoom(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	gcpace.Enable()
	room := gcpace.Hold()
	pages := 0
	convert := roomForLargeReads(room, func(_ context.Context, _ int, items []any) ([]mapping.Encoded, error) {
		pages++
		return make([]mapping.Encoded, len(items)), nil
	})
	page := make([]any, 50)
	for _, c := range []struct {
		first int
		want  uint64
	}{{0, 0}, {largeRead - 100, 0}, {largeRead - 50, largeReadHeadroom}, {largeRead + 50, largeReadHeadroom}} {
		out, err := convert(context.Background(), c.first, page)
		if err != nil || len(out) != len(page) {
			t.Fatalf("convert: %d items, %v", len(out), err)
		}
		if got := gcpace.Headroom(); got != c.want {
			t.Errorf("after the page at %d, headroom %d, want %d", c.first, got, c.want)
		}
	}
	room.Release()
	if got := gcpace.Headroom(); got != 0 || pages != 4 {
		t.Errorf("after the read, headroom %d and %d pages converted, want 0 and 4", got, pages)
	}
}
