package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

var _ datasource.DataSourceWithConfigure = (*customerRequestsDataSource)(nil)

func newCustomerRequestsDataSource() datasource.DataSource { return &customerRequestsDataSource{} }

type customerRequestsDataSource struct{ jsmDataSource }

type customerRequestsModel struct {
	ServiceDeskID    types.String  `tfsdk:"service_desk_id"`
	RequestTypeID    types.String  `tfsdk:"request_type_id"`
	RequestStatus    types.String  `tfsdk:"request_status"`
	RequestOwnership []string      `tfsdk:"request_ownership"`
	ApprovalStatus   types.String  `tfsdk:"approval_status"`
	OrganizationID   types.String  `tfsdk:"organization_id"`
	SearchTerm       types.String  `tfsdk:"search_term"`
	Expand           []string      `tfsdk:"expand"`
	MaxItems         types.Int64   `tfsdk:"max_items"`
	ItemCount        types.Int64   `tfsdk:"item_count"`
	ItemsJSON        types.String  `tfsdk:"items_json"`
	Requests         types.List    `tfsdk:"requests"`
	Mapping          *mappingModel `tfsdk:"mapping"`
	EntitiesJSON     types.String  `tfsdk:"entities_json"`
}

var customerRequestType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"issue_id": types.StringType, "issue_key": types.StringType, "summary": types.StringType,
	"status": types.StringType, "status_category": types.StringType, "created_at": types.StringType,
	"service_desk_id": types.StringType, "request_type_id": types.StringType, "reporter_account_id": types.StringType,
}}

var requestOwnershipValues = []string{"OWNED_REQUESTS", "PARTICIPATED_REQUESTS", "ORGANIZATION", "ALL_ORGANIZATIONS", "APPROVER", "ALL_REQUESTS"}

func (d *customerRequestsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_requests"
}

func (d *customerRequestsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listAttributes("customer requests")
	attrs["service_desk_id"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Read only the requests of this service desk.",
	}
	attrs["request_type_id"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Read only requests of this request type. JSM requires `service_desk_id` with it.",
		Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("service_desk_id"))},
	}
	attrs["request_status"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "`OPEN_REQUESTS`, `CLOSED_REQUESTS` or `ALL_REQUESTS` (JSM's default).",
		Validators:          []validator.String{stringvalidator.OneOf("OPEN_REQUESTS", "CLOSED_REQUESTS", "ALL_REQUESTS")},
	}
	attrs["request_ownership"] = schema.ListAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Which requests of the account to read, any of `OWNED_REQUESTS`, `PARTICIPATED_REQUESTS`, " +
			"`ORGANIZATION` (with `organization_id`), `ALL_ORGANIZATIONS`, `APPROVER` and `ALL_REQUESTS`. JSM's default is " +
			"`OWNED_REQUESTS`, `PARTICIPATED_REQUESTS` and `ALL_ORGANIZATIONS`.",
		Validators: []validator.List{
			listvalidator.SizeAtLeast(1),
			listvalidator.UniqueValues(),
			listvalidator.ValueStringsAre(stringvalidator.OneOf(requestOwnershipValues...)),
		},
	}
	attrs["approval_status"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "`MY_PENDING_APPROVAL` or `MY_HISTORY_APPROVAL`; JSM honours it only with `request_ownership = [\"APPROVER\"]`.",
		Validators: []validator.String{
			stringvalidator.OneOf("MY_PENDING_APPROVAL", "MY_HISTORY_APPROVAL"),
			stringvalidator.AlsoRequires(path.MatchRoot("request_ownership")),
		},
	}
	attrs["organization_id"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Read the requests of this organization; JSM honours it only with `request_ownership = [\"ORGANIZATION\"]`.",
		Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("request_ownership"))},
	}
	attrs["search_term"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Read only requests whose summary matches this term (JSM's text search, wildcards allowed).",
	}
	attrs["expand"] = schema.ListAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Extra fields JSM should include in `items_json`: `serviceDesk`, `requestType`, `participant`, " +
			"`sla`, `status`, `attachment`, `action`, `comment`.",
		Validators: []validator.List{listvalidator.UniqueValues()},
	}
	attrs["requests"] = schema.ListAttribute{
		Computed:    true,
		ElementType: customerRequestType,
		MarkdownDescription: "The requests, in JSM's order: `issue_id`, `issue_key`, `summary` (the summary field's value), " +
			"`status`, `status_category` (`NEW`, `INDETERMINATE`, `DONE`), `created_at` (RFC 3339), `service_desk_id`, " +
			"`request_type_id` and `reporter_account_id`. Null when a mapping is given.",
	}
	mappingAttributes(attrs, "customer request")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads JSM customer requests (`GET /rest/servicedeskapi/request`) with every filter the API offers. " +
			"The account sees the requests its JSM permissions allow.",
		Attributes: attrs,
	}
}

func (d *customerRequestsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	defer phases.Start(ctx, phases.Provider)()
	var m customerRequestsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, client := d.client(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := jsm.RequestFilter{
		ServiceDeskID:    m.ServiceDeskID.ValueString(),
		RequestTypeID:    m.RequestTypeID.ValueString(),
		RequestStatus:    m.RequestStatus.ValueString(),
		RequestOwnership: m.RequestOwnership,
		ApprovalStatus:   m.ApprovalStatus.ValueString(),
		OrganizationID:   m.OrganizationID.ValueString(),
		SearchTerm:       m.SearchTerm.ValueString(),
		Expand:           m.Expand,
	}
	items, count, entitiesJSON, ok := d.readList(ctx, client, "the customer requests", jsm.CustomerRequestsPath, jsm.ListOptions{Query: filter.Query(), MaxItems: maxItems(m.MaxItems)}, m.Mapping, &resp.Diagnostics)
	if !ok {
		return
	}
	warnIfNoAgent(ctx, client, "the customer requests", &resp.Diagnostics)
	m.ItemCount, m.EntitiesJSON = types.Int64Value(int64(count)), entitiesJSON
	m.Requests, m.ItemsJSON = types.ListNull(customerRequestType), types.StringNull()
	if m.Mapping == nil {
		m.Requests = typedList(items, "customer request", customerRequestType, customerRequestObject, &resp.Diagnostics)
		m.ItemsJSON = types.StringValue(itemsJSON(items))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func customerRequestObject(r jsm.CustomerRequest) attr.Value {
	return types.ObjectValueMust(customerRequestType.AttrTypes, map[string]attr.Value{
		"issue_id":            types.StringValue(r.IssueID),
		"issue_key":           types.StringValue(r.IssueKey),
		"summary":             types.StringValue(r.Summary()),
		"status":              types.StringValue(r.CurrentStatus.Status),
		"status_category":     types.StringValue(r.CurrentStatus.StatusCategory),
		"created_at":          types.StringValue(rfc3339(r.CreatedDate.ISO8601)),
		"service_desk_id":     types.StringValue(r.ServiceDeskID),
		"request_type_id":     types.StringValue(r.RequestTypeID),
		"reporter_account_id": types.StringValue(r.Reporter.AccountID),
	})
}

// rfc3339 turns JSM's ISO 8601 form (offset without a colon) into RFC 3339,
// the form Terraform's time functions and Port's date-time format take. A
// value in another form is passed through unchanged.
func rfc3339(iso string) string {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, iso); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return iso
}
