package provider

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/nettest"
)

// A JSM that serves a page repeating items no change of the list explains
// must fail the plan, even with deletion_threshold = 1, and Port must get no
// write: the read would otherwise shrink and the sync delete the difference.
func TestAccSyncBrokenPagingWritesNothing(t *testing.T) {
	for name, tc := range map[string]struct {
		breakPaging func(*fakejsm.Server)
		want        []string
	}{
		"items repeated within a page": {
			breakPaging: func(s *fakejsm.Server) { s.DuplicateWithinPage("/request", 100) },
			want:        []string{"JSM Paging Failed", "the page at start=100 holds the same items more than once", "a server or proxy"},
		},
		"a page repeating an earlier page": {
			breakPaging: func(s *fakejsm.Server) { s.RepeatPageAt("/request", 100, 0) },
			want:        []string{"JSM Paging Failed", "the page at start=100 repeats the items read at start=0", "a server or proxy"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 31, Requests: 180})
			anyLoss := config.Variables{"deletion_threshold": config.FloatVariable(1.0)}
			broken := f.step("sync_mapping", anyLoss)
			broken.PreConfig = func() {
				tc.breakPaging(f.jsm)
				f.port.ResetCounters()
				f.jsm.ResetCounters()
			}
			broken.ExpectError = errorMatching(tc.want...)
			after := f.step("sync_mapping", anyLoss)
			after.PreConfig = func() {
				if n := f.writes(); n != 0 {
					t.Errorf("a broken JSM read led to %d writes in Port: %v", n, f.port.RequestCounts())
				}
				if n := len(f.port.Entities("jsmCustomerRequest")); n != 180 {
					t.Errorf("Port holds %d of the 180 requests after the failed sync", n)
				}
				// Two reads stopped at the broken page: pages 0, 50 and 100, twice.
				if n := f.jsm.RequestCount("GET /rest/servicedeskapi/request"); n < 6 {
					t.Errorf("%d page requests: the broken page was not read again before failing", n)
				}
				f.jsm.ClearFaults()
			}
			after.PlanOnly = true
			accTest(t, resource.TestCase{Steps: []resource.TestStep{f.step("sync_mapping", anyLoss), broken, after}})
		})
	}
}

func TestAccJSMUnreachable(t *testing.T) {
	closed := nettest.ClosedAddr(t)
	for name, baseURL := range map[string]string{
		"connection refused": "http://" + closed,
		"unknown host":       "http://jsm.portjsm-test.invalid",
	} {
		t.Run(name, func(t *testing.T) {
			vars := config.Variables{
				"jsm_base_url": config.StringVariable(baseURL), "jsm_api_token": config.StringVariable("t"),
				"max_retries": config.IntegerVariable(5), "timeout": config.StringVariable("30s"),
			}
			accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
				ConfigFile:      config.StaticFile("testdata/requests_with_timeout.tf"),
				ConfigVariables: vars,
				ExpectError: errorMatching("JSM Unreachable", "could not connect to JSM at", "Check jsm.base_url (JSM_BASE_URL)",
					"The request was not retried"),
			}}})
		})
	}
}

func TestAccJSMSilentServerNamesTheTimeout(t *testing.T) {
	var accepted atomic.Int32
	silent := nettest.SilentAddr(t, &accepted)
	vars := config.Variables{
		"jsm_base_url": config.StringVariable("http://" + silent), "jsm_api_token": config.StringVariable("t"),
		"max_retries": config.IntegerVariable(1), "timeout": config.StringVariable("300ms"),
	}
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/requests_with_timeout.tf"),
		ConfigVariables: vars,
		ExpectError: errorMatching("JSM Timed Out", "did not answer GET /request?limit=50&start=0 within the request timeout of 300ms (2 attempts)",
			"within jsm.timeout (JSM_TIMEOUT, now 300ms)"),
	}}})
	// terraform-plugin-testing reads the data source in plan and, after a
	// failed step, once more when it destroys: count one read's attempts.
	if n := accepted.Load(); n%2 != 0 || n == 0 || n > 4 {
		t.Fatalf("the silent server saw %d connections, want 1 + max_retries=1 per read", n)
	}
}

// A desk listed latest activity first, with requests created during every
// read, never settles: the union is used and the read says so in a warning.
func TestListJSMWarnsWhenReadsDoNotSettle(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 32, Requests: 600})
	srv.Tenant().SetActivityOrder(fakejsm.LatestActivityFirst)
	srv.SetActivity(fakejsm.Activity{Seed: 1, CreationsPerPage: 1})
	client, err := jsm.New(jsm.Config{BaseURL: srv.URL(), Username: fakejsm.DefaultEmail, APIToken: fakejsm.DefaultAPIToken, Concurrency: 1, MaxReads: 2})
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	items, ok := listJSM(context.Background(), client, "the customer requests", jsm.CustomerRequestsPath, jsm.ListOptions{}, &diags)
	if !ok || diags.HasError() || len(items) < 600 {
		t.Fatalf("ok=%v, %d items, diagnostics %v", ok, len(items), diags)
	}
	if diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	w := diags.Warnings()[0]
	if w.Summary() != "JSM List Changed While Read" || !strings.Contains(w.Detail(), "Each of the 2 reads of the customer requests saw some items twice") {
		t.Fatalf("warning %q: %s", w.Summary(), w.Detail())
	}
}
