package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// mappingModel is the optional Ocean-style mapping of a list data source.
type mappingModel struct {
	Selector   types.String      `tfsdk:"selector"`
	Identifier types.String      `tfsdk:"identifier"`
	Title      types.String      `tfsdk:"title"`
	Icon       types.String      `tfsdk:"icon"`
	Team       types.String      `tfsdk:"team"`
	Properties map[string]string `tfsdk:"properties"`
	Relations  map[string]string `tfsdk:"relations"`
}

// mappingAttributes adds `mapping` and `entities_json` to a list data source.
func mappingAttributes(attrs map[string]schema.Attribute, noun string) {
	jq := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: []validator.String{jqValidator{}}}
	}
	attrs["mapping"] = schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Map every " + noun + " to a Port entity with JQ, in the syntax of Ocean's `port.entity.mappings` " +
			"(run with gojq; `env` and `$ENV` are empty). Given a mapping, the data source returns `entities_json` and leaves " +
			"the typed list and `items_json` null, which keeps the state small. Every expression is compiled by " +
			"`terraform validate`, and runs within the limits of the provider's `jq` block.",
		Attributes: map[string]schema.Attribute{
			"selector": jq("A JQ expression returning a boolean: items for which it is `false` are skipped. Default `true`."),
			"identifier": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "A JQ expression giving the entity identifier, a non-empty string, such as `.id | tostring`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), jqValidator{}},
			},
			"title": jq("A JQ expression giving the title."),
			"icon":  jq("A JQ expression giving the icon."),
			"team":  jq("A JQ expression giving a team or a list of teams."),
			"properties": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Property identifier to JQ expression.",
				Validators:          []validator.Map{mapvalidator.ValueStringsAre(jqValidator{})},
			},
			"relations": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Relation identifier to JQ expression giving an entity identifier or a list of them.",
				Validators:          []validator.Map{mapvalidator.ValueStringsAre(jqValidator{})},
			},
		},
	}
	attrs["entities_json"] = schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "With `mapping`: the mapped entities as one JSON object keyed by identifier, in the form " +
			"`portjsm_entities.entities_json` takes. Null without a mapping.",
	}
}

// compileMapping compiles a data source's mapping, reporting a bad one.
func compileMapping(m *mappingModel, diags *diag.Diagnostics) (*mapping.Program, bool) {
	program, err := mapping.Compile(mapping.Mapping{
		Selector:   m.Selector.ValueString(),
		Identifier: m.Identifier.ValueString(),
		Title:      m.Title.ValueString(),
		Icon:       m.Icon.ValueString(),
		Team:       m.Team.ValueString(),
		Properties: m.Properties,
		Relations:  m.Relations,
	})
	if err != nil {
		diags.AddAttributeError(path.Root("mapping"), "Invalid Mapping", err.Error()+". Fix the JQ expression in the mapping.")
		return nil, false
	}
	return program, true
}

// readList reads a JSM list for a data source. With a mapping, the items
// are mapped as their pages arrive and only entities_json is returned; the
// raw items are then nil. Without one, items are the raw items and
// entities_json is null.
func (d *jsmDataSource) readList(ctx context.Context, client *jsm.Client, what, apiPath string, opts jsm.ListOptions, m *mappingModel, diags *diag.Diagnostics) (items []json.RawMessage, count int, entitiesJSON types.String, ok bool) {
	entitiesJSON = types.StringNull()
	if m == nil {
		items, ok = listJSM(ctx, client, what, apiPath, opts, diags)
		return items, len(items), entitiesJSON, ok
	}
	program, ok := compileMapping(m, diags)
	if !ok {
		return nil, 0, entitiesJSON, false
	}
	list, ok := listMapped(ctx, client, what, apiPath, opts, program, d.data.jq, diags)
	if !ok {
		return nil, 0, entitiesJSON, false
	}
	warnNullFields(diags, path.Root("mapping"), "", list.nullFields, list.entities)
	return nil, list.read, entitiesDocument(list.doc), true
}

// mapItems runs the mapping over raw items, within the provider's JQ
// limits, and returns entities_json.
func (d *jsmDataSource) mapItems(ctx context.Context, m *mappingModel, items []json.RawMessage, diags *diag.Diagnostics) types.String {
	program, ok := compileMapping(m, diags)
	if !ok {
		return types.StringNull()
	}
	set, err := program.Map(ctx, items, d.data.jq)
	if err != nil {
		addMappingError(diags, path.Root("mapping"), err, "Mapping Failed", "Fix the mapping, or skip such items with a selector.")
		return types.StringNull()
	}
	warnNullFields(diags, path.Root("mapping"), "", program.NullForEvery(set), len(set))
	return encodeEntities(ctx, set)
}

// encodeEntities is a data source's entities_json.
func encodeEntities(ctx context.Context, set entity.Set) types.String {
	defer phases.Start(ctx, phases.EntitiesJSON)()
	return entitiesDocument(string(set.Encode()))
}

// entitiesDocument is a data source's entities_json, remembered as valid.
func entitiesDocument(doc string) types.String {
	validDocuments.add(doc)
	return types.StringValue(doc)
}

// warnNullFields warns about the fields a mapping gave null for every
// entity: JQ reads a path that does not exist as null, so a misspelled one
// maps every item to null without an error. where names the mapping when a
// data source has several.
func warnNullFields(diags *diag.Diagnostics, at path.Path, where string, fields []mapping.NullField, entities int) {
	if len(fields) == 0 {
		return
	}
	named := make([]string, len(fields))
	for i, f := range fields {
		named[i] = fmt.Sprintf("%s (`%s`)", f.Name, f.Expression)
	}
	diags.AddAttributeWarning(at, "Mapped Field Null For Every Item", fmt.Sprintf("The mapping%s gave null for every one of the "+
		"%d entities in %s. JQ gives null for a path that does not exist, so a misspelled name (such as .currentStatuss.status "+
		"for .currentStatus.status) maps every item to null without an error. Compare the expression with an item as JSM "+
		"sends it (items_json of the data source without a mapping, with max_items = 1). If no item has a value yet by "+
		"design, ignore this warning: it stops once one has.", where, entities, strings.Join(named, ", ")))
}

// addMappingError reports a failed JQ run: cancelled, stopped at a JQ
// limit (naming the setting that raises it), or failed, under title with
// the advice fix.
func addMappingError(diags *diag.Diagnostics, at path.Path, err error, title, fix string) {
	const nothing = " Nothing was returned, so no entity is deleted because of it."
	if errors.Is(err, context.Canceled) {
		diags.AddAttributeError(at, "Mapping Cancelled", err.Error()+". The read was cancelled."+nothing)
		return
	}
	if advice := jqLimitAdvice(err); advice != "" {
		diags.AddAttributeError(at, "JQ Limit Reached", err.Error()+". "+advice+" Otherwise fix the expression."+nothing)
		return
	}
	diags.AddAttributeError(at, title, err.Error()+". "+fix+nothing)
}
