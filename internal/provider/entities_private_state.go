package provider

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
)

// What a portjsm_entities owns is not always what its entities_json says:
// Terraform wants an apply to return the planned entities_json, which can
// name entities Port refused (a first sync must not fail, see Create) and
// no longer names deletes that wait for dependents. The difference lives in
// the private state, which Terraform keeps beside the state and never shows
// in plans (like the import mark of import.go), and every path (Read,
// Update with or without a refresh, Delete, ModifyPlan) reads the owned set
// through ownedEntities.
const (
	// pendingDeletesKey holds, as entities_json, the owned entities whose
	// delete Port refused because others need them: owned, not in the state.
	pendingDeletesKey = "pending_deletes"
	// unwrittenKey holds, as a JSON list, the identifiers the state names
	// that the sync never wrote: in the state, not owned. Port may hold an
	// entity of such an identifier, written by someone else.
	unwrittenKey = "unwritten"
)

// ownedEntities returns what a sync owns: the state's entities but those it
// never wrote, and the entities whose delete is waiting for dependents.
func ownedEntities(ctx context.Context, inState entity.Set, private privateState, diags *diag.Diagnostics) entity.Set {
	pending := readPendingDeletes(ctx, private, diags)
	unwritten := readUnwritten(ctx, private, diags)
	if len(pending) == 0 && len(unwritten) == 0 {
		return inState
	}
	owned := make(entity.Set, len(inState)+len(pending))
	for id, e := range inState {
		owned[id] = e
	}
	for _, id := range unwritten {
		delete(owned, id)
	}
	for id, e := range pending {
		owned[id] = e
	}
	return owned
}

// recordOwnership stores the difference between the state an apply returns
// and what the sync owns: the pending deletes (owned, not in the state) and
// the unwritten identifiers (in the state, not owned).
func recordOwnership(ctx context.Context, private privateStateSetter, pending entity.Set, unwritten []string) diag.Diagnostics {
	var diags diag.Diagnostics
	var pendingDoc, unwrittenDoc []byte
	if len(pending) > 0 {
		pendingDoc = pending.Encode()
	}
	if len(unwritten) > 0 {
		slices.Sort(unwritten)
		var err error
		if unwrittenDoc, err = json.Marshal(unwritten); err != nil {
			addPrivateStateError(&diags, "writing the identifiers the sync has not written", err)
		}
	}
	diags.Append(private.SetKey(ctx, pendingDeletesKey, pendingDoc)...)
	diags.Append(private.SetKey(ctx, unwrittenKey, unwrittenDoc)...)
	return diags
}

// clearOwnership records that the state is exactly what the sync owns.
func clearOwnership(ctx context.Context, private privateStateSetter) diag.Diagnostics {
	return recordOwnership(ctx, private, nil, nil)
}

// waitingDeletes returns the owned entities whose delete Port refused and
// that the new state does not name.
func waitingDeletes(owned entity.Set, blocked map[string]reconcile.Failure, newState entity.Set) entity.Set {
	pending := entity.Set{}
	for id := range blocked {
		if _, named := newState[id]; named {
			continue
		}
		if e, ok := owned[id]; ok {
			pending[id] = e
		}
	}
	return pending
}

// notWritten returns the identifiers of planned that the sync does not own
// after an apply.
func notWritten(planned, owned entity.Set) []string {
	var ids []string
	for id := range planned {
		if _, ok := owned[id]; !ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func readPendingDeletes(ctx context.Context, private privateState, diags *diag.Diagnostics) entity.Set {
	raw, d := private.GetKey(ctx, pendingDeletesKey)
	diags.Append(d...)
	if len(raw) == 0 {
		return nil
	}
	pending, err := entity.Parse(raw)
	if err != nil {
		addPrivateStateError(diags, "reading the entities waiting for deletion", err)
	}
	return pending
}

func readUnwritten(ctx context.Context, private privateState, diags *diag.Diagnostics) []string {
	raw, d := private.GetKey(ctx, unwrittenKey)
	diags.Append(d...)
	if len(raw) == 0 {
		return nil
	}
	var ids []string
	if err := json.Unmarshal(raw, &ids); err != nil {
		addPrivateStateError(diags, "reading the identifiers the sync has not written", err)
	}
	return ids
}

func addPrivateStateError(diags *diag.Diagnostics, what string, err error) {
	diags.AddError("Invalid Private State", "The provider failed at "+what+" in the private state: "+err.Error()+
		". This is a bug in the provider: please report it.")
}
