package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// portResource is embedded by every Port resource: it receives the provider
// data and hands out the client.
type portResource struct {
	data *providerData
}

func (r *portResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", req.ProviderData))
		return
	}
	r.data = data
}

// client returns the Port client and a context that masks its secrets.
func (r *portResource) client(ctx context.Context, diags *diag.Diagnostics) (context.Context, *port.Client) {
	c := r.data.portClient(diags)
	if c == nil {
		return ctx, nil
	}
	return withSecretsMasked(ctx, r.data.port.secrets), c
}

// portMessage is Port's own message for an error, or the error text.
func portMessage(err error) string {
	var apiErr *httpbase.APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return strings.TrimSuffix(apiErr.Message, ".")
	}
	return strings.TrimSuffix(err.Error(), ".")
}

// addPortError turns a failed Port call into a diagnostic that says what to do.
func addPortError(diags *diag.Diagnostics, what string, err error) {
	msg := strings.TrimSuffix(err.Error(), ".")
	var apiErr *httpbase.APIError
	status := 0
	if errors.As(err, &apiErr) {
		status = apiErr.StatusCode
	}
	transportErr, isTransport := httpbase.AsTransportError(err)
	var tooLong *httpbase.WaitTooLongError
	var missing *missingBlueprintError
	switch {
	case errors.As(err, &missing):
		addMissingBlueprint(diags, what, missing)
	case isMisconfiguredPort(err):
		addMisconfiguredPort(diags, what, err)
	case errors.As(err, &tooLong):
		addWaitTooLong(diags, what, tooLong, "port.max_server_wait (PORT_MAX_SERVER_WAIT)")
	case isTransport && transportErr.Cause == httpbase.CauseUnreachable:
		diags.AddError("Port Unreachable", fmt.Sprintf("%s failed: %s. Check port.base_url (PORT_BASE_URL): its host must "+
			"resolve and accept connections (https://api.port.io for EU, https://api.us.port.io for US); a proxy is taken "+
			"from HTTPS_PROXY and NO_PROXY. The request was not retried, as an unreachable host does not come back within a run.",
			capitalize(what), msg))
	case isTransport && transportErr.Cause == httpbase.CauseTimeout:
		diags.AddError("Port Timed Out", fmt.Sprintf("%s failed: %s. Port accepted the connection but sent no complete answer "+
			"within port.timeout (PORT_TIMEOUT, now %s): run again, and raise it if Port is slow.", capitalize(what), msg,
			transportErr.Timeout))
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		diags.AddError("Port Permission Denied", fmt.Sprintf("%s failed: %s. The credentials were accepted but may not do this; "+
			"use credentials of a Port admin or of a role that may manage this blueprint.", capitalize(what), msg))
	case status == http.StatusNotFound:
		diags.AddError("Port Resource Not Found", fmt.Sprintf("%s failed: %s. Check that the blueprint and related entities exist, "+
			"or create them first (depends_on, or create_missing_related_entities where available).", capitalize(what), msg))
	case status == http.StatusConflict:
		diags.AddError("Port Resource Already Exists", fmt.Sprintf("%s failed: %s. Import it into Terraform "+
			"(terraform import, or an import block) instead of creating it again.", capitalize(what), msg))
	case status == http.StatusUnprocessableEntity || status == http.StatusBadRequest:
		diags.AddError("Port Rejected The Request", fmt.Sprintf("%s failed: %s. Fix the configuration so that it matches the "+
			"blueprint's schema and Port's rules.", capitalize(what), msg))
	case status == http.StatusTooManyRequests:
		diags.AddError("Port Rate Limit Exceeded", fmt.Sprintf("%s failed: %s. Port kept refusing requests after every retry; "+
			"run again later.", capitalize(what), msg))
	default:
		diags.AddError("Port Request Failed", fmt.Sprintf("%s failed: %s. Run again; the state records only what Port confirmed.", capitalize(what), msg))
	}
}

// addWaitTooLong reports a wait the server asked for that is longer than the
// provider sits through; setting names the max_server_wait of its client.
func addWaitTooLong(diags *diag.Diagnostics, what string, err *httpbase.WaitTooLongError, setting string) {
	diags.AddError(err.Service+" Asked For A Long Wait", fmt.Sprintf("%s stopped: %s. Nothing more was sent. A wait this "+
		"long is a spent quota or rate limit, or a header the provider cannot read as the service meant it; run again "+
		"after the reset, or raise %s if such waits are expected.", capitalize(what), strings.TrimSuffix(err.Error(), "."), setting))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
