package provider

import (
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// DefaultPortBaseURL is Port's EU API; US accounts use https://api.us.port.io.
const DefaultPortBaseURL = "https://api.port.io"

type portModel struct {
	BaseURL           types.String  `tfsdk:"base_url"`
	ClientID          types.String  `tfsdk:"client_id"`
	ClientSecret      types.String  `tfsdk:"client_secret"`
	Timeout           types.String  `tfsdk:"timeout"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	Concurrency       types.Int64   `tfsdk:"concurrency"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	CACertificatesPEM types.String  `tfsdk:"ca_certificates_pem"`
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
			"timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Timeout of each HTTP request as a Go duration (default `60s`). Environment variable `PORT_TIMEOUT`.",
				Validators:          []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How often a request that failed with 429, 5xx or a transport error is retried (default 5; " +
					"0 disables retries). Only idempotent requests are retried. Environment variable `PORT_MAX_RETRIES`.",
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"concurrency": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "How many bulk requests may run at once (default 4). Environment variable `PORT_CONCURRENCY`.",
				Validators:          []validator.Int64{int64validator.Between(1, 32)},
			},
			"requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "An upper bound on requests per second to Port (default: no bound beyond `concurrency`). " +
					"Independently of it, the client follows the budget Port states on every answer (`x-ratelimit-remaining`, " +
					"`x-ratelimit-reset`) and slows down before Port refuses it; 429 answers are always honoured. Environment " +
					"variable `PORT_REQUESTS_PER_SECOND`.",
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"ca_certificates_pem": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Extra PEM-encoded CA certificates to trust, for a TLS-inspecting proxy; the system roots " +
					"stay trusted. Environment variable `PORT_CA_CERTIFICATES_PEM`.",
			},
		},
	}
}

// resolvePort merges configuration and environment into a Port client. A
// missing credential is recorded, not reported: only resources need it.
func resolvePort(m *portModel, version string, diags *diag.Diagnostics) portSettings {
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
	cfg := port.Config{
		BaseURL: baseURL, ClientID: clientID, ClientSecret: secret,
		UserAgent: "terraform-provider-portjsm/" + version,
		Logger:    newTFLogLogger(),
	}
	cfg.MaxRetries = int(intSetting(m.MaxRetries, "PORT_MAX_RETRIES", 0, 20, diags))
	if cfg.MaxRetries == 0 && (!m.MaxRetries.IsNull() || os.Getenv("PORT_MAX_RETRIES") != "") {
		cfg.MaxRetries = -1
	}
	cfg.Concurrency = int(intSetting(m.Concurrency, "PORT_CONCURRENCY", 1, 32, diags))
	cfg.RequestsPerSecond = floatSetting(m.RequestsPerSecond, "PORT_REQUESTS_PER_SECOND", diags)
	if s, ok := stringSetting(m.Timeout, "PORT_TIMEOUT", env); ok {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("port").AtName("timeout"), "Invalid Port Timeout", fmt.Sprintf("The timeout %q is not a positive Go duration. Use a value such as \"60s\" or \"2m\".", s))
		}
		cfg.Timeout = d
	}
	if s, ok := stringSetting(m.CACertificatesPEM, "PORT_CA_CERTIFICATES_PEM", env); ok {
		cfg.CACertificatesPEM = []byte(s)
	}
	if diags.HasError() {
		return portSettings{}
	}
	client, err := port.New(cfg)
	if err != nil {
		diags.AddAttributeError(path.Root("port"), "Invalid Port Configuration", fmt.Sprintf("The Port settings cannot be used: %s. Fix the port block of the provider or the PORT_* environment variables.", err))
		return portSettings{}
	}
	return portSettings{client: client, secrets: []string{secret}}
}
