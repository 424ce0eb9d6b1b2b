package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

var (
	_ resource.ResourceWithConfigure   = (*blueprintResource)(nil)
	_ resource.ResourceWithImportState = (*blueprintResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*blueprintResource)(nil)
)

func newBlueprintResource() resource.Resource { return &blueprintResource{} }

type blueprintResource struct{ portResource }

type blueprintModel struct {
	ID                    types.String  `tfsdk:"id"`
	Identifier            types.String  `tfsdk:"identifier"`
	Title                 types.String  `tfsdk:"title"`
	Icon                  types.String  `tfsdk:"icon"`
	Description           types.String  `tfsdk:"description"`
	Schema                types.Dynamic `tfsdk:"schema"`
	Relations             types.Map     `tfsdk:"relations"`
	MirrorProperties      types.Dynamic `tfsdk:"mirror_properties"`
	CalculationProperties types.Dynamic `tfsdk:"calculation_properties"`
	AggregationProperties types.Dynamic `tfsdk:"aggregation_properties"`
	ForceDeleteEntities   types.Bool    `tfsdk:"force_delete_entities"`
}

var relationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"target": types.StringType, "title": types.StringType, "description": types.StringType,
	"required": types.BoolType, "many": types.BoolType,
}}

// blueprintIdentifier is Port's identifier rule without its "not . or .."
// lookahead, which Go's regexp lacks; Port itself rejects those two.
var blueprintIdentifier = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/-]+$`)

// Blueprint document keys this resource manages, besides identifier.
const (
	bpTitle       = "title"
	bpIcon        = "icon"
	bpDescription = "description"
	bpSchema      = "schema"
	bpRelations   = "relations"
	bpMirror      = "mirrorProperties"
	bpCalculation = "calculationProperties"
	bpAggregation = "aggregationProperties"
)

// readOnlyBlueprintFields are set by Port and never sent back.
var readOnlyBlueprintFields = []string{"createdAt", "createdBy", "updatedAt", "updatedBy"}

func (r *blueprintResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_blueprint"
}

func (r *blueprintResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	freeForm := func(what, docs string) schema.DynamicAttribute {
		return schema.DynamicAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("The blueprint's %s, an object exactly as in Port's blueprint JSON (`%s`), written in HCL "+
				"or as `jsondecode(...)`. Only the keys set here are managed: keys added in Port's UI are kept on apply and "+
				"are not drift. See [Port's documentation](%s).", what, docKey(what), docs),
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Port blueprint. Updates read the blueprint, merge the managed fields into it and write it back, " +
			"so fields set in Port's UI that the configuration does not manage (a calculation property, a property) survive " +
			"an apply. Refresh compares only managed fields.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The blueprint identifier.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"identifier": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The blueprint identifier, such as `jsmCustomerRequest`. Changing it replaces the blueprint.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 100),
					stringvalidator.RegexMatches(blueprintIdentifier, "may contain letters, digits and @ _ . + : \\ / - only"),
					stringvalidator.NoneOf(".", ".."),
				},
			},
			"title": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The title shown in Port.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"icon": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The icon, such as `Jira` or `Service`.",
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The description shown in Port.",
				Validators:          []validator.String{stringvalidator.LengthAtMost(200)},
			},
			"schema": freeForm("schema", "https://docs.port.io/build-your-software-catalog/customize-integrations/configure-data-model/setup-blueprint/properties/"),
			"relations": schema.MapNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Relations to other blueprints, keyed by relation identifier.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"target":      schema.StringAttribute{Required: true, MarkdownDescription: "The identifier of the target blueprint."},
					"title":       schema.StringAttribute{Optional: true, MarkdownDescription: "The title of the relation."},
					"description": schema.StringAttribute{Optional: true, MarkdownDescription: "The description of the relation."},
					"required": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Whether every entity must have this relation (default `false`)."},
					"many": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Whether the relation holds a list of entities (default `false`)."},
				}},
			},
			"mirror_properties":      freeForm("mirror properties", "https://docs.port.io/build-your-software-catalog/customize-integrations/configure-data-model/setup-blueprint/properties/mirror-property/"),
			"calculation_properties": freeForm("calculation properties", "https://docs.port.io/build-your-software-catalog/customize-integrations/configure-data-model/setup-blueprint/properties/calculation-property/"),
			"aggregation_properties": freeForm("aggregation properties", "https://docs.port.io/build-your-software-catalog/customize-integrations/configure-data-model/setup-blueprint/properties/aggregation-property/"),
			"force_delete_entities": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete the blueprint's entities when the blueprint is destroyed. By default destroying a " +
					"blueprint that still has entities fails, so that a mistaken destroy cannot wipe a catalog.",
			},
		},
	}
}

func docKey(what string) string {
	switch what {
	case "mirror properties":
		return bpMirror
	case "calculation properties":
		return bpCalculation
	case "aggregation properties":
		return bpAggregation
	}
	return what
}

// ModifyPlan records the blueprint as this plan leaves it, so that the
// entities planned after it (those that reference its identifier) are
// checked against the schema they will meet at the apply.
func (r *blueprintResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.schemas == nil {
		return
	}
	var plan blueprintModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Identifier.IsUnknown() {
		return
	}
	var prior *blueprintModel
	if !req.State.Raw.IsNull() {
		prior = &blueprintModel{}
		if diags := req.State.Get(ctx, prior); diags.HasError() {
			prior = nil
		}
	}
	r.data.schemas.plan(plan.Identifier.ValueString(), plannedBlueprintOf(plan, prior))
}

// plannedBlueprintOf is the document the apply will write, desired over
// previous as Update merges them; its desired is nil while the schema or the
// relations are unknown.
func plannedBlueprintOf(plan blueprintModel, prior *blueprintModel) plannedBlueprint {
	var unknown diag.Diagnostics // an unknown value reads as an invalid document
	desired := blueprintDoc(plan, &unknown)
	if unknown.HasError() || plan.Relations.IsUnknown() {
		return plannedBlueprint{}
	}
	var previous map[string]any
	if prior != nil {
		previous = blueprintDoc(*prior, &unknown)
	}
	keepUnmanagedEntries(desired, previous)
	return plannedBlueprint{desired: desired, previous: previous}
}

func (r *blueprintResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var plan blueprintModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	doc := blueprintDoc(plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := client.CreateBlueprint(ctx, doc); err != nil {
		addPortError(&resp.Diagnostics, "creating blueprint "+plan.Identifier.ValueString(), err)
		return
	}
	plan.ID = plan.Identifier
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *blueprintResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var state blueprintModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	doc, err := client.GetBlueprint(ctx, state.Identifier.ValueString())
	if httpbase.IsNotFound(err) {
		tflog.Info(ctx, "blueprint deleted outside Terraform; planning to create it again", map[string]any{"identifier": state.Identifier.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addPortError(&resp.Diagnostics, "reading blueprint "+state.Identifier.ValueString(), err)
		return
	}
	importing := importedAs(ctx, req.Private, &resp.Diagnostics) != ""
	state.ID = state.Identifier
	state.Title = stringFromDoc(doc, bpTitle)
	state.Icon = managedString(state.Icon, doc, bpIcon, importing)
	state.Description = managedString(state.Description, doc, bpDescription, importing)
	state.Schema = managedDynamic(state.Schema, doc[bpSchema], importing)
	state.MirrorProperties = managedDynamic(state.MirrorProperties, doc[bpMirror], importing)
	state.CalculationProperties = managedDynamic(state.CalculationProperties, doc[bpCalculation], importing)
	state.AggregationProperties = managedDynamic(state.AggregationProperties, doc[bpAggregation], importing)
	state.Relations = relationsFromDoc(state.Relations, doc[bpRelations], importing)
	if state.ForceDeleteEntities.IsNull() {
		state.ForceDeleteEntities = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if importing {
		resp.Diagnostics.Append(clearImported(ctx, resp.Private)...)
	}
}

func (r *blueprintResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var plan, state blueprintModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.Identifier.ValueString()
	desired := blueprintDoc(plan, &resp.Diagnostics)
	previous := blueprintDoc(state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	current, err := client.GetBlueprint(ctx, id)
	if err != nil {
		addPortError(&resp.Diagnostics, "reading blueprint "+id+" before updating it", err)
		return
	}
	keepUnmanagedEntries(desired, previous)
	merged, ok := mergeManaged(current, desired, previous).(map[string]any)
	if !ok {
		resp.Diagnostics.AddError("Merging Blueprint Failed", "The merge of blueprint "+id+" with Port's copy is not an object. "+
			"This is a bug in the provider: please report it.")
		return
	}
	for _, k := range readOnlyBlueprintFields {
		delete(merged, k)
	}
	if _, err := client.ReplaceBlueprint(ctx, id, merged); err != nil {
		addPortError(&resp.Diagnostics, "updating blueprint "+id, err)
		return
	}
	plan.ID = plan.Identifier
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// keyedCollections are the blueprint fields that hold entries keyed by
// identifier, some of which may have been added in Port's UI.
var keyedCollections = []string{bpRelations, bpMirror, bpCalculation, bpAggregation}

// keepUnmanagedEntries makes removing a whole collection attribute from the
// configuration remove only the entries the configuration managed: the
// collection is desired empty, so the merge drops the previously managed
// entries and keeps what the UI added beside them.
func keepUnmanagedEntries(desired, previous map[string]any) {
	for _, k := range keyedCollections {
		if _, managed := previous[k]; managed {
			if _, still := desired[k]; !still {
				desired[k] = map[string]any{}
			}
		}
	}
}

func (r *blueprintResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var state blueprintModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, client := r.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.Identifier.ValueString()
	if state.ForceDeleteEntities.ValueBool() && !r.deleteAllEntities(ctx, client, id, &resp.Diagnostics) {
		return
	}
	err := client.DeleteBlueprint(ctx, id)
	switch {
	case err == nil || httpbase.IsNotFound(err):
	case httpbase.IsStatus(err, 422) || httpbase.IsStatus(err, 409):
		resp.Diagnostics.AddError("Blueprint Still In Use", fmt.Sprintf("Port refused to delete blueprint %s: %s. Delete its entities "+
			"first (destroy the portjsm_entities or portjsm_entity resources that manage them), remove relations from other "+
			"blueprints that target it, or set force_delete_entities = true and apply before destroying.", id, portMessage(err)))
	default:
		addPortError(&resp.Diagnostics, "deleting blueprint "+id, err)
	}
}

// forceDeleteTimeout bounds the wait for Port's background deletion of a
// blueprint's entities.
const forceDeleteTimeout = 30 * time.Minute

// deleteAllEntities runs Port's deletion of every entity of the blueprint
// and waits for its migration to finish, so that the blueprint delete that
// follows does not meet them.
func (r *blueprintResource) deleteAllEntities(ctx context.Context, client *port.Client, id string, diags *diag.Diagnostics) bool {
	tflog.Info(ctx, "deleting every entity of the blueprint and waiting for Port's migration", map[string]any{"blueprint": id})
	ctx, cancel := context.WithTimeout(ctx, forceDeleteTimeout)
	defer cancel()
	err := client.DeleteAllEntities(ctx, id)
	switch {
	case err == nil || httpbase.IsNotFound(err):
		return true
	case httpbase.IsStatus(err, http.StatusUnprocessableEntity):
		diags.AddError("Blueprint Entities Still Needed", fmt.Sprintf("Port refused to delete the entities of blueprint %s: %s. "+
			"Entities of other blueprints need them through a required relation; destroy those first (depends_on from the "+
			"resources that manage them to this blueprint orders it), or make the relation optional.", id, portMessage(err)))
	default:
		addPortError(diags, "deleting the entities of blueprint "+id, err)
	}
	return false
}

func (r *blueprintResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer phases.Start(ctx, phases.Provider)()
	resource.ImportStatePassthroughID(ctx, path.Root("identifier"), req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(markImported(ctx, resp.Private, adoptAll)...)
}

// blueprintDoc is the document the configuration describes; unset
// attributes are left out, so that they stay unmanaged.
func blueprintDoc(m blueprintModel, diags *diag.Diagnostics) map[string]any {
	doc := map[string]any{"identifier": m.Identifier.ValueString(), bpTitle: m.Title.ValueString()}
	setString := func(key string, v types.String) {
		if !v.IsNull() && !v.IsUnknown() {
			doc[key] = v.ValueString()
		}
	}
	setString(bpIcon, m.Icon)
	setString(bpDescription, m.Description)
	setDynamic := func(key, attribute string, v types.Dynamic) {
		if v.IsNull() || v.IsUnderlyingValueNull() {
			return
		}
		j, err := toJSON(v)
		if err != nil {
			diags.AddAttributeError(path.Root(attribute), "Invalid Blueprint Document", fmt.Sprintf("%s cannot be sent to Port: %s.", attribute, err))
			return
		}
		if _, isObject := j.(map[string]any); !isObject {
			diags.AddAttributeError(path.Root(attribute), "Invalid Blueprint Document", fmt.Sprintf("%s must be an object, as in Port's blueprint JSON.", attribute))
			return
		}
		doc[key] = j
	}
	setDynamic(bpSchema, "schema", m.Schema)
	setDynamic(bpMirror, "mirror_properties", m.MirrorProperties)
	setDynamic(bpCalculation, "calculation_properties", m.CalculationProperties)
	setDynamic(bpAggregation, "aggregation_properties", m.AggregationProperties)
	if _, ok := doc[bpSchema]; !ok {
		doc[bpSchema] = map[string]any{"properties": map[string]any{}}
	}
	if !m.Relations.IsNull() && !m.Relations.IsUnknown() {
		relations, err := toJSON(m.Relations)
		if err != nil {
			diags.AddAttributeError(path.Root("relations"), "Invalid Relations", err.Error())
			return doc
		}
		byName, ok := relations.(map[string]any)
		if !ok {
			diags.AddAttributeError(path.Root("relations"), "Invalid Relations", fmt.Sprintf("relations became %T, not an object. "+
				"This is a bug in the provider: please report it.", relations))
			return doc
		}
		for name, rel := range byName {
			fields, ok := rel.(map[string]any)
			if !ok {
				diags.AddAttributeError(path.Root("relations").AtMapKey(name), "Invalid Relations", fmt.Sprintf("relation %s "+
					"became %T, not an object. This is a bug in the provider: please report it.", name, rel))
				return doc
			}
			dropNulls(fields)
		}
		doc[bpRelations] = byName
	}
	return doc
}

func dropNulls(m map[string]any) {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
}

// relationsFromDoc refreshes the managed relations: those in state are read
// from Port (missing ones disappear, which plans their re-creation), those
// added in the UI are left alone unless importing.
func relationsFromDoc(prior types.Map, portValue any, importing bool) types.Map {
	relations, _ := portValue.(map[string]any)
	if (prior.IsNull() && !importing) || (importing && len(relations) == 0) {
		return prior
	}
	priorRelations := prior.Elements()
	elems := map[string]attr.Value{}
	for _, k := range sortedKeys(relations) {
		priorRel, managed := priorRelations[k].(types.Object)
		if !importing && !managed {
			continue
		}
		rel, _ := relations[k].(map[string]any)
		optional := func(field string) types.String {
			v := stringFromDoc(rel, field)
			if importing {
				return v
			}
			if p, _ := priorRel.Attributes()[field].(types.String); p.IsNull() {
				return p
			}
			return v
		}
		elems[k] = types.ObjectValueMust(relationType.AttrTypes, map[string]attr.Value{
			"target":      stringFromDoc(rel, "target"),
			"title":       optional("title"),
			"description": optional("description"),
			"required":    types.BoolValue(rel["required"] == true),
			"many":        types.BoolValue(rel["many"] == true),
		})
	}
	return types.MapValueMust(relationType, elems)
}
