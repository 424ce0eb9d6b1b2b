package provider

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// terraformCLI runs the Terraform CLI that the acceptance tests use, with the
// provider built from this repository installed through dev_overrides, the
// way a user runs it.
type terraformCLI struct {
	t       *testing.T
	bin     string
	dir     string
	environ []string
}

func newTerraformCLI(t *testing.T, config string, env map[string]string) *terraformCLI {
	t.Helper()
	c := newTerraformCLIWithout(t, env)
	if err := copyConfig(c.dir, config); err != nil {
		t.Fatal(err)
	}
	// The testdata configurations leave the source out, as
	// terraform-plugin-testing wants; a user's names the provider.
	versions := "terraform {\n  required_providers {\n    portjsm = { source = \"portjsm/portjsm\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(c.dir, "versions.tf"), []byte(versions), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// copyConfig copies a configuration directory, or one file as main.tf, into
// dir.
func copyConfig(dir, config string) error {
	info, err := os.Stat(config)
	if err != nil || info.IsDir() {
		return os.CopyFS(dir, os.DirFS(config))
	}
	src, err := os.ReadFile(config)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o600)
}

// newTerraformCLIWithout prepares the CLI with an empty working directory.
// Both the registry address users write and the one a configuration without
// required_providers implies are overridden.
func newTerraformCLIWithout(t *testing.T, env map[string]string) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("tests that run the Terraform CLI run with TF_ACC=1, as make acc sets it")
	}
	bin := terraformBinary(t)
	work := t.TempDir()
	plugins := filepath.Join(work, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-portjsm"), "github.com/portjsm/terraform-provider-portjsm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(work, "terraformrc")
	rcText := "provider_installation {\n  dev_overrides {\n" +
		"    \"registry.terraform.io/portjsm/portjsm\" = \"" + plugins + "\"\n" +
		"    \"registry.terraform.io/hashicorp/portjsm\" = \"" + plugins + "\"\n" +
		// OpenTofu gives sources without a hostname its own registry's.
		"    \"registry.opentofu.org/portjsm/portjsm\" = \"" + plugins + "\"\n" +
		"    \"registry.opentofu.org/hashicorp/portjsm\" = \"" + plugins + "\"\n" +
		"  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "config")
	environ := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	return &terraformCLI{t: t, bin: bin, dir: dir, environ: environ}
}

// terraformBinary is the CLI the acceptance tests run, as
// terraform-plugin-testing finds it.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no Terraform CLI: set TF_ACC_TERRAFORM_PATH (make acc does) or put terraform on PATH")
	}
	return bin
}

// testedWithOpenTofu reports whether that CLI is OpenTofu.
func testedWithOpenTofu(t *testing.T) bool {
	t.Helper()
	out, err := exec.Command(terraformBinary(t), "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", terraformBinary(t), err)
	}
	return bytes.Contains(out, []byte("OpenTofu"))
}

// run runs a terraform command and returns its output; exit codes in ok
// are not failures.
func (c *terraformCLI) run(ok []int, args ...string) string {
	c.t.Helper()
	out, code := c.exec(args...)
	if !slices.Contains(ok, code) {
		c.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// exec runs a terraform command and returns its output and exit code.
func (c *terraformCLI) exec(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append([]string{"-chdir=" + c.dir}, args...)...)
	cmd.Env = c.environ
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if exitErr := (*exec.ExitError)(nil); !errors.As(err, &exitErr) {
			c.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		}
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// TestAccSyncPlanTextShowsTheChange applies the seed sync with the real CLI,
// changes one request's status in JSM and reads the plan as a user would:
// the diff inside entities_json names the entity and shows the new status,
// and nothing else changes.
func TestAccSyncPlanTextShowsTheChange(t *testing.T) {
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 27, Requests: 40})
	tenant := f.jsm.Tenant()
	tf := newTerraformCLI(t, f.configs["sync_mapping"], map[string]string{
		"TF_VAR_jsm_base_url": f.jsm.URL(), "TF_VAR_jsm_api_token": fakejsm.DefaultAPIToken, "TF_VAR_port_base_url": f.port.URL(),
	})
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	if out := tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Fatalf("the plan after the first sync is not empty:\n%s", out)
	}

	target := tenant.RequestIDs()[5]
	var before struct{ CurrentStatus struct{ Status string } }
	raw, _ := tenant.RequestJSON(target)
	mustUnmarshal(t, raw, &before)
	mustEdit(t, tenant.SetRequestStatus(target, "Escalated", "INDETERMINATE"))
	out := tf.run([]int{2}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	change := regexp.MustCompile(`(?s)~ "` + target + `" = \{.*~ status\s+= "` + regexp.QuoteMeta(before.CurrentStatus.Status) + `" -> "Escalated"`)
	if !change.MatchString(out) {
		t.Fatalf("the plan does not show request %s going from %q to \"Escalated\":\n%s", target, before.CurrentStatus.Status, out)
	}
	if !strings.Contains(out, "Plan: 0 to add, 1 to change, 0 to destroy.") || !regexp.MustCompile(`# \(\d+ unchanged attributes hidden\)`).MatchString(out) {
		t.Fatalf("the plan changes more than the one entity:\n%s", out)
	}
	tf.run([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
}
