package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccMigrationGuide follows docs/guides/migrating-from-ocean.md as a user
// does. Port holds what the Ocean integration wrote (the guide's example
// applied from another state, standing in for Ocean, and a request Ocean
// wrote that JSM no longer has); the guide's import blocks, and those it
// tells the user to write alike, adopt the blueprints and the entities; the
// plan imports them and deletes only the request left behind; after the
// apply the plan is empty.
func TestAccMigrationGuide(t *testing.T) {
	const example = "data-sources/portjsm_ocean_mapping"
	port := startPort(t)
	jsm := exampleJSM(t)
	exampleCLIWith(t, example, jsm, port).run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	desk := port.Entities("jsmServiceDesk")[0]["identifier"]
	mustEdit(t, port.PutEntity("jsmCustomerRequest", map[string]any{
		"identifier": "99999", "title": "Closed long ago", "relations": map[string]any{"serviceDesk": desk},
	}))
	held := len(port.Entities("jsmCustomerRequest"))

	tf := exampleCLIWith(t, example, jsm, port)
	if err := os.WriteFile(filepath.Join(tf.dir, "imports.tf"), []byte(migrationGuideImports(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(tf.run([]int{2}, "plan", "-detailed-exitcode", "-input=false", "-no-color")), " ")
	for _, want := range []string{
		"Plan: 8 to import, 0 to add, 1 to change, 0 to destroy.",
		fmt.Sprintf("Sync jsmCustomerRequest: deletes 1 of the %d entities in Port, %d remain", held, held-1),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan after the guide's imports does not say %q:\n%s", want, out)
		}
	}
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	for _, e := range port.Entities("jsmCustomerRequest") {
		if e["identifier"] == "99999" {
			t.Errorf("the request Ocean left behind is still in Port after the apply")
		}
	}
	if n := len(port.Entities("jsmCustomerRequest")); n != held-1 {
		t.Errorf("Port holds %d requests after the apply, want %d", n, held-1)
	}
	tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// migrationGuideImports is the guide's block of import blocks, as written,
// and the ones its next paragraph tells the user to write alike: each must
// be named there.
func migrationGuideImports(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "guides", "migrating-from-ocean.md"))
	if err != nil {
		t.Fatal(err)
	}
	guide := string(raw)
	_, step, ok := strings.Cut(guide, "## 2. Adopt what exists")
	if !ok {
		t.Fatal("the migration guide has no step 2. Adopt what exists")
	}
	_, block, ok := strings.Cut(step, "```terraform\n")
	block, rest, closed := strings.Cut(block, "```")
	if !ok || !closed {
		t.Fatal("step 2 of the migration guide has no terraform block")
	}
	paragraph, _, _ := strings.Cut(rest, "\n\n## ")
	paragraph = strings.Join(strings.Fields(paragraph), " ")
	alike := []struct{ to, id string }{
		{"module.blueprints.portjsm_blueprint.service_desk", "jsmServiceDesk"},
		{"module.blueprints.portjsm_blueprint.organization", "jsmOrganization"},
		{"portjsm_blueprint.request_participant", "jsmRequestParticipant"},
	}
	var b strings.Builder
	b.WriteString(block)
	for _, imp := range alike {
		if !strings.Contains(paragraph, fmt.Sprintf("`%s` (`%s`)", imp.to, imp.id)) {
			t.Fatalf("step 2 of the migration guide no longer names %s (%s):\n%s", imp.to, imp.id, paragraph)
		}
		b.WriteString(importBlock(imp.to, imp.id))
	}
	// "and for each portjsm_entities": with the id the guide gives for the
	// requests, in the same form.
	requestsID := importID(t, block, "portjsm_entities.customer_requests")
	for name, blueprint := range map[string]string{"service_desks": "jsmServiceDesk", "organizations": "jsmOrganization", "request_participants": "jsmRequestParticipant"} {
		b.WriteString(importBlock("portjsm_entities."+name, strings.Replace(requestsID, "jsmCustomerRequest", blueprint, 1)))
	}
	return b.String()
}

func importBlock(to, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", to, id)
}

// importID is the id of the import block whose to is the given address.
func importID(t *testing.T, block, to string) string {
	t.Helper()
	_, after, ok := strings.Cut(block, "to = "+to+"\n")
	if !ok {
		t.Fatalf("the migration guide imports no %s:\n%s", to, block)
	}
	_, after, _ = strings.Cut(after, `id = "`)
	id, _, _ := strings.Cut(after, `"`)
	return id
}
