package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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
	_ resource.ResourceWithConfigure   = (*entityResource)(nil)
	_ resource.ResourceWithImportState = (*entityResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*entityResource)(nil)
)

func newEntityResource() resource.Resource { return &entityResource{} }

type entityResource struct{ portResource }

type entityModel struct {
	ID                           types.String  `tfsdk:"id"`
	Blueprint                    types.String  `tfsdk:"blueprint"`
	Identifier                   types.String  `tfsdk:"identifier"`
	Title                        types.String  `tfsdk:"title"`
	Icon                         types.String  `tfsdk:"icon"`
	Team                         types.List    `tfsdk:"team"`
	Properties                   types.Dynamic `tfsdk:"properties"`
	Relations                    types.Dynamic `tfsdk:"relations"`
	CreateMissingRelatedEntities types.Bool    `tfsdk:"create_missing_related_entities"`
	CheckSchema                  types.Bool    `tfsdk:"check_schema"`
}

func (r *entityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_entity"
}

func (r *entityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Port entity. For the many entities a JSM sync produces use `portjsm_entities`, which " +
			"writes in bulk. Refresh compares only the properties and relations the configuration sets; those added in " +
			"Port's UI are kept on apply and are not drift.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`blueprint/identifier`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"blueprint": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The identifier of the entity's blueprint. Changing it replaces the entity.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"identifier": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The entity identifier, unique in its blueprint. Changing it replaces the entity.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 1000),
					stringvalidator.NoneOf(".", ".."),
				},
			},
			"title": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The title shown in Port.",
			},
			"icon": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The icon shown in Port.",
			},
			"team": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The teams that own the entity.",
			},
			"properties": schema.DynamicAttribute{
				Optional: true,
				MarkdownDescription: "The property values, an object keyed by property identifier. Values may be strings, " +
					"numbers, booleans, objects or lists, as the blueprint's schema says.",
			},
			"relations": schema.DynamicAttribute{
				Optional: true,
				MarkdownDescription: "The related entities, an object keyed by relation identifier whose values are an " +
					"entity identifier or, for `many` relations, a list of them.",
			},
			"create_missing_related_entities": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Create bare related entities that do not exist yet, instead of failing.",
			},
			"check_schema": schema.BoolAttribute{Optional: true, MarkdownDescription: checkSchemaDescription},
		},
	}
}

// ModifyPlan warns when the entity it writes holds a number Port will keep
// with fewer digits, and fails when Port would refuse the entity.
func (r *entityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	defer phases.Start(ctx, phases.Provider)()
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan entityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Blueprint.IsUnknown() || plan.Identifier.IsUnknown() {
		return
	}
	var unknown diag.Diagnostics // a value not known yet, or one the apply reports
	planned := entityFromModel(plan, &unknown)
	if r, ok := reconcile.EntityRounding(planned); ok && req.Plan.Raw.IsFullyKnown() {
		warnRoundedNumbers(plan.Blueprint.ValueString(), []reconcile.Rounding{r}, &resp.Diagnostics)
	}
	if !checksSchema(plan.CheckSchema) || unknown.HasError() {
		return
	}
	var prior *entity.Entity
	if !req.State.Raw.IsNull() {
		var state entityModel
		if diags := req.State.Get(ctx, &state); !diags.HasError() {
			e := entityFromModel(state, &unknown)
			prior = &e
		}
	}
	r.checkSchema(ctx, plan.Blueprint.ValueString(), 1, path.Empty(), &resp.Diagnostics,
		func(s *schemacheck.Schema, report *schemacheck.Report) { s.Check(report, &planned, prior) })
}

