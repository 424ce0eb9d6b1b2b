package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
}

var absoluteHTTPURL = regexp.MustCompile(`^https?://[^/?#\s]+`)

func urlValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(absoluteHTTPURL, "must be an absolute http(s) URL such as https://your-domain.atlassian.net")}
}

func jsmSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "How to reach Jira Service Management. Needed only by the JSM data sources; every attribute " +
			"falls back to the environment variable named in its description.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The site URL, `https://your-domain.atlassian.net`, or for scoped API tokens and OAuth 2.0 " +
					"the gateway URL `https://api.atlassian.com/ex/jira/{cloudId}`. Environment variable `JSM_BASE_URL`.",
				Validators: urlValidators(),
			},
			"auth_type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`basic` (the account's email address and an API token, the default) or `bearer` " +
					"(an OAuth 2.0 access token in `api_token`). Environment variable `JSM_AUTH_TYPE`.",
				Validators: []validator.String{stringvalidator.OneOf(jsm.AuthBasic, jsm.AuthBearer)},
			},
			"username": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The account's email address, for `basic` auth. Environment variable `JSM_USERNAME`.",
			},
			"api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The API token (`basic`) or access token (`bearer`). Never logged or stored in state. " +
					"Environment variable `JSM_API_TOKEN`.",
			},
			"page_size": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The `limit` sent with each page request, 1 to 100 (default %d). JSM may cap "+
					"a page below it; the client follows such pages. Environment variable `JSM_PAGE_SIZE`.", jsm.DefaultPageSize),
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
			"concurrency": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many pages of one list may be in flight at once (default %d). "+
					"Environment variable `JSM_CONCURRENCY`.", jsm.DefaultConcurrency),
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
			"requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "An upper bound on requests per second to JSM (default: no bound beyond `concurrency`; " +
					"429 answers are always honoured). Environment variable `JSM_REQUESTS_PER_SECOND`.",
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Timeout of each HTTP request as a Go duration such as `30s` or `2m` (default `%s`). "+
					"Environment variable `JSM_TIMEOUT`.", jsm.DefaultTimeout),
				Validators: []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How often a request that failed with 429, 5xx, a timeout or a transport error "+
					"is retried (default %d; 0 disables retries). A host that does not resolve or refuses the connection fails at once. "+
					"Environment variable `JSM_MAX_RETRIES`.", jsm.DefaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"max_list_reads": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How often one list may be read when its reads keep repeating items, 1 to 10 "+
					"(default %d). JSM orders customer requests by latest activity, so on a busy desk a request updated during a "+
					"read is seen twice and may make a neighbour unread; the provider then reads the list again and uses the union "+
					"of the reads, until a read repeats nothing or this bound is reached (then it warns). Environment variable "+
					"`JSM_MAX_LIST_READS`.", jsm.DefaultMaxReads),
				Validators: []validator.Int64{int64validator.Between(1, 10)},
			},
			"ca_certificates_pem": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Extra PEM-encoded CA certificates to trust, for a TLS-inspecting proxy or a " +
					"self-signed Data Center certificate; the system roots stay trusted. Use `file(\"ca.pem\")`. " +
					"Proxies are read from `HTTPS_PROXY` and `NO_PROXY`. Environment variable `JSM_CA_CERTIFICATES_PEM`.",
			},
		},
	}
}

// resolveJSM merges configuration and environment into a JSM client. A
// missing required setting is recorded, not reported: only the data sources
// that read JSM need it.
func resolveJSM(ctx context.Context, m *jsmModel, version string, diags *diag.Diagnostics) jsmSettings {
	if m == nil {
		m = &jsmModel{}
	}
	env := os.LookupEnv
	baseURL, ok := stringSetting(m.BaseURL, "JSM_BASE_URL", env)
	if !ok {
		return jsmSettings{missing: "the setting jsm.base_url (environment variable JSM_BASE_URL) is not set"}
	}
	authType, _ := stringSetting(m.AuthType, "JSM_AUTH_TYPE", env)
	if authType == "" {
		authType = jsm.AuthBasic
	}
	username, hasUser := stringSetting(m.Username, "JSM_USERNAME", env)
	token, hasToken := stringSetting(m.APIToken, "JSM_API_TOKEN", env)
	switch {
	case authType == jsm.AuthBasic && !hasUser:
		return jsmSettings{missing: "the setting jsm.username (environment variable JSM_USERNAME), the account's email address, is not set"}
	case !hasToken:
		return jsmSettings{missing: "the setting jsm.api_token (environment variable JSM_API_TOKEN) is not set"}
	}
	cfg := jsm.Config{
		BaseURL: baseURL, AuthType: authType, Username: username, APIToken: token,
		UserAgent: "terraform-provider-portjsm/" + version,
		Logger:    newTFLogLogger(),
	}
	cfg.PageSize = int(intSetting(m.PageSize, "JSM_PAGE_SIZE", 1, 100, diags))
	cfg.Concurrency = int(intSetting(m.Concurrency, "JSM_CONCURRENCY", 1, 64, diags))
	cfg.MaxRetries = int(intSetting(m.MaxRetries, "JSM_MAX_RETRIES", 0, 20, diags))
	if cfg.MaxRetries == 0 && (!m.MaxRetries.IsNull() || os.Getenv("JSM_MAX_RETRIES") != "") {
		cfg.MaxRetries = -1
	}
	cfg.MaxReads = int(intSetting(m.MaxListReads, "JSM_MAX_LIST_READS", 1, 10, diags))
	cfg.RequestsPerSecond = floatSetting(m.RequestsPerSecond, "JSM_REQUESTS_PER_SECOND", diags)
	if s, ok := stringSetting(m.Timeout, "JSM_TIMEOUT", env); ok {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("jsm").AtName("timeout"), "Invalid JSM Timeout", fmt.Sprintf("The timeout %q is not a positive Go duration. Use a value such as \"30s\" or \"2m\".", s))
		}
		cfg.Timeout = d
	}
	if s, ok := stringSetting(m.CACertificatesPEM, "JSM_CA_CERTIFICATES_PEM", env); ok {
		cfg.CACertificatesPEM = []byte(s)
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

func intSetting(v types.Int64, envVar string, lo, hi int64, diags *diag.Diagnostics) int64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64()
	}
	s := os.Getenv(envVar)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		diags.AddError("Invalid Environment Variable", fmt.Sprintf("%s is %q, but it must be a whole number from %d to %d. Fix or unset it.", envVar, s, lo, hi))
	}
	return n
}

func floatSetting(v types.Float64, envVar string, diags *diag.Diagnostics) float64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueFloat64()
	}
	s := os.Getenv(envVar)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		diags.AddError("Invalid Environment Variable", fmt.Sprintf("%s is %q, but it must be a positive number. Fix or unset it.", envVar, s))
	}
	return f
}
