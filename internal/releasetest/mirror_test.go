package releasetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installFromFilesystemMirror does what the README's Installation section
// tells a user without registry access: put the release archive as it is in a
// filesystem_mirror (the "packed" layout HOSTNAME/NAMESPACE/TYPE/archive.zip),
// point a CLI configuration at it, and run terraform init. Every proxy points
// at a closed port, so init succeeds only if it needs no network.
func installFromFilesystemMirror(t *testing.T, archive, version string) {
	t.Helper()
	work := t.TempDir()
	mirror := filepath.Join(work, "mirror")
	packed := filepath.Join(mirror, filepath.FromSlash(address))
	if err := os.MkdirAll(packed, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(packed, filepath.Base(archive)), data, 0o644); err != nil {
		t.Fatal(err)
	}

	cliConfig := filepath.Join(work, "mirror.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
}
`, filepath.ToSlash(mirror), address))
	config := filepath.Join(work, "config")
	writeFile(t, filepath.Join(config, "main.tf"), fmt.Sprintf(`terraform {
  required_providers {
    portjsm = {
      source  = "portjsm/portjsm"
      version = %q
    }
  }
}
`, version))

	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "TF_PLUGIN_CACHE_DIR=", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=", "https_proxy=", "http_proxy=", "no_proxy=")
	terraformRun(t, config, env, "init", "-input=false", "-no-color")

	lock, err := os.ReadFile(filepath.Join(config, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lock), fmt.Sprintf("provider %q", address)) ||
		!strings.Contains(string(lock), fmt.Sprintf("version     = %q", version)) {
		t.Errorf("the lock file does not record %s %s:\n%s", address, version, lock)
	}

	var schemas struct {
		ProviderSchemas map[string]json.RawMessage `json:"provider_schemas"`
	}
	out := terraformRun(t, config, env, "providers", "schema", "-json")
	if err := json.Unmarshal([]byte(out), &schemas); err != nil {
		t.Fatalf("terraform providers schema -json: %v\n%s", err, out)
	}
	if _, ok := schemas.ProviderSchemas[address]; !ok {
		t.Errorf("the provider installed from the mirror did not start and report its schema: %s", out)
	}
}

// terraformRun runs the Terraform CLI the acceptance tests use
// (TF_ACC_TERRAFORM_PATH, as make sets it, else terraform on PATH).
func terraformRun(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no Terraform CLI: set TF_ACC_TERRAFORM_PATH (make release-check does) or put terraform on PATH")
		}
	}
	cmd := exec.Command(bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