func (r *entityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var plan entityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	e := entityFromModel(plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := port.EntityWriteOptions{CreateMissingRelatedEntities: plan.CreateMissingRelatedEntities.ValueBool()}
	if _, err := client.WriteEntity(ctx, plan.Blueprint.ValueString(), e, opts); err != nil {
		addPortError(&resp.Diagnostics, "creating entity "+entityAddress(plan), nameMissingBlueprint(ctx, client, plan.Blueprint.ValueString(), err))
		return
	}
	plan.ID = types.StringValue(entityAddress(plan))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *entityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var state entityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	importing := importedAs(ctx, req.Private, &resp.Diagnostics) != ""
	e, err := client.GetEntity(ctx, state.Blueprint.ValueString(), state.Identifier.ValueString())
	if httpbase.IsNotFound(err) {
		tflog.Info(ctx, "entity deleted outside Terraform; planning to create it again", map[string]any{"entity": entityAddress(state)})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addPortError(&resp.Diagnostics, "reading entity "+entityAddress(state), err)
		return
	}
	state.ID = types.StringValue(entityAddress(state))
	if importing || !state.Title.IsNull() {
		state.Title = optionalString(e.Title)
	}
	if importing || !state.Icon.IsNull() {
		state.Icon = types.StringPointerValue(e.Icon)
		if importing && e.Icon != nil && *e.Icon == "" {
			state.Icon = types.StringNull()
		}
	}
	if importing || !state.Team.IsNull() {
		state.Team = teamValue(e.Team, importing)
	}
	state.Properties = managedDynamic(state.Properties, withoutNulls(fieldValues(e.Properties, &resp.Diagnostics), importing), importing)
	state.Relations = managedDynamic(state.Relations, withoutNulls(fieldValues(e.Relations, &resp.Diagnostics), importing), importing)
	if state.CreateMissingRelatedEntities.IsNull() {
		state.CreateMissingRelatedEntities = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if importing {
		resp.Diagnostics.Append(clearImported(ctx, resp.Private)...)
	}
}

// Update reads the entity, writes the managed fields over it and replaces it
// whole: properties and relations set in Port's UI survive, and fields the
// configuration stopped setting are cleared, which a merge cannot do for
// title, icon and team.
func (r *entityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var plan, state entityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	desired := entityFromModel(plan, &resp.Diagnostics)
	previous := entityFromModel(state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	bp := plan.Blueprint.ValueString()
	current, err := client.GetEntity(ctx, bp, plan.Identifier.ValueString())
	switch {
	case httpbase.IsNotFound(err):
		current = entity.Entity{}
	case err != nil:
		addPortError(&resp.Diagnostics, "reading entity "+entityAddress(plan)+" before updating it", err)
		return
	}
	keepUnmanagedFields(&desired, current, plan, state)
	desired.Properties = mergeFields(current.Properties, desired.Properties, previous.Properties, &resp.Diagnostics)
	desired.Relations = mergeFields(current.Relations, desired.Relations, previous.Relations, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := port.EntityWriteOptions{Upsert: true, CreateMissingRelatedEntities: plan.CreateMissingRelatedEntities.ValueBool()}
	if _, err := client.WriteEntity(ctx, bp, desired, opts); err != nil {
		addPortError(&resp.Diagnostics, "updating entity "+entityAddress(plan), nameMissingBlueprint(ctx, client, bp, err))
		return
	}
	plan.ID = types.StringValue(entityAddress(plan))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// keepUnmanagedFields keeps the title, icon and team Port holds when the
// configuration never set them (often set in Port's UI): the update replaces
// the whole entity, so they would otherwise be erased. A field the
// configuration stopped setting is cleared.
func keepUnmanagedFields(desired *entity.Entity, current entity.Entity, plan, state entityModel) {
	if plan.Title.IsNull() && state.Title.IsNull() && current.Title != nil && *current.Title != "" {
		desired.Title = current.Title
	}
	if plan.Icon.IsNull() && state.Icon.IsNull() {
		desired.Icon = current.Icon
	}
	if plan.Team.IsNull() && state.Team.IsNull() {
		desired.Team = current.Team
	}
}

func (r *entityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var state entityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := client.DeleteEntity(ctx, state.Blueprint.ValueString(), state.Identifier.ValueString(), false)
	if err != nil && !httpbase.IsNotFound(err) {
		addPortError(&resp.Diagnostics, "deleting entity "+entityAddress(state), err)
	}
}

func (r *entityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	bp, id, ok := strings.Cut(req.ID, "/")
	if !ok || bp == "" || id == "" {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import ID %q is not blueprint/identifier. Use, for example, "+
			"terraform import portjsm_entity.x jsmServiceDesk/10001.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("blueprint"), bp)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("identifier"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private, adoptAll)...)
}

func entityAddress(m entityModel) string {
	return m.Blueprint.ValueString() + "/" + m.Identifier.ValueString()
}

// entityFromModel is the entity the configuration describes.
func entityFromModel(m entityModel, diags *diag.Diagnostics) entity.Entity {
	e := entity.Entity{Identifier: m.Identifier.ValueString(), Icon: m.Icon.ValueStringPointer()}
	if title := m.Title.ValueString(); title != "" {
		e.Title = &title
	}
	if !m.Team.IsNull() && !m.Team.IsUnknown() {
		e.Team = []string{}
		diags.Append(m.Team.ElementsAs(context.Background(), &e.Team, false)...)
	}
	e.Properties = objectFromDynamic(m.Properties, "properties", diags)
	e.Relations = objectFromDynamic(m.Relations, "relations", diags)
	return e
}

func objectFromDynamic(v types.Dynamic, attribute string, diags *diag.Diagnostics) entity.Fields {
	if v.IsNull() || v.IsUnderlyingValueNull() {
		return nil
	}
	j, err := toJSON(v)
	if err != nil {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+capitalize(attribute), fmt.Sprintf("%s cannot be sent to Port: %s.", attribute, err))
		return nil
	}
	obj, ok := j.(map[string]any)
	if !ok {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+capitalize(attribute), fmt.Sprintf("%s must be an object keyed by identifier.", attribute))
		return nil
	}
	fields, err := entity.FieldsFromValues(obj)
	if err != nil {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+capitalize(attribute), fmt.Sprintf("%s cannot be sent to Port: %s.", attribute, err))
	}
	return fields
}

// mergeFields is mergeManaged for properties and relations: what the
// configuration manages over what Port holds.
func mergeFields(current, desired, previous entity.Fields, diags *diag.Diagnostics) entity.Fields {
	if desired == nil && previous == nil {
		return current
	}
	want := fieldValues(desired, diags)
	if want == nil {
		want = map[string]any{}
	}
	merged, _ := mergeManaged(fieldValues(current, diags), want, fieldValues(previous, diags)).(map[string]any)
	fields, err := entity.FieldsFromValues(merged)
	if err != nil {
		diags.AddError("Invalid Entity", "The merged entity cannot be sent to Port: "+err.Error()+". This is a bug in the provider: please report it.")
	}
	return fields
}

// fieldValues returns fields as generic JSON values, the form Terraform's
// dynamic values convert from.
func fieldValues(fields entity.Fields, diags *diag.Diagnostics) map[string]any {
	values, err := fields.Values()
	if err != nil {
		diags.AddError("Unexpected Port Response", "An entity value cannot be read: "+err.Error()+". This is a bug in the provider: please report it.")
	}
	return values
}

func optionalString(s *string) types.String {
	if s == nil || *s == "" {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

func teamValue(team []string, importing bool) types.List {
	if importing && len(team) == 0 {
		return types.ListNull(types.StringType)
	}
	list, _ := types.ListValueFrom(context.Background(), types.StringType, team)
	return list
}

// withoutNulls drops null values when adopting an imported entity, so that
// properties Port reports as unset do not enter the configuration.
func withoutNulls(m map[string]any, importing bool) any {
	if !importing {
		return m
	}
	out := map[string]any{}
	for k, v := range m {
		if v != nil {
			out[k] = v
		}
	}
	return out
}
