package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
)

type jsmModel struct {
	BaseURL           types.String  `tfsdk:"base_url"`
	AuthType          types.String  `tfsdk:"auth_type"`
	Username          types.String  `tfsdk:"username"`
	APIToken          types.String  `tfsdk:"api_token"`
	PageSize          types.Int64   `tfsdk:"page_size"`
	Concurrency       types.Int64   `tfsdk:"concurrency"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	Timeout           types.String  `tfsdk:"timeout"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	MaxListReads      types.Int64   `tfsdk:"max_list_reads"`
	CACertificatesPEM types.String  `tfsdk:"ca_certificates_pem"`
	MaxServerWait     types.String  `tfsdk:"max_server_wait"`
}

// jsmSetting holds every setting of the jsm block.
var jsmSetting = struct {
	baseURL, authType, username, apiToken, caCertificatesPEM textSetting
	pageSize, concurrency, maxRetries, maxListReads          intSetting
	requestsPerSecond                                        floatSetting
	timeout, maxServerWait                                   durationSetting
}{
	baseURL:           textSetting{name: "jsm.base_url", env: "JSM_BASE_URL"},
	authType:          textSetting{name: "jsm.auth_type", env: "JSM_AUTH_TYPE", def: jsm.AuthBasic},
	username:          textSetting{name: "jsm.username", env: "JSM_USERNAME"},
	apiToken:          textSetting{name: "jsm.api_token", env: "JSM_API_TOKEN"},
	caCertificatesPEM: textSetting{name: "jsm.ca_certificates_pem", env: "JSM_CA_CERTIFICATES_PEM"},
	pageSize:          intSetting{env: "JSM_PAGE_SIZE", lo: 1, hi: 100, def: jsm.DefaultPageSize},
	concurrency:       intSetting{env: "JSM_CONCURRENCY", lo: 1, hi: 64, def: jsm.DefaultConcurrency},
	maxRetries:        intSetting{env: "JSM_MAX_RETRIES", lo: 0, hi: 20, def: httpbase.DefaultMaxRetries},
	maxListReads:      intSetting{env: "JSM_MAX_LIST_READS", lo: 1, hi: 10, def: jsm.DefaultMaxReads},
	requestsPerSecond: floatSetting{env: "JSM_REQUESTS_PER_SECOND", lo: 0.1, none: "no bound beyond `concurrency`"},
	timeout:           durationSetting{name: "jsm.timeout", env: "JSM_TIMEOUT", def: jsm.DefaultTimeout, invalid: "Invalid JSM Timeout"},
	maxServerWait: durationSetting{name: "jsm.max_server_wait", env: "JSM_MAX_SERVER_WAIT", def: httpbase.DefaultMaxServerWait,
		invalid: "Invalid JSM Max Server Wait"},
}

