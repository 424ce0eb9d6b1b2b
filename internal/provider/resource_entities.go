package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
	"github.com/portjsm/terraform-provider-portjsm/internal/schemacheck"
)

var (
	_ resource.ResourceWithConfigure   = (*entitiesResource)(nil)
	_ resource.ResourceWithImportState = (*entitiesResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*entitiesResource)(nil)
)

// DefaultDeletionThreshold is Ocean's entityDeletionThreshold default.
const DefaultDeletionThreshold = 0.9

func newEntitiesResource() resource.Resource { return &entitiesResource{} }

type entitiesResource struct{ portResource }

type entitiesModel struct {
	ID                           types.String  `tfsdk:"id"`
	Blueprint                    types.String  `tfsdk:"blueprint"`
	EntitiesJSON                 types.String  `tfsdk:"entities_json"`
	DeletionThreshold            types.Float64 `tfsdk:"deletion_threshold"`
	CreateMissingRelatedEntities types.Bool    `tfsdk:"create_missing_related_entities"`
	DeleteDependents             types.Bool    `tfsdk:"delete_dependents"`
	CheckSchema                  types.Bool    `tfsdk:"check_schema"`
}

// entitiesTypeName is the resource's name in Terraform's protocol.
const entitiesTypeName = "portjsm_entities"

func (r *entitiesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_entities"
}

func (r *entitiesResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The sync: every entity of one blueprint that this resource manages, written in bulk. The plan " +
			"shows the entities that will be created, changed and deleted as a diff of `entities_json`, with one line of counts; " +
			"the apply writes only those (bulk upserts of up to 20 entities, bulk deletes of up to 100). Refresh reads the " +
			"owned entities back from Port with the paginated search, so edits and deletions made in Port show up as drift. " +
			"The resource owns exactly the entities it wrote and those adopted by import: it changes and deletes nothing else, " +
			"and after every apply, successful or not, its state records every owned entity Port holds.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The blueprint identifier.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"blueprint": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The blueprint whose entities this resource manages. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"entities_json": schema.StringAttribute{
				Required:   true,
				Validators: []validator.String{entitiesJSONValidator{}},
				MarkdownDescription: "The entities, one JSON object keyed by entity identifier, each value an object with `title`, " +
					"`icon`, `team`, `properties` (object) and `relations` (object of an identifier or a list of them). Use a " +
					"data source's `entities_json` (from its `mapping`) or `jsonencode` of a `for` expression. Key order and " +
					"whitespace are not changes. Properties and relations left out are not managed.",
			},
			"deletion_threshold": schema.Float64Attribute{
				Optional: true, Computed: true, Default: float64default.StaticFloat64(DefaultDeletionThreshold),
				MarkdownDescription: fmt.Sprintf("The largest fraction of the managed entities one plan may delete (default %.1f, "+
					"as Ocean's `entityDeletionThreshold`). A plan that would delete more fails, naming the counts, so that a JSM "+
					"read that came back nearly empty can never wipe the catalog. 1 allows any deletion.", DefaultDeletionThreshold),
				Validators: []validator.Float64{float64validator.Between(0, 1)},
			},
			"create_missing_related_entities": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Create bare related entities that do not exist yet instead of failing those entities.",
			},
			"delete_dependents": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete, with each entity this resource deletes, the entities of any blueprint that need it " +
					"through a required relation (Port's `delete_dependents`), so that a sync converges in one apply. Off by " +
					"default: a delete that dependents block then stays planned, with a warning naming them, and goes through " +
					"on a later apply once the resource that manages the dependents has removed them.",
			},
			"check_schema": schema.BoolAttribute{Optional: true, MarkdownDescription: checkSchemaDescription},
		},
	}
}

