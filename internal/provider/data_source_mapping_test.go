package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccDataSourceMapping(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 14})
	queues, n := servedItems(t, srv, "/servicedesk/1/queue", nil)
	var items []map[string]any
	mustUnmarshal(t, json.RawMessage(queues), &items)
	step := func(identifier string) resource.TestStep {
		vars := jsmVariables(srv)
		vars["identifier"] = config.StringVariable(identifier)
		return resource.TestStep{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/records_mapping.tf"),
			ConfigVariables:          vars,
		}
	}
	mapped := step("\"queue-\" + .id")
	mapped.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_records.queues", tfjsonpath.New("items_json"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.portjsm_records.queues", tfjsonpath.New("item_count"), knownvalue.Int64Exact(int64(n))),
	}
	mapped.Check = resource.ComposeTestCheckFunc(func(s *terraform.State) error {
		doc := s.RootModule().Resources["data.portjsm_records.queues"].Primary.Attributes["entities_json"]
		var got map[string]map[string]any
		if err := json.Unmarshal([]byte(doc), &got); err != nil {
			return err
		}
		if len(got) != n {
			return fmt.Errorf("mapped %d entities from %d queues", len(got), n)
		}
		first := items[0]
		e := got["queue-"+first["id"].(string)]
		if e["title"] != first["name"] || at(e, "properties", "jql") != first["jql"] || at(e, "relations", "serviceDesk") != "1" {
			return fmt.Errorf("queue %v mapped to %v", first, e)
		}
		if team, _ := e["team"].([]any); len(team) != 1 || team[0] != "it-support" {
			return fmt.Errorf("team %v", e["team"])
		}
		return nil
	})
	broken := step(".missing")
	broken.ExpectError = errorMatching("Mapping Failed", "item 0", "identifier", `".missing"`, "null")
	resource.ParallelTest(t, resource.TestCase{Steps: []resource.TestStep{mapped, broken}})
}
