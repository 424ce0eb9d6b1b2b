package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

var _ datasource.DataSourceWithConfigure = (*serviceDesksDataSource)(nil)

func newServiceDesksDataSource() datasource.DataSource { return &serviceDesksDataSource{} }

type serviceDesksDataSource struct{ jsmDataSource }

type serviceDesksModel struct {
	MaxItems     types.Int64   `tfsdk:"max_items"`
	ItemCount    types.Int64   `tfsdk:"item_count"`
	ItemsJSON    types.String  `tfsdk:"items_json"`
	ServiceDesks types.List    `tfsdk:"service_desks"`
	Mapping      *mappingModel `tfsdk:"mapping"`
	EntitiesJSON types.String  `tfsdk:"entities_json"`
}

var serviceDeskType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "project_id": types.StringType, "project_key": types.StringType, "project_name": types.StringType,
}}

func (d *serviceDesksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_desks"
}

func (d *serviceDesksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listAttributes("service desks")
	attrs["service_desks"] = schema.ListAttribute{
		Computed:    true,
		ElementType: serviceDeskType,
		MarkdownDescription: "The service desks the account can see, in JSM's order: `id`, `project_id`, `project_key` " +
			"and `project_name`. Null when a mapping is given.",
	}
	mappingAttributes(attrs, "service desk")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every service desk of the JSM site (`GET /rest/servicedeskapi/servicedesk`).",
		Attributes:          attrs,
	}
}

func (d *serviceDesksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var m serviceDesksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, client := d.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	items, count, entitiesJSON, ok := d.readList(ctx, client, "the service desks", jsm.ServiceDesksPath, jsm.ListOptions{MaxItems: maxItems(m.MaxItems)}, m.Mapping, &resp.Diagnostics)
	if !ok {
		return
	}
	if count == 0 {
		addNoAgentWarning(&resp.Diagnostics, "the service desks")
	}
	m.ItemCount, m.EntitiesJSON = types.Int64Value(int64(count)), entitiesJSON
	m.ServiceDesks, m.ItemsJSON = types.ListNull(serviceDeskType), types.StringNull()
	if m.Mapping == nil {
		m.ServiceDesks = typedList(items, "service desk", serviceDeskType, serviceDeskObject, &resp.Diagnostics)
		m.ItemsJSON = types.StringValue(itemsJSON(items))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func serviceDeskObject(sd jsm.ServiceDesk) attr.Value {
	return types.ObjectValueMust(serviceDeskType.AttrTypes, map[string]attr.Value{
		"id":           types.StringValue(sd.ID),
		"project_id":   types.StringValue(sd.ProjectID),
		"project_key":  types.StringValue(sd.ProjectKey),
		"project_name": types.StringValue(sd.ProjectName),
	})
}
