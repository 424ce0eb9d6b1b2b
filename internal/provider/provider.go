// Package provider is the Terraform glue of terraform-provider-portjsm:
// schemas, models, reads and diagnostics. HTTP lives in internal/jsm and
// internal/port.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ provider.Provider              = (*portJSMProvider)(nil)
	_ provider.ProviderWithFunctions = (*portJSMProvider)(nil)
)

// New returns the provider factory providerserver.Serve needs.
func New(version string) func() provider.Provider {
	return NewInterruptible(version, context.Background())
}

// NewInterruptible is New for the provider binary: provider function calls
// also stop when interrupt ends. On Ctrl-C Terraform cancels data source
// reads and resource operations through the protocol, but never a function
// call it is waiting for; a terminal's Ctrl-C reaches the provider process
// as SIGINT too, so main passes a context that ends on SIGINT.
func NewInterruptible(version string, interrupt context.Context) func() provider.Provider {
	return func() provider.Provider {
		return &portJSMProvider{version: version, interrupt: interrupt}
	}
}

type portJSMProvider struct {
	version   string
	interrupt context.Context
	// prefetch is shared with the protocol server that serves this
	// provider (NewServer); nil starts no search ahead of a refresh.
	prefetch *refreshPrefetch
}

type providerModel struct {
	JSM  *jsmModel  `tfsdk:"jsm"`
	Port *portModel `tfsdk:"port"`
	JQ   *jqModel   `tfsdk:"jq"`
}

func (p *portJSMProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "portjsm"
	resp.Version = p.version
}

func (p *portJSMProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Syncs Jira Service Management (JSM) service desks, customer requests and organizations into " +
			"[Port](https://www.port.io). Data sources read JSM through one paginating client; resources manage Port " +
			"blueprints and entities, so `terraform plan` shows what a sync will change. Every setting falls back to an " +
			"environment variable, so secrets can stay out of configuration files.",
		Attributes: map[string]schema.Attribute{
			"jsm":  jsmSchema(),
			"port": portSchema(),
			"jq":   jqSchema(),
		},
	}
}

func (p *portJSMProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{version: p.version, schemas: newBlueprintSchemas(), prefetch: p.prefetch}
	p.prefetch.configure(nil, nil)
	data.jsm = resolveJSM(cfg.JSM, p.version, &resp.Diagnostics)
	data.port = resolvePort(cfg.Port, p.version, &resp.Diagnostics)
	data.jq = resolveJQ(cfg.JQ, &resp.Diagnostics)
	if data.port.client != nil {
		signInToPort(ctx, data.port.client, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "configured portjsm provider", map[string]any{
		"jsm_configured": data.jsm.missing == "", "port_configured": data.port.missing == "",
	})
	p.prefetch.configure(data.port.client, data.port.secrets)
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *portJSMProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newBlueprintResource,
		newEntityResource,
		newEntitiesResource,
	}
}

func (p *portJSMProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newServiceDesksDataSource,
		newCustomerRequestsDataSource,
		newOrganizationsDataSource,
		newRecordsDataSource,
		newOceanMappingDataSource,
	}
}

func (p *portJSMProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		func() function.Function { return &jqFunction{interrupt: p.interrupt} },
	}
}
