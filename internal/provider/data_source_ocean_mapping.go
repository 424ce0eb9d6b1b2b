package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/ocean"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

var _ datasource.DataSourceWithConfigure = (*oceanMappingDataSource)(nil)

func newOceanMappingDataSource() datasource.DataSource { return &oceanMappingDataSource{} }

// oceanMappingDataSource runs an Ocean port-app-config unchanged: every
// resource's kind is read through the JSM client, then its selector, data
// path and mappings are applied.
type oceanMappingDataSource struct{ jsmDataSource }

type oceanMappingModel struct {
	ConfigYAML                   types.String  `tfsdk:"config_yaml"`
	EntitiesJSON                 types.Map     `tfsdk:"entities_json"`
	ItemCounts                   types.Map     `tfsdk:"item_counts"`
	CreateMissingRelatedEntities types.Bool    `tfsdk:"create_missing_related_entities"`
	DeletionThreshold            types.Float64 `tfsdk:"deletion_threshold"`
}

func (d *oceanMappingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ocean_mapping"
}

func (d *oceanMappingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs the `port-app-config` of Port's Ocean custom integration for JSM unchanged: each resource's " +
			"`kind` (the Service Desk API path) is read through the provider's paginating client with its `selector.query_params`, " +
			"`selector.data_path` picks the items, `port.itemsToParse` optionally turns each item's array into items of its own, " +
			"`selector.query` filters them and `port.entity.mappings` maps them. The " +
			"entities come back grouped by blueprint, in the form `portjsm_entities` takes, so migrating from Ocean is one " +
			"file and a `portjsm_entities` per blueprint.",
		Attributes: map[string]schema.Attribute{
			"config_yaml": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The Ocean `port-app-config` YAML, such as `file(\"port-app-config.yml\")`: a `resources` list " +
					"of `kind`, `selector` (`query`, `data_path`, `query_params`) and `port.entity.mappings` (`identifier`, `title`, " +
					"`blueprint`, `icon`, `team`, `properties`, `relations`). `blueprint` must be a constant JQ string such as `'\"jsmServiceDesk\"'`. " +
					"`port.itemsToParse` works as in Ocean: each element of the array it returns becomes an item of its own, a copy of " +
					"the parent item with the element under `.item` (or the key `port.itemsToParseName` names), and without the parsed " +
					"array unless `port.itemsToParseTopLevelTransform` is `false`; a null result gives no items, anything else that is " +
					"not an array is an error.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"entities_json": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Blueprint identifier to the entities mapped into it, as the `entities_json` of " +
					"`portjsm_entities`. Resources mapping into the same blueprint are merged.",
			},
			"item_counts": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.Int64Type,
				MarkdownDescription: "Kind to the number of items read for it, before the selector.",
			},
			"create_missing_related_entities": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "The configuration's `createMissingRelatedEntities`, for `portjsm_entities`.",
			},
			"deletion_threshold": schema.Float64Attribute{
				Computed:            true,
				MarkdownDescription: "The configuration's `entityDeletionThreshold` (Ocean's default 0.9 when absent), for `portjsm_entities`.",
			},
		},
	}
}

func (d *oceanMappingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var m oceanMappingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, client := d.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, err := ocean.Parse([]byte(m.ConfigYAML.ValueString()))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("config_yaml"), "Invalid Ocean Configuration", err.Error()+". Fix the port-app-config YAML.")
		return
	}
	byBlueprint := map[string]entity.Set{}
	counts := map[string]attr.Value{}
	for i, res := range cfg.Resources {
		where := fmt.Sprintf("resources[%d] (kind %s)", i, res.Kind)
		query := url.Values{}
		for k, v := range res.Selector.QueryParams {
			query.Set(k, v)
		}
		items := readRecords(ctx, client, d.data.jq, res.Kind, query, res.Selector.DataPath, false, 0, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		counts[res.Kind] = types.Int64Value(int64(len(items)))
		items, explain, err := parseNestedItems(ctx, res, items, d.data.jq)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("config_yaml"), "Mapping Failed", fmt.Sprintf("%s, %s. Fix port.itemsToParse; nothing was returned.", where, err))
			return
		}
		for j, mp := range res.Mappings {
			program, err := mapping.Compile(mp.Mapping(res.Selector.Query))
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("config_yaml"), "Invalid Ocean Mapping", fmt.Sprintf("%s, mapping %d: %s. Fix the JQ expression.", where, j, err))
				return
			}
			set, err := program.Map(ctx, items, d.data.jq)
			if err != nil {
				addMappingError(&resp.Diagnostics, path.Root("config_yaml"), fmt.Errorf("%s, mapping %d: %w", where, j, explain(err)), "Mapping Failed", "Fix the mapping or skip such items with selector.query.")
				return
			}
			warnNullFields(&resp.Diagnostics, path.Root("config_yaml"), fmt.Sprintf(" of %s, mapping %d", where, j), program.NullForEvery(set), len(set))
			if err := addEntities(byBlueprint, mp.Blueprint, set); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("config_yaml"), "Duplicate Entity", fmt.Sprintf("%s, mapping %d: %s.", where, j, err))
				return
			}
		}
	}
	docs := map[string]attr.Value{}
	for bp, entities := range byBlueprint {
		docs[bp] = encodeEntities(ctx, entities)
	}
	m.EntitiesJSON = types.MapValueMust(types.StringType, docs)
	m.ItemCounts = types.MapValueMust(types.Int64Type, counts)
	m.CreateMissingRelatedEntities = types.BoolValue(cfg.CreateMissingRelatedEntities)
	m.DeletionThreshold = types.Float64Value(cfg.DeletionThreshold())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// parseNestedItems applies a resource's itemsToParse, if any, and returns
// the items to map with a function that says where a failing one came from.
func parseNestedItems(ctx context.Context, res ocean.Resource, items []json.RawMessage, limits mapping.Limits) ([]json.RawMessage, func(error) error, error) {
	spec := res.ItemsToParse()
	if spec == nil {
		return items, func(err error) error { return err }, nil
	}
	expander, err := mapping.CompileItemsToParse(*spec)
	if err != nil {
		return nil, nil, err
	}
	expansion, err := expander.Expand(ctx, items, limits)
	if err != nil {
		return nil, nil, err
	}
	return expansion.Items, expansion.Explain, nil
}

// addEntities files entities under their blueprint; two resources mapping
// the same identifier into one blueprint is an error, as Ocean would upsert
// one over the other.
func addEntities(byBlueprint map[string]entity.Set, blueprint string, entities entity.Set) error {
	set := byBlueprint[blueprint]
	if set == nil {
		set = entity.Set{}
		byBlueprint[blueprint] = set
	}
	var dups []string
	for _, e := range entities {
		if _, dup := set[e.Identifier]; dup {
			dups = append(dups, e.Identifier)
			continue
		}
		set.Add(e)
	}
	if len(dups) > 0 {
		sort.Strings(dups)
		return fmt.Errorf("entities %s of blueprint %s are also mapped by an earlier resource; keep one mapping per entity", strings.Join(dups, ", "), blueprint)
	}
	return nil
}