func jsmSchema() schema.SingleNestedAttribute {
	s := jsmSetting
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "How to reach Jira Service Management. Needed only by the JSM data sources; every attribute " +
			"falls back to the environment variable named in its description.",
		Attributes: map[string]schema.Attribute{
			"base_url": s.baseURL.attribute("The site URL, `https://your-domain.atlassian.net`, or for scoped API tokens and OAuth 2.0 "+
				"the gateway URL `https://api.atlassian.com/ex/jira/{cloudId}`.", append(urlValidators(), jsmBaseURLValidator{})...),
			"auth_type": s.authType.attribute("`basic` (the account's email address and an API token) or `bearer` "+
				"(an OAuth 2.0 access token in `api_token`).", stringvalidator.OneOf(jsm.AuthBasic, jsm.AuthBearer)),
			"username":  s.username.attribute("The account's email address, for `basic` auth."),
			"api_token": s.apiToken.secret("The API token (`basic`) or access token (`bearer`). Never logged or stored in state."),
			"page_size": s.pageSize.attribute("The `limit` sent with each page request. JSM may cap a page below it; the client " +
				"follows such pages."),
			"concurrency": s.concurrency.attribute("How many page requests of one list may be in flight at once (a page already answered, being decoded and mapped, does not count)."),
			"requests_per_second": s.requestsPerSecond.attribute("An upper bound on requests per second to JSM, to leave room " +
				"for other clients. Without it the provider still paces each endpoint by Atlassian's burst-limit headers " +
				"(`X-RateLimit-Remaining`); the wait a 429 answer asks for is honoured up to `max_server_wait`."),
			"timeout": s.timeout.attribute("Timeout of each HTTP request."),
			"max_retries": s.maxRetries.attribute("How often a request that failed with 429, 5xx, a timeout or a transport error " +
				"is retried; 0 disables retries. A host that does not resolve or refuses the connection fails at once."),
			"max_list_reads": s.maxListReads.attribute("How often one list may be read when its reads keep repeating items. " +
				"JSM orders customer requests by latest activity, so on a busy desk a request updated during a read is seen twice " +
				"and may make a neighbour unread; the provider then reads the list again and uses the union of the reads, until " +
				"a read repeats nothing or this bound is reached (then it warns)."),
			"ca_certificates_pem": s.caCertificatesPEM.attribute("Extra PEM-encoded CA certificates to trust, for a TLS-inspecting " +
				"proxy or a self-signed Data Center certificate; the system roots stay trusted. Use `file(\"ca.pem\")`. " +
				"Proxies are read from `HTTPS_PROXY` and `NO_PROXY`."),
			"max_server_wait": s.maxServerWait.attribute("The longest wait the provider sits through when JSM asks for one " +
				"(`Retry-After` on a 429 or 503 answer). A longer wait, such as the rest of an hourly quota, fails the read at once " +
				"with an error that quotes the header, instead of leaving Terraform silent: run again after it, or raise this. " +
				"A 429 of Atlassian's hourly points quota (OAuth 2.0 apps) fails at once whatever its `Retry-After`."),
		},
	}
}

// resolveJSM merges configuration and environment into a JSM client. A
// missing required setting is recorded, not reported: only the data sources
// that read JSM need it.
func resolveJSM(m *jsmModel, version string, diags *diag.Diagnostics) jsmSettings {
	if m == nil {
		m = &jsmModel{}
	}
	s := jsmSetting
	baseURL, ok := s.baseURL.resolve(m.BaseURL)
	if !ok {
		return jsmSettings{missing: s.baseURL.notSet()}
	}
	authType, _ := s.authType.resolve(m.AuthType)
	username, hasUser := s.username.resolve(m.Username)
	token, hasToken := s.apiToken.resolve(m.APIToken)
	switch {
	case authType == jsm.AuthBasic && !hasUser:
		return jsmSettings{missing: fmt.Sprintf("the setting %s (environment variable %s), the account's email address, is not set", s.username.name, s.username.env)}
	case !hasToken:
		return jsmSettings{missing: s.apiToken.notSet()}
	}
	caPEM, _ := s.caCertificatesPEM.resolve(m.CACertificatesPEM)
	cfg := jsm.Config{
		BaseURL: baseURL, AuthType: authType, Username: username, APIToken: token,
		PageSize:    int(s.pageSize.resolve(m.PageSize, diags)),
		Concurrency: int(s.concurrency.resolve(m.Concurrency, diags)),
		MaxReads:    int(s.maxListReads.resolve(m.MaxListReads, diags)),
		Options: clientOptions(version, s.maxRetries.resolve(m.MaxRetries, diags),
			s.requestsPerSecond.resolve(m.RequestsPerSecond, diags),
			s.timeout.resolve(m.Timeout, path.Root("jsm").AtName("timeout"), diags),
			s.maxServerWait.resolve(m.MaxServerWait, path.Root("jsm").AtName("max_server_wait"), diags), caPEM),
	}
	if diags.HasError() {
		return jsmSettings{}
	}
	client, err := jsm.New(cfg)
	if err != nil {
		diags.AddAttributeError(path.Root("jsm"), "Invalid JSM Configuration", fmt.Sprintf("The JSM settings cannot be used: %s. Fix the jsm block of the provider or the JSM_* environment variables.", err))
		return jsmSettings{}
	}
	return jsmSettings{client: client, secrets: []string{token}}
}
