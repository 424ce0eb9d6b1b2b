package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
			ConfigFile:      config.StaticFile("testdata/records_mapping.tf"),
			ConfigVariables: vars,
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
		e := got["queue-"+member[string](t, first, "id")]
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
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{mapped, broken}})
}

// jqLimitsStep maps the fake's service desks with a property expression,
// under the given JQ limits.
func jqLimitsStep(srv *fakejsm.Server, expression, itemTimeout string, maxMemoryMiB int) resource.TestStep {
	vars := jsmVariables(srv)
	vars["expression"] = config.StringVariable(expression)
	vars["item_timeout"] = config.StringVariable(itemTimeout)
	vars["max_memory_mib"] = config.IntegerVariable(maxMemoryMiB)
	return resource.TestStep{
		ConfigFile:      config.StaticFile("testdata/mapping_jq_limits.tf"),
		ConfigVariables: vars,
	}
}

func TestAccDataSourceMappingStopsAtTheTimeLimit(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 15})
	runaway := jqLimitsStep(srv, "def f: f; f", "300ms", 1024)
	runaway.ExpectError = errorMatching("JQ Limit Reached", "item 0", `properties.runaway: the JQ expression "def f: f; f"`,
		"ran longer than its time limit of 300ms", "raise jq.item_timeout", "PORTJSM_JQ_ITEM_TIMEOUT", "Nothing was returned")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{runaway}})
}

// TestAccDataSourceMappingStopsAtTheMemoryLimit runs `[range(1e9)]`, which
// would build tens of GiB, with the time limit raised so that only the
// memory limit can stop it. It runs beside the other tests: the limit
// counts what one evaluation grows, and an item that other work in the
// process pushed over it is evaluated again alone before it fails.
func TestAccDataSourceMappingStopsAtTheMemoryLimit(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 15})
	huge := jqLimitsStep(srv, "[range(1e9)] | length", "1h", 64)
	huge.ExpectError = errorMatching("JQ Limit Reached", "item 0", `properties.runaway: the JQ expression "[range(1e9)] | length"`,
		"grew the provider's memory by more than the limit of 64 MiB", "raise jq.max_memory_mib", "PORTJSM_JQ_MAX_MEMORY_MIB")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{huge}})
}

// jqTotalTimeoutStep reads the fake's customer requests one page at a
// time and maps them with a property expression, under a total JQ limit.
func jqTotalTimeoutStep(srv *fakejsm.Server, expression, totalTimeout string) resource.TestStep {
	vars := jsmVariables(srv)
	vars["expression"] = config.StringVariable(expression)
	vars["total_timeout"] = config.StringVariable(totalTimeout)
	return resource.TestStep{
		ConfigFile:      config.StaticFile("testdata/mapping_jq_total_timeout.tf"),
		ConfigVariables: vars,
	}
}

// jq.total_timeout bounds JQ's time, not JSM's: 300 requests read a page
// at a time with 100 ms of latency take over 600 ms, past a limit of
// 400 ms that their mapping is far within; a mapping that is slow itself
// still stops at the limit.
func TestAccDataSourceMappingTotalTimeoutCountsOnlyJQ(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 17, Requests: 300})
	srv.SetLatency(100 * time.Millisecond)
	slowJSM := jqTotalTimeoutStep(srv, ".issueKey", "400ms")
	slowJSM.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.portjsm_customer_requests.all", tfjsonpath.New("item_count"), knownvalue.Int64Exact(300)),
	}
	slowJQ := jqTotalTimeoutStep(srv, "[range(300000)] | length", "400ms")
	slowJQ.PreConfig = func() { srv.SetLatency(0) }
	slowJQ.ExpectError = errorMatching("JQ Limit Reached", "the mapping ran past the time limit of 400ms for all items together",
		"raise jq.total_timeout", "PORTJSM_JQ_TOTAL_TIMEOUT")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{slowJSM, slowJQ}})
}

func TestAccDataSourceMappingJQSyntaxFailsValidate(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 16})
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/mapping_jq_syntax_error.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError: errorMatching("Invalid JQ Expression", `mapping.properties["broken"]`, "does not parse",
			"unexpected EOF", "line 3, column 1"),
	}}})
	if counts := srv.RequestCounts(); len(counts) != 0 {
		t.Errorf("a configuration that does not validate reached JSM: %v", counts)
	}
}

// TestAccDataSourceMappingStopsOnCtrlC interrupts Terraform alone, as a CI
// runner's cancel does, while a mapping runs `def f: f; f` with the time
// limits raised to an hour: Terraform cancels the read's context, and the
// evaluation stops at once.
func TestAccDataSourceMappingStopsOnCtrlC(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 15})
	out := interruptPlan(t, "testdata/mapping_jq_limits.tf", map[string]string{
		"TF_VAR_jsm_base_url": srv.URL(), "TF_VAR_jsm_api_token": fakejsm.DefaultAPIToken,
		"TF_VAR_expression": "def f: f; f", "TF_VAR_item_timeout": "1h", "TF_VAR_max_memory_mib": "1024",
		envJQTotalTimeout: "1h",
	}, "DataSource Read", false)
	if !strings.Contains(out, "Mapping Cancelled") || !strings.Contains(out, "context canceled") {
		t.Errorf("the output does not say the mapping was cancelled:\n%s", out)
	}
}

// TestAccMappingWarnsOfFieldNullForEveryItem maps the status through a
// misspelled path: the plan warns, naming the field and its expression; the
// right path reads without the warning.
func TestAccMappingWarnsOfFieldNullForEveryItem(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 31, Requests: 30})
	tf := newTerraformCLI(t, "testdata/mapping_null_field.tf", nil)
	plan := func(expression string) string {
		vars := fmt.Sprintf(`{"jsm_base_url": %q, "jsm_api_token": %q, "status_expression": %q}`, srv.URL(), fakejsm.DefaultAPIToken, expression)
		if err := os.WriteFile(filepath.Join(tf.dir, "terraform.tfvars.json"), []byte(vars), 0o600); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(tf.run([]int{0, 2}, "plan", "-detailed-exitcode", "-input=false", "-no-color")), " ")
	}
	out := plan(".currentStatuss.status")
	for _, want := range []string{"Warning: Mapped Field Null For Every Item", "null for every one of the 30 entities in properties.status (`.currentStatuss.status`)"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the plan does not say %q:\n%s", want, out)
		}
	}
	if out := plan(".currentStatus.status"); strings.Contains(out, "Null For Every Item") {
		t.Fatalf("a path every item has warns:\n%s", out)
	}
}
