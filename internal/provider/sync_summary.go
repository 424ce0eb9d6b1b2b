package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
)

// Terraform counts a portjsm_entities that writes a thousand entities as one
// resource to change, so the plan and the apply each say, as a warning (the
// only message a provider can add to Terraform's output), how many entities
// of the blueprint they write. The entities "in Port" are those the resource
// manages: other writers' entities of the blueprint are never touched.

// addPlannedSync says what a plan will write, in the future tense.
func addPlannedSync(diags *diag.Diagnostics, blueprint string, c reconcile.Counts, managed int) {
	diags.AddWarning("Sync "+blueprint+": "+syncCounts(c, managed, "deletes", "creates", "updates"),
		"This is what the plan writes to Port; nothing is written yet. Terraform counts the whole sync as one resource "+
			"to add or change, and prints this after the diff of entities_json, which lists each entity. The apply writes "+
			"only those, and says what it wrote.")
}

// addAppliedSync says what an apply wrote, in the past tense: everything it
// planned, or, when some writes failed (reported beside it), what landed.
func addAppliedSync(diags *diag.Diagnostics, blueprint string, planned reconcile.Counts, managed int, res reconcile.Result) {
	if !res.Failed() {
		diags.AddWarning("Synced "+blueprint+": "+syncCounts(planned, managed, "deleted", "created", "updated"),
			"This is what the apply wrote to Port; the state records it.")
		return
	}
	diags.AddWarning(fmt.Sprintf("Synced %s in part: wrote %d of %d entities, deleted %d of %d", blueprint,
		res.Upserted, planned.Create+planned.Update, res.Deleted, planned.Delete),
		"This is what the apply wrote to Port before the failures reported with it; the state records what landed, "+
			"and the next plan shows the rest.")
}

// syncCounts is "deletes 86 of the 300 entities in Port, 214 remain;
// creates 3, updates 1" in the tense of the verbs given.
func syncCounts(c reconcile.Counts, managed int, deletes, creates, updates string) string {
	var writes []string
	if c.Create > 0 {
		writes = append(writes, fmt.Sprintf("%s %d", creates, c.Create))
	}
	if c.Update > 0 {
		writes = append(writes, fmt.Sprintf("%s %d", updates, c.Update))
	}
	if managed == 0 {
		return strings.Join(writes, ", ") + " entities in Port"
	}
	deletion := fmt.Sprintf("%s %d of the %d entities in Port, %d remain", deletes, c.Delete, managed, managed-c.Delete)
	if c.Delete == 0 {
		deletion = fmt.Sprintf("%s none of the %d entities in Port", deletes, managed)
	}
	if len(writes) == 0 {
		return deletion
	}
	if c.Delete == 0 {
		return strings.Join(writes, ", ") + "; " + deletion
	}
	return deletion + "; " + strings.Join(writes, ", ")
}
