package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

type portModel struct {
	BaseURL           types.String  `tfsdk:"base_url"`
	ClientID          types.String  `tfsdk:"client_id"`
	ClientSecret      types.String  `tfsdk:"client_secret"`
	Timeout           types.String  `tfsdk:"timeout"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	Concurrency       types.Int64   `tfsdk:"concurrency"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	CACertificatesPEM types.String  `tfsdk:"ca_certificates_pem"`
	MaxServerWait     types.String  `tfsdk:"max_server_wait"`
}

// portSetting holds every setting of the port block.
var portSetting = struct {
	baseURL, clientID, clientSecret, caCertificatesPEM textSetting
	maxRetries, concurrency                            intSetting
	requestsPerSecond                                  floatSetting
	timeout, maxServerWait                             durationSetting
}{
	baseURL:           textSetting{name: "port.base_url", env: "PORT_BASE_URL", def: port.DefaultBaseURL},
	clientID:          textSetting{name: "port.client_id", env: "PORT_CLIENT_ID"},
	clientSecret:      textSetting{name: "port.client_secret", env: "PORT_CLIENT_SECRET"},
	caCertificatesPEM: textSetting{name: "port.ca_certificates_pem", env: "PORT_CA_CERTIFICATES_PEM"},
	maxRetries:        intSetting{env: "PORT_MAX_RETRIES", lo: 0, hi: 20, def: httpbase.DefaultMaxRetries},
	concurrency:       intSetting{env: "PORT_CONCURRENCY", lo: 1, hi: 32, def: port.DefaultConcurrency},
	requestsPerSecond: floatSetting{env: "PORT_REQUESTS_PER_SECOND", lo: 0.1, none: "no bound beyond `concurrency`"},
	timeout:           durationSetting{name: "port.timeout", env: "PORT_TIMEOUT", def: port.DefaultTimeout, invalid: "Invalid Port Timeout"},
	maxServerWait: durationSetting{name: "port.max_server_wait", env: "PORT_MAX_SERVER_WAIT", def: httpbase.DefaultMaxServerWait,
		invalid: "Invalid Port Max Server Wait"},
}

func portSchema() schema.SingleNestedAttribute {
	s := portSetting
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "How to reach Port. Needed only by the Port resources; every attribute falls back to the " +
			"environment variable named in its description.",
		Attributes: map[string]schema.Attribute{
			"base_url": s.baseURL.attribute("Port's API URL: `"+port.DefaultBaseURL+"` (EU) or `"+port.USBaseURL+"` (US).",
				urlValidators()...),
			"client_id":     s.clientID.attribute("The client ID of Port credentials."),
			"client_secret": s.clientSecret.secret("The client secret of Port credentials. Never logged or stored in state."),
			"timeout":       s.timeout.attribute("Timeout of each HTTP request."),
			"max_retries": s.maxRetries.attribute("How often a request that failed with 429, 5xx or a transport error is " +
				"retried; 0 disables retries. Only idempotent requests are retried."),
			"concurrency": s.concurrency.attribute("How many bulk requests may run at once."),
			"requests_per_second": s.requestsPerSecond.attribute("An upper bound on requests per second to Port. " +
				"Independently of it, the client follows the budget Port states on every answer (`x-ratelimit-remaining`, " +
				"`x-ratelimit-reset`) and slows down before Port refuses it; the wait a 429 answer asks for is honoured up to " +
				"`max_server_wait`."),
			"ca_certificates_pem": s.caCertificatesPEM.attribute("Extra PEM-encoded CA certificates to trust, for a " +
				"TLS-inspecting proxy; the system roots stay trusted."),
			"max_server_wait": s.maxServerWait.attribute("The longest wait the provider sits through when Port asks for one: " +
				"`Retry-After` (or `x-ratelimit-reset`) on a 429 or 503 answer, and the wait for `x-ratelimit-reset` once the " +
				"budget Port states is spent. Port's rate-limit windows last 5 minutes. A longer wait fails the request at once " +
				"with an error that quotes the header, instead of leaving Terraform silent: run again after the reset, or raise this."),
		},
	}
}

// resolvePort merges configuration and environment into a Port client. A
// missing credential is recorded, not reported: only resources need it.
func resolvePort(m *portModel, version string, diags *diag.Diagnostics) portSettings {
	if m == nil {
		m = &portModel{}
	}
	s := portSetting
	baseURL, _ := s.baseURL.resolve(m.BaseURL)
	clientID, ok := s.clientID.resolve(m.ClientID)
	if !ok {
		return portSettings{missing: s.clientID.notSet()}
	}
	secret, ok := s.clientSecret.resolve(m.ClientSecret)
	if !ok {
		return portSettings{missing: s.clientSecret.notSet()}
	}
	caPEM, _ := s.caCertificatesPEM.resolve(m.CACertificatesPEM)
	cfg := port.Config{
		BaseURL: baseURL, ClientID: clientID, ClientSecret: secret,
		Concurrency: int(s.concurrency.resolve(m.Concurrency, diags)),
		Options: clientOptions(version, s.maxRetries.resolve(m.MaxRetries, diags),
			s.requestsPerSecond.resolve(m.RequestsPerSecond, diags),
			s.timeout.resolve(m.Timeout, path.Root("port").AtName("timeout"), diags),
			s.maxServerWait.resolve(m.MaxServerWait, path.Root("port").AtName("max_server_wait"), diags), caPEM),
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

// portSignInTimeout bounds the sign-in at configuration. A Port that does not
// answer by then is left to the calls that need it, which report it with
// what they were doing.
const portSignInTimeout = 20 * time.Second

// signInToPort fetches the access token while the provider is configured:
// credentials Port refuses (a wrong secret, or the other region's) are then
// one error of the provider block, not one for every resource that needs
// Port. Other failures are left to those resources.
func signInToPort(ctx context.Context, client *port.Client, diags *diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, portSignInTimeout)
	defer cancel()
	err := client.SignIn(ctx)
	switch {
	case err == nil:
	case isMisconfiguredPort(err):
		addMisconfiguredPort(diags, "signing in to Port", err)
	default:
		tflog.Debug(ctx, "Port sign-in left to the calls that need Port", map[string]any{"error": err.Error()})
	}
}
