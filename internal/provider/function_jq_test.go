package provider

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccJQFunction(t *testing.T) {
	t.Setenv("PORT_CLIENT_SECRET", "must-not-be-readable")
	accTest(t, resource.TestCase{
		// Provider-defined functions arrived in Terraform 1.8.
		TerraformVersionChecks: providerFunctions,
		Steps: []resource.TestStep{
			{
				ConfigFile: config.StaticFile("testdata/function_jq.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("summary", knownvalue.StringExact("VPN drops every hour")),
					statecheck.ExpectKnownOutputValue("object", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"key": knownvalue.StringExact("IT-1"), "status": knownvalue.StringExact("In progress"), "next": knownvalue.Int64Exact(42),
					})),
					statecheck.ExpectKnownOutputValue("no_result", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("no_environment", knownvalue.Int64Exact(0)),
				},
			},
			{
				ConfigFile:  config.StaticFile("testdata/function_jq_error.tf"),
				ExpectError: errorMatching(`The JQ expression ".a | tostring | tonumber | .[0]" failed`),
			},
			{
				ConfigFile:  config.StaticFile("testdata/function_jq_parse_error.tf"),
				ExpectError: errorMatching("does not parse", "offset"),
			},
		}})
}

// TestAccJQFunctionStopsAtTheTimeLimit calls the function with a recursion
// that never returns: the default limit ends it, and the error names the
// environment variable that raises it (Terraform calls functions without
// the provider's configuration).
func TestAccJQFunctionStopsAtTheTimeLimit(t *testing.T) {
	accParallelTest(t, resource.TestCase{TerraformVersionChecks: providerFunctions, Steps: []resource.TestStep{{
		ConfigFile: config.StaticFile("testdata/function_jq_runaway.tf"),
		ExpectError: errorMatching(`The JQ expression "def f: f; f" ran longer than its time limit of 5s`,
			"environment variable PORTJSM_JQ_ITEM_TIMEOUT"),
	}}})
}

func TestAccJQFunctionLimitFromEnvironment(t *testing.T) {
	t.Setenv(envJQItemTimeout, "250ms")
	accTest(t, resource.TestCase{TerraformVersionChecks: providerFunctions, Steps: []resource.TestStep{{
		ConfigFile:  config.StaticFile("testdata/function_jq_runaway.tf"),
		ExpectError: errorMatching("time limit of 250ms", "PORTJSM_JQ_ITEM_TIMEOUT"),
	}}})
}

// TestAccJQFunctionSyntaxFailsBeforeAnyRead gives a constant expression with
// a syntax error a value that is not known until a data source is read: the
// expression must fail validation before any request reaches JSM.
//
// OpenTofu does not call provider functions during validate (it stands an
// unknown placeholder in for them: internal/tofu/context_functions.go), so
// there the same error comes at plan, once the data source is read; the
// function's description says so.
func TestAccJQFunctionSyntaxFailsBeforeAnyRead(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 17})
	accParallelTest(t, resource.TestCase{TerraformVersionChecks: providerFunctions, Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/function_jq_syntax_error_unknown_value.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError:     errorMatching(`expression: the JQ expression "map(.projectKey" does not parse`, "line 1, column"),
	}}})
	counts := srv.RequestCounts()
	if testedWithOpenTofu(t) {
		delete(counts, "GET /rest/servicedeskapi/servicedesk")
	}
	if len(counts) != 0 {
		t.Errorf("a configuration that does not validate reached JSM: %v", counts)
	}
}

// TestAccJQFunctionStopsOnCtrlC runs terraform plan with the built provider
// on a jq() call that never returns, with the time limit raised to an hour,
// and sends SIGINT to Terraform's process group, as a terminal's Ctrl-C
// does, once the provider is in the call. Terraform does not cancel a
// function call; the provider stops it on its own SIGINT.
func TestAccJQFunctionStopsOnCtrlC(t *testing.T) {
	out := interruptPlan(t, "testdata/function_jq_runaway.tf", map[string]string{envJQItemTimeout: "1h"}, "Function Run", true)
	if !strings.Contains(out, `"def f: f; f" was stopped: the provider received an interrupt (Ctrl-C)`) {
		t.Errorf("the output does not say the call was interrupted:\n%s", out)
	}
}

// interruptPlan runs terraform plan on one configuration file with the
// built provider, waits until the provider logs that it calls the given
// method ("Function Run", "DataSource Read"), then sends SIGINT to
// Terraform alone (as a CI runner's cancel does) or to its process group
// (as a terminal's Ctrl-C does). It fails unless Terraform exits within
// 30 s, and returns the output with its line breaks folded.
func interruptPlan(t *testing.T, configFile string, env map[string]string, method string, group bool) string {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	env["TF_LOG_PROVIDER"], env["TF_LOG_PATH"] = "TRACE", logPath
	tf := newTerraformCLIWithout(t, env)
	if err := os.MkdirAll(tf.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(configFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tf.bin, "-chdir="+tf.dir, "plan", "-input=false", "-no-color")
	cmd.Env = tf.environ
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // the exit status is the output's to explain
		close(exited)
	}()
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()

	marker := []byte("Calling provider defined " + method)
	inCall := func() bool {
		log, _ := os.ReadFile(logPath)
		return bytes.Contains(log, marker)
	}
	for deadline := time.Now().Add(2 * time.Minute); !inCall(); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("terraform ended before the provider called %s:\n%s", method, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the provider never called %s:\n%s", method, out.String())
		}
	}
	// The method has begun; let it reach its endless JQ past any request
	// it makes first.
	time.Sleep(300 * time.Millisecond)
	target := cmd.Process.Pid
	if group {
		target = -target
	}
	if err := syscall.Kill(target, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("terraform was still running 30 s after Ctrl-C:\n%s", out.String())
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

// providerFunctions skips a test on Terraform before 1.8, which has no
// provider functions.
var providerFunctions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}
