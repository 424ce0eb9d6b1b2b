package provider

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// TestAccSecretsNeverLogged reads JSM at TF_LOG=TRACE, once successfully and
// once with a 500 that is retried, and checks that neither the API token nor
// the basic-auth header built from it reaches any log of Terraform or the
// provider.
func TestAccSecretsNeverLogged(t *testing.T) {
	const token = "very-secret-token-8c1f3e"
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 13}, fakejsm.WithBasicAuth(fakejsm.DefaultEmail, token))
	srv.FailRequests("/request", 500, 1)
	vars := jsmVariables(srv)
	vars["jsm_api_token"] = config.StringVariable(token)
	vars["max_retries"] = config.IntegerVariable(2)
	accTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/requests_with_retries.tf"),
		ConfigVariables: vars,
	}}})

	basic := base64.StdEncoding.EncodeToString([]byte(fakejsm.DefaultEmail + ":" + token))
	files, _ := filepath.Glob(filepath.Join(logDir, "*"))
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	logs := all.String()
	if !strings.Contains(logs, "JSM request") || !strings.Contains(logs, "retrying JSM request") {
		t.Fatalf("the provider's request logs were not captured (%d files, %d bytes): the test proves nothing", len(files), len(logs))
	}
	for _, secret := range []string{token, basic} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret reached the logs: %q", secret)
		}
	}
}
