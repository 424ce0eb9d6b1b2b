package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
)

// Atlassian's rate limits as the provider reports them: a read that one of
// them refused for longer than the provider waits, and a read that finds the
// hourly points quota nearly spent.

// jsmTokenAdvice is what an OAuth 2.0 app can do about the points quota.
const jsmTokenAdvice = "or authenticate with an API token (jsm.auth_type = \"basic\" with jsm.username and jsm.api_token " +
	"against the site URL): API-token traffic meets only Atlassian's burst limits, not the points quota"

// jsmShardAdvice is how a read spends fewer points.
const jsmShardAdvice = "read fewer objects per run: split the read into shards that run apart (for example one " +
	"portjsm_customer_requests per service_desk_id, each with its own portjsm_entities, in workspaces that run at different hours)"

func isJSMRateLimit(err error) bool {
	var rl *jsm.RateLimitError
	return errors.As(err, &rl)
}

// addJSMRateLimit reports a read that Atlassian's quota, or a burst limit
// asking for too long a wait, refused; err is a *jsm.RateLimitError.
func addJSMRateLimit(diags *diag.Diagnostics, what string, err error, noPartial string) {
	var rl *jsm.RateLimitError
	errors.As(err, &rl)
	msg := strings.TrimSuffix(err.Error(), ".")
	after := "after the reset"
	if !rl.Reset.IsZero() {
		after = "after " + rl.Reset.UTC().Format("2006-01-02 15:04 UTC")
	}
	if rl.Limit == jsm.LimitHourlyQuota {
		diags.AddError("JSM Hourly Quota Spent", fmt.Sprintf("Reading %s failed: %s. Atlassian charges an OAuth 2.0 app a "+
			"point for every request and one for every object it returns, and this app's hourly quota for the site is "+
			"used up; no wait within a run lifts it, so the request was not retried. Run again %s, when a new window "+
			"starts; %s; %s.%s", what, msg, after, jsmShardAdvice, jsmTokenAdvice, noPartial))
		return
	}
	diags.AddError("JSM Burst Limit Asks For A Long Wait", fmt.Sprintf("Reading %s failed: %s. Run again %s; another "+
		"client may share the limit, so lower jsm.concurrency or set jsm.requests_per_second; or raise jsm.max_server_wait "+
		"(JSM_MAX_SERVER_WAIT) if waits this long are expected.%s", what, msg, after, noPartial))
}

// warnJSMQuota warns when the answers of a read said that little is left of
// the hourly points quota, so that a scheduled run is noticed before it
// fails.
func warnJSMQuota(diags *diag.Diagnostics, what string, use *jsm.QuotaUse) {
	if use == nil || !use.State.NearLimit {
		return
	}
	diags.AddWarning("JSM Quota Nearly Spent", fmt.Sprintf("Reading %s: JSM said that little is left of the app's hourly "+
		"points quota (X-Beta-RateLimit-NearLimit: true): %s. A run that reads as much once the quota is spent fails "+
		"with \"JSM Hourly Quota Spent\": space the runs, %s, %s.", what, use.Describe(), jsmShardAdvice, jsmTokenAdvice))
}
