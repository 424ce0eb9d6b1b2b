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

var _ datasource.DataSourceWithConfigure = (*organizationsDataSource)(nil)

func newOrganizationsDataSource() datasource.DataSource { return &organizationsDataSource{} }

type organizationsDataSource struct{ jsmDataSource }

type organizationsModel struct {
	ServiceDeskID types.String  `tfsdk:"service_desk_id"`
	AccountID     types.String  `tfsdk:"account_id"`
	MaxItems      types.Int64   `tfsdk:"max_items"`
	ItemCount     types.Int64   `tfsdk:"item_count"`
	ItemsJSON     types.String  `tfsdk:"items_json"`
	Organizations types.List    `tfsdk:"organizations"`
	Mapping       *mappingModel `tfsdk:"mapping"`
	EntitiesJSON  types.String  `tfsdk:"entities_json"`
}

var organizationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "scim_managed": types.BoolType,
}}

func (d *organizationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organizations"
}

func (d *organizationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listAttributes("organizations")
	attrs["service_desk_id"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Read only the organizations of this service desk (`GET /servicedesk/{id}/organization`). " +
			"By default every organization of the site is read (`GET /organization`).",
	}
	attrs["account_id"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Read only the organizations this user (Atlassian account id) belongs to.",
	}
	attrs["organizations"] = schema.ListAttribute{
		Computed:    true,
		ElementType: organizationType,
		MarkdownDescription: "The organizations, in JSM's order: `id`, `name` and `scim_managed` (null when JSM does " +
			"not say, as for organizations created before SCIM existed). Null when a mapping is given.",
	}
	mappingAttributes(attrs, "organization")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads JSM organizations, of the whole site or of one service desk.",
		Attributes:          attrs,
	}
}

func (d *organizationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var m organizationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, client := d.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := jsm.OrganizationFilter{ServiceDeskID: m.ServiceDeskID.ValueString(), AccountID: m.AccountID.ValueString()}
	items, count, entitiesJSON, ok := d.readList(ctx, client, "the organizations", filter.Path(), jsm.ListOptions{Query: filter.Query(), MaxItems: maxItems(m.MaxItems)}, m.Mapping, &resp.Diagnostics)
	if !ok {
		return
	}
	m.ItemCount, m.EntitiesJSON = types.Int64Value(int64(count)), entitiesJSON
	m.Organizations, m.ItemsJSON = types.ListNull(organizationType), types.StringNull()
	if m.Mapping == nil {
		m.Organizations = typedList(items, "organization", organizationType, organizationObject, &resp.Diagnostics)
		m.ItemsJSON = types.StringValue(itemsJSON(items))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func organizationObject(o jsm.Organization) attr.Value {
	return types.ObjectValueMust(organizationType.AttrTypes, map[string]attr.Value{
		"id":           types.StringValue(o.ID),
		"name":         types.StringValue(o.Name),
		"scim_managed": types.BoolPointerValue(o.ScimManaged),
	})
}
