package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccJQFunction(t *testing.T) {
	t.Setenv("PORT_CLIENT_SECRET", "must-not-be-readable")
	resource.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/function_jq.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("summary", knownvalue.StringExact("VPN drops every hour")),
				statecheck.ExpectKnownOutputValue("object", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"key": knownvalue.StringExact("IT-1"), "status": knownvalue.StringExact("In progress"), "next": knownvalue.Int64Exact(42),
				})),
				statecheck.ExpectKnownOutputValue("no_result", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("no_environment", knownvalue.Int64Exact(0)),
			},
		},
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/function_jq_error.tf"),
			ExpectError:              errorMatching(`The JQ expression ".a | tostring | tonumber | .[0]" failed`),
		},
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/function_jq_parse_error.tf"),
			ExpectError:              errorMatching("does not parse", "offset"),
		},
	}})
}

// TestAccJQFunctionStopsAtTheTimeLimit calls the function with a recursion
// that never returns: the default limit ends it, and the error names the
// environment variable that raises it (Terraform calls functions without
// the provider's configuration).
func TestAccJQFunctionStopsAtTheTimeLimit(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigFile:               config.StaticFile("testdata/function_jq_runaway.tf"),
		ExpectError: errorMatching(`The JQ expression "def f: f; f" ran longer than its time limit of 1s`,
			"environment variable PORTJSM_JQ_ITEM_TIMEOUT"),
	}}})
}

func TestAccJQFunctionLimitFromEnvironment(t *testing.T) {
	t.Setenv(envJQItemTimeout, "250ms")
	resource.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigFile:               config.StaticFile("testdata/function_jq_runaway.tf"),
		ExpectError:              errorMatching("time limit of 250ms", "PORTJSM_JQ_ITEM_TIMEOUT"),
	}}})
}

// TestAccJQFunctionSyntaxFailsBeforeAnyRead gives a constant expression with
// a syntax error a value that is not known until a data source is read: the
// expression must fail validation before any request reaches JSM.
func TestAccJQFunctionSyntaxFailsBeforeAnyRead(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 17})
	resource.ParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigFile:               config.StaticFile("testdata/function_jq_syntax_error_unknown_value.tf"),
		ConfigVariables:          jsmVariables(srv),
		ExpectError:              errorMatching(`expression: the JQ expression "map(.projectKey" does not parse`, "line 1, column"),
	}}})
	if counts := srv.RequestCounts(); len(counts) != 0 {
		t.Errorf("a configuration that does not validate reached JSM: %v", counts)
	}
}
