package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
	"github.com/portjsm/terraform-provider-portjsm/internal/schemacheck"
)

// blueprintSchemas is what one plan knows of blueprint schemas, shared by
// the resources of one provider configuration: the blueprints that the
// configuration's portjsm_blueprint resources plan (Terraform plans a
// blueprint before the entities that reference it), and the blueprints Port
// holds, each read at most once.
type blueprintSchemas struct {
	mu      sync.Mutex
	planned map[string]plannedBlueprint
	held    map[string]*heldBlueprint
}

// plannedBlueprint is a blueprint as a plan leaves it: desired over what
// Port holds, as the update merges it. desired is nil when the schema or
// the relations are not known until the apply.
type plannedBlueprint struct {
	desired, previous map[string]any
}

type heldBlueprint struct {
	once sync.Once
	doc  map[string]any // nil when Port does not hold the blueprint
	err  error
}

func newBlueprintSchemas() *blueprintSchemas {
	return &blueprintSchemas{planned: map[string]plannedBlueprint{}, held: map[string]*heldBlueprint{}}
}

func (b *blueprintSchemas) plan(id string, p plannedBlueprint) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.planned[id] = p
}

func (b *blueprintSchemas) plannedAs(id string) (plannedBlueprint, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.planned[id]
	return p, ok
}

// inPort reads a blueprint from Port once per plan: nil, nil when Port does
// not hold it.
func (b *blueprintSchemas) inPort(ctx context.Context, client *port.Client, id string) (map[string]any, error) {
	b.mu.Lock()
	h := b.held[id]
	if h == nil {
		h = &heldBlueprint{}
		b.held[id] = h
	}
	b.mu.Unlock()
	h.once.Do(func() {
		h.doc, h.err = client.GetBlueprint(ctx, id)
		if httpbase.IsNotFound(h.err) {
			h.doc, h.err = nil, nil
		}
	})
	return h.doc, h.err
}

// schemaFor returns the schema the entities of bp will meet at the apply,
// or nil and why it is not known yet.
func (b *blueprintSchemas) schemaFor(ctx context.Context, client *port.Client, bp string) (*schemacheck.Schema, string) {
	planned, isPlanned := b.plannedAs(bp)
	if isPlanned && planned.desired == nil {
		return nil, fmt.Sprintf("the portjsm_blueprint that plans blueprint %s has a schema or relations that are known only at apply", bp)
	}
	current, err := b.inPort(ctx, client, bp)
	if err != nil {
		return nil, fmt.Sprintf("Port could not be read (%s)", portMessage(err))
	}
	doc := current
	switch {
	case isPlanned && current == nil:
		doc = planned.desired
	case isPlanned:
		doc, _ = mergeManaged(current, planned.desired, planned.previous).(map[string]any)
	case current == nil:
		return nil, fmt.Sprintf("blueprint %s is not in Port yet and no portjsm_blueprint of this configuration plans it (or it is planned "+
			"after these entities: reference its identifier so that Terraform plans and creates it first)", bp)
	}
	schema, err := schemacheck.Compile(doc)
	if err != nil {
		return nil, fmt.Sprintf("the schema of blueprint %s cannot be read: %s", bp, err)
	}
	if isPlanned {
		b.markMissingTargets(ctx, client, schema, planned.desired)
	}
	return schema, ""
}

// markMissingTargets marks the targets of the relations a configuration
// plans that neither Port nor the plan holds. Port refuses a blueprint
// whose relations target a missing blueprint, so only planned relations
// can.
func (b *blueprintSchemas) markMissingTargets(ctx context.Context, client *port.Client, schema *schemacheck.Schema, desired map[string]any) {
	relations, _ := desired[bpRelations].(map[string]any)
	for _, name := range sortedKeys(relations) {
		target := schema.Targets()[name]
		if target == "" || target == schema.Blueprint() {
			continue
		}
		if _, ok := b.plannedAs(target); ok {
			continue
		}
		if doc, err := b.inPort(ctx, client, target); err == nil && doc == nil {
			schema.MarkMissingBlueprint(target)
		}
	}
}

// checksSchema reads check_schema, which is on unless set to false.
func checksSchema(v types.Bool) bool { return !v.Equal(types.BoolValue(false)) }

// checkSchemaDescription documents check_schema on both entity resources.
const checkSchemaDescription = "Check, during the plan, every entity the plan writes against the blueprint's schema as Port " +
	"would (declared properties, types, formats such as `date-time` and `url`, `enum`, limits, required properties and " +
	"relations, relation targets, identifiers), and fail the plan naming the entities, grouped by cause, before anything " +
	"is written. The schema is Port's, with the changes a `portjsm_blueprint` of the same configuration plans; when it is " +
	"not known yet (the blueprint is created in the same apply by another provider, or its schema is known only at apply) " +
	"the plan warns and the check runs at the apply. Default `true`; `false` leaves every check to Port, which then refuses " +
	"entities one by one during the apply."

// checkSchema reports the entities Port would refuse, one error per cause,
// or warns that they are checked at the apply when the schema is not known
// yet. check runs the schema over the entities the plan writes. It does
// nothing without Port settings: the apply reports those.
func (r *portResource) checkSchema(ctx context.Context, bp string, writes int, at path.Path, diags *diag.Diagnostics, check func(*schemacheck.Schema, *schemacheck.Report)) {
	if r.data == nil || r.data.port.client == nil || r.data.schemas == nil || writes == 0 {
		return
	}
	ctx = withSecretsMasked(ctx, r.data.port.secrets)
	schema, why := r.data.schemas.schemaFor(ctx, r.data.port.client, bp)
	if schema == nil {
		tflog.Info(ctx, "blueprint schema not known at plan time", map[string]any{"blueprint": bp, "why": why})
		what := fmt.Sprintf("The %d entities this plan writes", writes)
		if writes == 1 {
			what = "The entity this plan writes"
		}
		diags.AddWarning("Entities Checked At Apply", fmt.Sprintf("%s to blueprint %s cannot be checked against its schema yet: "+
			"%s. The check runs again when the apply runs, before anything of this resource is written.", what, bp, why))
		return
	}
	var report schemacheck.Report
	check(schema, &report)
	for _, f := range report.Findings() {
		diags.AddAttributeError(at, "Entities Port Would Refuse", f.Detail(bp)+" Nothing was written to Port.")
	}
}
