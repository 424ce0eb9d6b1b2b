package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccPortWaitPastMaxServerWaitFails: port.max_server_wait reaches the
// client, and a Retry-After of years is an error at once, not a silent
// apply.
func TestAccPortWaitPastMaxServerWaitFails(t *testing.T) {
	srv := startPort(t)
	// The token request is the first request; the second is refused.
	srv.RateLimitEvery(2, 100000000*time.Second)
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/port_max_server_wait.tf"),
		ConfigVariables: portVariables(srv),
		ExpectError: errorMatching("Port Rate Limit Exceeded",
			"Port asked to wait 27,777 h (Retry-After: 100000000), longer than max_server_wait (5m0s)", "run again after"),
	}}})
}
