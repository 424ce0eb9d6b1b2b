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

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

func TestAccJQFunction(t *testing.T) {
	t.Setenv("PORT_CLIENT_SECRET", "must-not-be-readable")
	resource.Test(t, resource.TestCase{Steps: []resource.TestStep{
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/function_jq.tf"),
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
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/function_jq_error.tf"),
			ExpectError:              errorMatching(`The JQ expression ".a | tostring | tonumber | .[0]" failed`),
		},
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigFile:               config.StaticFile("testdata/function_jq_parse_error.tf"),
			ExpectError:              errorMatching("does not parse", "offset"),
		},
	}})
}

// TestAccJQFunctionStopsAtTheTimeLimit calls the function with a recursion
// that never returns: the default limit ends it, and the error names the
// environment variable that raises it (Terraform calls functions without
// the provider's configuration).
func TestAccJQFunctionStopsAtTheTimeLimit(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigFile:               config.StaticFile("testdata/function_jq_runaway.tf"),
		ExpectError: errorMatching(`The JQ expression "def f: f; f" ran longer than its time limit of 1s`,
			"environment variable PORTJSM_JQ_ITEM_TIMEOUT"),
	}}})
}

func TestAccJQFunctionLimitFromEnvironment(t *testing.T) {
	t.Setenv(envJQItemTimeout, "250ms")
	resource.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigFile:               config.StaticFile("testdata/function_jq_runaway.tf"),
		ExpectError:              errorMatching("time limit of 250ms", "PORTJSM_JQ_ITEM_TIMEOUT"),
	}}})
}

// TestAccJQFunctionSyntaxFailsBeforeAnyRead gives a constant expression with
// a syntax error a value that is not known until a data source is read: the
// expression must fail validation before any request reaches JSM.
func TestAccJQFunctionSyntaxFailsBeforeAnyRead(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 17})
	resource.ParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigFile:               config.StaticFile("testdata/function_jq_syntax_error_unknown_value.tf"),
		ConfigVariables:          jsmVariables(srv),
		ExpectError:              errorMatching(`expression: the JQ expression "map(.projectKey" does not parse`, "line 1, column"),
	}}})
	if counts := srv.RequestCounts(); len(counts) != 0 {
		t.Errorf("a configuration that does not validate reached JSM: %v", counts)
	}
}

// TestAccJQFunctionStopsOnCtrlC runs terraform plan with the built provider
// on a jq() call that never returns, with the time limit raised to an hour,
// and sends SIGINT to Terraform's process group, as a terminal's Ctrl-C
// does, once the provider is in the call. Terraform does not cancel a
// function call; the provider stops it on its own SIGINT.
func TestAccJQFunctionStopsOnCtrlC(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	tf := newTerraformCLIWithout(t, map[string]string{envJQItemTimeout: "1h", "TF_LOG_PROVIDER": "TRACE", "TF_LOG_PATH": logPath})
	if err := os.MkdirAll(tf.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/function_jq_runaway.tf")
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
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()

	inCall := func() bool {
		log, _ := os.ReadFile(logPath)
		return bytes.Contains(log, []byte("Calling provider defined Function Run"))
	}
	for deadline := time.Now().Add(2 * time.Minute); !inCall(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the provider never started the function call:\n%s", out.String())
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		log, _ := os.ReadFile(logPath)
		t.Fatalf("terraform was still running 30 s after Ctrl-C:\n%s\nLOG:\n%s", out.String(), log)
	}
	if text := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(text, `"def f: f; f" was stopped: the provider received an interrupt (Ctrl-C)`) {
		t.Errorf("the output does not say the call was interrupted:\n%s", out.String())
	}
}
