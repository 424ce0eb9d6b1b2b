package provider

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// TestAccExamplesValidate runs terraform validate on every directory of
// examples/ that holds configuration, with the provider built from this
// repository, so that an example can never drift from the schema.
func TestAccExamplesValidate(t *testing.T) {
	tf := newTerraformCLIWithout(t, nil)
	examples := filepath.Join("..", "..", "examples")
	if err := os.CopyFS(tf.dir, os.DirFS(examples)); err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	err := filepath.WalkDir(tf.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories under %s", len(dirs), examples)
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	root := tf.dir
	for _, dir := range sorted {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			tf.dir = dir
			tf.run([]int{0}, "get")
			out := tf.run([]int{0}, "validate", "-no-color")
			if !strings.Contains(out, "configuration is valid") {
				t.Fatalf("examples/%s:\n%s", rel, out)
			}
		})
	}
}

// TestAccExamplesSync applies each example that syncs JSM into Port, as a user
// copies it, against a fake JSM and a fake Port reached through the
// environment variables portjsm-fakes prints: the apply lands, the next plan
// finds no changes (the mapping agrees with the blueprints it writes to, so
// the plan's schema check passes), and destroy removes what it made.
func TestAccExamplesSync(t *testing.T) {
	for _, example := range []string{"jsm-to-port", "jsm-to-port-hcl", "data-sources/portjsm_ocean_mapping"} {
		t.Run(example, func(t *testing.T) {
			port := startPort(t)
			tf := exampleCLI(t, example, port)
			out := tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
			for _, unexpected := range []string{"Mapped Field Null For Every Item", "Entities Port Would Refuse", "Port Refused"} {
				if strings.Contains(out, unexpected) {
					t.Errorf("the apply of examples/%s says %q:\n%s", example, unexpected, out)
				}
			}
			requests := port.Entities("jsmCustomerRequest")
			if len(requests) != 120 {
				t.Fatalf("Port holds %d requests after the apply of examples/%s, want 120", len(requests), example)
			}
			for _, e := range requests {
				props, _ := e["properties"].(map[string]any)
				if created, _ := props["createdAt"].(string); !strings.HasSuffix(created, "Z") || props["summary"] == nil {
					t.Fatalf("examples/%s wrote request %v: want a summary and an RFC 3339 createdAt", example, e)
				}
			}
			tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
			tf.run([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
			if n := len(port.Entities("jsmCustomerRequest")); n != 0 {
				t.Errorf("Port holds %d requests after the destroy of examples/%s", n, example)
			}
		})
	}
}

// exampleCLI is the CLI in a copy of examples/<example>, with the environment
// variables portjsm-fakes prints for a fake JSM of 120 requests and port.
func exampleCLI(t *testing.T, example string, port *fakeport.Server) *terraformCLI {
	t.Helper()
	return exampleCLIWith(t, example, exampleJSM(t), port)
}

// exampleJSM is the fake JSM the examples read: 120 requests on 4 desks.
func exampleJSM(t *testing.T) *fakejsm.Server {
	t.Helper()
	return startJSM(t, fakejsm.TenantOptions{Seed: 19, ServiceDesks: 4, Requests: 120, Organizations: 6, Customers: 30})
}

// exampleCLIWith is exampleCLI against a given fake JSM.
func exampleCLIWith(t *testing.T, example string, jsm *fakejsm.Server, port *fakeport.Server) *terraformCLI {
	t.Helper()
	tf := newTerraformCLIWithout(t, map[string]string{
		"JSM_BASE_URL": jsm.URL(), "JSM_USERNAME": fakejsm.DefaultEmail, "JSM_API_TOKEN": fakejsm.DefaultAPIToken,
		"PORT_BASE_URL": port.URL(), "PORT_CLIENT_ID": "test-client", "PORT_CLIENT_SECRET": "test-secret",
	})
	if err := os.CopyFS(tf.dir, os.DirFS(filepath.Join("..", "..", "examples"))); err != nil {
		t.Fatal(err)
	}
	tf.dir = filepath.Join(tf.dir, example)
	tf.run([]int{0}, "get")
	return tf
}

// TestAccExamplesRun runs every other example directory through the CLI
// against the fakes, as the documentation shows it: Port holds what the
// example says it expects (blueprints made in Port's UI, an entity to
// import), the apply succeeds, the next plan finds no changes, and destroy
// succeeds. examples/sharded runs in TestAccShardedSync.
func TestAccExamplesRun(t *testing.T) {
	cases := []struct {
		dir  string
		seed func(t *testing.T, port *fakeport.Server)
	}{
		{dir: "provider"},
		{dir: "data-sources/portjsm_service_desks"},
		{dir: "data-sources/portjsm_customer_requests"},
		{dir: "data-sources/portjsm_organizations"},
		{dir: "data-sources/portjsm_records"},
		{dir: "functions/jq"},
		{dir: "resources/portjsm_blueprint/from-json"},
		{dir: "resources/portjsm_blueprint", seed: func(t *testing.T, port *fakeport.Server) {
			customerRequest := exampleBlueprint(t, "jsmCustomerRequest")
			delete(customerRequest, "relations") // made in the UI before the desk's blueprint existed
			mustEdit(t, port.PutBlueprint(customerRequest))
		}},
		{dir: "resources/portjsm_entities", seed: seedExampleBlueprints},
		{dir: "resources/portjsm_entity", seed: func(t *testing.T, port *fakeport.Server) {
			seedExampleBlueprints(t, port)
			mustEdit(t, port.PutEntity("jsmCustomerRequest", map[string]any{"identifier": "10100", "title": "VPN drops"}))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			t.Parallel()
			port := startPort(t)
			if tc.seed != nil {
				tc.seed(t, port)
			}
			tf := exampleCLI(t, tc.dir, port)
			tf.environ = append(tf.environ, "TF_VAR_jsm_api_token=unused", "TF_VAR_port_client_id=unused", "TF_VAR_port_client_secret=unused")
			tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
			tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
			tf.run([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
		})
	}
}

// exampleBlueprint is one of the blueprint documents of
// examples/resources/portjsm_blueprint/from-json.
func exampleBlueprint(t *testing.T, identifier string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "resources", "portjsm_blueprint", "from-json", identifier+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var bp map[string]any
	if err := json.Unmarshal(raw, &bp); err != nil {
		t.Fatal(err)
	}
	return bp
}

// seedExampleBlueprints puts the sync's three blueprints into Port, as a
// user who made them in Port's UI has them.
func seedExampleBlueprints(t *testing.T, port *fakeport.Server) {
	t.Helper()
	for _, id := range []string{"jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"} {
		mustEdit(t, port.PutBlueprint(exampleBlueprint(t, id)))
	}
}
