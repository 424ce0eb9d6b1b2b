package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestAccJQFunction(t *testing.T) {
	t.Setenv("PORT_CLIENT_SECRET", "must-not-be-readable")
	resource.Test(t, resource.TestCase{
		// Provider-defined functions arrived in Terraform 1.8.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
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
