package provider

import (
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// DefaultPortBaseURL is Port's EU API; US accounts use https://api.us.port.io.
const DefaultPortBaseURL = "https://api.port.io"

type portModel struct {
	BaseURL      types.String `tfsdk:"base_url"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
}

func portSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "How to reach Port. Needed only by the Port resources; every attribute falls back to the " +
			"environment variable named in its description.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Port's API URL: `" + DefaultPortBaseURL + "` (EU, the default) or " +
					"`https://api.us.port.io` (US). Environment variable `PORT_BASE_URL`.",
				Validators: urlValidators(),
			},
			"client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The client ID of Port credentials. Environment variable `PORT_CLIENT_ID`.",
			},
			"client_secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The client secret of Port credentials. Never logged or stored in state. " +
					"Environment variable `PORT_CLIENT_SECRET`.",
			},
		},
	}
}

func resolvePort(m *portModel, _ *diag.Diagnostics) portSettings {
	if m == nil {
		m = &portModel{}
	}
	env := os.LookupEnv
	baseURL, ok := stringSetting(m.BaseURL, "PORT_BASE_URL", env)
	if !ok {
		baseURL = DefaultPortBaseURL
	}
	clientID, ok := stringSetting(m.ClientID, "PORT_CLIENT_ID", env)
	if !ok {
		return portSettings{missing: "the setting port.client_id (environment variable PORT_CLIENT_ID) is not set"}
	}
	secret, ok := stringSetting(m.ClientSecret, "PORT_CLIENT_SECRET", env)
	if !ok {
		return portSettings{missing: "the setting port.client_secret (environment variable PORT_CLIENT_SECRET) is not set"}
	}
	return portSettings{baseURL: baseURL, clientID: clientID, clientSecret: secret}
}
