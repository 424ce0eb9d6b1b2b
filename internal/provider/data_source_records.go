package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

var _ datasource.DataSourceWithConfigure = (*recordsDataSource)(nil)

func newRecordsDataSource() datasource.DataSource { return &recordsDataSource{} }

type recordsDataSource struct{ jsmDataSource }

type recordsModel struct {
	Path         types.String      `tfsdk:"path"`
	Query        map[string]string `tfsdk:"query"`
	DataPath     types.String      `tfsdk:"data_path"`
	Experimental types.Bool        `tfsdk:"experimental"`
	MaxItems     types.Int64       `tfsdk:"max_items"`
	ItemCount    types.Int64       `tfsdk:"item_count"`
	ItemsJSON    types.String      `tfsdk:"items_json"`
	Mapping      *mappingModel     `tfsdk:"mapping"`
	EntitiesJSON types.String      `tfsdk:"entities_json"`
}

const pagedDataPath = ".values"

func (d *recordsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_records"
}

func (d *recordsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listAttributes("records")
	attrs["path"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "Any Service Desk API path, relative to `/rest/servicedeskapi` (`/servicedesk/1/queue`) or " +
			"including it. Absolute URLs are refused, so credentials only ever go to `jsm.base_url`.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["query"] = schema.MapAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: "Query parameters to send with every page, such as `{ includeCount = \"true\" }`.",
	}
	attrs["data_path"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "A JQ expression selecting the items in a response. With the default `.values` the path is read " +
			"as a paged list, every page of it, and the items are returned byte for byte. Any other expression reads one " +
			"response (for endpoints that are not paged, such as `/servicedesk/1` with `.`) and returns each output, an " +
			"array standing for its elements. Checked by `terraform validate`; runs within the provider's `jq` limits.",
		Validators: []validator.String{jqValidator{}},
	}
	attrs["experimental"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Send `X-ExperimentalApi: opt-in`, which JSM requires for experimental endpoints such as " +
			"`/servicedesk/{id}/customer`.",
	}
	mappingAttributes(attrs, "record")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads any Service Desk API endpoint through the provider's paginating client, for data the " +
			"typed data sources do not cover (queues, request types, customers, SLAs...).",
		Attributes: attrs,
	}
}

func (d *recordsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var m recordsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, client := d.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	query := url.Values{}
	for k, v := range m.Query {
		query.Set(k, v)
	}
	dataPath := pagedDataPath
	if !m.DataPath.IsNull() && m.DataPath.ValueString() != "" {
		dataPath = m.DataPath.ValueString()
	}
	items := readRecords(ctx, client, d.data.jq, m.Path.ValueString(), query, dataPath, m.Experimental.ValueBool(), maxItems(m.MaxItems), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ItemCount = types.Int64Value(int64(len(items)))
	m.ItemsJSON, m.EntitiesJSON = types.StringNull(), types.StringNull()
	if m.Mapping != nil {
		m.EntitiesJSON = d.mapItems(ctx, m.Mapping, items, &resp.Diagnostics)
	} else {
		m.ItemsJSON = types.StringValue(itemsJSON(items))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func readRecords(ctx context.Context, client *jsm.Client, limits mapping.Limits, apiPath string, query url.Values, dataPath string, experimental bool, limit int, diags *diag.Diagnostics) []json.RawMessage {
	what := "the records of " + apiPath
	if dataPath == pagedDataPath {
		items, _ := listJSM(ctx, client, what, apiPath, jsm.ListOptions{Query: query, MaxItems: limit, Experimental: experimental}, diags)
		return items
	}
	body, err := client.Get(ctx, apiPath, query, experimental)
	if err != nil {
		addJSMError(diags, what, err)
		return nil
	}
	items, err := mapping.ExtractItems(ctx, body, dataPath, limits)
	if err != nil {
		addMappingError(diags, path.Root("data_path"), fmt.Errorf("selecting the items of %s: %w", apiPath, err),
			"Invalid Data Path", "Fix data_path: it must be a JQ expression that selects the items of the response.")
		return nil
	}
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items
}
