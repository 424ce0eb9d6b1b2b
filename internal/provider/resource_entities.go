package provider

import (
	"context"
	"encoding/json"
	"fmt"

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

	"github.com/portjsm/terraform-provider-portjsm/internal/port"
	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
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
	ID                           types.String      `tfsdk:"id"`
	Blueprint                    types.String      `tfsdk:"blueprint"`
	EntitiesJSON                 entitiesJSONValue `tfsdk:"entities_json"`
	DeletionThreshold            types.Float64     `tfsdk:"deletion_threshold"`
	CreateMissingRelatedEntities types.Bool        `tfsdk:"create_missing_related_entities"`
}

func (r *entitiesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_entities"
}

func (r *entitiesResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The sync: every entity of one blueprint that this resource manages, written in bulk. The plan " +
			"shows the entities that will be created, changed and deleted as a diff of `entities_json`; the apply writes only " +
			"those (bulk upserts of up to 20 entities, bulk deletes of up to 100). Refresh reads the managed entities back " +
			"from Port with the paginated search, so edits and deletions made in Port show up as drift; entities and fields " +
			"this resource does not manage are left alone.",
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
				CustomType: entitiesJSONType{},
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
		},
	}
}

func (r *entitiesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state entitiesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.EntitiesJSON.IsUnknown() || plan.DeletionThreshold.IsUnknown() {
		return
	}
	desired, errD := reconcile.ParseSet([]byte(plan.EntitiesJSON.ValueString()))
	managed, errM := reconcile.ParseSet([]byte(state.EntitiesJSON.ValueString()))
	if errD != nil || errM != nil || len(managed) == 0 {
		return
	}
	plan2 := reconcile.Diff(desired, managed)
	tflog.Info(ctx, "entities sync plan", map[string]any{
		"blueprint": plan.Blueprint.ValueString(), "managed": len(managed), "desired": len(desired),
		"upserts": len(plan2.Upserts), "deletes": len(plan2.Deletes),
	})
	fraction := float64(len(plan2.Deletes)) / float64(len(managed))
	if threshold := plan.DeletionThreshold.ValueFloat64(); fraction > threshold {
		resp.Diagnostics.AddAttributeError(path.Root("entities_json"), "Deletion Threshold Exceeded", fmt.Sprintf(
			"This plan would delete %d of the %d entities of blueprint %s that this resource manages (%.1f%%), more than "+
				"deletion_threshold allows (%.1f%%). Nothing was changed. This usually means the JSM read, a filter or the "+
				"mapping returned far fewer items than before. If the deletions are intended, raise deletion_threshold "+
				"(1 allows any deletion) for this run, or destroy the resource.",
			len(plan2.Deletes), len(managed), plan.Blueprint.ValueString(), 100*fraction, 100*threshold))
	}
}

func (r *entitiesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan entitiesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	desired := parseEntities(plan.EntitiesJSON, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	res := reconcile.Apply(ctx, client, plan.Blueprint.ValueString(), desired, reconcile.Set{}, syncOptions(plan))
	if res.Failed() {
		// A failed create taints the resource, and replacing it would delete
		// what landed: record nothing, and let the next apply upsert again.
		addSyncError(&resp.Diagnostics, plan.Blueprint.ValueString(), res, " Nothing was recorded in state: the next apply "+
			"writes every entity again (upserts are idempotent), so it converges once the cause is fixed.")
		return
	}
	plan.ID = plan.Blueprint
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *entitiesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state entitiesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	marker, diags := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(diags...)
	importing := len(marker) > 0
	var managed reconcile.Set
	if !importing {
		managed = parseEntities(state.EntitiesJSON, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	bp := state.Blueprint.ValueString()
	held, err := client.SearchEntities(ctx, bp, port.Search{})
	if port.IsNotFound(err) {
		tflog.Info(ctx, "blueprint gone from Port; planning to create the entities again", map[string]any{"blueprint": bp})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addPortError(&resp.Diagnostics, "reading the entities of blueprint "+bp, err)
		return
	}
	var current reconcile.Set
	if importing {
		current = reconcile.Adopt(held)
	} else {
		current = reconcile.Project(managed, held)
	}
	doc, err := json.Marshal(current)
	if err != nil {
		resp.Diagnostics.AddError("Encoding Entities Failed", err.Error()+". This is a bug in the provider: please report it.")
		return
	}
	state.ID = state.Blueprint
	state.EntitiesJSON = newEntitiesJSON(string(doc))
	if state.DeletionThreshold.IsNull() {
		state.DeletionThreshold = types.Float64Value(DefaultDeletionThreshold)
	}
	if state.CreateMissingRelatedEntities.IsNull() {
		state.CreateMissingRelatedEntities = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, nil)...)
	}
}

func (r *entitiesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state entitiesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	desired := parseEntities(plan.EntitiesJSON, &resp.Diagnostics)
	actual := parseEntities(state.EntitiesJSON, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	res := reconcile.Apply(ctx, client, plan.Blueprint.ValueString(), desired, actual, syncOptions(plan))
	plan.ID = plan.Blueprint
	if res.Failed() {
		// Record exactly what Port now holds, so that the next plan shows
		// only what is still missing.
		doc, err := json.Marshal(res.State)
		if err == nil {
			plan.EntitiesJSON = newEntitiesJSON(string(doc))
		}
		addSyncError(&resp.Diagnostics, plan.Blueprint.ValueString(), res, " The state records what Port now holds; run apply "+
			"again once the cause is fixed and only the rest is written.")
	}
	tflog.Info(ctx, "entities synced", map[string]any{"blueprint": plan.Blueprint.ValueString(), "upserted": res.Upserted, "deleted": res.Deleted})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *entitiesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state entitiesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	managed := parseEntities(state.EntitiesJSON, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	bp := state.Blueprint.ValueString()
	deleted, err := client.BulkDelete(ctx, bp, managed.Identifiers(), false)
	if err == nil || port.IsNotFound(err) {
		return
	}
	for _, id := range deleted {
		delete(managed, id)
	}
	if doc, mErr := json.Marshal(managed); mErr == nil {
		state.EntitiesJSON = newEntitiesJSON(string(doc))
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	addPortError(&resp.Diagnostics, fmt.Sprintf("deleting the entities of blueprint %s (%d of %d deleted)", bp, len(deleted), len(deleted)+len(managed)), err)
}

func (r *entitiesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("blueprint"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("entities_json"), newEntitiesJSON("{}"))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, []byte(`true`))...)
}

func parseEntities(v entitiesJSONValue, diags *diag.Diagnostics) reconcile.Set {
	set, err := reconcile.ParseSet([]byte(v.ValueString()))
	if err != nil {
		diags.AddAttributeError(path.Root("entities_json"), "Invalid Entities JSON", err.Error()+".")
	}
	return set
}

func syncOptions(m entitiesModel) reconcile.Options {
	return reconcile.Options{CreateMissingRelatedEntities: m.CreateMissingRelatedEntities.ValueBool()}
}

func addSyncError(diags *diag.Diagnostics, blueprint string, res reconcile.Result, stateNote string) {
	diags.AddError("Port Rejected Some Entities", fmt.Sprintf("Syncing blueprint %s: %d entities written, %d deleted, %d failed:%s\n\n"+
		"Fix the mapping or the blueprint's schema for the entities named above.%s",
		blueprint, res.Upserted, res.Deleted, len(res.Failures), res.Summary(), stateNote))
}
