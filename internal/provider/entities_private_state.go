package provider

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// What a portjsm_entities owns is not always what its entities_json says:
// Terraform wants an apply to return the planned entities_json, which can
// name entities Port refused (a first sync must not fail, see Create) and
// no longer names deletes that wait for dependents; and a write whose answer
// was lost to an identifier the sync did not own is the sync's only once a
// read shows Port holding what it wrote. The differences live in the
// private state, which Terraform keeps beside the state and never shows in
// plans (like the import mark of import.go); every path (ModifyPlan, Read,
// Update with or without a refresh, Delete) reads them with readOwnership.
const (
	// pendingDeletesKey holds, as entities_json, the owned entities whose
	// delete Port refused because others need them: owned, not in the state.
	pendingDeletesKey = "pending_deletes"
	// unwrittenKey holds, as a JSON list, the identifiers the state names
	// that the sync does not own. Port may hold an entity of such an
	// identifier, written by someone else.
	unwrittenKey = "unwritten"
	// unconfirmedKey holds, as entities_json, writes whose outcome is
	// unknown to identifiers the sync did not own: the next read owns those
	// Port holds exactly as written (reconcile.Confirm).
	unconfirmedKey = "unconfirmed"
)

// ownership is what the private state says beyond the state.
type ownership struct {
	pending     entity.Set
	unwritten   []string
	unconfirmed entity.Set
}

func readOwnership(ctx context.Context, private privateState, diags *diag.Diagnostics) ownership {
	var o ownership
	o.pending = readPrivateSet(ctx, private, pendingDeletesKey, "the entities waiting for deletion", diags)
	o.unconfirmed = readPrivateSet(ctx, private, unconfirmedKey, "the writes not yet confirmed", diags)
	raw, d := private.GetKey(ctx, unwrittenKey)
	diags.Append(d...)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &o.unwritten); err != nil {
			addPrivateStateError(diags, "reading the identifiers the sync does not own", err)
		}
	}
	return o
}

// owned returns what the sync owns of a state's entities: those it wrote,
// and the deletes waiting for dependents.
func (o ownership) owned(inState entity.Set) entity.Set {
	if len(o.pending) == 0 && len(o.unwritten) == 0 && len(o.unconfirmed) == 0 {
		return inState
	}
	owned := inState.Clone()
	for _, id := range o.unwritten {
		delete(owned, id)
	}
	for id := range o.unconfirmed {
		delete(owned, id)
	}
	for id, e := range o.pending {
		owned[id] = e
	}
	return owned
}

// recordOwnership stores how the entities_json an apply returns (recorded)
// differs from what the sync owns: owned entities it does not name are
// pending deletes, named ones it does not own are unwritten; and the writes
// still to be confirmed.
func recordOwnership(ctx context.Context, private privateStateSetter, recorded, owned, unconfirmed entity.Set) diag.Diagnostics {
	var diags diag.Diagnostics
	pending := entity.Set{}
	for id, e := range owned {
		if _, named := recorded[id]; !named {
			pending[id] = e
		}
	}
	var unwritten []string
	for id := range recorded {
		if _, ok := owned[id]; !ok {
			unwritten = append(unwritten, id)
		}
	}
	slices.Sort(unwritten)
	var unwrittenDoc []byte
	if len(unwritten) > 0 {
		var err error
		if unwrittenDoc, err = json.Marshal(unwritten); err != nil {
			addPrivateStateError(&diags, "writing the identifiers the sync does not own", err)
		}
	}
	diags.Append(private.SetKey(ctx, pendingDeletesKey, encodeNonEmpty(pending))...)
	diags.Append(private.SetKey(ctx, unwrittenKey, unwrittenDoc)...)
	diags.Append(private.SetKey(ctx, unconfirmedKey, encodeNonEmpty(unconfirmed))...)
	return diags
}

// clearOwnership records that the state is exactly what the sync owns.
func clearOwnership(ctx context.Context, private privateStateSetter) diag.Diagnostics {
	return recordOwnership(ctx, private, nil, nil, nil)
}

func encodeNonEmpty(s entity.Set) []byte {
	if len(s) == 0 {
		return nil
	}
	return s.Encode()
}

func readPrivateSet(ctx context.Context, private privateState, key, what string, diags *diag.Diagnostics) entity.Set {
	raw, d := private.GetKey(ctx, key)
	diags.Append(d...)
	if len(raw) == 0 {
		return nil
	}
	set, err := entity.Parse(raw)
	if err != nil {
		addPrivateStateError(diags, "reading "+what, err)
	}
	return set
}

func addPrivateStateError(diags *diag.Diagnostics, what string, err error) {
	diags.AddError("Invalid Private State", "The provider failed at "+what+" in the private state: "+err.Error()+
		". This is a bug in the provider: please report it.")
}
