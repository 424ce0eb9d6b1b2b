package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// TestAccPortWaitPastMaxServerWaitFails: port.max_server_wait reaches the
// client, and a Retry-After of years is an error at once, not a silent
// apply.
func TestAccPortWaitPastMaxServerWaitFails(t *testing.T) {
	srv := startPort(t)
	// The provider signs in when the plan and again when the apply configures
	// it; the third request, the apply's create, is refused.
	srv.RateLimitEvery(3, 100000000*time.Second)
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/port_max_server_wait.tf"),
		ConfigVariables: portVariables(srv),
		ExpectError: errorMatching("Port Asked For A Long Wait",
			"Port asked to wait 27,777 h (Retry-After: 100000000), longer than max_server_wait (5m0s)", "run again after", "raise port.max_server_wait (PORT_MAX_SERVER_WAIT)"),
	}}})
}

// TestAccJSMWaitPastMaxServerWaitFails: a JSM burst-limit answer that asks
// for a wait of years fails the read at once, naming the limit and
// jsm.max_server_wait, with the default cap of 10 minutes.
func TestAccJSMWaitPastMaxServerWaitFails(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 1, ServiceDesks: 3})
	srv.RateLimitEvery(1, 100000000*time.Second)
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/service_desks.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError: errorMatching("JSM Burst Limit Asks For A Long Wait", "burst rate limit is spent (RateLimit-Reason: jira-burst-based)",
			"asked to wait 27,777 h (Retry-After: 100000000)", "longer than max_server_wait (10m0s)",
			"raise jsm.max_server_wait (JSM_MAX_SERVER_WAIT)", "a partial read is never used"),
	}}})
}
