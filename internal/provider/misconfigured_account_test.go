package provider

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// misconfiguredSync syncs the seed scenario, then runs a sync that must fail
// with want after misconfigure, and checks that Port got no write and still
// holds every request: even with deletion_threshold = 1 an answer for the
// wrong account is never taken for an empty list.
func misconfiguredSync(t *testing.T, token string, misconfigure func(*fakejsm.Server), want ...string) {
	t.Helper()
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 51, Requests: 120})
	anyLoss := config.Variables{"deletion_threshold": config.FloatVariable(1.0)}
	withToken := config.Variables{"deletion_threshold": config.FloatVariable(1.0), "jsm_api_token": config.StringVariable(token)}
	broken := f.step("sync_mapping", withToken)
	broken.PreConfig = func() {
		misconfigure(f.jsm)
		f.port.ResetCounters()
	}
	broken.ExpectError = errorMatching(want...)
	after := f.step("sync_mapping", anyLoss)
	after.PreConfig = func() {
		if n := f.writes(); n != 0 {
			t.Errorf("a misconfigured JSM account led to %d writes in Port: %v", n, f.port.RequestCounts())
		}
		if n := len(f.port.Entities("jsmCustomerRequest")); n != 120 {
			t.Errorf("Port holds %d of the 120 requests after the failed sync", n)
		}
		f.jsm.ServeBadTokensAsAnonymous(false)
		f.jsm.RequireCaptchaAfter(0)
		f.jsm.ClearFaults()
	}
	after.PlanOnly = true
	accTest(t, resource.TestCase{Steps: []resource.TestStep{f.step("sync_mapping", anyLoss), broken, after}})
}

func TestAccJSMRevokedTokenServedAsAnonymous(t *testing.T) {
	misconfiguredSync(t, "revoked-token", func(s *fakejsm.Server) { s.ServeBadTokensAsAnonymous(true) },
		"JSM Authentication Failed", "answered HTTP 200 with X-Seraph-LoginReason: AUTHENTICATED_FAILED",
		"anonymous caller", "Create a new API token", "No data was returned")
}

func TestAccJSMCaptchaRequired(t *testing.T) {
	misconfiguredSync(t, fakejsm.DefaultAPIToken, func(s *fakejsm.Server) {
		s.RequireCaptchaAfter(1)
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/rest/servicedeskapi/servicedesk", nil)
		req.SetBasicAuth(fakejsm.DefaultEmail, "an old token")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
		}
	}, "JSM Requires A CAPTCHA", "X-Seraph-LoginReason: AUTHENTICATION_DENIED",
		"X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE", "log in once in a browser")
}

func TestAccJSMSingleSignOnPage(t *testing.T) {
	misconfiguredSync(t, fakejsm.DefaultAPIToken, func(s *fakejsm.Server) { s.ServeHTMLPage("", http.StatusOK, "Sign in - Okta", -1) },
		"JSM Answered With A Web Page", `answered HTTP 200 with an HTML page titled "Sign in - Okta" instead of JSM's JSON`,
		"A single sign-on page, a proxy or a firewall answered", "HTTPS_PROXY")
}

// jsmReadStep reads the customer requests of baseURL, no Port involved.
func jsmReadStep(baseURL string, want ...string) resource.TestStep {
	return resource.TestStep{
		ConfigFile: config.StaticFile("testdata/requests_with_timeout.tf"),
		ConfigVariables: config.Variables{
			"jsm_base_url": config.StringVariable(baseURL), "jsm_api_token": config.StringVariable(fakejsm.DefaultAPIToken),
			"max_retries": config.IntegerVariable(1), "timeout": config.StringVariable("10s"),
		},
		ExpectError: errorMatching(want...),
	}
}

func TestAccJSMSiteURLWithAPagePath(t *testing.T) {
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{jsmReadStep("https://x.atlassian.net/jira/servicedesk/projects/IT",
		"Invalid JSM Base URL", `has the path "/jira/servicedesk/projects/IT"`, "use https://x.atlassian.net")}})
}

func TestAccJSMGatewayWithoutCloudID(t *testing.T) {
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{jsmReadStep("https://api.atlassian.com",
		"Invalid JSM Base URL", "https://api.atlassian.com/ex/jira/<cloudId>", "_edge/tenant_info shows your site's cloudId")}})
}

func TestAccJSMUnknownCloudID(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 52}, fakejsm.WithGateway("11111111-2222-3333-4444-555555555555"))
	wrong := strings.Replace(srv.URL(), "11111111", "99999999", 1)
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{jsmReadStep(wrong,
		"JSM Cloud ID Unknown", `for the cloud id "99999999-2222-3333-4444-555555555555"`, "_edge/tenant_info")}})
}