func (r *entitiesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer phases.Start(ctx, phases.Provider)()
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan entitiesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.EntitiesJSON.IsUnknown() || plan.DeletionThreshold.IsUnknown() {
		return
	}
	var state entitiesModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.EntitiesJSON.ValueString() == plan.EntitiesJSON.ValueString() {
			return // the same document: nothing to write, nothing to parse
		}
	}
	diffing := phases.Start(ctx, phases.Diff)
	defer diffing()
	desired, err := entity.Parse([]byte(plan.EntitiesJSON.ValueString()))
	if err != nil {
		return // validation reports it
	}
	bp := plan.Blueprint.ValueString()
	managed := entity.Set{}
	if !req.State.Raw.IsNull() {
		if managed, err = entity.Parse([]byte(state.EntitiesJSON.ValueString())); err != nil {
			return
		}
		managed = readOwnership(ctx, req.Private, &resp.Diagnostics).owned(managed)
	}
	counts := reconcile.Count(desired, managed)
	tflog.Info(ctx, "entities sync plan", map[string]any{"blueprint": bp, "managed": len(managed), "desired": len(desired),
		"create": counts.Create, "update": counts.Update, "delete": counts.Delete})
	if counts.Changes() > 0 && !replanAtApply(ctx) {
		addPlannedSync(&resp.Diagnostics, bp, counts, len(managed))
	}
	warnRoundedNumbers(bp, reconcile.Roundings(desired, managed), &resp.Diagnostics)
	if checksSchema(plan.CheckSchema) {
		r.checkSchema(ctx, bp, counts.Create+counts.Update, path.Root("entities_json"), &resp.Diagnostics,
			func(s *schemacheck.Schema, report *schemacheck.Report) { s.CheckWrites(report, desired, managed) })
	}
	if len(managed) == 0 {
		return
	}
	fraction := float64(counts.Delete) / float64(len(managed))
	if threshold := plan.DeletionThreshold.ValueFloat64(); fraction > threshold {
		resp.Diagnostics.AddAttributeError(path.Root("entities_json"), "Deletion Threshold Exceeded", fmt.Sprintf(
			"This plan would delete %d of the %d entities of blueprint %s that this resource manages (%.1f%%), more than "+
				"deletion_threshold allows (%.1f%%). Nothing was changed. This usually means the JSM read, a filter or the "+
				"mapping returned far fewer items than before. If the deletions are intended, raise deletion_threshold "+
				"(1 allows any deletion) for this run, or destroy the resource.",
			counts.Delete, len(managed), bp, 100*fraction, 100*threshold))
	}
}

