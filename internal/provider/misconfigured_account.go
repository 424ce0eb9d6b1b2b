package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// The answers a misconfigured account gets: a token Jira does not log in, a
// wrong site or gateway URL, a proxy's HTML page, an account that is no
// agent; Port credentials of another region, a secret rotated mid-run, a
// role that may not write a blueprint.

const noPartialRead = " No data was returned: a partial read is never used, so it cannot lead to deletions in Port."

// isMisconfiguredJSM reports whether err is one of the answers
// addMisconfiguredJSM explains.
func isMisconfiguredJSM(err error) bool {
	var rejected *jsm.LoginRejectedError
	var unknown *jsm.UnknownCloudIDError
	var page *httpbase.HTMLAnswerError
	return errors.As(err, &rejected) || errors.As(err, &unknown) || errors.As(err, &page)
}

func addMisconfiguredJSM(diags *diag.Diagnostics, what string, err error) {
	msg := strings.TrimSuffix(err.Error(), ".")
	var rejected *jsm.LoginRejectedError
	var unknown *jsm.UnknownCloudIDError
	switch {
	case errors.As(err, &rejected) && rejected.Captcha():
		diags.AddError("JSM Requires A CAPTCHA", fmt.Sprintf("Reading %s failed: %s. Jira locked API logins of jsm.username "+
			"(JSM_USERNAME) after repeated failures: log in once in a browser as that account and answer the CAPTCHA "+
			"(or have an admin reset its failed login count), then check jsm.api_token (JSM_API_TOKEN) before running "+
			"again: a wrong token locks the account again.%s", what, msg, noPartialRead))
	case errors.As(err, &rejected):
		diags.AddError("JSM Authentication Failed", fmt.Sprintf("Reading %s failed: %s. The API token was not accepted for "+
			"jsm.username (JSM_USERNAME): it is wrong, revoked or expired, or belongs to another account. Create a new API "+
			"token at https://id.atlassian.com/manage-profile/security/api-tokens and set it in jsm.api_token "+
			"(JSM_API_TOKEN).%s", what, msg, noPartialRead))
	case errors.As(err, &unknown):
		diags.AddError("JSM Cloud ID Unknown", fmt.Sprintf("Reading %s failed: %s. Check the cloud id in jsm.base_url "+
			"(JSM_BASE_URL), https://api.atlassian.com/ex/jira/<cloudId>: %s.%s", what, msg, jsm.TenantInfoHint, noPartialRead))
	default:
		diags.AddError("JSM Answered With A Web Page", fmt.Sprintf("Reading %s failed: %s. A single sign-on page, a proxy or "+
			"a firewall answered instead of JSM's API: check that jsm.base_url (JSM_BASE_URL) is the site itself "+
			"(https://your-domain.atlassian.net or https://api.atlassian.com/ex/jira/<cloudId>), and that the proxy in "+
			"HTTPS_PROXY lets the provider through (or list the site in NO_PROXY).%s", what, msg, noPartialRead))
	}
}

// warnIfNoAgent warns when the account sees no service desk: JSM then
// serves a customer's view, and a list of requests holds only those the
// account created or participates in. A probe that fails is left to the
// reads, which report their own failures.
func warnIfNoAgent(ctx context.Context, client *jsm.Client, what string, diags *diag.Diagnostics) {
	sees, err := client.SeesServiceDesks(ctx)
	if err != nil {
		tflog.Debug(ctx, "could not check whether the JSM account sees a service desk", map[string]any{"error": err.Error()})
		return
	}
	if !sees {
		addNoAgentWarning(diags, what)
	}
}

func addNoAgentWarning(diags *diag.Diagnostics, what string) {
	diags.AddWarning("JSM Account May Not Be An Agent", fmt.Sprintf("While reading %s, JSM listed no service desk for "+
		"jsm.username (JSM_USERNAME). An account without an agent licence is not refused: JSM answers with a customer's "+
		"view, in which the customer requests are only those the account created or participates in, whatever "+
		"request_ownership asks (OWNED_REQUESTS, PARTICIPATED_REQUESTS, ORGANIZATION, ALL_ORGANIZATIONS, APPROVER, "+
		"ALL_REQUESTS). A sync from such a view deletes every other request from Port. Use an account that is an agent "+
		"of the service desks, or check that the site has service desks.", what))
}

// isMisconfiguredPort reports whether err is one of the answers
// addMisconfiguredPort explains.
func isMisconfiguredPort(err error) bool {
	var creds *port.CredentialsError
	var page *httpbase.HTMLAnswerError
	return errors.As(err, &creds) || errors.As(err, &page) || httpbase.IsStatus(err, http.StatusForbidden)
}

func addMisconfiguredPort(diags *diag.Diagnostics, what string, err error) {
	msg := strings.TrimSuffix(err.Error(), ".")
	var creds *port.CredentialsError
	var apiErr *httpbase.APIError
	switch {
	case errors.As(err, &creds) && creds.Renewal:
		diags.AddError("Port Credentials Changed During The Run", fmt.Sprintf("%s failed: %s. The client secret was "+
			"rotated (or the credentials deleted) while the provider ran: set the new secret in port.client_secret "+
			"(PORT_CLIENT_SECRET) and run again.", capitalize(what), msg))
	case errors.As(err, &creds):
		diags.AddError("Port Authentication Failed", fmt.Sprintf("%s failed: %s. Check port.client_id (PORT_CLIENT_ID) and "+
			"port.client_secret (PORT_CLIENT_SECRET), from Port's Credentials page. The region may be wrong: credentials "+
			"work only in their organization's region, so port.base_url (PORT_BASE_URL) must be %s for an organization in "+
			"the EU or %s for one in the US.", capitalize(what), msg, port.DefaultBaseURL, port.USBaseURL))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		diags.AddError("Port Permission Denied", fmt.Sprintf("%s failed: %s. The credentials were accepted, but their role "+
			"may not do this%s: give it permission in Port (the blueprint's permissions, or an admin role), or use "+
			"credentials that have it.", capitalize(what), msg, blueprintNamed(apiErr.Endpoint)))
	default:
		diags.AddError("Port Answered With A Web Page", fmt.Sprintf("%s failed: %s. A proxy or firewall answered instead of "+
			"Port's API: check port.base_url (PORT_BASE_URL, %s or %s) and that the proxy in HTTPS_PROXY lets the provider "+
			"through (or list Port's host in NO_PROXY).", capitalize(what), msg, port.DefaultBaseURL, port.USBaseURL))
	}
}

// blueprintNamed is " on the blueprint <id>" for a Port endpoint below
// /v1/blueprints/<id>, "" otherwise.
func blueprintNamed(endpoint string) string {
	rest, ok := strings.CutPrefix(endpoint, "/v1/blueprints/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	id, _, _ = strings.Cut(id, "?")
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" on the blueprint %q", id)
}

// jsmBaseURLValidator checks jsm.base_url at terraform validate: a page path
// on the site, or the gateway without /ex/jira/<cloudId>.
type jsmBaseURLValidator struct{}

func (jsmBaseURLValidator) Description(context.Context) string {
	return "must be a JSM site URL or https://api.atlassian.com/ex/jira/<cloudId>"
}

func (v jsmBaseURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsmBaseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !absoluteHTTPURL.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	if _, err := jsm.ParseSiteURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSM Base URL", capitalize(err.Error())+".")
	}
}
