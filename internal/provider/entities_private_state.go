package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
)

// pendingDeletesKey, in the private state of portjsm_entities (kept by
// Terraform beside the state and never shown in plans, like the import mark
// of import.go), holds the owned entities whose delete Port refused because
// others need them, as entities_json. A successful apply must return the
// planned entities_json, which no longer names them; the next refresh puts
// them back into the state, so they stay owned and planned.
const pendingDeletesKey = "pending_deletes"

// withPendingDeletes returns the owned set: managed plus the entities whose
// delete is waiting for dependents.
func withPendingDeletes(ctx context.Context, managed entity.Set, private privateState, diags *diag.Diagnostics) entity.Set {
	raw, d := private.GetKey(ctx, pendingDeletesKey)
	diags.Append(d...)
	if len(raw) == 0 {
		return managed
	}
	pending, err := entity.Parse(raw)
	if err != nil {
		diags.AddError("Invalid Private State", "The entities waiting for deletion could not be read: "+err.Error()+
			". This is a bug in the provider: please report it.")
		return managed
	}
	owned := pending
	for _, e := range managed {
		owned.Add(e)
	}
	return owned
}

// setPendingDeletes records the owned entities whose delete Port refused.
func setPendingDeletes(ctx context.Context, private privateStateSetter, actual entity.Set, blocked map[string]reconcile.Failure) diag.Diagnostics {
	if len(blocked) == 0 {
		return private.SetKey(ctx, pendingDeletesKey, nil)
	}
	pending := make(entity.Set, len(blocked))
	for id := range blocked {
		if e, ok := actual[id]; ok {
			pending[id] = e
		}
	}
	return private.SetKey(ctx, pendingDeletesKey, pending.Encode())
}