// An account that is no agent is answered with a customer's view: the read
// succeeds, and warns.
func TestAccJSMAccountNotAnAgent(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 53, Requests: 40})
	srv.ServeAsCustomer(true)
	tf := newTerraformCLI(t, "testdata/requests_with_timeout.tf", map[string]string{
		"TF_VAR_jsm_base_url": srv.URL(), "TF_VAR_jsm_api_token": fakejsm.DefaultAPIToken,
		"TF_VAR_max_retries": "1", "TF_VAR_timeout": "10s",
	})
	out := tf.run([]int{0}, "plan", "-no-color")
	for _, want := range []string{"Warning: JSM Account May Not Be An Agent", "listed no service desk", "customer's view",
		"OWNED_REQUESTS, PARTICIPATED_REQUESTS, ORGANIZATION, ALL_ORGANIZATIONS, APPROVER,", "ALL_REQUESTS"} {
		if !errorMatching(want).MatchString(out) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
}

// Credentials of an organization in the other region are unknown to this
// one's API: the error says the region may be wrong and names both.
func TestAccPortCredentialsOfTheOtherRegion(t *testing.T) {
	us := startPortWithService(t, fakeport.WithClient("us-client", "us-secret"))
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{entityStep(us, nil, errorMatching("Port Authentication Failed",
		"Port refused the client ID and client secret at "+us.URL(), "The region may be wrong",
		"https://api.port.io for an organization in the EU or https://api.us.port.io for one in the US"))}})
	if n := len(us.Entities("service")); n != 0 {
		t.Fatalf("%d entities written", n)
	}
}

// A wrong secret is one error, of the provider block, however many resources
// need Port: the provider signs in once, when it is configured.
func TestAccPortWrongSecretIsOneError(t *testing.T) {
	srv := startPort(t)
	tf := exampleCLI(t, "jsm-to-port", srv)
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	tf.environ = append(tf.environ, "PORT_CLIENT_SECRET=not-the-secret")
	tokens := srv.RequestCount("POST", "/v1/auth/access_token")
	out := tf.run([]int{1}, "plan", "-input=false", "-no-color")
	if n := strings.Count(out, "Error:"); n != 1 || !strings.Contains(out, "Error: Port Authentication Failed") ||
		!strings.Contains(out, "Signing in to Port failed") {
		t.Fatalf("a wrong secret with six resources that need Port gave %d errors, want one Port Authentication Failed:\n%s", n, out)
	}
	if n := srv.RequestCount("POST", "/v1/auth/access_token") - tokens; n != 1 {
		t.Errorf("the plan asked Port for a token %d times with a refused secret, want once", n)
	}
}

// A secret rotated while an apply runs: the token renewal is refused, the
// error says so, and nothing is written after it.
func TestAccPortSecretRotatedDuringApply(t *testing.T) {
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=1")
	srv := startPortWithService(t)
	srv.SetLatency(100 * time.Millisecond)
	const creates = "/v1/blueprints/{blueprint}/entities"
	var rotatedAt atomic.Int64
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if n := int64(srv.RequestCount("POST", creates)); n >= 3 && rotatedAt.Load() == 0 {
				srv.RotateClientSecret("rotated-secret")
				srv.ExpireTokens()
				rotatedAt.Store(n)
			}
		}
	}()
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/entities_many.tf"),
		ConfigVariables: portVariables(srv),
		ExpectError: errorMatching("Port Credentials Changed During The Run", "when the access token was renewed",
			"after it had accepted them earlier in this run", "set the new secret in port.client_secret"),
	}}})
	if r := rotatedAt.Load(); r == 0 || r >= 12 {
		t.Fatalf("the secret was rotated after create %d: not in the middle of the apply", r)
	}
	if n, r := len(srv.Entities("service")), int(rotatedAt.Load()); n > r {
		t.Fatalf("%d entities landed, but only %d creates were sent before the rotation", n, r)
	}
}

// A role that may not write the blueprint: Port's 403 names it.
func TestAccPortNoWritePermission(t *testing.T) {
	srv := startPortWithService(t)
	srv.DenyEntityWrites("service")
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{entityStep(srv, nil, errorMatching("Port Permission Denied",
		"HTTP 403", `on the blueprint "service"`, "give it permission in Port"))}})
	if n := len(srv.Entities("service")); n != 0 {
		t.Fatalf("%d entities written", n)
	}
}
