package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// providerData is what Configure hands to data sources and resources. A
// side that is not configured records the first missing setting, so that
// only the data sources or resources that need it fail, naming it.
type providerData struct {
	version string
	jsm     jsmSettings
	port    portSettings
	jq      mapping.Limits
	// schemas is what this provider's plan knows of blueprint schemas.
	schemas *blueprintSchemas
	// prefetch holds the searches started ahead of refreshes.
	prefetch *refreshPrefetch
}

type jsmSettings struct {
	client  *jsm.Client
	secrets []string
	missing string
}

type portSettings struct {
	client  *port.Client
	secrets []string
	missing string
}

// jsmClient returns the JSM client or adds the diagnostic that says which
// setting is missing.
func (d *providerData) jsmClient(diags *diag.Diagnostics) *jsm.Client {
	if d == nil {
		diags.AddError("Provider Not Configured", "The portjsm provider was not configured before this data source was read. This is a bug in the provider: please report it.")
		return nil
	}
	if d.jsm.client == nil {
		diags.AddError("Missing JSM Configuration", fmt.Sprintf(
			"This data source reads Jira Service Management, but %s. Set it in the provider's jsm block or in its environment variable.", d.jsm.missing))
		return nil
	}
	return d.jsm.client
}

// portClient returns the Port client or adds the diagnostic that says which
// setting is missing.
func (d *providerData) portClient(diags *diag.Diagnostics) *port.Client {
	if d == nil {
		diags.AddError("Provider Not Configured", "The portjsm provider was not configured before this resource was used. This is a bug in the provider: please report it.")
		return nil
	}
	if d.port.client == nil {
		diags.AddError("Missing Port Configuration", fmt.Sprintf(
			"This resource manages Port, but %s. Set it in the provider's port block or in its environment variable.", d.port.missing))
		return nil
	}
	return d.port.client
}