// Create runs the first sync. Terraform taints a resource whose create
// returns an error with a state, and replacing a tainted sync would delete
// and recreate every entity; returning no state would orphan what landed.
// So once anything may have landed, Create records the planned set, marks
// in the private state what it did not write (Port may hold another
// writer's entity of that identifier: it is never owned), and reports what
// did not land as warnings: the next refresh drops the unwritten entities,
// the next plan shows them as still to create, and every later apply that
// Port still refuses fails with an error.
func (r *entitiesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var plan entitiesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	desired := parseEntities(ctx, plan.EntitiesJSON, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	bp := plan.Blueprint.ValueString()
	res := reconcile.Apply(ctx, client, bp, desired, entity.Set{}, syncOptions(plan))
	res.Err = nameMissingBlueprint(ctx, client, bp, res.Err)
	owned, unconfirmed, settled := r.settle(ctx, client, bp, res, entity.Set{}, nil)
	res.State = owned
	if res.Wrote() {
		addAppliedSync(&resp.Diagnostics, bp, reconcile.Count(desired, entity.Set{}), 0, res)
	}
	if res.Failed() && len(owned) == 0 && len(unconfirmed) == 0 {
		addSyncDiagnostics(&resp.Diagnostics, diag.SeverityError, bp, res,
			"Nothing landed and nothing was recorded in state: the next apply writes every entity again.")
		return
	}
	if res.Failed() {
		ownedNote := fmt.Sprintf("%d of %d entities landed and the state owns them.", landed(res, desired), len(desired))
		if !settled {
			ownedNote = fmt.Sprintf("%d of %d entities landed and the state owns them. Port could not be read back, so %d "+
				"more may have landed: the next refresh owns those Port holds as written.", landed(res, desired), len(desired), len(unconfirmed))
		}
		addSyncDiagnostics(&resp.Diagnostics, diag.SeverityWarning, bp, res, ownedNote+" The first sync of a resource reports "+
			"what did not land as a warning, because Terraform would replace (delete and recreate) a resource whose create "+
			"fails; the next plan shows the missing entities as still to create, and an apply that Port still refuses fails.")
	}
	tflog.Info(ctx, "entities synced", map[string]any{"blueprint": bp, "upserted": res.Upserted})
	plan.ID = plan.Blueprint
	resp.Diagnostics.Append(recordOwnership(ctx, resp.Private, desired, owned, unconfirmed)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *entitiesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var state entitiesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	adoption := importedAs(ctx, req.Private, &resp.Diagnostics)
	o := readOwnership(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	managed := func() (entity.Set, error) { return entity.Set{}, nil }
	if adoption == "" {
		managed = parseInBackground(ctx, state.EntitiesJSON.ValueString())
	}
	bp := state.Blueprint.ValueString()
	doc, err := refreshedEntities(ctx, r.searchFor(client, bp), adoption, o, managed, state.EntitiesJSON.ValueString())
	var invalid *invalidStateError
	switch {
	case errors.As(err, &invalid):
		resp.Diagnostics.AddAttributeError(path.Root("entities_json"), "Invalid Entities JSON", invalid.err.Error()+".")
		return
	case httpbase.IsNotFound(err):
		tflog.Info(ctx, "blueprint gone from Port; planning to create the entities again", map[string]any{"blueprint": bp})
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		addPortError(&resp.Diagnostics, "reading the entities of blueprint "+bp, err)
		return
	}
	state.ID = state.Blueprint
	state.EntitiesJSON = types.StringValue(string(doc))
	if state.DeletionThreshold.IsNull() {
		state.DeletionThreshold = types.Float64Value(DefaultDeletionThreshold)
	}
	if state.CreateMissingRelatedEntities.IsNull() {
		state.CreateMissingRelatedEntities = types.BoolValue(false)
	}
	if state.DeleteDependents.IsNull() {
		state.DeleteDependents = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(clearImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(clearOwnership(ctx, resp.Private)...)
}

func (r *entitiesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var plan, state entitiesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	desired := parseEntities(ctx, plan.EntitiesJSON, &resp.Diagnostics)
	inState := parseEntities(ctx, state.EntitiesJSON, &resp.Diagnostics)
	// Without a refresh (-refresh=false) the state may still name what the
	// sync does not own and leave out deletes waiting for dependents.
	o := readOwnership(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	actual := o.owned(inState)
	bp := plan.Blueprint.ValueString()
	res := reconcile.Apply(ctx, client, bp, desired, actual, syncOptions(plan))
	res.Err = nameMissingBlueprint(ctx, client, bp, res.Err)
	owned, unconfirmed, _ := r.settle(ctx, client, bp, res, actual, o.unconfirmed)
	res.State = owned
	if planned := reconcile.Count(desired, actual); planned.Changes() > 0 {
		addAppliedSync(&resp.Diagnostics, bp, planned, len(actual), res)
	}
	plan.ID = plan.Blueprint
	tflog.Info(ctx, "entities synced", map[string]any{"blueprint": bp, "upserted": res.Upserted, "deleted": res.Deleted})
	blocked := res.BlockedDeletes()
	recorded := desired
	switch {
	case !res.Failed():
	case res.Err == nil && len(blocked) == len(res.Refused):
		// Only deletes wait for dependents: the state is the plan, and the
		// private state keeps them owned until a refresh puts them back.
		addSyncDiagnostics(&resp.Diagnostics, diag.SeverityWarning, bp, res, "Everything else landed. The state keeps "+
			"the waiting entities, and the next plan deletes them again.")
	default:
		recorded = owned
		doc := entity.EncodeLike(owned, desired, []byte(plan.EntitiesJSON.ValueString()))
		plan.EntitiesJSON = types.StringValue(string(doc))
		addSyncDiagnostics(&resp.Diagnostics, diag.SeverityError, bp, res, fmt.Sprintf("The state records the %d owned "+
			"entities Port now holds; the next apply writes only the rest.", len(owned)))
	}
	resp.Diagnostics.Append(recordOwnership(ctx, resp.Private, recorded, owned, unconfirmed)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *entitiesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var state entitiesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	inState := parseEntities(ctx, state.EntitiesJSON, &resp.Diagnostics)
	o := readOwnership(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	bp := state.Blueprint.ValueString()
	owned := o.owned(inState)
	if len(o.unconfirmed) > 0 {
		held, ok := r.readBack(ctx, client, bp, o.unconfirmed)
		if !ok {
			resp.Diagnostics.AddError("Port Is Failing Or Unreachable", fmt.Sprintf("Port could not be read to confirm %d "+
				"writes of blueprint %s whose answers were lost, so nothing was deleted and the state is unchanged. Destroy "+
				"again once Port answers.", len(o.unconfirmed), bp))
			return
		}
		for id, e := range reconcile.Confirm(held, o.unconfirmed) {
			owned[id] = e
		}
	}
	out, err := client.BulkDelete(ctx, bp, owned.Identifiers(), state.DeleteDependents.ValueBool())
	if httpbase.IsNotFound(err) || (err == nil && len(out.Refused) == 0) {
		return
	}
	for _, id := range out.Deleted {
		delete(owned, id)
	}
	state.EntitiesJSON = types.StringValue(string(owned.Encode()))
	resp.Diagnostics.Append(clearOwnership(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	res := reconcile.Result{State: owned, Deleted: len(out.Deleted), Err: err}
	for _, f := range out.Refused {
		res.Refused = append(res.Refused, reconcile.Failure{Identifier: f.Identifier, Operation: "delete", StatusCode: f.StatusCode, Code: f.Code, Message: f.Message})
	}
	addSyncDiagnostics(&resp.Diagnostics, diag.SeverityError, bp, res, fmt.Sprintf("The state keeps the %d entities not "+
		"deleted; destroy again once the cause is fixed (or set delete_dependents = true).", len(owned)))
}

// ImportState adopts, by default, only the entities the configuration names:
// the first plan writes them (merge upserts keep what it does not manage)
// and never deletes another writer's entity. "<blueprint>/*" adopts every
// entity of the blueprint, for replacing another sync: the first plan then
// deletes those the configuration does not name, within deletion_threshold.
func (r *entitiesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	bp, adoption := req.ID, adoptNamed
	if b, all := strings.CutSuffix(req.ID, "/*"); all {
		bp, adoption = b, adoptAll
	}
	if bp == "" || strings.Contains(bp, "/") {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import ID %q is neither a blueprint identifier nor "+
			"<blueprint>/*. Use jsmCustomerRequest to adopt the entities the configuration names, or jsmCustomerRequest/* "+
			"to adopt every entity of the blueprint.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("blueprint"), bp)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), bp)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("entities_json"), types.StringValue("{}"))...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private, adoption)...)
}

// refreshedEntities reads what Port holds of the owned entities and returns
// the new entities_json: in the shape of the state's document (the document
// itself when nothing drifted), or, just after an import, the adopted
// entities. Port's pages are projected as they arrive, so the refresh never
// holds every entity of the blueprint; those that arrive while the state's
// document is still being parsed wait for it.
func refreshedEntities(ctx context.Context, search searchPages, adoption string, o ownership, managed func() (entity.Set, error), stateDoc string) ([]byte, error) {
	if adoption == adoptAll {
		var held []entity.Entity
		err := search(ctx, func(page []entity.Entity) error {
			held = append(held, page...)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return reconcile.Adopt(held).Encode(), nil
	}
	var projection *reconcile.Projection
	var early [][]entity.Entity
	var inState entity.Set
	project := func() error {
		var err error
		if inState, err = managed(); err != nil {
			return &invalidStateError{err}
		}
		candidates := o.owned(inState)
		if len(o.unconfirmed) > 0 {
			candidates = candidates.Clone()
			maps.Copy(candidates, o.unconfirmed)
		}
		projection = reconcile.NewProjection(candidates)
		for _, page := range early {
			projection.Add(page)
		}
		early = nil
		return nil
	}
	err := search(ctx, func(page []entity.Entity) error {
		defer phases.Start(ctx, phases.Diff)()
		if projection == nil && len(early) < maxPagesBeforeTheState {
			early = append(early, page)
			return nil
		}
		if projection == nil {
			if err := project(); err != nil {
				return err
			}
		}
		projection.Add(page)
		return nil
	})
	if err == nil && projection == nil {
		err = project()
	}
	switch {
	case err != nil:
		return nil, err
	case adoption == adoptNamed:
		return []byte("{}"), nil
	}
	defer phases.Start(ctx, phases.Diff)()
	return entity.EncodeLike(reconcile.Confirm(projection.Set(), o.unconfirmed), inState, []byte(stateDoc)), nil
}

// searchPages hands each page of a search of a blueprint's entities to use,
// as port.Client.SearchEntityPages does.
type searchPages func(ctx context.Context, use func(page []entity.Entity) error) error

// searchFor is the search a refresh of blueprint bp reads: the one started
// ahead of it when there is one (refreshPrefetch), or a new one.
func (r *entitiesResource) searchFor(client *port.Client, bp string) searchPages {
	if started := r.data.prefetch.take(bp); started != nil {
		return started.follow
	}
	return func(ctx context.Context, use func(page []entity.Entity) error) error {
		return client.SearchEntityPages(ctx, bp, port.Search{}, use)
	}
}

// maxPagesBeforeTheState bounds the pages of Port's search a refresh holds
// unprojected while the state's document is parsed (a parse of 100,000
// entities takes about as long as 40 pages).
const maxPagesBeforeTheState = 64

// invalidStateError is a state whose entities_json cannot be parsed.
type invalidStateError struct{ err error }

func (e *invalidStateError) Error() string { return e.err.Error() }

// parseInBackground starts parsing an entities_json document and returns
// the function that waits for the result.
func parseInBackground(ctx context.Context, doc string) func() (entity.Set, error) {
	done := make(chan struct{})
	var set entity.Set
	var err error
	go func() {
		defer close(done)
		defer phases.Start(ctx, phases.Diff)()
		set, err = entity.Parse([]byte(doc))
	}()
	return func() (entity.Set, error) {
		<-done
		return set, err
	}
}

// settle works out what the sync owns after its writes. When writes failed
// in a way that may have reached Port, it reads Port back: a write to an
// identifier the sync did not own before (or one carried unconfirmed from an
// earlier apply) makes it the sync's only if Port holds exactly what was
// written, since another writer may hold that identifier. When Port cannot
// be read, those writes stay unconfirmed for the next read, and settled is
// false.
func (r *entitiesResource) settle(ctx context.Context, client *port.Client, bp string, res reconcile.Result, before, carried entity.Set) (owned, unconfirmed entity.Set, settled bool) {
	written := entity.Set{}
	for id, e := range carried {
		if _, ok := res.State[id]; !ok {
			written[id] = e
		}
	}
	for _, id := range res.Uncertain {
		if _, ok := before[id]; !ok {
			written[id] = res.State[id]
		}
	}
	if len(written) == 0 && len(res.Uncertain) == 0 {
		return res.State, nil, true
	}
	candidates := res.State.Clone()
	maps.Copy(candidates, written)
	held, ok := r.readBack(ctx, client, bp, candidates)
	if !ok {
		owned = res.State.Clone()
		for id := range written {
			delete(owned, id)
		}
		return owned, written, false
	}
	return reconcile.Confirm(held, written), nil, true
}

// readBackTimeout bounds the read back after a failed apply, which runs even
// when the apply was cancelled.
const readBackTimeout = time.Minute

// readBack settles writes whose outcome is unknown: it returns what Port
// holds of the candidates. When Port cannot be read either, it keeps every
// candidate owned (a refresh drops those Port does not hold) and reports
// that nothing was settled.
func (r *entitiesResource) readBack(ctx context.Context, client *port.Client, bp string, candidates entity.Set) (entity.Set, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	projection := reconcile.NewProjection(candidates)
	err := client.SearchEntityPages(ctx, bp, port.Search{}, func(page []entity.Entity) error {
		defer phases.Start(ctx, phases.Diff)()
		projection.Add(page)
		return nil
	})
	if err != nil {
		tflog.Warn(ctx, "reading back the entities of an unsettled write failed; keeping them owned", map[string]any{"blueprint": bp, "error": err.Error()})
		return candidates, false
	}
	return projection.Set(), true
}

func landed(res reconcile.Result, desired entity.Set) int {
	n := 0
	for id := range res.State {
		if _, ok := desired[id]; ok {
			n++
		}
	}
	return n
}

func parseEntities(ctx context.Context, v types.String, diags *diag.Diagnostics) entity.Set {
	defer phases.Start(ctx, phases.Diff)()
	set, err := entity.Parse([]byte(v.ValueString()))
	if err != nil {
		diags.AddAttributeError(path.Root("entities_json"), "Invalid Entities JSON", err.Error()+".")
	}
	return set
}

func syncOptions(m entitiesModel) reconcile.Options {
	return reconcile.Options{
		CreateMissingRelatedEntities: m.CreateMissingRelatedEntities.ValueBool(),
		DeleteDependents:             m.DeleteDependents.ValueBool(),
	}
}
