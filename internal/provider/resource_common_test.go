package provider

import (
	"fmt"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// startPortWithService starts a fake Port holding a "service" blueprint with
// a number property and an "owner" relation to a "squad" blueprint.
func startPortWithService(t *testing.T, opts ...fakeport.Option) *fakeport.Server {
	t.Helper()
	srv := startPort(t, opts...)
	mustEdit(t, srv.PutBlueprint(map[string]any{"identifier": "squad", "title": "Squad", "schema": map[string]any{"properties": map[string]any{}}}))
	mustEdit(t, srv.PutBlueprint(map[string]any{
		"identifier": "service", "title": "Service",
		"schema":    map[string]any{"properties": map[string]any{"version": map[string]any{"type": "number"}}},
		"relations": map[string]any{"owner": map[string]any{"target": "squad", "required": false, "many": false}},
	}))
	return srv
}

func entityStep(srv *fakeport.Server, vars config.Variables, expect *regexp.Regexp) resource.TestStep {
	all := portVariables(srv)
	for k, v := range vars {
		all[k] = v
	}
	return resource.TestStep{
		ConfigFile:      config.StaticFile("testdata/entity_single.tf"),
		ConfigVariables: all,
		ExpectError:     expect,
	}
}

// portJudges turns the plan's schema check off, for the cases that show
// how Port's own refusal during the apply reads.
var portJudges = config.BoolVariable(false)

func TestAccPortBadInput(t *testing.T) {
	cases := map[string]struct {
		vars   config.Variables
		expect *regexp.Regexp
	}{
		"wrong client secret": {
			config.Variables{"client_secret": config.StringVariable("not-the-secret")},
			errorMatching("Port Authentication Failed", "Port refused the client ID and client secret", "port.client_secret (PORT_CLIENT_SECRET)"),
		},
		"property of the wrong type": {
			config.Variables{"properties": config.ObjectVariable(map[string]config.Variable{"version": config.StringVariable("one")}), "check_schema": portJudges},
			errorMatching("Port Rejected The Request", "HTTP 422", `property "version" must be number`),
		},
		"relation to a missing entity": {
			config.Variables{"relations": config.ObjectVariable(map[string]config.Variable{"owner": config.StringVariable("nobody")})},
			errorMatching("Port Resource Not Found", `Related entity "nobody"`, "create it first"),
		},
		"unknown blueprint": {
			config.Variables{"blueprint": config.StringVariable("nope")},
			errorMatching("Blueprint Not Found", `Port has no blueprint "nope"`, "portjsm_blueprint.example.identifier"),
		},
		"identifier Port rejects": {
			config.Variables{"identifier": config.StringVariable("has spaces"), "check_schema": portJudges},
			errorMatching("Port Rejected The Request", "HTTP 422", `identifier "has spaces" must match pattern`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := startPortWithService(t)
			accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{entityStep(srv, tc.vars, tc.expect)}})
			if n := len(srv.Entities("service")); n != 0 {
				t.Fatalf("a failed create left %d entities", n)
			}
		})
	}
}

func TestAccPortMissingConfiguration(t *testing.T) {
	for _, v := range []string{"PORT_CLIENT_ID", "PORT_CLIENT_SECRET", "PORT_BASE_URL"} {
		t.Setenv(v, "")
	}
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:  config.StaticFile("testdata/no_port_block.tf"),
		ExpectError: errorMatching("Missing Port Configuration", "port.client_id (environment variable PORT_CLIENT_ID) is not set"),
	}}})
}

// TestAccPortTokenExpiresDuringApply creates entities one at a time, slowly
// enough that the two-second tokens are replaced during the apply, and on top
// expires every token after the 4th create and revokes every token after the
// 8th, so that both the refresh before expiry and the refresh after a 401 are
// exercised. The apply must still succeed.
func TestAccPortTokenExpiresDuringApply(t *testing.T) {
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=1")
	srv := startPortWithService(t, fakeport.WithTokenTTL(2*time.Second))
	srv.SetLatency(150 * time.Millisecond)
	const creates = "/v1/blueprints/{blueprint}/entities"
	var expiredAt, revokedAt atomic.Int64
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			n := int64(srv.RequestCount("POST", creates))
			if n >= 4 && expiredAt.Load() == 0 {
				srv.ExpireTokens()
				expiredAt.Store(n)
			}
			if n >= 8 && revokedAt.Load() == 0 {
				srv.RevokeTokens()
				revokedAt.Store(n)
			}
		}
	}()
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/entities_many.tf"),
		ConfigVariables: portVariables(srv),
		Check: func(*terraform.State) error {
			if n := len(srv.Entities("service")); n != 12 {
				t.Errorf("%d of 12 entities landed", n)
			}
			return nil
		},
	}}})
	if e, r := expiredAt.Load(), revokedAt.Load(); e == 0 || e >= 12 || r == 0 || r >= 12 {
		t.Fatalf("tokens were expired after create %d and revoked after create %d: not in the middle of the apply", e, r)
	}
	if n := srv.RequestCount("POST", "/v1/auth/access_token"); n < 4 {
		t.Fatalf("%d token requests: expiry and revocation did not both lead to a refresh", n)
	}
}

func TestAccPortSettingsFromEnvironment(t *testing.T) {
	srv := startPortWithService(t)
	t.Setenv("PORT_BASE_URL", srv.URL())
	t.Setenv("PORT_CLIENT_ID", "test-client")
	t.Setenv("PORT_CLIENT_SECRET", "test-secret")
	t.Setenv("PORT_REQUESTS_PER_SECOND", "50")
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile: config.StaticFile("testdata/no_port_block.tf"),
		Check: func(*terraform.State) error {
			if _, ok := srv.Entity("service", "api"); !ok {
				return fmt.Errorf("the entity was not created with the settings from the environment")
			}
			return nil
		},
	}}})
}

func TestAccPortInvalidEnvironment(t *testing.T) {
	t.Setenv("PORT_CLIENT_ID", "test-client")
	t.Setenv("PORT_CLIENT_SECRET", "test-secret")
	t.Setenv("PORT_CONCURRENCY", "many")
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:  config.StaticFile("testdata/no_port_block.tf"),
		ExpectError: errorMatching("Invalid Environment Variable", `PORT_CONCURRENCY is "many"`, "from 1 to 32"),
	}}})
}
