package releasetest

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installFromMirrors does what the README's Installation section tells a
// user without registry access: scripts/provider-mirror.sh files the release
// into a mirror directory, which terraform init then installs from, once as a
// filesystem_mirror and once served over HTTPS as a network_mirror. Every
// proxy points at a closed port (loopback is never proxied), so init succeeds
// only if it needs nothing but the mirror.
func installFromMirrors(t *testing.T, dist, version string) {
	t.Helper()
	work := t.TempDir()
	mirror := filepath.Join(work, "mirror")
	script, err := filepath.Abs(filepath.Join(repoRoot, "scripts", "provider-mirror.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(script, dist, mirror).CombinedOutput(); err != nil {
		t.Fatalf("scripts/provider-mirror.sh: %v\n%s", err, out)
	}

	t.Run("filesystem_mirror", func(t *testing.T) {
		installWith(t, version, fmt.Sprintf("filesystem_mirror {\n    path    = %q", filepath.ToSlash(mirror)), nil)
	})
	t.Run("network_mirror", func(t *testing.T) {
		server := httptest.NewTLSServer(http.FileServer(http.Dir(mirror)))
		defer server.Close()
		certFile := filepath.Join(t.TempDir(), "mirror.pem")
		cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})
		writeFile(t, certFile, string(cert))
		installWith(t, version, fmt.Sprintf("network_mirror {\n    url     = %q", server.URL+"/"), []string{"SSL_CERT_FILE=" + certFile})
	})
}

// installWith runs terraform init for a configuration requiring this
// version of the provider, with a CLI configuration whose only installation
// method for it is method, then checks the lock file and that the installed
// provider starts.
func installWith(t *testing.T, version, method string, extraEnv []string) {
	t.Helper()
	work := t.TempDir()
	cliConfig := filepath.Join(work, "mirror.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  %s
    include = [%[2]q]
  }
  direct {
    exclude = [%[2]q]
  }
}
`, method, address))
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
	env = append(env, extraEnv...)
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
